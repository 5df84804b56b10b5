package dev.corral.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the client byte stream into frames: a 4-byte big-endian length, then that many bytes. A length
 * below 0 or above jute.maxbuffer closes the connection, as ZooKeeper's {@code NIOServerCnxn#readLength}
 * does ("Len error"). On a new connection the first four bytes may instead be a four-letter word.
 */
final class ClientFrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ClientFrameDecoder.class);

    /** A four-letter word read in place of the first frame length. */
    record FourLetterWord(String word) {}

    private final int maxBufferBytes;
    private boolean first = true;
    private boolean failed;

    ClientFrameDecoder(int maxBufferBytes) {
        this.maxBufferBytes = maxBufferBytes;
    }

    /**
     * Whether a frame length is refused, for both kinds of client port: below 0 or above jute.maxbuffer,
     * which closes the connection (logged), as ZooKeeper's {@code NIOServerCnxn#readLength} does ("Len error").
     */
    static boolean refused(int length, int maxBufferBytes, Object remote) {
        if (length >= 0 && length <= maxBufferBytes) {
            return false;
        }
        LOG.warn("Closing connection from {}: frame length {} is outside [0, jute.maxbuffer={}]", remote, length, maxBufferBytes);
        return true;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.readableBytes() >= 4) {
            int length = in.getInt(in.readerIndex());
            if (first) {
                first = false;
                String word = FourLetterWords.commandOf(length);
                if (word != null) {
                    in.skipBytes(in.readableBytes());
                    failed = true;
                    out.add(new FourLetterWord(word));
                    return;
                }
            }
            if (refused(length, maxBufferBytes, ctx.channel().remoteAddress())) {
                failed = true;
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            byte[] frame = new byte[length];
            in.readBytes(frame);
            out.add(frame);
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }
}
