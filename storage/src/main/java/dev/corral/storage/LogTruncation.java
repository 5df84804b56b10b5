package dev.corral.storage;

import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The file steps of a truncate after a zxid ({@link TxnLog#truncateAfter}), written so that running
 * them again on a directory they already changed, fully or in part, changes nothing more: that is how
 * opening the log finishes a truncate a crash interrupted.
 *
 * <p>The steps: delete, newest first, the segments whose first zxid is after the cut; shorten the
 * newest remaining one to the end of its last record at or below the cut (a file-size change, which
 * the file system makes atomically, not a rewrite of the bytes), or delete it if it holds no such
 * record; fsync each changed file and the directory; and if no segment remains, leave the base marker
 * {@code log.<zxid>.base}, so the empty log still says where it continues from.
 */
final class LogTruncation {
    private LogTruncation() {}

    /**
     * Refuses a cut at a zxid the log cannot show is in its history: a zxid that the log skips (a later
     * epoch's first txn follows any zxid of an earlier one, so such a cut would hide a divergence), or one
     * below its base. Held are 0, the base, a txn in the log, and the zxid right before the first txn in
     * the same epoch (the snapshot a purged log continues).
     */
    static void checkHeld(Path dir, List<LogSegment> segments, long baseZxid, long zxid) throws StorageException {
        if (Long.compareUnsigned(zxid, baseZxid) < 0) {
            throw new StorageException("cannot truncate the log in " + dir + " after zxid " + Zxid.hex(zxid)
                    + ": the log continues from a snapshot at " + Zxid.hex(baseZxid) + " and holds nothing before it");
        }
        if (zxid == 0 || zxid == baseZxid) {
            return;
        }
        LogSegment holder = null;
        for (LogSegment segment : segments) {
            if (Long.compareUnsigned(segment.firstZxid(), zxid) <= 0) {
                holder = segment;
            }
        }
        boolean held;
        if (holder == null) {
            held = !segments.isEmpty() && segments.get(0).firstZxid() == zxid + 1;
        } else {
            boolean[] found = {false};
            new SegmentScan(holder).run(0, (file, payloadOffset, length, offset, recordZxid) -> {
                found[0] |= recordZxid == zxid;
                return Long.compareUnsigned(recordZxid, zxid) < 0;
            });
            held = found[0];
        }
        if (!held) {
            throw new StorageException("cannot truncate the log in " + dir + " after zxid " + Zxid.hex(zxid)
                    + ": the log does not hold that zxid, so it cannot end at it");
        }
    }

    /** Removes every txn after {@code zxid} from the log in {@code dir}, as described above; idempotent. */
    static void cutAfter(Path dir, long zxid, CrashPoint crash) throws StorageException {
        List<LogSegment> found = TxnLog.segmentsIn(dir);
        int kept = found.size();
        // Newest first, so that a crash part way leaves a prefix of the log, never a gap in it.
        while (kept > 0 && Long.compareUnsigned(found.get(kept - 1).firstZxid(), zxid) > 0) {
            kept--;
            crash.before("delete", found.get(kept).path());
            DurableFiles.delete(found.get(kept).path());
        }
        if (kept > 0) {
            LogSegment last = found.get(kept - 1);
            int[] end = {0};
            new SegmentScan(last).run(0, (file, payloadOffset, length, offset, recordZxid) -> {
                if (Long.compareUnsigned(recordZxid, zxid) > 0) {
                    return false;
                }
                end[0] = payloadOffset + length;
                return true;
            });
            if (end[0] == 0) {
                // Only a header (a roll a crash interrupted): its name promises a first zxid no append may keep.
                crash.before("delete", last.path());
                DurableFiles.delete(last.path());
                kept--;
            } else {
                crash.before("shorten to " + end[0], last.path());
                shorten(last.path(), end[0]);
            }
        }
        crash.before("fsync", dir);
        DurableFiles.forceDirectory(dir);
        if (kept == 0 && zxid != 0) {
            crash.before("create base", dir);
            DurableFiles.createMarker(dir.resolve(LogSegment.markerName(zxid, LogSegment.BASE)));
        }
    }

    private static void shorten(Path file, long end) throws StorageException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (channel.size() > end) {
                channel.truncate(end);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot truncate log file " + file + " at offset " + end + ": " + e, e);
        }
    }
}
