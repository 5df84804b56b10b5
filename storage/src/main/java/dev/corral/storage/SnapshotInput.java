package dev.corral.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The body of a snapshot file (every byte before its 4-byte trailer) read in large chunks: big-endian ints,
 * longs and byte strings taken from one heap buffer that is refilled from the channel, with the CRC32C
 * updated a whole chunk at a time as it is loaded. It replaces a DataInputStream over a stack of filter
 * streams, which handed each byte through several layers and a one-byte CRC update: a 1,000,000-znode
 * (217 MB) snapshot read in 1.25 to 1.4 s that way, and in about 0.75 s with this reader, most of which
 * is now allocating the nodes. Nothing is mapped, so files past 2 GiB read like any other.
 *
 * <p>It decides nothing about the format: {@link SnapshotFile} checks each count and length against
 * {@link #remaining()} before it allocates, and turns an {@link EOFException} into "is truncated".
 */
final class SnapshotInput {
    /** The largest buffer one reader holds; a smaller body gets a buffer of its own size. */
    static final int CHUNK_BYTES = 1 << 20;
    /** The widest value read from the buffer in one piece: a long. */
    private static final int WIDEST = Long.BYTES;

    private final ReadableByteChannel channel;
    private final CRC32C crc = new CRC32C();
    /** Between reads in read mode: the bytes from position to limit are loaded and not yet handed out. */
    private final ByteBuffer buffer;
    // Invariant: bodyUnloaded + buffer.remaining() is exactly the number of body bytes not yet handed out,
    // and the CRC covers exactly the body bytes before those still unloaded.
    private long bodyUnloaded;

    /**
     * Reads the {@code bodyLength} bytes from the channel's current position with a buffer of at most
     * {@code chunkBytes} (tests pass a few bytes, so that every value straddles a refill somewhere).
     */
    SnapshotInput(ReadableByteChannel channel, long bodyLength, int chunkBytes) {
        if (chunkBytes < WIDEST || bodyLength < 0) {
            throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes for a body of " + bodyLength);
        }
        this.channel = channel;
        this.buffer = ByteBuffer.allocate((int) Math.max(WIDEST, Math.min(chunkBytes, bodyLength)));
        this.buffer.limit(0);
        this.bodyUnloaded = bodyLength;
    }

    /** The body bytes not yet read: what a count or length must fit in. */
    long remaining() {
        return bodyUnloaded + buffer.remaining();
    }

    /** The CRC32C of the body bytes loaded so far; of the whole body once {@link #remaining()} is 0. */
    int crc() {
        return (int) crc.getValue();
    }

    int readInt() throws IOException {
        require(Integer.BYTES);
        return buffer.getInt();
    }

    long readLong() throws IOException {
        require(Long.BYTES);
        return buffer.getLong();
    }

    /** Fills {@code bytes}, or throws EOFException if the body holds fewer. */
    void readFully(byte[] bytes) throws IOException {
        readFully(bytes, 0, bytes.length);
    }

    /** Fills {@code bytes[start, end)}, or throws EOFException if the body holds fewer. */
    void readFully(byte[] bytes, int start, int end) throws IOException {
        if (end - start > remaining()) {
            throw new EOFException("the body ends " + remaining() + " bytes into a value of " + (end - start));
        }
        int offset = start;
        while (offset < end) {
            if (!buffer.hasRemaining()) {
                int left = end - offset;
                if (left >= buffer.capacity()) {
                    // Too big for the buffer: straight into the array, without a copy through the buffer, one
                    // buffer's worth at a time, since the channel copies through a temporary direct buffer of
                    // the size of each read and keeps it for the thread.
                    offset += load(ByteBuffer.wrap(bytes, offset, buffer.capacity()));
                    continue;
                }
                require(1);
            }
            int taken = Math.min(buffer.remaining(), end - offset);
            buffer.get(bytes, offset, taken);
            offset += taken;
        }
    }

    /** A UTF-8 string of {@code length} bytes, decoded in place when the buffer can hold it whole. */
    String readUtf8(int length) throws IOException {
        if (length > buffer.capacity()) {
            byte[] bytes = new byte[length];
            readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        require(length);
        String text = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return text;
    }

    /**
     * Consumes the next {@code expected.length} bytes and returns true if they equal {@code expected};
     * otherwise consumes nothing and returns false. It lets a reader recognise a value it read just before
     * (the same ACL on node after node) without decoding it again.
     */
    boolean skipIfNext(byte[] expected) throws IOException {
        if (expected.length > buffer.capacity() || expected.length > remaining()) {
            return false;
        }
        require(expected.length);
        int at = buffer.arrayOffset() + buffer.position();
        if (!Arrays.equals(buffer.array(), at, at + expected.length, expected, 0, expected.length)) {
            return false;
        }
        buffer.position(buffer.position() + expected.length);
        return true;
    }

    /** The 4 bytes after the body, outside the CRC; only once the whole body has been read. */
    int readTrailer() throws IOException {
        if (remaining() != 0) {
            throw new IllegalStateException(remaining() + " body bytes unread before the trailer");
        }
        ByteBuffer trailer = ByteBuffer.allocate(Integer.BYTES);
        while (trailer.hasRemaining()) {
            if (channel.read(trailer) < 0) {
                throw new EOFException("the file ends inside its trailer");
            }
        }
        return trailer.getInt(0);
    }

    /**
     * Makes at least {@code bytes} (at most the buffer's capacity) loaded, or throws EOFException. The refill
     * is a method of its own so that the JIT inlines only this test into each of the dozen reads of a node:
     * with the refill inlined into each, the compiled node reader came to some 50 kB, whose compiling took
     * more CPU than a tenth of a million-znode restart's load (issue 16).
     */
    private void require(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            refill(bytes);
        }
    }

    private void refill(int bytes) throws IOException {
        if (remaining() < bytes) {
            throw new EOFException("the body ends " + remaining() + " bytes into a value of " + bytes);
        }
        buffer.compact();
        // Load as much as fits, not just what this value needs, so that refills stay rare.
        int wanted = (int) Math.min(buffer.remaining(), bodyUnloaded);
        buffer.limit(buffer.position() + wanted);
        while (buffer.hasRemaining()) {
            load(buffer);
        }
        buffer.flip();
    }

    /** Reads once from the channel into {@code target}, which never reaches past the body, and adds what came to the CRC. */
    private int load(ByteBuffer target) throws IOException {
        int start = target.position();
        int read = channel.read(target);
        if (read < 0) {
            throw new EOFException("the file ends " + bodyUnloaded + " bytes before its trailer");
        }
        crc.update(target.array(), target.arrayOffset() + start, read);
        bodyUnloaded -= read;
        return read;
    }
}
