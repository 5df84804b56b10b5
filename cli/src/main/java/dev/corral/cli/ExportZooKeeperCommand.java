package dev.corral.cli;

import dev.corral.server.ConfigException;
import dev.corral.storage.StorageException;
import dev.corral.storage.zookeeper.ZooKeeperExport;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code corral export-zookeeper}: the way back. Recovers a stopped Corral server's state as the server
 * would (newest valid snapshot, then its log) and writes it as a ZooKeeper 3.9 snapshot,
 * {@code <dir>/version-2/snapshot.<zxid>}, and the empty log after it, which ZooKeeper 3.9.5 started with
 * {@code dataDir=<dir>} loads. Sessions and their ephemerals go along. Sessions that came from ZooKeeper
 * keep ZooKeeper's passwords and resume there; those Corral made have passwords keyed by Corral's
 * session secret, which ZooKeeper cannot check, so their clients start new sessions on ZooKeeper.
 */
@Command(name = "export-zookeeper", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a stopped Corral server's state as a ZooKeeper 3.9 snapshot in DIR/version-2,",
            "for ZooKeeper started with dataDir=DIR. DIR must not hold ZooKeeper snapshots or logs yet."},
        footer = {"", "Exit status: 0 exported, 1 a file is damaged, the server runs or DIR holds ZooKeeper files, 2 bad usage."})
final class ExportZooKeeperCommand extends ToolCommand {
    @Option(names = "--to", required = true, paramLabel = "DIR", description = "ZooKeeper's dataDir to write (the snapshot goes in DIR/version-2)")
    Path to;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Corral's zoo.cfg: its dataDir and dataLogDir")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Corral's dataDir (snapshots in DIR/corral-snap)")
    Path dataDir;

    @Option(names = "--data-log-dir", paramLabel = "DIR", description = "Corral's dataLogDir (log in DIR/corral-wal); default: the data dir")
    Path dataLogDir;

    @Override
    void run() throws ToolFailure, IOException, ConfigException {
        if (config != null && dataDir != null) {
            throw new ParameterException(spec.commandLine(), "give either --config or --data-dir (with --data-log-dir), not both");
        }
        DataDirs dirs = dataDir != null ? DataDirs.of(dataDir, dataLogDir) : DataDirs.fromConfig(config);
        DataDirs.requireDirectory(dirs.dataDir(), "data directory");
        if (LockProbe.probe(dirs.lockFile()) == LockProbe.State.HELD) {
            throw new ToolFailure("a running Corral server holds " + dirs.lockFile() + "; stop it before exporting, so that the export"
                    + " holds its last writes");
        }
        long start = System.nanoTime();
        try {
            TreeSnapshot state = ZooKeeperExport.loadCorral(dirs.snapshotDir(), dirs.logDir());
            Path file = ZooKeeperExport.write(state, to);
            out().println("exported " + state.nodeCount() + " znodes and " + state.sessions().size() + " sessions at zxid "
                    + Zxid.hex(state.zxid()) + " to " + file);
            if (dev.corral.server.SessionSecretFile.copy(dirs.dataDir(), to)) {
                dev.corral.server.ImportedSessionsFile.copy(dirs.dataDir(), to);
                // ZooKeeper ignores the file; import-zookeeper carries it back into Corral. Sessions Corral made
                // have passwords that only this secret checks: on ZooKeeper their clients must start new sessions.
                out().println("session secret copied to " + to.resolve("session-secret")
                        + " (for a move back into Corral; keep it private)");
            }
            out().println("time: " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } catch (StorageException e) {
            throw new ToolFailure(e.getMessage(), e);
        }
    }
}
