package dev.corral.server.quorum;

import dev.corral.zab.codec.LearnerStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Arrays;

/**
 * Splits a learner connection into frames ({@link LearnerStream}'s grammar: a QuorumPacket, and after a
 * SNAP its image and signature) and emits each frame's bytes as a {@code byte[]}. A length beyond the
 * stream's bounds throws {@link dev.corral.wire.MalformedRecordException} as soon as that length has
 * arrived, which closes this connection only, before its bytes are waited for.
 *
 * <p>Why its own buffer instead of Netty's ByteToMessageDecoder: the frame grammar is walked by
 * {@link LearnerStream#frameLength} over a byte array, and a SNAP frame can be large, so copying Netty's
 * cumulation into an array at each read would copy a large frame once per read. Here each byte is copied
 * once into the buffer and once into its frame. Invariant: {@code 0 <= start <= end <= buffer.length}, and
 * the buffer holds at most one frame plus one read beyond it.
 */
final class LearnerFrameDecoder extends ChannelInboundHandlerAdapter {
    private static final int INITIAL_BYTES = 8 * 1024;

    private final LearnerStream stream;
    private byte[] buffer = new byte[INITIAL_BYTES];
    private int start;
    private int end;
    /** A frame broke the grammar: the connection is closing, and nothing more is read. */
    private boolean broken;

    LearnerFrameDecoder(LearnerStream stream) {
        this.stream = stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (!(message instanceof ByteBuf in)) {
            context.fireChannelRead(message);
            return;
        }
        try {
            if (broken) {
                return; // bytes that were read before the connection closed
            }
            append(in);
        } finally {
            in.release();
        }
        while (end > start && context.channel().isOpen()) {
            int length;
            try {
                length = stream.frameLength(buffer, start, end - start);
            } catch (RuntimeException e) {
                broken = true;
                buffer = new byte[0];
                start = 0;
                end = 0;
                throw e;
            }
            if (length < 0) {
                break;
            }
            byte[] frame = Arrays.copyOfRange(buffer, start, start + length);
            start += length;
            context.fireChannelRead(frame);
        }
        if (start == end) {
            start = 0;
            end = 0;
            if (buffer.length > INITIAL_BYTES * 16) {
                buffer = new byte[INITIAL_BYTES]; // a large frame passed: do not keep its memory
            }
        }
    }

    private void append(ByteBuf in) {
        int count = in.readableBytes();
        if (end + count > buffer.length) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            if (end + count > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, end + count));
            }
        }
        in.readBytes(buffer, end, count);
        end += count;
    }
}
