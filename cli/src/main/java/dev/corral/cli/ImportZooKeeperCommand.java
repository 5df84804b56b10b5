package dev.corral.cli;

import dev.corral.server.ConfigException;
import dev.corral.server.ServerConfig;
import dev.corral.storage.StorageException;
import dev.corral.storage.zookeeper.ZooKeeperImport;
import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral import-zookeeper}: takes over a stopped ZooKeeper's data. It rebuilds ZooKeeper's state as
 * ZooKeeper's own restart does (newest valid snapshot, then the logs after it, ZooKeeper's digests
 * checked) and writes it as the Corral data directory the zoo.cfg names, ready for {@code corral server}
 * with the same zoo.cfg. ZooKeeper's files are only read: its own directory ({@code version-2}) and
 * Corral's ({@code corral-snap}, {@code corral-wal}) can share one dataDir, so the way back stays open.
 *
 * <p>Sessions come over with their timeouts and ephemerals, and their ids are listed in the data
 * directory so that Corral goes on accepting the passwords ZooKeeper derived for them (its own sessions
 * get passwords keyed by the installation's secret): clients that reconnect within their timeout keep
 * their sessions. The epoch files are set to ZooKeeper's last epoch, so Corral's first election moves to the
 * next one and every new zxid is above ZooKeeper's.
 *
 * <p>Refused: a target that already holds Corral files, a ZooKeeper (or anything) that still answers on
 * the zoo.cfg's client port or whose {@code zookeeper_server.pid} is alive, and a Corral server holding
 * the target's lock.
 */
@Command(name = "import-zookeeper", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Take over a stopped ZooKeeper 3.5-3.9's data: replay its newest valid snapshot and the logs after it,",
            "check its digests, and write the state as the Corral data directory the zoo.cfg names.",
            "ZooKeeper's files are only read. Stop ZooKeeper first (kill -9 keeps its sessions; a clean stop keeps them too)."},
        footer = {"", "Exit status: 0 imported, 1 a file is damaged, the target is not empty or ZooKeeper still runs, 2 bad usage."})
final class ImportZooKeeperCommand extends ToolCommand {
    @Option(names = "--from", required = true, paramLabel = "DIR", description = "ZooKeeper's dataDir (its snapshots are in DIR/version-2)")
    Path from;

    @Option(names = "--from-log", paramLabel = "DIR", description = "ZooKeeper's dataLogDir, if it has one (logs in DIR/version-2)")
    Path fromLog;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Corral's zoo.cfg: the dataDir and dataLogDir to write, and the client port checked for a running server")
    Path config;

    @Override
    void run() throws ToolFailure, IOException, ConfigException {
        ServerConfig serverConfig = config == null ? ServerConfig.defaults() : ServerConfig.load(config);
        DataDirs target = new DataDirs(serverConfig.dataDir(), serverConfig.dataLogDir(), serverConfig.snapRetainCount());
        DataDirs.requireDirectory(from, "ZooKeeper data directory");
        if (fromLog != null) {
            DataDirs.requireDirectory(fromLog, "ZooKeeper data log directory");
        }
        refuseIfRunning(serverConfig, target);
        long start = System.nanoTime();
        ZooKeeperImport.Result result;
        try {
            ZooKeeperImport.requireEmpty(target.snapshotDir());
            ZooKeeperImport.requireEmpty(target.logDir());
            result = ZooKeeperImport.read(from, fromLog);
            result.warnings().forEach(this::note);
            ZooKeeperImport.write(result, target.snapshotDir(), target.logDir());
            if (dev.corral.server.SessionSecretFile.copy(from, target.dataDir())) {
                // A directory export-zookeeper wrote: the sessions Corral made keep their passwords, and those it
                // had imported from ZooKeeper before keep ZooKeeper's.
                dev.corral.server.ImportedSessionsFile.copy(from, target.dataDir());
                note("session secret of the exported Corral state carried over from " + from.resolve("session-secret"));
            } else {
                // ZooKeeper's own sessions: their clients hold ZooKeeper's passwords, which Corral must go on accepting.
                dev.corral.server.ImportedSessionsFile.write(target.dataDir(), result.snapshot().sessions().keySet());
            }
        } catch (StorageException e) {
            throw new ToolFailure(e.getMessage(), e);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        out().println("imported ZooKeeper snapshot " + result.snapshotFile() + " and " + result.txns() + " txns after it");
        out().println("znodes: " + result.znodes());
        out().println("sessions: " + result.sessions());
        out().println("last zxid: " + Zxid.hex(result.lastZxid()));
        out().println("digests checked: " + result.digestChecks());
        out().println("written: " + target.snapshotDir() + ", " + target.logDir());
        out().println("time: " + elapsedMs + " ms");
    }

    private void refuseIfRunning(ServerConfig serverConfig, DataDirs target) throws ToolFailure {
        String host = serverConfig.clientPortAddress() == null || serverConfig.clientPortAddress().equals("0.0.0.0")
                ? "127.0.0.1" : serverConfig.clientPortAddress();
        // A zoo.cfg with only a secureClientPort has no plain port to ask; the pid files below still tell.
        Optional<String> answer = serverConfig.clientPort() == ServerConfig.NO_CLIENT_PORT ? Optional.empty()
                : RunningServerProbe.answerOn(host, serverConfig.clientPort());
        if (answer.isPresent()) {
            throw new ToolFailure("a server answers on the client port " + host + ":" + serverConfig.clientPort() + " (" + answer.get()
                    + "); stop ZooKeeper before importing, or its later writes would be lost");
        }
        for (Path dir : fromLog == null ? new Path[] {from} : new Path[] {from, fromLog}) {
            Optional<Long> pid = RunningServerProbe.livePid(dir);
            if (pid.isPresent()) {
                throw new ToolFailure("ZooKeeper's " + dir.resolve(RunningServerProbe.PID_FILE) + " names process " + pid.get()
                        + ", which is running; stop ZooKeeper before importing");
            }
        }
        if (LockProbe.probe(target.lockFile()) == LockProbe.State.HELD) {
            throw new ToolFailure("a running Corral server holds " + target.lockFile() + "; stop it before importing into its data directory");
        }
    }
}
