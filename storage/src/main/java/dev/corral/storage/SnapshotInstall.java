package dev.corral.storage;

import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a snapshot received from a leader at run time (ZAB's SNAP): afterwards the data directory
 * holds exactly that state, the snapshot at its zxid and an empty log that continues from it, and a
 * crash at any point recovers either the old state or the new one, never a mix.
 *
 * <p>The old log is deleted whole, not moved aside: its txns after the snapshot are not the leader's
 * history, and those before it are covered by the snapshot, so it has nothing a recovery may use (a
 * follower that keeps receiving snapshots would otherwise fill its disk with them). Snapshots newer than
 * the installed one are deleted too, since recovery would load them first; older ones stay for purge
 * (the log's base refuses a replay from them).
 *
 * <p>Steps, in this order:
 * <ol>
 *   <li>write the snapshot under a name recovery does not load ({@code snapshot.<zxid>.snap.install}),
 *       and fsync it; a crash leaves the old state and a file {@link #recover} deletes;
 *   <li>create the marker {@code log.<zxid>.install} in the log directory and fsync the directory: the
 *       commit point. From here {@link #recover} finishes the install, and {@link TxnLog#open} refuses to
 *       open a log that still has the marker, so no server can start on the half-installed state;
 *   <li>delete every log segment (newest first) and the old markers, then the newer snapshots; fsync;
 *   <li>rename the snapshot to its snapshot name ({@link SnapshotFile#fileName}); fsync its directory;
 *   <li>rename the marker to {@code log.<zxid>.base}: the log is empty and continues from the snapshot.
 * </ol>
 * Steps 3 to 5 are idempotent, which is what lets {@link #recover} run them again after a crash.
 */
public final class SnapshotInstall {
    static final String STAGED = ".install";
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotInstall.class);

    private SnapshotInstall() {}

    /**
     * Installs {@code snapshot}, as described above, in place of the state of {@code log} (which it closes,
     * writing its queued entries first) and {@code snapshotDir}; returns the log reopened, empty, with
     * {@link TxnLog#lastZxid()} the snapshot's zxid, so the next append must follow it. Refused if the
     * snapshot is older than {@code lastCommittedZxid}: that would lose committed txns.
     */
    public static TxnLog install(TxnLog log, Path snapshotDir, TreeSnapshot snapshot, long lastCommittedZxid) throws StorageException {
        return install(log, snapshotDir, snapshot, lastCommittedZxid, CrashPoint.NONE);
    }

    /** {@link #install(TxnLog, Path, TreeSnapshot, long)} with a seam for simulated crashes between its steps. */
    static TxnLog install(TxnLog log, Path snapshotDir, TreeSnapshot snapshot, long lastCommittedZxid, CrashPoint crash)
            throws StorageException {
        long zxid = snapshot.zxid();
        Path logDir = log.dir();
        if (Long.compareUnsigned(zxid, lastCommittedZxid) < 0) {
            throw new StorageException("refusing to install a snapshot at zxid " + Zxid.hex(zxid) + " in " + snapshotDir + ": txns up to "
                    + Zxid.hex(lastCommittedZxid) + " are committed here, and the snapshot does not hold them");
        }
        LOG.info("Installing snapshot {} in {} in place of the log in {}, which ended at {}", Zxid.hex(zxid), snapshotDir, logDir,
                Zxid.hex(log.lastZxid()));
        TxnLog.Options options = log.options();
        log.close();
        try {
            Files.createDirectories(snapshotDir);
        } catch (IOException e) {
            throw new StorageException("cannot create snapshot directory " + snapshotDir + ": " + e, e);
        }
        Path staged = staged(snapshotDir, zxid);
        crash.before("write", staged);
        SnapshotFile.writeUnnamed(staged, snapshot);
        Path marker = logDir.resolve(LogSegment.markerName(zxid, LogSegment.INSTALL));
        crash.before("written", staged);
        DurableFiles.createMarker(marker);
        finish(snapshotDir, logDir, zxid, crash);
        return TxnLog.open(logDir, options);
    }

    /**
     * At start, before snapshots are loaded and the log is opened: finishes an install that passed its
     * commit point before a crash, and deletes the snapshot files of installs that did not. Returns the
     * zxid of the snapshot it finished installing, or -1 if there was none.
     */
    public static long recover(Path snapshotDir, Path logDir) throws StorageException {
        List<Long> installs = LogSegment.markersIn(logDir, LogSegment.INSTALL);
        long finished = -1;
        for (long zxid : installs) {
            LOG.warn("Finishing the install of snapshot {} in {} that a crash interrupted", Zxid.hex(zxid), snapshotDir);
            finish(snapshotDir, logDir, zxid, CrashPoint.NONE);
            finished = zxid;
        }
        for (Path file : list(snapshotDir)) {
            if (file.getFileName().toString().endsWith(SnapshotFile.SUFFIX + STAGED)) {
                LOG.info("Deleting {}: the install it was written for did not take place", file);
                DurableFiles.delete(file);
            }
        }
        return finished;
    }

    /** Steps 3 to 5, for the install at {@code zxid}; running them again after a crash changes nothing more. */
    private static void finish(Path snapshotDir, Path logDir, long zxid, CrashPoint crash) throws StorageException {
        List<LogSegment> segments = TxnLog.segmentsIn(logDir);
        for (int i = segments.size() - 1; i >= 0; i--) {
            crash.before("delete", segments.get(i).path());
            DurableFiles.delete(segments.get(i).path());
        }
        for (String suffix : List.of(LogSegment.BASE, LogSegment.TRUNCATE)) {
            for (long old : LogSegment.markersIn(logDir, suffix)) {
                crash.before("delete", logDir.resolve(LogSegment.markerName(old, suffix)));
                DurableFiles.delete(logDir.resolve(LogSegment.markerName(old, suffix)));
            }
        }
        crash.before("fsync", logDir);
        DurableFiles.forceDirectory(logDir);
        for (Path newer : Snapshots.list(snapshotDir)) {
            if (Long.compareUnsigned(SnapshotFile.zxidOf(newer.getFileName().toString()), zxid) > 0) {
                crash.before("delete", newer);
                DurableFiles.delete(newer);
            }
        }
        Path staged = staged(snapshotDir, zxid);
        Path published = snapshotDir.resolve(SnapshotFile.fileName(zxid));
        if (Files.exists(staged)) {
            crash.before("rename", staged);
            DurableFiles.rename(staged, published);
        } else if (!Files.exists(published)) {
            throw new StorageException("the install of snapshot " + Zxid.hex(zxid) + " cannot be finished: neither " + staged + " nor "
                    + published + " exists");
        }
        crash.before("fsync", snapshotDir);
        DurableFiles.forceDirectory(snapshotDir);
        Path marker = logDir.resolve(LogSegment.markerName(zxid, LogSegment.INSTALL));
        crash.before("rename", marker);
        DurableFiles.rename(marker, logDir.resolve(LogSegment.markerName(zxid, LogSegment.BASE)));
    }

    private static Path staged(Path snapshotDir, long zxid) {
        return snapshotDir.resolve(SnapshotFile.fileName(zxid) + STAGED);
    }

    private static List<Path> list(Path dir) throws StorageException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new StorageException("cannot list snapshot directory " + dir + ": " + e, e);
        }
    }
}
