package dev.corral.storage;

import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * One read-only walk over one segment file in {@link LogRecords}' format: the one place that parses
 * it, for recovery ({@link TxnLog}) and for readers ({@link LogScanner}).
 *
 * <p>The walk checks every record's length and CRC and stops at the first invalid one, recording why
 * and where in {@link #problem} and {@link #offset}; the caller decides whether that is a torn tail (the
 * last segment) or corruption (any earlier one). Zxid order is checked as records go: the first record
 * has the zxid the file's name carries and follows the zxid before the segment, and each later one
 * follows its predecessor ({@link Zxid#follows}); a break is an error at once, naming file and offset.
 * The file is memory-mapped, so the zero-filled preallocated tail is not read beyond a bounded window.
 */
final class SegmentScan {
    /** How far past the end marker a torn write is looked for: a torn write lands right after the last record. */
    private static final int TAIL_CHECK_BYTES = 1 << 20;

    /** Sees one valid record; returns false to stop the walk after it. */
    @FunctionalInterface
    interface RecordConsumer {
        boolean accept(ByteBuffer file, int payloadOffset, int length, int offset, long zxid) throws StorageException;
    }

    private final LogSegment segment;
    /** Where the walk stopped: the end of the valid records, or the start of the record it stopped before. */
    int offset;
    int count;
    /** The zxid of the last valid record walked, in this segment or (before the first) the one given. */
    long lastZxid;
    /** Why the valid records end at {@link #offset}, or null when they simply end (or the consumer stopped). */
    String problem;

    SegmentScan(LogSegment segment) {
        this.segment = segment;
    }

    /**
     * Walks the records in order, handing each valid one to {@code consumer}. {@code previous} is the zxid
     * the segment must continue, or 0 if it is not known (the first segment read). Returns false if the
     * consumer stopped the walk.
     */
    boolean run(long previous, RecordConsumer consumer) throws StorageException {
        ByteBuffer buffer = map();
        lastZxid = previous;
        int limit = buffer.limit();
        if (limit < LogRecords.HEADER_BYTES) {
            problem = "file shorter than its header";
            return true;
        }
        if (buffer.getInt(0) != LogRecords.MAGIC) {
            problem = "bad magic in header";
            return true;
        }
        if (buffer.getInt(4) != LogRecords.VERSION) {
            // A whole header of another version is no torn write: repairing it would delete the log.
            throw new StorageException("log file " + segment.path() + " is in log format version " + buffer.getInt(4)
                    + " but this Corral reads version " + LogRecords.VERSION + " only (ZooKeeper's txn encoding); "
                    + "version 1 logs were written before Corral took that encoding and cannot be read by it");
        }
        offset = LogRecords.HEADER_BYTES;
        while (offset + LogRecords.RECORD_OVERHEAD <= limit) {
            int length = buffer.getInt(offset);
            if (length == 0) {
                problem = nonZeroAfter(buffer, offset);
                return true;
            }
            if (length < 0 || length > LogRecords.MAX_PAYLOAD || (long) offset + LogRecords.RECORD_OVERHEAD + length > limit) {
                problem = "record length " + length + " runs past the end of the file";
                return true;
            }
            int payloadOffset = offset + LogRecords.RECORD_OVERHEAD;
            if (LogRecords.crc(buffer, payloadOffset, length) != buffer.getInt(offset + 4)) {
                problem = "CRC mismatch";
                return true;
            }
            long zxid = LogRecords.zxidOf(buffer, payloadOffset, length);
            checkOrder(zxid);
            boolean go = consumer.accept(buffer, payloadOffset, length, offset, zxid);
            lastZxid = zxid;
            count++;
            offset = payloadOffset + length;
            if (!go) {
                return false;
            }
        }
        if (nonZeroAfter(buffer, offset) != null) {
            problem = "partial record header at the end";
        }
        return true;
    }

    private void checkOrder(long zxid) throws StorageException {
        boolean inOrder = count == 0 ? zxid == segment.firstZxid() && (lastZxid == 0 || Zxid.follows(lastZxid, zxid))
                : Zxid.follows(lastZxid, zxid);
        if (!inOrder) {
            throw new StorageException("log file " + segment.path() + " has zxid " + Zxid.hex(zxid) + " at offset " + offset
                    + (count == 0 && zxid != segment.firstZxid() ? " but its name says " + Zxid.hex(segment.firstZxid())
                            : " after " + Zxid.hex(lastZxid)) + ": a gap or reordering in the log");
        }
    }

    private ByteBuffer map() throws StorageException {
        try (FileChannel file = FileChannel.open(segment.path(), StandardOpenOption.READ)) {
            long size = file.size();
            if (size > Integer.MAX_VALUE) {
                throw new StorageException("log file " + segment.path() + " is larger than 2 GiB, more than a segment can be");
            }
            return file.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("cannot read log file " + segment.path() + ": " + e, e);
        }
    }

    /** After the end marker only zeros may follow; anything else is a torn write beyond it. */
    private static String nonZeroAfter(ByteBuffer buffer, int from) {
        int end = (int) Math.min(buffer.limit(), (long) from + TAIL_CHECK_BYTES);
        for (int i = from; i < end; i++) {
            if (buffer.get(i) != 0) {
                return "non-zero bytes after the end of the records, from offset " + i;
            }
        }
        return null;
    }
}
