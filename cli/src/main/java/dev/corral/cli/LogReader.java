package dev.corral.cli;

import dev.corral.storage.TxnLog;
import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.Zxid;
import dev.corral.wire.MalformedRecordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads the write-ahead log's segment files without changing them, for the {@code log} tool.
 *
 * <p>{@code dev.corral.storage.TxnLog} cannot serve here: opening it repairs the log (it truncates a torn
 * tail and removes unreadable segments) and opens the last segment for writing, which an inspection
 * tool must never do, least of all beside a running server that is appending to that segment. This
 * reader follows the same format and the same rules, read-only. The format, as
 * {@code dev.corral.storage.LogRecords} defines it:
 *
 * <pre>
 *   file     = "log." hex16(firstZxid) ".wal"
 *   segment  = header record* padding
 *   header   = magic:int("CRLW") version:int(2) firstZxid:long         ; 16 bytes
 *   record   = length:int crc:int payload{length}                     ; length in [1, 64 MiB]
 *   crc      = CRC32C of payload
 *   payload  = a txn entry as dev.corral.tree.TxnCodec writes it (zxid at TxnCodec.ZXID_OFFSET)
 *   padding  = zero bytes to the end of the preallocated file          ; length 0 marks the end
 * </pre>
 *
 * <p>Rules, as the server applies them on recovery: the first record of a segment has the zxid its
 * name carries and each later one follows its predecessor ({@link Zxid#follows}: the next counter in an
 * epoch, or counter 1 of a later epoch). An invalid record in the last segment ends the log there (a torn
 * tail, which the server truncates on its next start; a reader racing the server's appends may see one
 * too) and is reported as a {@link End#problem()}; in an earlier segment it is corruption, and so is a
 * gap in the zxids.
 */
final class LogReader {
    private static final int MAGIC = 0x43524C57;
    private static final int VERSION = 2;
    private static final int HEADER_BYTES = 16;
    private static final int RECORD_OVERHEAD = 8;
    private static final int MAX_PAYLOAD = 64 * 1024 * 1024;
    /** How far past the end marker a torn write is looked for; the server checks the same window. */
    private static final int TAIL_CHECK_BYTES = 1 << 20;

    private LogReader() {}

    /** One segment file and the zxid its name says its first record has. */
    record Segment(Path path, long firstZxid) {}

    /** One valid record: where it is, the size of its payload (the request as logged), and its txn. */
    record Record(Path file, long offset, int requestBytes, TxnEntry entry) {}

    /**
     * Where reading ended. {@code problem} is null when the log simply ends (or the visitor stopped);
     * otherwise it says why the record at {@code offset} of {@code file} ends the log.
     */
    record End(Path file, long offset, String problem) {}

    @FunctionalInterface
    interface Visitor {
        /** Sees one record; returns false to stop reading. */
        boolean visit(Record record);
    }

    /** The segment files in {@code dir}, oldest first. */
    static List<Segment> segmentsIn(Path dir) throws ToolFailure {
        List<Segment> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(path -> {
                long firstZxid = firstZxidOf(path.getFileName().toString());
                if (firstZxid >= 0) {
                    found.add(new Segment(path, firstZxid));
                }
            });
        } catch (IOException e) {
            throw new ToolFailure("cannot list log directory " + dir + ": " + e, e);
        }
        found.sort(Comparator.comparingLong(Segment::firstZxid));
        return found;
    }

    /** The segment a single file is, if its name is a segment's. */
    static Segment segmentOf(Path file) throws ToolFailure {
        long firstZxid = firstZxidOf(file.getFileName().toString());
        if (firstZxid < 0) {
            throw new ToolFailure("log file " + file + " is not named like a log segment (log.<16 hex digits>.wal)");
        }
        return new Segment(file, firstZxid);
    }

    /** The first zxid a segment file's name carries, or -1 if it is not a segment's name. */
    static long firstZxidOf(String fileName) {
        return TxnLog.firstZxidOfSegment(fileName);
    }

    /**
     * Shows {@code visitor} every valid record with a zxid of at least {@code fromZxid}, oldest first,
     * skipping the segments that end before it. Corruption before the last segment, or a gap, fails.
     */
    static End read(List<Segment> segments, long fromZxid, Visitor visitor) throws ToolFailure {
        long previous = 0;
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            boolean last = i + 1 == segments.size();
            if (!last && segments.get(i + 1).firstZxid() <= fromZxid) {
                previous = 0;
                continue;
            }
            Scan scan = new Scan(segment, map(segment.path()), previous);
            boolean go = scan.run(fromZxid, visitor);
            if (scan.problem != null) {
                if (!last) {
                    throw new ToolFailure("log file " + segment.path() + " is corrupt at offset " + scan.offset + " ("
                            + scan.problem + ") and later log files exist");
                }
                return new End(segment.path(), scan.offset, scan.problem);
            }
            if (!go) {
                return new End(segment.path(), scan.offset, null);
            }
            previous = scan.count > 0 ? scan.previous : previous;
        }
        return segments.isEmpty() ? new End(null, 0, null) : new End(segments.get(segments.size() - 1).path(), 0, null);
    }

    private static ByteBuffer map(Path file) throws ToolFailure {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new ToolFailure("log file " + file + " is larger than 2 GiB, more than a segment can be");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new ToolFailure("cannot read log file " + file + ": " + e, e);
        }
    }

    /** The walk over one mapped segment; afterwards {@code offset} is where it stopped and why. */
    private static final class Scan {
        private final Segment segment;
        private final ByteBuffer buffer;
        // Invariant: the zxid of the last valid record seen (in this or the previous segment), or 0.
        private long previous;
        private int offset;
        private int count;
        private String problem;

        Scan(Segment segment, ByteBuffer buffer, long previous) {
            this.segment = segment;
            this.buffer = buffer;
            this.previous = previous;
        }

        /** Returns false if the visitor asked to stop. */
        boolean run(long fromZxid, Visitor visitor) throws ToolFailure {
            int limit = buffer.limit();
            if (limit < HEADER_BYTES) {
                problem = "file shorter than its header";
                return true;
            }
            if (buffer.getInt(0) != MAGIC) {
                problem = "bad magic in header";
                return true;
            }
            if (buffer.getInt(4) != VERSION) {
                throw new ToolFailure("log file " + segment.path() + " is in log format version " + buffer.getInt(4)
                        + " but this tool reads version " + VERSION + " only (ZooKeeper's txn encoding)");
            }
            offset = HEADER_BYTES;
            while (offset + RECORD_OVERHEAD <= limit) {
                int length = buffer.getInt(offset);
                if (length == 0) {
                    problem = nonZeroAfter(offset);
                    return true;
                }
                if (length < 0 || length > MAX_PAYLOAD || (long) offset + RECORD_OVERHEAD + length > limit) {
                    problem = "record length " + length + " runs past the end of the file";
                    return true;
                }
                int payloadOffset = offset + RECORD_OVERHEAD;
                CRC32C crc = new CRC32C();
                crc.update(buffer.duplicate().limit(payloadOffset + length).position(payloadOffset));
                if ((int) crc.getValue() != buffer.getInt(offset + 4)) {
                    problem = "CRC mismatch";
                    return true;
                }
                // The zxid lies at a fixed offset of the payload (TxnCodec's entry grammar); records before
                // fromZxid are checked but not decoded.
                long zxid = length >= TxnCodec.ZXID_OFFSET + Long.BYTES ? buffer.getLong(payloadOffset + TxnCodec.ZXID_OFFSET) : -1;
                checkOrder(zxid);
                if (zxid >= fromZxid) {
                    byte[] payload = new byte[length];
                    buffer.get(payloadOffset, payload);
                    TxnEntry entry = decode(payload);
                    if (!visitor.visit(new Record(segment.path(), offset, length, entry))) {
                        advance(zxid, length);
                        return false;
                    }
                }
                advance(zxid, length);
            }
            if (nonZeroAfter(offset) != null) {
                problem = "partial record header at the end";
            }
            return true;
        }

        private void advance(long zxid, int length) {
            previous = zxid;
            count++;
            offset += RECORD_OVERHEAD + length;
        }

        private TxnEntry decode(byte[] payload) throws ToolFailure {
            try {
                return TxnCodec.decode(payload);
            } catch (MalformedRecordException | IllegalArgumentException e) {
                throw new ToolFailure("log file " + segment.path() + " offset " + offset
                        + ": record passes its CRC but does not decode: " + e.getMessage(), e);
            }
        }

        private void checkOrder(long zxid) throws ToolFailure {
            boolean inOrder = count == 0 && zxid == segment.firstZxid() && (previous == 0 || Zxid.follows(previous, zxid))
                    || count > 0 && Zxid.follows(previous, zxid);
            if (!inOrder) {
                throw new ToolFailure("log file " + segment.path() + " has zxid " + Zxid.hex(zxid) + " at offset " + offset
                        + (count == 0 && zxid != segment.firstZxid() ? " but its name says " + Zxid.hex(segment.firstZxid())
                                : " after " + Zxid.hex(previous)) + ": a gap or reordering in the log");
            }
        }

        /** After the end marker only zeros may follow; anything else is a torn write beyond it. */
        private String nonZeroAfter(int from) {
            int end = (int) Math.min(buffer.limit(), (long) from + TAIL_CHECK_BYTES);
            for (int i = from; i < end; i++) {
                if (buffer.get(i) != 0) {
                    return "non-zero bytes after the end of the records, from offset " + i;
                }
            }
            return null;
        }
    }
}
