package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * session.watchesMax (Corral's; ZooKeeper 3.9 has no bound on watches): off by default, and when set, a
 * request that would leave a session with more watches is answered QUOTAEXCEEDED and sets nothing, while
 * reads without a watch and other sessions go on; a fired watch makes room again. The scrape shows the
 * most watches any session holds.
 */
class WatchBoundTest {
    private static final int BOUND = 3;
    private static final int MANY = 200;

    @TempDir
    Path dir;

    private CorralServer start(Properties cfg) throws Exception {
        return StartedServer.withMetrics(cfg, dir);
    }

    @Test
    void byDefaultASessionMaySetAnyNumberOfWatches() throws Exception {
        try (CorralServer server = start(new Properties())) {
            ZooKeeper zk = Connected.zk(server.port());
            for (int i = 0; i < MANY; i++) {
                assertThat(zk.exists("/absent" + i, true)).isNull();
            }
            assertThat(AdminHttpTest.metric(server, "session_watches_max")).isEqualTo(MANY);
            zk.close();
        }
    }

    @Test
    void aRequestThatWouldPassTheBoundIsRefusedAndSetsNothing() throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty("session.watchesMax", Integer.toString(BOUND));
        try (CorralServer server = start(cfg)) {
            ZooKeeper zk = Connected.zk(server.port());
            for (int i = 0; i < BOUND; i++) {
                zk.create("/n" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            zk.create("/extra", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            CompletableFuture<String> fired = new CompletableFuture<>();
            Watcher watcher = event -> fired.complete(event.getPath());
            for (int i = 0; i < BOUND; i++) {
                zk.getData("/n" + i, watcher, null);
            }
            assertThat(AdminHttpTest.metric(server, "session_watches_max")).isEqualTo(BOUND);

            // Every way of asking for one more watch is refused.
            assertThatThrownBy(() -> zk.getData("/extra", true, null)).isInstanceOf(KeeperException.QuotaExceededException.class);
            assertThatThrownBy(() -> zk.exists("/extra", true)).isInstanceOf(KeeperException.QuotaExceededException.class);
            assertThatThrownBy(() -> zk.getChildren("/extra", true)).isInstanceOf(KeeperException.QuotaExceededException.class);
            assertThatThrownBy(() -> zk.addWatch("/extra", event -> { }, AddWatchMode.PERSISTENT_RECURSIVE))
                    .isInstanceOf(KeeperException.QuotaExceededException.class);
            assertThat(AdminHttpTest.metric(server, "session_watches_max")).as("nothing set by the refused requests").isEqualTo(BOUND);

            // Reads without a watch, and another session's watches, are not bounded by this session's.
            assertThat(zk.getData("/extra", false, null)).isEmpty();
            ZooKeeper other = Connected.zk(server.port());
            assertThat(other.getChildren("/", true)).contains("extra");

            // A watch that fires is gone, and makes room for one more.
            other.setData("/n0", new byte[] {1}, -1);
            assertThat(fired.get(10, TimeUnit.SECONDS)).isEqualTo("/n0");
            assertThat(zk.getData("/extra", true, null)).isEmpty();
            other.close();
            zk.close();
        }
    }
}
