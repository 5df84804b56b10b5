package dev.corral.storage.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Launch;
import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.ServerRuntime;
import dev.corral.testkit.Target;
import dev.corral.testkit.ZooCfg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import of a data directory written by a real older ZooKeeper, not by 3.9.5 with its newer trailers
 * switched off (issue 14: "as written by ZooKeeper 3.5 to 3.9"). ZooKeeper 3.8.6, the oldest release whose
 * jars Maven Central still serves here, runs as its own process (storage/pom.xml copies its jars and their
 * run-time dependencies into target/, since two ZooKeeper versions cannot share this test's class path) with
 * a small snapCount, is given znodes of every kind through the 3.9.5 client, and is killed with SIGKILL while
 * a session with ephemerals is open. The import of its directory must equal ZooKeeper 3.9.5's own restore of
 * it, node by node, as in {@link ZooKeeperImportTest}.
 */
class OlderZooKeeperImportTest {
    /** Where storage/pom.xml copies ZooKeeper 3.8.6's jars. */
    private static final String CLASSPATH_DIRECTORY_PROPERTY = "storage.zookeeper386.dir";
    private static final String VERSION = "3.8.6";
    private static final int TICK_MS = 2000;
    private static final int ZNODES = 3000;
    private static final Duration STARTUP_BOUND = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void dataDirectoryWrittenByZooKeeper386ImportsAsZooKeeper395RestoresIt() throws Exception {
        Path data = Files.createDirectories(temp.resolve("data"));
        ServerProcess zooKeeper = ServerProcess.startOnFreePort(port -> Launch.of(Target.ZOOKEEPER, runtime(), temp.resolve("home"),
                ZooCfg.standalone(TICK_MS, data, port), "zookeeper-" + VERSION)
                .withJvmOptions(List.of("-Xmx256m", "-Dzookeeper.extendedTypesEnabled=true",
                        // A snapshot every 100 to 200 txns: several of them, fuzzy, and logs after the newest.
                        "-Dzookeeper.snapCount=200",
                        // Tests need no durability, and logs preallocated by 64 KiB instead of 64 MiB.
                        "-Dzookeeper.forceSync=no", "-Dzookeeper.preAllocSize=64"))
                .withStartupBound(STARTUP_BOUND));
        try {
            assertThat(zooKeeper.log()).as("the server that writes the files").contains("zookeeper.version=" + VERSION + "-");
            ZooKeeper kept = ZooKeeperDataDir.connect(zooKeeper.connectString());
            try {
                ZooKeeper client = ZooKeeperDataDir.connect(zooKeeper.connectString());
                ZooKeeperDataDir.fill(client, kept, ZNODES);
                client.close();
                // `kept` is open when the server dies: its session and ephemerals are in the files.
                zooKeeper.kill();
            } finally {
                kept.close(1);
            }
        } finally {
            zooKeeper.close();
        }

        assertThat(ZkFiles.snapshots(data.resolve("version-2"))).as("snapshots ZooKeeper " + VERSION + " took").hasSizeGreaterThan(3);
        ZooKeeperImport.Result result = ZooKeeperImport.read(data, null);
        ZooKeeperDataDir.ZkState restored = ZooKeeperDataDir.restore(data);
        ZooKeeperImportTest.assertSameState(result.snapshot(), restored);
        // ZooKeeper 3.8.6 runs in its own process, so its snapshots cannot be held back as in ZooKeeperDataDir.write:
        // one may hold every txn. Whatever the logs hold after it is replayed, every txn of it.
        assertThat(result.txns()).as("txns replayed after the snapshot").isEqualTo((int) (restored.lastZxid() - result.snapshotZxid()));
        assertThat(result.digestChecks()).as("ZooKeeper " + VERSION + "'s digests checked").isPositive();
        // SIGKILL may land while a snapshot is being written; the import then skips it, as ZooKeeper's restore does.
        assertThat(result.warnings()).allMatch(warning -> warning.startsWith("skipped a damaged snapshot"));
    }

    /** ZooKeeper 3.8.6 on its own class path: every jar in the directory storage/pom.xml copied them to. */
    private static ServerRuntime runtime() {
        String directory = System.getProperty(CLASSPATH_DIRECTORY_PROPERTY);
        if (directory == null || !Files.isDirectory(Path.of(directory))) {
            throw new IllegalStateException("system property " + CLASSPATH_DIRECTORY_PROPERTY + "=" + directory
                    + " names no directory of ZooKeeper " + VERSION + "'s jars: run through Maven");
        }
        // The java launcher expands "dir/*" to the directory's jars; Corral's class path is not needed here.
        return new ServerRuntime(ServerRuntime.currentJava(), "", Path.of(directory, "*").toString());
    }
}
