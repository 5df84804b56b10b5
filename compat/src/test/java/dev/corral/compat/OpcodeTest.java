package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.acl;
import static dev.corral.compat.KeeperAssertions.assertKeeperError;
import static dev.corral.compat.KeeperAssertions.bytes;
import static dev.corral.compat.KeeperAssertions.text;
import static dev.corral.compat.KeeperAssertions.worldAcl;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every client opcode through the official ZooKeeper 3.9 Java client, each against its happy path.
 * Error codes are in {@link ErrorCodeTest}, watches in {@link WatchTest}, ACLs in {@link AclTest}.
 */
class OpcodeTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    // create (opcode 1) in every mode

    @Test
    void createPersistentReturnsThePathAndStoresTheData() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        String created = zk.create(root + "/p", bytes("hello"), OPEN, CreateMode.PERSISTENT);

        assertThat(created).isEqualTo(root + "/p");
        assertThat(text(zk.getData(created, false, null))).isEqualTo("hello");
    }

    @Test
    void createEphemeralIsOwnedByTheCreatingSession() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        String created = zk.create(root + "/e", bytes("x"), OPEN, CreateMode.EPHEMERAL);

        assertThat(zk.exists(created, false).getEphemeralOwner()).isEqualTo(zk.getSessionId());
    }

    @Test
    void createSequentialModesAppendTheParentCounterAsTenDigits() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        String first = zk.create(root + "/s-", new byte[0], OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        String second = zk.create(root + "/s-", new byte[0], OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
        String third = zk.create(root + "/t-", new byte[0], OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL,
                null, 60_000);

        assertThat(List.of(first, second, third))
                .containsExactly(root + "/s-0000000000", root + "/s-0000000001", root + "/t-0000000002");
        assertThat(zk.exists(second, false).getEphemeralOwner()).isEqualTo(zk.getSessionId());
    }

    @Test
    void createContainerAndTtlNodesShowNoEphemeralOwner() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        String container = zk.create(root + "/c", new byte[0], OPEN, CreateMode.CONTAINER);
        String ttl = zk.create(root + "/t", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, null, 60_000);

        assertThat(zk.exists(container, false).getEphemeralOwner()).isZero();
        assertThat(zk.exists(ttl, false).getEphemeralOwner()).isZero();
        assertThat(zk.getEphemerals(root)).isEmpty();
    }

    // create2 (opcode 15): create returning a Stat

    @Test
    void create2ReturnsTheStatOfTheNewNode() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        Stat returned = new Stat();

        zk.create(root + "/n", bytes("abc"), OPEN, CreateMode.PERSISTENT, returned);

        assertThat(returned).isEqualTo(zk.exists(root + "/n", false));
        assertThat(returned.getDataLength()).isEqualTo(3);
        assertThat(returned.getCzxid()).isPositive();
    }

    // delete, exists, getData, setData

    @Test
    void deleteRemovesTheNode() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/d", new byte[0], OPEN, CreateMode.PERSISTENT);

        zk.delete(root + "/d", 0);

        assertThat(zk.exists(root + "/d", false)).isNull();
    }

    @Test
    void existsReturnsTheStatOrNull() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        assertThat(zk.exists(root, false)).isNotNull();
        assertThat(zk.exists(root + "/missing", false)).isNull();
    }

    @Test
    void getDataReturnsTheDataAndFillsTheStat() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/g", bytes("payload"), OPEN, CreateMode.PERSISTENT);
        Stat stat = new Stat();

        byte[] data = zk.getData(root + "/g", false, stat);

        assertThat(text(data)).isEqualTo("payload");
        assertThat(stat).isEqualTo(zk.exists(root + "/g", false));
    }

    @Test
    void nullDataReadsBackAsNullAndEmptyDataAsEmpty() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/null", null, OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/empty", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertThat(zk.getData(root + "/null", false, null)).isNull();
        assertThat(zk.getData(root + "/empty", false, null)).isEmpty();
        assertThat(zk.exists(root + "/null", false).getDataLength()).isZero();
    }

    @Test
    void setDataReplacesTheDataAndReturnsTheNewStat() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/s", bytes("one"), OPEN, CreateMode.PERSISTENT);

        Stat stat = zk.setData(root + "/s", bytes("two!"), 0);

        assertThat(stat.getVersion()).isEqualTo(1);
        assertThat(stat.getDataLength()).isEqualTo(4);
        assertThat(text(zk.getData(root + "/s", false, null))).isEqualTo("two!");
    }

    // getACL, setACL

    @Test
    void getAclReturnsTheAclAndTheStat() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        List<ACL> acl = acl(new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.ANYONE_ID_UNSAFE),
                new ACL(ZooDefs.Perms.READ, new Id("ip", "127.0.0.1")));
        zk.create(root + "/a", new byte[0], acl, CreateMode.PERSISTENT);
        Stat stat = new Stat();

        assertThat(zk.getACL(root + "/a", stat)).containsExactlyElementsOf(acl);
        assertThat(stat).isEqualTo(zk.exists(root + "/a", false));
    }

    @Test
    void setAclReplacesTheAclAndBumpsTheAversion() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT);

        Stat stat = zk.setACL(root + "/a", worldAcl(ZooDefs.Perms.READ | ZooDefs.Perms.ADMIN), 0);

        assertThat(stat.getAversion()).isEqualTo(1);
        assertThat(zk.getACL(root + "/a", null)).isEqualTo(worldAcl(ZooDefs.Perms.READ | ZooDefs.Perms.ADMIN));
    }

    // getChildren (8), getChildren2 (12), getAllChildrenNumber (104)

    @Test
    void getChildrenListsTheChildNames() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/b", new byte[0], OPEN, CreateMode.EPHEMERAL);

        assertThat(zk.getChildren(root, false)).containsExactlyInAnyOrder("a", "b");
        assertThat(zk.getChildren(root + "/a", false)).isEmpty();
    }

    @Test
    void getChildren2AlsoReturnsTheParentStat() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT);
        Stat stat = new Stat();

        List<String> children = zk.getChildren(root, false, stat);

        assertThat(children).containsExactly("a");
        assertThat(stat.getNumChildren()).isEqualTo(1);
        assertThat(stat).isEqualTo(zk.exists(root, false));
    }

    @Test
    void getAllChildrenNumberCountsEveryDescendant() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/a/b", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/a/b/c", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/d", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertThat(zk.getAllChildrenNumber(root)).isEqualTo(4);
        assertThat(zk.getAllChildrenNumber(root + "/a/b/c")).isZero();
    }

    // sync (9)

    @Test
    void syncCompletesWithOkAndThePathEvenForAMissingNode() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        CompletableFuture<String> result = new CompletableFuture<>();
        AsyncCallback.VoidCallback callback = (rc, path, ctx) -> result.complete(rc + " " + path);

        zk.sync(root + "/missing", callback, null);

        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("0 " + root + "/missing");
    }

    // multi (14) with check (13), multiRead (22)

    @Test
    void multiAppliesEveryOpAndReturnsOneResultPerOp() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/old", new byte[0], OPEN, CreateMode.PERSISTENT);

        List<OpResult> results = zk.multi(List.of(
                Op.check(root, 0),
                Op.create(root + "/new", bytes("n"), OPEN, CreateMode.PERSISTENT),
                Op.setData(root + "/new", bytes("m"), 0),
                Op.delete(root + "/old", 0)));

        assertThat(results).hasSize(4);
        assertThat(results.get(0)).isInstanceOf(OpResult.CheckResult.class);
        assertThat(((OpResult.CreateResult) results.get(1)).getPath()).isEqualTo(root + "/new");
        Stat setStat = ((OpResult.SetDataResult) results.get(2)).getStat();
        assertThat(setStat.getVersion()).isEqualTo(1);
        assertThat(setStat.getMzxid()).as("every op of a multi shares one zxid").isEqualTo(setStat.getCzxid());
        assertThat(results.get(3)).isInstanceOf(OpResult.DeleteResult.class);
        assertThat(text(zk.getData(root + "/new", false, null))).isEqualTo("m");
        assertThat(zk.exists(root + "/old", false)).isNull();
    }

    @Test
    void multiReadReturnsPerOpResultsAndDoesNotThrowForAFailedRead() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/a", bytes("A"), OPEN, CreateMode.PERSISTENT);

        List<OpResult> results = zk.multi(List.of(
                Op.getData(root + "/a"),
                Op.getChildren(root),
                Op.getData(root + "/missing")));

        OpResult.GetDataResult data = (OpResult.GetDataResult) results.get(0);
        assertThat(text(data.getData())).isEqualTo("A");
        assertThat(data.getStat()).isEqualTo(zk.exists(root + "/a", false));
        assertThat(((OpResult.GetChildrenResult) results.get(1)).getChildren()).containsExactly("a");
        assertThat(((OpResult.ErrorResult) results.get(2)).getErr())
                .isEqualTo(KeeperException.Code.NONODE.intValue());
    }

    // getEphemerals (103)

    @Test
    void getEphemeralsListsOnlyThisSessionsEphemeralsUnderThePrefix() throws Exception {
        ZooKeeper zk = server.zk();
        ZooKeeper other = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/mine", new byte[0], OPEN, CreateMode.EPHEMERAL);
        zk.create(root + "/persistent", new byte[0], OPEN, CreateMode.PERSISTENT);
        other.create(root + "/theirs", new byte[0], OPEN, CreateMode.EPHEMERAL);
        String elsewhere = server.newRoot(zk);
        zk.create(elsewhere + "/mine-too", new byte[0], OPEN, CreateMode.EPHEMERAL);

        assertThat(zk.getEphemerals(root)).containsExactly(root + "/mine");
        assertThat(zk.getEphemerals()).containsExactlyInAnyOrder(root + "/mine", elsewhere + "/mine-too");
        assertThat(zk.getEphemerals("/")).containsExactlyInAnyOrder(root + "/mine", elsewhere + "/mine-too");
    }

    // auth (100) and whoAmI (107)

    @Test
    void whoAmIOfAnAnonymousLoopbackClientIsItsIpOnly() throws Exception {
        ZooKeeper zk = server.zk();

        assertThat(zk.whoAmI()).containsExactly(new ClientInfo("ip", "127.0.0.1"));
    }

    @Test
    void addAuthDigestAddsTheUserNameToWhoAmI() throws Exception {
        ZooKeeper zk = server.zk();

        zk.addAuthInfo("digest", bytes("alice:secret"));

        // The server keeps auth ids in a set: whoAmI's order is unspecified.
        assertThat(zk.whoAmI())
                .containsExactlyInAnyOrder(new ClientInfo("ip", "127.0.0.1"), new ClientInfo("digest", "alice"));
    }

    @Test
    void superDigestAuthShowsASuperEntryInWhoAmI() throws Exception {
        ZooKeeper zk = server.superZk();

        assertThat(zk.whoAmI()).containsExactlyInAnyOrder(new ClientInfo("ip", "127.0.0.1"),
                new ClientInfo("super", ""), new ClientInfo("digest", "super"));
    }

    // getConfig (getData on /zookeeper/config)

    @Test
    void getConfigIsEmptyOnAStandaloneServerAndListsTheMembersOfAnEnsemble() throws Exception {
        ZooKeeper zk = server.zk();
        Stat stat = new Stat();

        byte[] config = zk.getConfig(false, stat);

        // An ensemble's static configuration as ZooKeeper 3.9.5 shows it (QuorumVerifier#toString, version 0).
        String expected = server.ensemble() == null ? "" : server.ensemble().members().stream()
                .map(m -> "server." + m.serverId() + "=127.0.0.1:" + m.quorumPort() + ":" + m.electionPort() + ":participant\n")
                .collect(java.util.stream.Collectors.joining()) + "version=0";
        assertThat(new String(config, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(stat).isEqualTo(zk.exists("/zookeeper/config", false));
        if (server.ensemble() != null) {
            assertThat(stat.getVersion()).as("ZooKeeper sets the config node's data with version -1").isEqualTo(-1);
            assertThat(stat.getMzxid()).as("mzxid: the configuration's version").isZero();
        }
    }

    // reconfig (16)

    @Test
    void reconfigOnAStandaloneServerWithoutReconfigEnabledIsReconfigDisabled() throws Exception {
        ZooKeeperAdmin admin = server.clients().admin();
        admin.addAuthInfo("digest", bytes(ServerSpec.SUPER_CREDENTIALS));

        assertKeeperError(KeeperException.Code.RECONFIGDISABLED,
                () -> admin.reconfigure("server.2=127.0.0.1:2888:3888;2182", null, null, -1, new Stat()));
    }

    // closeSession (-11)

    @Test
    void closeSessionEndsTheSessionForGood() throws Exception {
        ZooKeeper zk = server.zk();
        long sessionId = zk.getSessionId();
        byte[] password = zk.getSessionPasswd();

        zk.close();

        try (RawClient raw = RawClient.open(server.port())) {
            RawClient.ConnectResponse response = raw.handshake(0, sessionId, password, 30_000);
            assertThat(response.timeoutMs()).as("negotiated timeout of a closed session").isZero();
        }
    }
}
