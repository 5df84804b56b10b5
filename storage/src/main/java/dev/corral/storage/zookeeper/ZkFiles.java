package dev.corral.storage.zookeeper;

import dev.corral.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where ZooKeeper keeps its files ({@code FileTxnSnapLog}): snapshots in {@code <dataDir>/version-2}, logs
 * in {@code <dataLogDir>/version-2} (the data dir when no dataLogDir is set), named by the zxid in hex
 * after a dot ({@code snapshot.1a2b}, {@code snapshot.1a2b.gz}, {@code log.1a2b}; {@code Util#getZxidFromName}).
 */
final class ZkFiles {
    static final String VERSION_DIR = "version-2";
    static final String SNAPSHOT_PREFIX = "snapshot";
    static final String LOG_PREFIX = "log";

    private ZkFiles() {}

    /** {@code dir/version-2}, or {@code dir} itself when the operator named the version-2 directory. */
    static Path versionDir(Path dir) {
        Path name = dir.getFileName();
        return name != null && name.toString().equals(VERSION_DIR) ? dir : dir.resolve(VERSION_DIR);
    }

    /** The zxid in a file name {@code <prefix>.<hex>[.<suffix>]}, or -1 if it is not such a name. */
    static long zxidOf(String name, String prefix) {
        String[] parts = name.split("\\.");
        if (parts.length < 2 || !parts[0].equals(prefix)) {
            return -1;
        }
        try {
            return Long.parseLong(parts[1], 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The snapshots in {@code dir}, newest first. */
    static List<Path> snapshots(Path dir) throws StorageException {
        return list(dir, SNAPSHOT_PREFIX, Comparator.<Path>comparingLong(p -> zxidOf(p.getFileName().toString(), SNAPSHOT_PREFIX)).reversed());
    }

    /**
     * The log files a restore from a snapshot at {@code snapshotZxid} reads, oldest first: the newest one
     * that starts at or before the snapshot, and every later one ({@code FileTxnLog#getLogFiles}).
     */
    static List<Path> logsFrom(Path dir, long snapshotZxid) throws StorageException {
        List<Path> logs = list(dir, LOG_PREFIX, Comparator.comparingLong(p -> zxidOf(p.getFileName().toString(), LOG_PREFIX)));
        long start = 0;
        for (Path log : logs) {
            long zxid = zxidOf(log.getFileName().toString(), LOG_PREFIX);
            if (zxid > snapshotZxid) {
                break;
            }
            start = zxid;
        }
        long from = start;
        return logs.stream().filter(p -> zxidOf(p.getFileName().toString(), LOG_PREFIX) >= from).toList();
    }

    private static List<Path> list(Path dir, String prefix, Comparator<Path> order) throws StorageException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> zxidOf(p.getFileName().toString(), prefix) >= 0 && Files.isRegularFile(p)).sorted(order).toList();
        } catch (IOException e) {
            throw new StorageException("cannot list ZooKeeper directory " + dir + ": " + e, e);
        }
    }
}
