package dev.corral.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * The writing half of {@link SnapshotInput}: big-endian ints, longs and byte strings put into one heap
 * buffer, whose whole content goes to the channel and into the CRC32C at once when it fills. It replaces a
 * DataOutputStream over a CheckedOutputStream over a BufferedOutputStream, which passed each int through
 * the stack one byte at a time and updated the CRC for every byte or every long: writing a
 * 915,000-znode snapshot cost 0.8 to 1.0 s of CPU that way, on the snapshot thread, beside a node loop
 * and a disk worker that share the same two cores while writes go on.
 *
 * <p>Written to a file, it forces what it wrote to the disk every {@link #SYNC_BYTES} bytes, so that the
 * snapshot's closing fsync finds little left to write. With one fsync at the end, the kernel wrote a
 * quarter-gigabyte snapshot to the disk in one go, and the log's fsyncs, which every write waits for,
 * queued behind it: up to 77 to 107 ms each on this machine's disk, against 8 to 56 ms with a force every
 * 2 to 4 MiB (an fsync-latency probe beside a 256 MiB snapshot write, issue 16's write stall).
 *
 * <p>Invariant: the CRC covers exactly the bytes handed to the channel so far; the buffer holds the bytes
 * written since, in write mode.
 */
final class SnapshotOutput {
    static final int BUFFER_BYTES = 1 << 16;
    static final long SYNC_BYTES = 2L << 20;

    private final WritableByteChannel channel;
    // The channel when it is a file, forced every SYNC_BYTES; null otherwise.
    private final FileChannel file;
    private long unsynced;
    private int syncs;
    private final ByteBuffer buffer;
    private final CRC32C crc = new CRC32C();

    SnapshotOutput(WritableByteChannel channel) {
        this(channel, BUFFER_BYTES);
    }

    /** With a buffer of {@code bufferBytes} (tests pass a few, so that values straddle a flush). */
    SnapshotOutput(WritableByteChannel channel, int bufferBytes) {
        this.channel = channel;
        this.file = channel instanceof FileChannel fileChannel ? fileChannel : null;
        this.buffer = ByteBuffer.allocate(Math.max(Long.BYTES, bufferBytes));
    }

    void writeInt(int value) throws IOException {
        room(Integer.BYTES);
        buffer.putInt(value);
    }

    void writeLong(long value) throws IOException {
        room(Long.BYTES);
        buffer.putLong(value);
    }

    /** The bytes as they are, with no length before them. */
    void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    /** {@code bytes[offset, offset + length)} as they are, with no length before them. */
    void write(byte[] bytes, int offset, int length) throws IOException {
        if (length <= buffer.remaining()) {
            buffer.put(bytes, offset, length);
            return;
        }
        flush();
        if (length < buffer.capacity()) {
            buffer.put(bytes, offset, length);
            return;
        }
        crc.update(bytes, offset, length);
        writeFully(ByteBuffer.wrap(bytes, offset, length));
    }

    /** Hands every buffered byte to the channel and to the CRC. */
    void flush() throws IOException {
        buffer.flip();
        crc.update(buffer.array(), buffer.arrayOffset(), buffer.limit());
        writeFully(buffer);
        buffer.clear();
    }

    /** Ends a snapshot: flushes, then writes the CRC32C of every byte before it, which no CRC covers. */
    void writeTrailer() throws IOException {
        flush();
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        unsynced += bytes.remaining();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        if (file != null && unsynced >= SYNC_BYTES) {
            file.force(false);
            unsynced = 0;
            syncs++;
        }
    }

    /** How many times the file was forced while being written (for tests). */
    int syncs() {
        return syncs;
    }
}
