package dev.corral.server.quorum;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the {@link ElectionHandshake} at the start of an accepted election connection and then steps
 * aside for the {@link ElectionFrameDecoder} (bytes already received after the handshake pass on to it).
 * A malformed handshake throws, which closes the connection. Reads nothing until the whole handshake
 * is there, so its buffering is bounded by the 2,048-byte address limit.
 *
 * <p>With quorum SASL on, the handshake is held back: the decoder steps aside for the handler that
 * {@code authentication} makes of it ({@link QuorumAuthHandler}), which hands the handshake on once the peer
 * has passed, so that no notification is exchanged with a peer that has not.
 */
final class ElectionHandshakeDecoder extends ByteToMessageDecoder {
    /** The authentication that follows a handshake, or null when none does. */
    private final Function<ElectionHandshake, ChannelHandler> authentication;

    ElectionHandshakeDecoder() {
        this(null);
    }

    ElectionHandshakeDecoder(Function<ElectionHandshake, ChannelHandler> authentication) {
        this.authentication = authentication;
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        try {
            decodeHandshake(context, in, out);
        } catch (RuntimeException e) {
            // Discard the rest, or decoding it again when the channel closes would throw a second time.
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeHandshake(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 8) {
            return;
        }
        long first = in.getLong(in.readerIndex());
        ElectionHandshake handshake;
        if (first >= 0) {
            // ZooKeeper before 3.5 sent only its id; QuorumCnxManager#handleConnection still accepts that.
            in.skipBytes(8);
            handshake = new ElectionHandshake(first, List.of());
        } else {
            ElectionHandshake.checkVersion(first);
            if (in.readableBytes() < 8 + 8 + 4) {
                return;
            }
            long serverId = in.getLong(in.readerIndex() + 8);
            int length = in.getInt(in.readerIndex() + 16);
            ElectionHandshake.checkAddressLength(length);
            if (in.readableBytes() < 8 + 8 + 4 + length) {
                return;
            }
            in.skipBytes(20);
            String text = in.readCharSequence(length, StandardCharsets.UTF_8).toString();
            handshake = ElectionHandshake.parse(serverId, text);
        }
        if (authentication != null) {
            context.pipeline().replace(this, "auth", authentication.apply(handshake));
            return;
        }
        out.add(handshake);
        context.pipeline().replace(this, "frames", new ElectionFrameDecoder());
    }
}
