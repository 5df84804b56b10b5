package dev.corral.storage;

import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.Zxid;
import dev.corral.wire.MalformedRecordException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the txns of a log without changing it: the one reader of the segment format for everyone who
 * is not recovering the log (a leader's DIFF, {@code corral log}) and for replay after recovery.
 *
 * <p>A scan hands over, oldest first, every record whose zxid is after a given zxid ({@code afterZxid},
 * exclusive, as replay after a snapshot and a DIFF from a follower's last zxid both need it), checking
 * each record's CRC and the zxid order across segments as recovery does ({@link SegmentScan}). Segments
 * that end before {@code afterZxid} are skipped unread.
 *
 * <p>It never opens a file for writing, so it is safe beside a running server: {@link #readCommitted}
 * reads a live log only up to a zxid the caller knows to be durable, and never looks at the records
 * being appended after it. A segment that autopurge deletes while it is being read stays readable
 * (it is memory-mapped); one deleted before it is opened fails the scan, naming it.
 */
public final class LogScanner {
    /** One valid record: its file, its offset there, its zxid, and its payload (the txn, as {@link TxnCodec} encoded it). */
    public record Record(Path file, long offset, long zxid, byte[] payload) {
        /** The txn, decoded; a record that passed its CRC but does not decode, or carries another zxid, is an error. */
        public TxnEntry entry() throws StorageException {
            TxnEntry entry;
            try {
                entry = TxnCodec.decode(payload);
            } catch (MalformedRecordException | IllegalArgumentException e) {
                throw new StorageException("log file " + file + " offset " + offset + ": record passes its CRC but does not decode: "
                        + e.getMessage(), e);
            }
            if (entry.zxid() != zxid) {
                throw new StorageException("log file " + file + " offset " + offset + ": record of zxid " + Zxid.hex(zxid)
                        + " decodes to a txn of zxid " + Zxid.hex(entry.zxid()));
            }
            return entry;
        }
    }

    /**
     * Where a scan ended, and the last zxid it handed over ({@code afterZxid} if none). {@code problem} is
     * null when the log simply ends or the visitor stopped; otherwise it says why the record at
     * {@code offset} of {@code file} ends the log: a torn tail of the last segment (the server truncates it
     * on its next start; a reader racing appends may see one too).
     */
    public record End(Path file, long offset, String problem, long lastZxid) {}

    @FunctionalInterface
    public interface Visitor {
        /** Sees one record; returns false to stop the scan. */
        boolean visit(Record record) throws StorageException;
    }

    private LogScanner() {}

    /** The segment files in {@code dir}, oldest first; none if there is no such directory. */
    public static List<Path> segmentsIn(Path dir) throws StorageException {
        List<Path> paths = new ArrayList<>();
        for (LogSegment segment : TxnLog.segmentsIn(dir)) {
            paths.add(segment.path());
        }
        return paths;
    }

    /**
     * For tools: shows {@code visitor} every valid record of {@code segments} (oldest first, as
     * {@link #segmentsIn} lists them, or any one segment file) with a zxid after {@code afterZxid}. An
     * invalid record in the last segment ends the scan and is reported in {@link End#problem()}; in an
     * earlier one it is corruption, and a gap or reordering of zxids is too: both fail the scan.
     */
    public static End read(List<Path> segments, long afterZxid, Visitor visitor) throws StorageException {
        return new Walk(afterZxid, Long.MAX_VALUE, null, false).run(parse(segments), visitor);
    }

    /**
     * For a leader's DIFF, and replay: hands {@code visitor} every txn after {@code afterZxid} up to and
     * including {@code untilZxid} (a zxid known to be durable in this log) from the log in {@code dir},
     * and returns the last zxid handed over. The first must continue {@code afterZxid}
     * ({@link Zxid#follows}) and the log must reach {@code untilZxid} unless the visitor stops first;
     * otherwise the scan fails (for a DIFF: send a SNAP instead). Records after {@code untilZxid} are
     * never read, so a live log's appends in flight do not matter.
     */
    public static long readCommitted(Path dir, long afterZxid, long untilZxid, Visitor visitor) throws StorageException {
        if (Long.compareUnsigned(untilZxid, afterZxid) < 0) {
            throw new IllegalArgumentException("a read from after " + Zxid.hex(afterZxid) + " up to " + Zxid.hex(untilZxid) + " goes backwards");
        }
        return readContinuing(dir, TxnLog.segmentsIn(dir), LogSegment.baseIn(dir), afterZxid, untilZxid, true, visitor);
    }

    /**
     * {@link #readCommitted} over segments already listed (replay passes the log's own list) of a log that
     * continues from {@code baseZxid} (0 if it has no base). When {@code mustHoldAfter}, {@code afterZxid}
     * must be a zxid of this log's history, not just one the first txn may follow (see {@link Walk#hand}).
     */
    static long readContinuing(Path dir, List<LogSegment> segments, long baseZxid, long afterZxid, long untilZxid,
            boolean mustHoldAfter, Visitor visitor) throws StorageException {
        if (Long.compareUnsigned(afterZxid, baseZxid) < 0) {
            throw new StorageException("the log in " + dir + " continues from zxid " + Zxid.hex(baseZxid) + " (a snapshot installed"
                    + " or a truncate left it so) and holds nothing before it, so it cannot continue zxid " + Zxid.hex(afterZxid)
                    + "; the txns between are lost (a gap in the log)");
        }
        Walk walk = new Walk(afterZxid, untilZxid, dir, mustHoldAfter);
        walk.afterSeen = afterZxid == baseZxid && baseZxid != 0;
        End end = walk.run(segments, visitor);
        boolean reached = end.lastZxid() == untilZxid || untilZxid == Long.MAX_VALUE && end.problem() == null;
        if (!reached && !walk.stopped) {
            throw new StorageException("the log in " + dir + " ends at zxid " + Zxid.hex(end.lastZxid()) + ", before zxid "
                    + Zxid.hex(untilZxid) + (end.problem() == null ? "" : " (" + end.problem() + " at offset " + end.offset() + " of "
                    + end.file() + ")"));
        }
        return end.lastZxid();
    }

    private static List<LogSegment> parse(List<Path> files) throws StorageException {
        List<LogSegment> segments = new ArrayList<>(files.size());
        for (Path file : files) {
            long firstZxid = LogSegment.parseFirstZxid(file.getFileName().toString());
            if (firstZxid < 0) {
                throw new StorageException("log file " + file + " is not named like a log segment (log.<16 hex digits>.wal)");
            }
            segments.add(new LogSegment(file, firstZxid));
        }
        return segments;
    }

    /**
     * One scan over a list of segments. With a log directory ({@code where}) the first txn handed over must
     * continue {@code afterZxid}, which the errors name the directory for; without one (tools) it need not.
     */
    private static final class Walk {
        private final long afterZxid;
        private final long untilZxid;
        private final Path where;
        private final boolean mustHoldAfter;
        private boolean afterSeen;
        // Invariant: afterZxid until a record is handed over, then the zxid of the last one handed over.
        private long lastHanded;
        private boolean stopped;

        Walk(long afterZxid, long untilZxid, Path where, boolean mustHoldAfter) {
            this.afterZxid = afterZxid;
            this.untilZxid = untilZxid;
            this.where = where;
            this.mustHoldAfter = mustHoldAfter;
            this.lastHanded = afterZxid;
        }

        End run(List<LogSegment> segments, Visitor visitor) throws StorageException {
            long previous = 0;
            for (int i = 0; i < segments.size(); i++) {
                LogSegment segment = segments.get(i);
                boolean last = i + 1 == segments.size();
                // Every zxid of a segment is below the next segment's first, so it ends at or before afterZxid
                // if the next one starts at or before afterZxid + 1.
                if (!last && Long.compareUnsigned(segments.get(i + 1).firstZxid(), afterZxid + 1) <= 0) {
                    previous = 0;
                    continue;
                }
                SegmentScan scan = new SegmentScan(segment);
                boolean go = scan.run(previous, (buffer, payloadOffset, length, offset, zxid) -> hand(segment, buffer, payloadOffset,
                        length, offset, zxid, visitor));
                if (scan.problem != null) {
                    if (!last) {
                        throw new StorageException("log file " + segment.path() + " is corrupt at offset " + scan.offset + " ("
                                + scan.problem + ") and later log files exist");
                    }
                    return new End(segment.path(), scan.offset, scan.problem, lastHanded);
                }
                if (!go) {
                    return new End(segment.path(), scan.offset, null, lastHanded);
                }
                previous = scan.lastZxid;
            }
            return new End(segments.isEmpty() ? null : segments.get(segments.size() - 1).path(), 0, null, lastHanded);
        }

        private boolean hand(LogSegment segment, ByteBuffer buffer, int payloadOffset, int length, int offset, long zxid, Visitor visitor)
                throws StorageException {
            if (Long.compareUnsigned(zxid, afterZxid) <= 0) {
                afterSeen |= zxid == afterZxid;
                return true;
            }
            if (Long.compareUnsigned(zxid, untilZxid) > 0) {
                return false;
            }
            if (where != null && lastHanded == afterZxid && !Zxid.follows(afterZxid, zxid)) {
                throw new StorageException("the log in " + where + " does not continue from zxid " + Zxid.hex(afterZxid)
                        + ": expected zxid " + Zxid.hex(afterZxid + 1) + " (or counter 1 of a later epoch) but found " + Zxid.hex(zxid)
                        + " in " + segment.path().getFileName() + "; the txns between are lost (a gap in the log)");
            }
            // A later epoch's counter 1 follows any zxid of an earlier epoch, so continuity alone does not
            // show that afterZxid is in this log's history: a follower's last zxid from an epoch whose txns
            // this log never had passes it (ZooKeeper's LearnerHandler answers that with a TRUNC). Only a
            // zxid seen in the log, or the one right before the first txn in the same epoch, is known.
            if (mustHoldAfter && lastHanded == afterZxid && !afterSeen && zxid != afterZxid + 1) {
                throw new StorageException("the log in " + where + " does not hold zxid " + Zxid.hex(afterZxid)
                        + ", so it cannot tell what follows it in its history: its next txn is " + Zxid.hex(zxid) + " in "
                        + segment.path().getFileName());
            }
            byte[] payload = new byte[length];
            buffer.get(payloadOffset, payload);
            lastHanded = zxid;
            boolean go = visitor.visit(new Record(segment.path(), offset, zxid, payload));
            stopped = !go;
            return go;
        }
    }
}
