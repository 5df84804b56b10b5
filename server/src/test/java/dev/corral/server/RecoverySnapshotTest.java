package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.storage.SnapshotFile;
import dev.corral.storage.Snapshots;
import dev.corral.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot that comes due while a server replays its log at start is taken once it serves, of the state
 * the whole log gave, instead of while the log is replayed: writing it meanwhile took CPU from the
 * recovery that clients wait for (issue 16).
 */
class RecoverySnapshotTest {
    private static final int ZNODES = 40;

    @TempDir
    Path dir;

    @Test
    void aSnapshotDueDuringReplayIsTakenOnceTheServerServesOfTheWholeLog() throws Exception {
        long lastZxid;
        try (CorralServer server = new CorralServer(config(1_000_000), e -> { })) {
            server.start();
            ZooKeeper zk = Connected.zk(server.port());
            try {
                zk.create("/r", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int i = 0; i < ZNODES; i++) {
                    zk.create("/r/n" + i, new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                lastZxid = zk.exists("/r/n" + (ZNODES - 1), false).getCzxid();
            } finally {
                zk.close();
            }
        }
        Path snapshotDir = dir.resolve(CorralServer.SNAPSHOT_DIR);
        assertThat(Snapshots.list(snapshotDir)).as("snapshots of the first run (snapCount 1,000,000)").isEmpty();

        // With snapCount 4, a snapshot is due every 2 to 3 of the 41 txns replayed.
        try (CorralServer server = new CorralServer(config(4), e -> { })) {
            server.start();
            // No client comes: a session's txns could make another snapshot due.
            assertThat(Poll.until(Duration.ofSeconds(20), Duration.ofMillis(10), () -> !list(snapshotDir).isEmpty()))
                    .as("a snapshot after the restart").isTrue();
        }
        List<Path> snapshots = list(snapshotDir);
        assertThat(snapshots).as("snapshots after the restart").hasSize(1);
        // The log's last txn is the client's closeSession, right after its last create.
        assertThat(SnapshotFile.zxidOf(snapshots.get(0).getFileName().toString())).isEqualTo(lastZxid + 1);
    }

    private static List<Path> list(Path snapshotDir) {
        try {
            return Snapshots.list(snapshotDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ServerConfig config(int snapCount) throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty("dataDir", dir.toString());
        cfg.setProperty("clientPort", "2181");
        cfg.setProperty("clientPortAddress", "127.0.0.1");
        cfg.setProperty("snapCount", Integer.toString(snapCount));
        cfg.setProperty("autopurge.snapRetainCount", "100");
        return ServerConfig.parse(cfg, "test", Map.of(), new Properties()).withHttp(null, null).listeningOn(0, dir);
    }
}
