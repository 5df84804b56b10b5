package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.bytes;
import static dev.corral.compat.KeeperAssertions.worldAcl;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How each write moves the Stat fields (ZooKeeper 3.9 DataTree, PrepRequestProcessor,
 * DataNode#copyStat), and the sequential-name counter.
 */
class StatTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    /** Server and test run on one machine; allow for clock granularity only. */
    private static final long CLOCK_SLACK_MS = 2_000;

    @Test
    void aNewNodeHasEqualZxidsZeroVersionsAndItsDataLength() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        long before = System.currentTimeMillis();
        Stat stat = new Stat();

        zk.create(root + "/n", bytes("12345"), OPEN, CreateMode.PERSISTENT, stat);

        long after = System.currentTimeMillis();
        assertThat(stat.getMzxid()).isEqualTo(stat.getCzxid());
        assertThat(stat.getPzxid()).as("pzxid of a new node").isEqualTo(stat.getCzxid());
        assertThat(stat.getCzxid()).isGreaterThan(zk.exists(root, false).getCzxid());
        assertThat(List.of(stat.getVersion(), stat.getCversion(), stat.getAversion(), stat.getNumChildren()))
                .containsOnly(0);
        assertThat(stat.getEphemeralOwner()).isZero();
        assertThat(stat.getDataLength()).isEqualTo(5);
        assertThat(stat.getMtime()).isEqualTo(stat.getCtime());
        assertThat(stat.getCtime()).isBetween(before - CLOCK_SLACK_MS, after + CLOCK_SLACK_MS);
    }

    @Test
    void setDataMovesVersionMzxidMtimeAndDataLengthOnly() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        Stat created = new Stat();
        zk.create(root + "/n", bytes("a"), OPEN, CreateMode.PERSISTENT, created);

        Stat first = zk.setData(root + "/n", bytes("abc"), -1);
        Stat second = zk.setData(root + "/n", bytes(""), 1);

        assertThat(first.getVersion()).isEqualTo(1);
        assertThat(second.getVersion()).isEqualTo(2);
        assertThat(first.getMzxid()).isGreaterThan(created.getMzxid());
        assertThat(second.getMzxid()).isGreaterThan(first.getMzxid());
        assertThat(second.getMtime()).isGreaterThanOrEqualTo(created.getMtime());
        assertThat(first.getDataLength()).isEqualTo(3);
        assertThat(second.getDataLength()).isZero();
        assertThat(second.getCzxid()).isEqualTo(created.getCzxid());
        assertThat(second.getCtime()).isEqualTo(created.getCtime());
        assertThat(second.getPzxid()).as("pzxid is about children").isEqualTo(created.getPzxid());
        assertThat(second.getCversion()).isZero();
        assertThat(second.getAversion()).isZero();
    }

    @Test
    void setAclBumpsTheAversionAndNothingElse() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        Stat created = new Stat();
        zk.create(root + "/n", bytes("a"), OPEN, CreateMode.PERSISTENT, created);

        Stat afterSetAcl = zk.setACL(root + "/n", worldAcl(ZooDefs.Perms.ALL), 0);

        assertThat(afterSetAcl.getAversion()).isEqualTo(1);
        assertThat(afterSetAcl.getMzxid()).as("setACL does not change mzxid").isEqualTo(created.getMzxid());
        assertThat(afterSetAcl.getMtime()).isEqualTo(created.getMtime());
        assertThat(afterSetAcl.getVersion()).isZero();
        assertThat(afterSetAcl.getPzxid()).isEqualTo(created.getPzxid());
    }

    @Test
    void childCreateAndDeleteEachBumpTheParentCversionAndMoveItsPzxid() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        Stat parentBefore = zk.exists(root, false);
        Stat child = new Stat();

        zk.create(root + "/c", new byte[0], OPEN, CreateMode.PERSISTENT, child);
        Stat afterCreate = zk.exists(root, false);
        zk.delete(root + "/c", -1);
        Stat afterDelete = zk.exists(root, false);
        Stat probe = zk.setData(root, new byte[0], -1);

        assertThat(afterCreate.getCversion()).isEqualTo(parentBefore.getCversion() + 1);
        assertThat(afterCreate.getPzxid()).isEqualTo(child.getCzxid());
        assertThat(afterCreate.getNumChildren()).isEqualTo(1);
        assertThat(afterCreate.getMzxid()).as("children do not change the parent's mzxid")
                .isEqualTo(parentBefore.getMzxid());
        assertThat(afterCreate.getVersion()).isZero();
        assertThat(afterDelete.getCversion()).isEqualTo(parentBefore.getCversion() + 2);
        assertThat(afterDelete.getPzxid()).isGreaterThan(child.getCzxid()).isLessThan(probe.getMzxid());
        assertThat(afterDelete.getNumChildren()).isZero();
    }

    @Test
    void ephemeralOwnerIsTheSessionForEphemeralsAndZeroForContainersAndTtlNodes() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        Stat ephemeral = new Stat();
        Stat ephemeralSequential = new Stat();
        Stat container = new Stat();
        Stat ttl = new Stat();
        zk.create(root + "/e", new byte[0], OPEN, CreateMode.EPHEMERAL, ephemeral);
        zk.create(root + "/es", new byte[0], OPEN, CreateMode.EPHEMERAL_SEQUENTIAL, ephemeralSequential);
        zk.create(root + "/c", new byte[0], OPEN, CreateMode.CONTAINER, container);
        zk.create(root + "/t", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, ttl, 60_000);

        assertThat(ephemeral.getEphemeralOwner()).isEqualTo(zk.getSessionId());
        assertThat(ephemeralSequential.getEphemeralOwner()).isEqualTo(zk.getSessionId());
        assertThat(container.getEphemeralOwner()).isZero();
        assertThat(ttl.getEphemeralOwner()).isZero();
    }

    @Test
    void sequentialSuffixCountsEveryChildCreatedEvenAfterDeletes() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        String first = zk.create(root + "/s-", new byte[0], OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        zk.create(root + "/plain", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.delete(root + "/plain", -1);
        zk.delete(first, -1);
        String second = zk.create(root + "/s-", new byte[0], OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        String third = zk.create(root + "/other-", new byte[0], OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);

        assertThat(first).isEqualTo(root + "/s-0000000000");
        // The counter is the number of children ever created (deletes do not advance it), while the
        // client-visible cversion counts creates and deletes.
        assertThat(second).isEqualTo(root + "/s-0000000002");
        assertThat(third).isEqualTo(root + "/other-0000000003");
        assertThat(zk.exists(root, false).getCversion()).isEqualTo(6);
    }

    @Test
    void aSequentialNameMayBeTheWholeChildName() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        String created = zk.create(root + "/", new byte[0], OPEN, CreateMode.PERSISTENT_SEQUENTIAL);

        assertThat(created).isEqualTo(root + "/0000000000");
    }

    @Test
    void theServerOwnedNodesExist() throws Exception {
        ZooKeeper zk = server.zk();

        assertThat(zk.getChildren("/", false)).contains("zookeeper");
        assertThat(zk.getChildren("/zookeeper", false)).containsExactlyInAnyOrder("quota", "config");
        assertThat(zk.exists("/zookeeper/quota", false)).isNotNull();
        assertThat(zk.getACL("/zookeeper/config", null))
                .as("ZOOKEEPER-2014: the config node is read-only for the world")
                .isEqualTo(worldAcl(ZooDefs.Perms.READ));
        assertThat(zk.getACL("/zookeeper", null)).isEqualTo(worldAcl(ZooDefs.Perms.ALL));
    }
}
