package dev.corral.server.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Port unification (ZooKeeper's {@code client.portUnification}): the first byte a client sends tells a
 * TLS connection from a plain one, and this handler replaces itself with a TLS handler or simply leaves.
 * A TLS connection starts with a handshake record, type 22 (0x16); a plain ZooKeeper connection starts
 * with the length of its ConnectRequest, whose first byte is 0 for any frame under jute.maxbuffer, or with
 * a four-letter word's first letter, never 0x16. So one byte decides, where ZooKeeper's DualModeSslHandler
 * waits for five (and falls back to plain when fewer arrive whose first is not 0x16).
 */
public final class TlsSniffer extends ByteToMessageDecoder {
    static final byte TLS_HANDSHAKE_RECORD = 0x16;
    private final ReloadingTlsContext tls;

    public TlsSniffer(ReloadingTlsContext tls) {
        this.tls = tls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (in.getByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD) {
            // The buffered bytes go on to the TLS handler that takes this one's place (ByteToMessageDecoder
            // hands what it holds to the next handler when it is removed).
            ctx.pipeline().replace(this, "tls", tls.newHandler(ctx.alloc()));
        } else {
            ctx.pipeline().remove(this);
        }
    }
}
