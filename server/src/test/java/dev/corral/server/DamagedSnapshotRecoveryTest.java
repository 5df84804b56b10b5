package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.storage.Snapshots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server whose newest snapshot is damaged in its last node (found there or by the CRC at its end, when
 * every other node has been built into the tree, since the file is decoded while the tree is built)
 * skips it and recovers the same znodes from the snapshot before it and the log, or from the log alone
 * when every snapshot is damaged: nothing of a partly loaded tree is left for the log to be replayed on.
 */
class DamagedSnapshotRecoveryTest {
    private static final int ZNODES = 60;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "damaged snapshots: {0}")
    @ValueSource(strings = {"newest", "all"})
    void aSnapshotThatFailsItsCrcIsSkippedAndTheSameZnodesComeBack(String damaged) throws Exception {
        ServerConfig config = config();
        List<String> written = new ArrayList<>();
        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.start();
            ZooKeeper zk = Connected.zk(server.port());
            try {
                zk.create("/d", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int i = 0; i < ZNODES; i++) {
                    String path = "/d/n" + i;
                    zk.create(path, path.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    written.add(path);
                }
            } finally {
                zk.close();
            }
        }
        List<Path> snapshots = Snapshots.list(dir.resolve(CorralServer.SNAPSHOT_DIR));
        assertThat(snapshots).as("snapshots written (snapCount=2)").hasSizeGreaterThan(1);
        for (Path snapshot : damaged.equals("newest") ? snapshots.subList(0, 1) : snapshots) {
            byte[] bytes = Files.readAllBytes(snapshot);
            bytes[bytes.length - 6] ^= 0x01; // the last node's TTL, before the 4-byte CRC
            Files.write(snapshot, bytes);
        }

        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.start();
            ZooKeeper zk = Connected.zk(server.port());
            try {
                assertThat(zk.getChildren("/d", false)).hasSize(ZNODES);
                for (String path : written) {
                    assertThat(new String(zk.getData(path, false, null), StandardCharsets.UTF_8)).isEqualTo(path);
                }
                assertThat(zk.exists("/d", false).getNumChildren()).isEqualTo(ZNODES);
                assertThat(zk.getChildren("/", false)).containsExactlyInAnyOrder("d", "zookeeper");
            } finally {
                zk.close();
            }
        }
    }

    private ServerConfig config() throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty("dataDir", dir.toString());
        cfg.setProperty("clientPort", "2181");
        cfg.setProperty("clientPortAddress", "127.0.0.1");
        cfg.setProperty("snapCount", "2");
        cfg.setProperty("autopurge.snapRetainCount", "100");
        return ServerConfig.parse(cfg, "test", Map.of(), new Properties()).withHttp(null, null).listeningOn(0, dir);
    }
}
