package dev.corral.cli;

import dev.corral.server.ConfigException;
import dev.corral.storage.SnapshotFile;
import dev.corral.storage.Snapshots;
import dev.corral.storage.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code corral purge}: ZooKeeper's {@code zkCleanup.sh} / {@code PurgeTxnLog}. Keeps the newest COUNT
 * snapshots and every log file a recovery from the oldest of them reads, and deletes the rest, by the
 * same rule as the server's autopurge ({@link Snapshots#purge}).
 *
 * <p>Purging beside a running server is safe in ZooKeeper's model, as the server only ever reads the
 * newest snapshot and the log after it; so a held data directory lock earns a note, not a refusal.
 *
 * <p>One guard ZooKeeper's tool has in its own way (it counts only valid snapshots): every snapshot to be
 * kept is read back and its digest checked first. If one is damaged, nothing is deleted, since the older
 * snapshots and logs that a purge would remove may then be the only way back to the current state.
 */
@Command(name = "purge", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Delete old snapshots and the log files only they need (as ZooKeeper's zkCleanup.sh).",
            "Keeps the newest COUNT snapshots and every log file needed to recover from the oldest of them.",
            "Safe while a server runs. Without an option it purges ./data, `corral server`'s default."},
        footer = {"", "Exit status: 0 ok, 1 a file could not be read or deleted (or a kept snapshot is damaged), 2 bad usage."})
final class PurgeCommand extends ToolCommand {
    /** ZooKeeper's PurgeTxnLog refuses to keep fewer than 3 snapshots. */
    static final int MIN_RETAIN_COUNT = 3;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "a zoo.cfg: its dataDir, dataLogDir and autopurge.snapRetainCount")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "the server's dataDir (snapshots in DIR/corral-snap)")
    Path dataDir;

    @Option(names = "--data-log-dir", paramLabel = "DIR", description = "the server's dataLogDir (log in DIR/corral-wal); default: the data dir")
    Path dataLogDir;

    @Option(names = {"-n", "--count"}, paramLabel = "COUNT",
            description = "snapshots to keep, at least 3 (default: autopurge.snapRetainCount from the config, else 3)")
    Integer count;

    @Override
    void run() throws ToolFailure, IOException, ConfigException {
        if (config != null && (dataDir != null || dataLogDir != null)) {
            throw new ParameterException(spec.commandLine(), "give either --config or --data-dir (with --data-log-dir), not both");
        }
        if (dataLogDir != null && dataDir == null) {
            throw new ParameterException(spec.commandLine(), "--data-log-dir needs --data-dir: snapshots live in the data dir");
        }
        if (count != null && count < MIN_RETAIN_COUNT) {
            throw new ParameterException(spec.commandLine(), "-n COUNT must be at least " + MIN_RETAIN_COUNT + ", was " + count);
        }
        DataDirs dirs = dataDir != null ? DataDirs.of(dataDir, dataLogDir) : DataDirs.fromConfig(config);
        int retainCount = count != null ? count : Math.max(MIN_RETAIN_COUNT, dirs.snapRetainCount());
        DataDirs.requireDirectory(dirs.dataDir(), "data directory");
        DataDirs.requireDirectory(dirs.dataLogDir(), "data log directory");

        if (LockProbe.probe(dirs.lockFile()) == LockProbe.State.HELD) {
            note("a running server holds " + dirs.lockFile() + "; purging anyway, which is safe (as zkCleanup.sh): the server"
                    + " needs only its newest snapshot and the log after it");
        }
        List<Path> snapshots = list(dirs.snapshotDir());
        checkKept(snapshots.subList(0, Math.min(retainCount, snapshots.size())));
        List<Path> deleted;
        try {
            deleted = Snapshots.purge(dirs.snapshotDir(), dirs.logDir(), retainCount);
        } catch (StorageException e) {
            throw new ToolFailure(e.getMessage(), e);
        }
        for (Path file : deleted) {
            out().println("deleted " + file);
        }
        long deletedSnapshots = deleted.stream().filter(f -> SnapshotFile.zxidOf(f.getFileName().toString()) >= 0).count();
        out().println(deleted.isEmpty()
                ? "nothing to delete: " + snapshots.size() + " snapshot" + (snapshots.size() == 1 ? "" : "s") + " in "
                        + dirs.snapshotDir() + ", keeping up to " + retainCount
                : "deleted " + deletedSnapshots + " snapshot" + (deletedSnapshots == 1 ? "" : "s") + " and "
                        + (deleted.size() - deletedSnapshots) + " log file" + (deleted.size() - deletedSnapshots == 1 ? "" : "s")
                        + "; kept the newest " + retainCount + " snapshots and the log files they need");
    }

    private static List<Path> list(Path snapshotDir) throws ToolFailure {
        try {
            return Snapshots.list(snapshotDir);
        } catch (StorageException e) {
            throw new ToolFailure(e.getMessage(), e);
        }
    }

    /** Refuses to purge unless every snapshot that will be kept reads back whole and matches its digest. */
    private static void checkKept(List<Path> kept) throws ToolFailure {
        for (Path file : kept) {
            try {
                SnapshotView.Summary summary = SnapshotView.summarize(SnapshotFile.read(file));
                if (!summary.digestOk()) {
                    throw new ToolFailure("snapshot " + file + " fails its digest check; nothing deleted, since older snapshots may be"
                            + " needed to recover (move the damaged file aside and purge again)");
                }
            } catch (StorageException e) {
                throw new ToolFailure(e.getMessage() + "; nothing deleted, since older snapshots may be needed to recover"
                        + " (move the damaged file aside and purge again)", e);
            }
        }
    }
}
