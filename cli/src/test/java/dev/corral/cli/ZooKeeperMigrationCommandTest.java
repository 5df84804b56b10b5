package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code corral export-zookeeper} and {@code corral import-zookeeper} through the command line: a server's
 * state goes out as a ZooKeeper snapshot and comes back in as a new data directory, and a client whose
 * session was open across the switch reconnects to the new server with its session id and password,
 * keeps its ephemeral and gets its watch event. The refusals: a server answering on the client port, a
 * live zookeeper_server.pid, a target that is not empty. (ZooKeeper 3.9.5 itself writing and loading
 * these files is tested in storage's ZooKeeperImportTest and compat's ZooKeeperMigrationTest.)
 */
class ZooKeeperMigrationCommandTest {
    private static final int CONNECT_BOUND_S = 15;

    @TempDir
    Path dir;

    @Test
    void stateAndOpenSessionSurviveExportAndImport() throws Exception {
        int port = freePort();
        Path first = dir.resolve("first");
        Path firstConfig = config("first.cfg", first, port);
        Path zooKeeper = dir.resolve("zk");
        Path second = dir.resolve("second");
        Path secondConfig = config("second.cfg", second, port);
        LinkedBlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        ZooKeeper kept;
        try (CorralServer server = start(firstConfig)) {
            kept = connect(port, events::add);
            kept.create("/app", bytes("v1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            kept.create("/app/ttl", bytes("t"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, null, 60_000);
            kept.create("/app/box", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
            kept.create("/app/box/item", null, ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
            kept.create("/app/mine", bytes("e"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            assertThat(kept.exists("/app/watched", true)).isNull();
        }
        long sessionId = kept.getSessionId();

        Cli.Run export = Cli.run("export-zookeeper", "--config", firstConfig.toString(), "--to", zooKeeper.toString());
        assertThat(export.exit()).as(export.toString()).isZero();
        assertThat(export.out()).contains("1 sessions").contains(zooKeeper.resolve("version-2").toString());

        Cli.Run imported = Cli.run("import-zookeeper", "--from", zooKeeper.toString(), "--config", secondConfig.toString());
        assertThat(imported.exit()).as(imported.toString()).isZero();
        assertThat(imported.lines()).anyMatch(line -> line.startsWith("sessions: 1"))
                .anyMatch(line -> line.startsWith("last zxid: 0x")).anyMatch(line -> line.startsWith("time: "));

        try (CorralServer server = start(secondConfig)) {
            ZooKeeper other = connect(port, event -> { });
            try {
                await(kept);
                assertThat(kept.getSessionId()).as("the same session, resumed").isEqualTo(sessionId);
                assertThat(other.exists("/app/mine", false).getEphemeralOwner()).isEqualTo(sessionId);
                assertThat(other.getData("/app", false, null)).isEqualTo(bytes("v1"));
                assertThat(other.getACL("/app/box/item", null)).isEqualTo(ZooDefs.Ids.READ_ACL_UNSAFE);
                other.create("/app/watched", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                WatchedEvent event = pollUntil(events, Watcher.Event.EventType.NodeCreated);
                assertThat(event.getPath()).isEqualTo("/app/watched");
                assertThat(other.create("/app/new", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)).isEqualTo("/app/new");
                long newZxid = other.exists("/app/new", false).getCzxid();
                assertThat(newZxid >>> 32).as("new zxids are in a later epoch than the imported ones").isGreaterThan(0);
            } finally {
                other.close();
                kept.close();
            }
        }
    }

    @Test
    void refusesWhileSomethingAnswersOnTheClientPort() throws Exception {
        Path zooKeeper = exportedZooKeeperDir();
        try (ServerSocket running = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path config = config("busy.cfg", dir.resolve("target"), running.getLocalPort());
            Cli.Run run = Cli.run("import-zookeeper", "--from", zooKeeper.toString(), "--config", config.toString());
            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).contains("answers on the client port 127.0.0.1:" + running.getLocalPort());
        }
        assertThat(dir.resolve("target")).doesNotExist();
    }

    @Test
    void refusesWhileZooKeepersPidFileNamesALiveProcess() throws Exception {
        Path zooKeeper = exportedZooKeeperDir();
        Files.writeString(zooKeeper.resolve("zookeeper_server.pid"), Long.toString(ProcessHandle.current().pid()));
        Path config = config("pid.cfg", dir.resolve("target"), freePort());

        Cli.Run run = Cli.run("import-zookeeper", "--from", zooKeeper.toString(), "--config", config.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("zookeeper_server.pid").contains("which is running");
    }

    @Test
    void refusesATargetThatHoldsCorralFilesAndChangesNothing() throws Exception {
        Path zooKeeper = exportedZooKeeperDir();
        Path target = dir.resolve("target");
        Path config = config("full.cfg", target, freePort());
        assertThat(Cli.run("import-zookeeper", "--from", zooKeeper.toString(), "--config", config.toString()).exit()).isZero();
        byte[] before = Files.readAllBytes(Files.list(target.resolve(CorralServer.SNAPSHOT_DIR)).filter(f -> f.toString().endsWith(".snap"))
                .findFirst().orElseThrow());

        Cli.Run again = Cli.run("import-zookeeper", "--from", zooKeeper.toString(), "--config", config.toString());
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);
        assertThat(again.err()).contains("not empty");
        assertThat(Files.readAllBytes(Files.list(target.resolve(CorralServer.SNAPSHOT_DIR)).filter(f -> f.toString().endsWith(".snap"))
                .findFirst().orElseThrow())).isEqualTo(before);
    }

    /** A ZooKeeper data directory exported from a fresh server's data directory. */
    private Path exportedZooKeeperDir() throws Exception {
        Path source = dir.resolve("source");
        Path config = config("source.cfg", source, freePort());
        try (CorralServer server = start(config)) {
            ZooKeeper client = connect(server.port(), event -> { });
            client.create("/x", bytes("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            client.close();
        }
        Path zooKeeper = dir.resolve("zk-source");
        Cli.Run export = Cli.run("export-zookeeper", "--config", config.toString(), "--to", zooKeeper.toString());
        assertThat(export.exit()).as(export.toString()).isZero();
        return zooKeeper;
    }

    private Path config(String name, Path dataDir, int port) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "dataDir=" + dataDir + "\nclientPort=" + port + "\nclientPortAddress=127.0.0.1\nextendedTypesEnabled=true\n");
        return file;
    }

    private static CorralServer start(Path config) throws Exception {
        CorralServer server = new CorralServer(ServerConfig.load(config), error -> fail("server failed", error));
        server.start();
        return server;
    }

    private static ZooKeeper connect(int port, Watcher watcher) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            watcher.process(event);
        });
        if (!connected.await(CONNECT_BOUND_S, TimeUnit.SECONDS)) {
            zk.close();
            fail("no connection to 127.0.0.1:" + port + " within " + CONNECT_BOUND_S + " s");
        }
        return zk;
    }

    /** Waits, bounded, until the client is connected again (it reconnects on its own). */
    private static void await(ZooKeeper client) {
        org.awaitility.Awaitility.await("the client reconnects").atMost(CONNECT_BOUND_S, TimeUnit.SECONDS)
                .until(() -> client.getState().isConnected());
    }

    private static WatchedEvent pollUntil(LinkedBlockingQueue<WatchedEvent> events, Watcher.Event.EventType type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONNECT_BOUND_S);
        while (System.nanoTime() < deadline) {
            WatchedEvent event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && event.getType() == type) {
                return event;
            }
        }
        return fail("no " + type + " event within " + CONNECT_BOUND_S + " s");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
