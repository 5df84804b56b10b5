package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools against files a real server wrote: an in-process server, written to through ZooKeeper's
 * official Java client, with a small snapCount so that it writes snapshots and rolls its log.
 */
class ServerDataDirTest {
    private static final int CONNECT_BOUND_S = 15;
    private static final int NODES = 30;

    @TempDir
    Path dir;

    @Test
    void logSnapshotAndPurgeReadWhatTheServerWroteAndPurgeKeepsWhatRecoveryNeeds() throws Exception {
        Path dataDir = dir.resolve("data");
        Path config = dir.resolve("zoo.cfg");
        Files.writeString(config, "dataDir=" + dataDir + "\nsnapCount=10\n");
        long sessionId;
        String lock;
        try (CorralServer server = start(config, dataDir)) {
            assertThat(dataDir.resolve(DataDirs.LOCK_FILE)).as("the lock file purge probes").exists();
            ZooKeeper zk = connect(server.port());
            try {
                sessionId = zk.getSessionId();
                zk.create("/app", bytes("v1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                lock = zk.create("/app/lock-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
                zk.setData("/app", bytes("v2"), 0);
                zk.multi(List.of(Op.create("/app/m", bytes("m"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.setData("/app/m", bytes("mm"), 0)));
                for (int i = 0; i < NODES; i++) {
                    zk.create("/app/n" + i, bytes("node " + i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                zk.delete("/app/n0", -1);
            } finally {
                zk.close();
            }
        }

        Cli.Run log = Cli.run("log", "--config", config.toString(), "--json");
        assertThat(log.exit()).as(log.toString()).isZero();
        List<JsonNode> txns = log.jsonLines();
        String session = "0x" + Long.toHexString(sessionId);
        assertThat(txns.get(0).get("type").asText()).isEqualTo("createSession");
        assertThat(txns.get(0).get("sessionId").asText()).isEqualTo(session);
        assertThat(txns.get(1).get("paths").get(0).asText()).isEqualTo("/app");
        assertThat(txns.get(1).get("dataBytes").asInt()).isEqualTo(2);
        assertThat(txns.get(2).get("paths").get(0).asText()).isEqualTo(lock);
        assertThat(txns.get(2).get("kind").asText()).isEqualTo("ephemeral");
        assertThat(txns.get(3).get("type").asText()).isEqualTo("setData");
        assertThat(txns.get(4).get("type").asText()).isEqualTo("multi");
        assertThat(txns.get(4).get("ops")).extracting(op -> op.get("type").asText()).containsExactly("create", "setData");
        JsonNode close = txns.get(txns.size() - 1);
        assertThat(close.get("type").asText()).isEqualTo("closeSession");
        assertThat(close.get("paths")).extracting(JsonNode::asText).containsExactly(lock);
        assertThat(txns).hasSize(1 + 1 + 1 + 1 + 1 + NODES + 1 + 1);
        for (int i = 1; i < txns.size(); i++) {
            assertThat(Long.decode(txns.get(i).get("zxid").asText())).isEqualTo(Long.decode(txns.get(i - 1).get("zxid").asText()) + 1);
            assertThat(txns.get(i).get("sessionId").asText()).isEqualTo(session);
        }

        Cli.Run snapshot = Cli.run("snapshot", "--config", config.toString(), "--json");
        assertThat(snapshot.exit()).as(snapshot.toString()).isZero();
        JsonNode newest = snapshot.json();
        assertThat(newest.get("digest").get("ok").asBoolean()).isTrue();
        long snapshotZxid = Long.decode(newest.get("zxid").asText());
        assertThat(snapshotZxid).isBetween(1L, Long.decode(close.get("zxid").asText()));
        assertThat(newest.get("nodeCount").asInt()).isEqualTo(newest.get("znodes").size());
        for (JsonNode znode : newest.get("znodes")) {
            assertThat(Long.decode(znode.get("czxid").asText())).as(znode.get("path").asText()).isLessThanOrEqualTo(snapshotZxid);
        }

        int snapshots = count(dataDir.resolve(CorralServer.SNAPSHOT_DIR));
        assertThat(snapshots).as("snapshots written at snapCount=10").isGreaterThanOrEqualTo(2);
        Cli.Run purge = Cli.run("purge", "--config", config.toString(), "-n", "3");
        assertThat(purge.exit()).as(purge.toString()).isZero();
        assertThat(count(dataDir.resolve(CorralServer.SNAPSHOT_DIR))).isEqualTo(Math.min(3, snapshots));

        try (CorralServer server = start(config, dataDir)) {
            ZooKeeper zk = connect(server.port());
            try {
                assertThat(zk.getChildren("/app", false)).hasSize(NODES).contains("m").doesNotContain("n0", lock.substring(5));
                assertThat(new String(zk.getData("/app/m", false, null), StandardCharsets.UTF_8)).isEqualTo("mm");
            } finally {
                zk.close();
            }
        }
    }

    private static CorralServer start(Path config, Path dataDir) throws Exception {
        CorralServer server = new CorralServer(ServerConfig.load(config).listeningOn(0, dataDir), error -> fail("server failed", error));
        server.start();
        return server;
    }

    private static ZooKeeper connect(int port) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(CONNECT_BOUND_S, TimeUnit.SECONDS)) {
            zk.close();
            fail("no connection to 127.0.0.1:" + port + " within " + CONNECT_BOUND_S + " s");
        }
        return zk;
    }

    private static int count(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".snap")).count();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
