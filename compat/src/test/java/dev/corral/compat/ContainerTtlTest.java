package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Server-side reaping of container and TTL nodes (ZooKeeper 3.9 ContainerManager), with the
 * check interval set to 100 ms by {@code -Dznode.container.checkIntervalMs=100} on every server.
 */
class ContainerTtlTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final Duration REAP_BOUND = Duration.ofSeconds(10);
    /** Ten check intervals: long enough that a wrongly reaped node would be gone. */
    private static final Duration KEPT_FOR = Duration.ofSeconds(1);

    @Test
    void aContainerIsDeletedOnceItsLastChildIsGone() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper zk = server.zk(log);
        String root = server.newRoot(zk);
        zk.create(root + "/c", new byte[0], OPEN, CreateMode.CONTAINER);
        zk.create(root + "/c/a", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/c/b", new byte[0], OPEN, CreateMode.EPHEMERAL);
        zk.exists(root + "/c", true);

        zk.delete(root + "/c/a", -1);
        await().during(KEPT_FOR).atMost(KEPT_FOR.plus(REAP_BOUND))
                .until(() -> zk.exists(root + "/c", false) != null);
        zk.delete(root + "/c/b", -1);

        log.expect(EventType.NodeDeleted, root + "/c");
        assertThat(zk.exists(root + "/c", false)).isNull();
    }

    @Test
    void aContainerThatNeverHadAChildIsKept() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        zk.create(root + "/c", new byte[0], OPEN, CreateMode.CONTAINER);

        await().during(KEPT_FOR).atMost(KEPT_FOR.plus(REAP_BOUND))
                .until(() -> zk.exists(root + "/c", false) != null);
    }

    @Test
    void aContainerWhoseChildrenLeaveWithAnExpiredSessionIsDeleted() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/c", new byte[0], OPEN, CreateMode.CONTAINER);
        ZooKeeper owner = server.zk();
        owner.create(root + "/c/e", new byte[0], OPEN, CreateMode.EPHEMERAL);

        owner.close();

        await().atMost(REAP_BOUND).until(() -> zk.exists(root + "/c", false) == null);
    }

    @Test
    void anUnchangedChildlessTtlNodeIsDeletedAfterItsTtl() throws Exception {
        EventLog log = new EventLog();
        ZooKeeper zk = server.zk(log);
        String root = server.newRoot(zk);
        zk.create(root + "/t", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, null, 300);
        zk.create(root + "/s-", new byte[0], OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, null, 300);
        zk.getChildren(root, true);

        await().atMost(REAP_BOUND).until(() -> zk.getChildren(root, false).isEmpty());

        log.expect(EventType.NodeChildrenChanged, root);
    }

    @Test
    void aTtlNodeWithAChildIsKeptUntilTheChildIsGone() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/t", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, null, 100);
        zk.create(root + "/t/child", new byte[0], OPEN, CreateMode.PERSISTENT);

        await().during(KEPT_FOR).atMost(KEPT_FOR.plus(REAP_BOUND))
                .until(() -> zk.exists(root + "/t", false) != null);
        zk.delete(root + "/t/child", -1);

        await().atMost(REAP_BOUND).until(() -> zk.exists(root + "/t", false) == null);
    }

    @Test
    void writingToATtlNodeRestartsItsTtl() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        long ttlMs = 3_000;
        zk.create(root + "/t", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, null, ttlMs);
        long created = zk.exists(root + "/t", false).getMtime();

        // Keep writing for longer than the TTL: the node must survive since its mtime moves.
        await().during(Duration.ofMillis(ttlMs + 500)).atMost(REAP_BOUND)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    zk.setData(root + "/t", bytes("touch"), -1);
                    return zk.exists(root + "/t", false) != null;
                });
        assertThat(zk.exists(root + "/t", false).getMtime()).isGreaterThan(created);

        await().atMost(REAP_BOUND).until(() -> zk.exists(root + "/t", false) == null);
    }

    @Test
    void containersAndTtlNodesMayHaveChildren() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/c", new byte[0], OPEN, CreateMode.CONTAINER);
        zk.create(root + "/t", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, null, 60_000);

        zk.create(root + "/c/x", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/t/x", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertThat(zk.getAllChildrenNumber(root)).isEqualTo(4);
    }
}
