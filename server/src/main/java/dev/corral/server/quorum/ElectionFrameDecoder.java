package dev.corral.server.quorum;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Splits an election connection into notification frames: {@code frame = int length, length bytes},
 * with {@code 0 < length <= 512 KiB} as ZooKeeper 3.9.5's RecvWorker requires (QuorumCnxManager
 * PACKETMAXSIZE; a length outside it breaks the connection there too). Emits each frame's bytes as a
 * {@code byte[]}; a bad length throws, which closes the connection, before any of its bytes are buffered.
 */
final class ElectionFrameDecoder extends ByteToMessageDecoder {
    /** QuorumCnxManager.PACKETMAXSIZE. */
    static final int FRAME_BYTES_MAX = 512 * 1024;

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int length = in.getInt(in.readerIndex());
            if (length <= 0 || length > FRAME_BYTES_MAX) {
                // Discard the rest, or decoding it again when the channel closes would throw a second time.
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("election frame of length " + length + ", not in 1.." + FRAME_BYTES_MAX
                        + " (from " + context.channel().remoteAddress() + ")");
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            byte[] frame = new byte[length];
            in.readBytes(frame);
            out.add(frame);
        }
    }
}
