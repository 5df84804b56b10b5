package dev.corral.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files of a data directory: finding the newest one that reads back whole, and purging
 * old snapshots together with the log segments only they needed (ZooKeeper's autopurge rule: keep the
 * newest {@code snapRetainCount} valid snapshots and every log file a recovery from the oldest reads).
 */
public final class Snapshots {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);

    private Snapshots() {}

    /** Snapshot files in {@code dir}, newest first. */
    public static List<Path> list(Path dir) throws StorageException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> SnapshotFile.zxidOf(p.getFileName().toString()) >= 0)
                    .sorted(Comparator.comparingLong((Path p) -> SnapshotFile.zxidOf(p.getFileName().toString())).reversed())
                    .toList();
        } catch (IOException e) {
            throw new StorageException("cannot list snapshot directory " + dir + ": " + e, e);
        }
    }

    /**
     * The newest snapshot that reads back whole; a corrupt or partial one is logged and skipped for the
     * one before it.
     */
    public static Optional<SnapshotFile.Loaded> loadNewestValid(Path dir) throws StorageException {
        for (Path file : list(dir)) {
            try {
                return Optional.of(SnapshotFile.read(file));
            } catch (StorageException e) {
                LOG.warn("Skipping snapshot {}: {}", file, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Deletes all but the newest {@code retainCount} snapshots, and the log segments whose every txn is
     * at or below the oldest retained snapshot. Returns the deleted files.
     */
    public static List<Path> purge(Path snapshotDir, Path logDir, int retainCount) throws StorageException {
        if (retainCount < 1) {
            throw new IllegalArgumentException("snapRetainCount must be at least 1, was " + retainCount);
        }
        List<Path> snapshots = list(snapshotDir);
        List<Path> deleted = new ArrayList<>();
        if (snapshots.size() <= retainCount) {
            return deleted;
        }
        // Keep the newest retainCount snapshots that read back whole (as ZooKeeper's PurgeTxnLog keeps valid
        // ones): a damaged newest snapshot must not cost the older files a recovery would fall back to.
        int valid = 0;
        int cut = snapshots.size();
        for (int i = 0; i < snapshots.size() && valid < retainCount; i++) {
            try {
                SnapshotFile.read(snapshots.get(i));
                valid++;
                cut = i + 1;
            } catch (StorageException e) {
                LOG.warn("Purge keeps going past damaged snapshot {}: {}", snapshots.get(i), e.getMessage());
            }
        }
        if (valid < retainCount) {
            return deleted;
        }
        long oldestKept = SnapshotFile.zxidOf(snapshots.get(cut - 1).getFileName().toString());
        for (Path old : snapshots.subList(cut, snapshots.size())) {
            delete(old, deleted);
        }
        List<LogSegment> segments = TxnLog.segmentsIn(logDir);
        for (int i = 0; i + 1 < segments.size(); i++) {
            // Segment i ends just before segment i+1 starts; it is needed only if that is after oldestKept.
            if (Long.compareUnsigned(segments.get(i + 1).firstZxid(), oldestKept + 1) <= 0) {
                delete(segments.get(i).path(), deleted);
            }
        }
        return deleted;
    }

    private static void delete(Path file, List<Path> deleted) throws StorageException {
        try {
            Files.deleteIfExists(file);
            deleted.add(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete " + file + ": " + e, e);
        }
    }
}
