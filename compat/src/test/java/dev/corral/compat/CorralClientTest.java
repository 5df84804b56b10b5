package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.client.AddWatchMode;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.Created;
import dev.corral.client.EventType;
import dev.corral.client.KeeperException;
import dev.corral.client.KeeperState;
import dev.corral.client.NodeData;
import dev.corral.client.Op;
import dev.corral.client.OpResult;
import dev.corral.client.Stat;
import dev.corral.client.WatchedEvent;
import dev.corral.client.WatcherType;
import dev.corral.testkit.TcpProxy;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Corral's own Java client ({@code dev.corral.client}) against the compat server, Corral or ZooKeeper 3.9.5
 * as the run asks, over its whole API: connect and session, every create mode, get/set/exists/children
 * with and without watches (one watcher per call, and the default one), persistent and recursive watches,
 * delete, multi, sync, ACLs (world, ip, digest, auth, super) and auth, chroot, reconnect across a server restart, and session expiry.
 */
class CorralClientTest {

    /**
     * Sessions of 30 s instead of the compat servers' 20 ticks (4 s): a client gives up on its own 4/3 of its
     * timeout after it last heard a server, and the restart test's kill and restart (of a whole ensemble in the
     * ensemble execution, three JVMs on two cores) must not use that up.
     */
    private static final int SESSION_TIMEOUT_MS_MAX = 30_000;

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(
            ServerSpec.defaults().withConfig("maxSessionTimeout", Integer.toString(SESSION_TIMEOUT_MS_MAX)));

    @RegisterExtension
    static final CompatResults results = new CompatResults("Corral's Java client (`client` module)",
            "connect and session, every create mode, get/set/exists/children with and "
            + "without watches (a watcher per call and the default one), persistent and recursive watches "
            + "and their removal (with its events), delete, multi, sync, ACLs with world, ip, digest, auth and the super "
            + "user, an unknown auth scheme, "
            + "getEphemerals, chroot, reconnect across a server restart (watches set again), session expiry",
            () -> "0.1.0-SNAPSHOT (this build)");

    /** Asked for; the server grants at most its maxSessionTimeout. */
    private static final int SESSION_TIMEOUT_MS = 60_000;
    private static final Duration EXPIRY_BOUND = Duration.ofSeconds(20);
    private static final AtomicInteger roots = new AtomicInteger();

    private static CorralClient connect(ClientEvents events) throws IOException {
        return connect(server.connectString(), SESSION_TIMEOUT_MS, events);
    }

    private static CorralClient connect(String connectString, int sessionTimeoutMs, ClientEvents events) throws IOException {
        return server.clients().track(CorralClient.connect(connectString, sessionTimeoutMs, events));
    }

    /** A fresh world-writable znode for one test, so that tests sharing the server never meet. */
    private static String newRoot(CorralClient zk) throws KeeperException, InterruptedException {
        return zk.create("/corralclient-" + roots.incrementAndGet(), null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT).path();
    }

    // ---- connect and session

    @Test
    void connectOpensASessionAndTellsTheDefaultWatcherSyncConnected() throws Exception {
        ClientEvents events = new ClientEvents();
        CorralClient zk = connect(events);

        events.awaitState(KeeperState.SYNC_CONNECTED);
        assertThat(zk.isConnected()).isTrue();
        assertThat(zk.sessionId()).isNotZero();
        assertThat(zk.sessionPassword()).hasSize(16);
        assertThat(zk.sessionTimeoutMs()).as("60 s asked, capped at maxSessionTimeout").isEqualTo(server.spec().sessionTimeoutMsMax())
                .isEqualTo(SESSION_TIMEOUT_MS_MAX);
        assertThat(zk.whoAmI()).extracting(info -> info.authScheme()).containsExactly("ip");
    }

    @Test
    void closeEndsTheSessionAndItsEphemerals() throws Exception {
        CorralClient observer = connect(new ClientEvents());
        String root = newRoot(observer);
        ClientEvents events = new ClientEvents();
        CorralClient zk = connect(events);
        zk.create(root + "/e", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

        zk.close();

        events.awaitState(KeeperState.CLOSED);
        assertThat(zk.isAlive()).isFalse();
        // On an ensemble the observer may be on another member than zk: it sees the close once synced.
        observer.sync(root);
        assertThat(observer.exists(root + "/e", false)).as("the ephemeral went with its session").isNull();
        assertThatThrownBy(() -> zk.exists(root, false)).isInstanceOfSatisfying(KeeperException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SESSIONEXPIRED));
    }

    // ---- create modes

    record ModeCase(CreateMode mode, long ttlMs, String name, String createdPattern) {
        @Override
        public String toString() {
            return mode.name();
        }
    }

    static Stream<ModeCase> modes() {
        return Stream.of(
                new ModeCase(CreateMode.PERSISTENT, -1, "n", "n"),
                new ModeCase(CreateMode.EPHEMERAL, -1, "n", "n"),
                new ModeCase(CreateMode.PERSISTENT_SEQUENTIAL, -1, "n-", "n-0000000000"),
                new ModeCase(CreateMode.EPHEMERAL_SEQUENTIAL, -1, "n-", "n-0000000000"),
                new ModeCase(CreateMode.CONTAINER, -1, "n", "n"),
                new ModeCase(CreateMode.PERSISTENT_WITH_TTL, 60_000, "n", "n"),
                new ModeCase(CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 60_000, "n-", "n-0000000000"));
    }

    /**
     * Each mode creates its kind of znode. Its Stat's ephemeralOwner is the session for an ephemeral and 0
     * otherwise: ZooKeeper keeps the markers of containers and TTL znodes in that field, but shows clients 0
     * (ZooKeeper 3.9: {@code DataTree#copyStat}); both targets were seen to do so.
     */
    @ParameterizedTest
    @MethodSource("modes")
    void everyCreateModeMakesItsKindOfZnode(ModeCase c) throws Exception {
        CorralClient zk = connect(new ClientEvents());
        String root = newRoot(zk);

        Created created = zk.create(root + "/" + c.name(), bytes("v"), Acl.OPEN_ACL_UNSAFE, c.mode(), c.ttlMs());

        assertThat(created.path()).isEqualTo(root + "/" + c.createdPattern());
        Stat stat = zk.exists(created.path(), false);
        assertThat(stat).isEqualTo(created.stat());
        assertThat(stat.ephemeralOwner()).isEqualTo(c.mode().isEphemeral() ? zk.sessionId() : 0);
        assertThat(zk.getData(created.path(), false).data()).isEqualTo(bytes("v"));
    }

    @Test
    void aSecondSequentialChildTakesTheNextCounter() throws Exception {
        CorralClient zk = connect(new ClientEvents());
        String root = newRoot(zk);
        zk.create(root + "/other", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        String first = zk.create(root + "/s-", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL).path();
        String second = zk.create(root + "/", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL).path();

        assertThat(first).as("the counter is the parent's cversion").isEqualTo(root + "/s-0000000001");
        assertThat(second).as("a trailing slash names a child by its counter alone").isEqualTo(root + "/0000000002");
    }

    @Test
    void aTtlModeWithoutATtlIsRefusedBeforeItIsSent() throws Exception {
        CorralClient zk = connect(new ClientEvents());

        assertThatThrownBy(() -> zk.create("/t", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> zk.create("t", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                .hasMessage("Path must start with / character");
    }

    // ---- reads and writes without watches

    @Test
    void getSetExistsChildrenAndDeleteWithTheirVersionChecks() throws Exception {
        CorralClient zk = connect(new ClientEvents());
        String root = newRoot(zk);
        zk.create(root + "/a", bytes("one"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/b", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/a/c", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        NodeData got = zk.getData(root + "/a", false);
        assertThat(got.data()).isEqualTo(bytes("one"));
        assertThat(got.stat().version()).isZero();
        assertThat(got.stat().numChildren()).isEqualTo(1);
        assertThat(zk.getData(root + "/b", false).data()).as("created with no data").isNull();

        Stat set = zk.setData(root + "/a", bytes("two"), 0);
        assertThat(set.version()).isEqualTo(1);
        assertThat(set.dataLength()).isEqualTo(3);
        assertCode(() -> zk.setData(root + "/a", bytes("three"), 0), ErrorCode.BADVERSION, root + "/a");

        assertThat(zk.exists(root + "/a", false)).isEqualTo(set);
        assertThat(zk.exists(root + "/missing", false)).isNull();
        assertThat(zk.getChildren(root, false).children()).containsExactlyInAnyOrder("a", "b");
        assertThat(zk.getChildren(root, false).stat().cversion()).isEqualTo(2);
        assertThat(zk.getAllChildrenNumber(root)).isEqualTo(3);

        assertCode(() -> zk.delete(root + "/a", -1), ErrorCode.NOTEMPTY, root + "/a");
        assertCode(() -> zk.delete(root + "/b", 5), ErrorCode.BADVERSION, root + "/b");
        assertCode(() -> zk.getData(root + "/missing", false), ErrorCode.NONODE, root + "/missing");
        assertCode(() -> zk.create(root + "/b", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT), ErrorCode.NODEEXISTS,
                root + "/b");
        zk.delete(root + "/b", 0);
        assertThat(zk.exists(root + "/b", false)).isNull();
    }

    // ---- one-time watches

    @Test
    void eachOneTimeWatchGoesOnceToTheWatcherOfItsCall() throws Exception {
        ClientEvents defaults = new ClientEvents();
        CorralClient zk = connect(defaults);
        CorralClient writer = connect(new ClientEvents());
        String root = newRoot(zk);
        zk.create(root + "/d", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ClientEvents created = new ClientEvents();
        ClientEvents changed = new ClientEvents();
        ClientEvents children = new ClientEvents();
        ClientEvents deleted = new ClientEvents();
        ClientEvents barrier = new ClientEvents();

        assertThat(zk.exists(root + "/new", created)).isNull();
        zk.getData(root + "/d", changed);
        zk.getChildren(root, children);
        zk.exists(root + "/d", deleted);
        zk.exists(root + "/barrier", barrier);
        writer.create(root + "/new", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.setData(root + "/d", bytes("x"), -1);
        writer.delete(root + "/d", -1);
        writer.create(root + "/barrier", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        assertEvent(created.next(), EventType.NODE_CREATED, root + "/new");
        assertEvent(changed.next(), EventType.NODE_DATA_CHANGED, root + "/d");
        assertEvent(children.next(), EventType.NODE_CHILDREN_CHANGED, root);
        assertEvent(deleted.next(), EventType.NODE_DATA_CHANGED, root + "/d");
        // The barrier's notification comes after those of every earlier change: nothing else will come.
        assertEvent(barrier.next(), EventType.NODE_CREATED, root + "/barrier");
        assertThat(List.of(created.pending(), changed.pending(), children.pending(), deleted.pending(), defaults.pending()))
                .as("each watch fired once, and only for its own watcher").containsOnly(0);
    }

    @Test
    void aDeleteFiresTheDataAndChildWatchesOfTheZnode() throws Exception {
        CorralClient zk = connect(new ClientEvents());
        String root = newRoot(zk);
        zk.create(root + "/d", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ClientEvents data = new ClientEvents();
        ClientEvents children = new ClientEvents();
        zk.getData(root + "/d", data);
        zk.getChildren(root + "/d", children);

        zk.delete(root + "/d", -1);

        assertEvent(data.next(), EventType.NODE_DELETED, root + "/d");
        assertEvent(children.next(), EventType.NODE_DELETED, root + "/d");
    }

    @Test
    void watchesSetWithTrueGoToTheDefaultWatcher() throws Exception {
        ClientEvents defaults = new ClientEvents();
        CorralClient zk = connect(defaults);
        String root = newRoot(zk);

        zk.exists(root + "/x", true);
        zk.getChildren(root, true);
        zk.create(root + "/x", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        WatchedEvent first = defaults.next();
        WatchedEvent second = defaults.next();
        assertThat(List.of(first.type(), second.type()))
                .containsExactlyInAnyOrder(EventType.NODE_CREATED, EventType.NODE_CHILDREN_CHANGED);
        assertThat(first.zxid()).as("both from the one create").isEqualTo(second.zxid())
                .isEqualTo(zk.exists(root + "/x", false).czxid());
        assertThat(first.toString()).startsWith("WatchedEvent state:SyncConnected type:");
    }

    // ---- persistent watches

    @Test
    void persistentAndRecursiveWatchesFireUntilRemovedAndRemovalIsTold() throws Exception {
        CorralClient zk = connect(new ClientEvents());
        String root = newRoot(zk);
        zk.create(root + "/p", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/r", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ClientEvents persistent = new ClientEvents();
        ClientEvents recursive = new ClientEvents();
        zk.addWatch(root + "/p", AddWatchMode.PERSISTENT, persistent);
        zk.addWatch(root + "/r", AddWatchMode.PERSISTENT_RECURSIVE, recursive);

        zk.setData(root + "/p", bytes("1"), -1);
        zk.setData(root + "/p", bytes("2"), -1);
        zk.create(root + "/p/child", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/r/a", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/r/a/b", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        assertEvent(persistent.next(), EventType.NODE_DATA_CHANGED, root + "/p");
        assertEvent(persistent.next(), EventType.NODE_DATA_CHANGED, root + "/p");
        assertEvent(persistent.next(), EventType.NODE_CHILDREN_CHANGED, root + "/p");
        assertEvent(recursive.next(), EventType.NODE_CREATED, root + "/r/a");
        assertEvent(recursive.next(), EventType.NODE_CREATED, root + "/r/a/b");

        ClientEvents data = new ClientEvents();
        zk.getData(root + "/p", data);
        zk.removeWatches(root + "/p", WatcherType.DATA);
        assertEvent(data.next(), EventType.DATA_WATCH_REMOVED, root + "/p");
        assertThat(persistent.pending()).as("a persistent watch is not a data watch").isZero();
        zk.removeWatches(root + "/p", WatcherType.PERSISTENT);
        zk.removeWatches(root + "/r", WatcherType.PERSISTENT_RECURSIVE);
        assertEvent(persistent.next(), EventType.PERSISTENT_WATCH_REMOVED, root + "/p");
        assertEvent(recursive.next(), EventType.PERSISTENT_WATCH_REMOVED, root + "/r");
        assertCode(() -> zk.removeWatches(root + "/r", WatcherType.PERSISTENT_RECURSIVE), ErrorCode.NOWATCHER, root + "/r");
        ClientEvents later = new ClientEvents();
        zk.exists(root + "/last", later);
        zk.setData(root + "/p", bytes("3"), -1);
        zk.create(root + "/r/c", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/last", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        assertEvent(later.next(), EventType.NODE_CREATED, root + "/last");
        assertThat(persistent.pending() + recursive.pending()).as("removed watches fire no more").isZero();
    }

    // ---- multi and sync

    @Test
    void multiAppliesAllItsOpsOrNone() throws Exception {
        CorralClient zk = connect(new ClientEvents());
        String root = newRoot(zk);
        zk.create(root + "/old", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        List<OpResult> results = zk.multi(List.of(
                Op.create(root + "/made", bytes("m"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create(root + "/c", null, Acl.OPEN_ACL_UNSAFE, CreateMode.CONTAINER),
                Op.create(root + "/t-", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 60_000),
                Op.check(root + "/old", 0),
                Op.setData(root + "/made", bytes("n"), 0),
                Op.delete(root + "/old", -1)));

        assertThat(results).hasSize(6);
        assertThat(results.get(0)).isInstanceOfSatisfying(Created.class, created -> {
            assertThat(created.path()).isEqualTo(root + "/made");
            assertThat(created.stat().version()).isZero();
        });
        assertThat(results.get(1)).isInstanceOfSatisfying(Created.class,
                created -> assertThat(created.path()).isEqualTo(root + "/c"));
        assertThat(results.get(2)).isInstanceOfSatisfying(Created.class,
                created -> assertThat(created.path()).isEqualTo(root + "/t-0000000003"));
        assertThat(results.get(3)).isEqualTo(new OpResult.Check());
        assertThat(results.get(4)).isInstanceOfSatisfying(OpResult.SetData.class,
                set -> assertThat(set.stat().version()).isEqualTo(1));
        assertThat(results.get(5)).isEqualTo(new OpResult.Delete());
        assertThat(zk.getData(root + "/made", false).data()).isEqualTo(bytes("n"));
        assertThat(zk.exists(root + "/old", false)).isNull();

        assertCode(() -> zk.multi(List.of(
                Op.create(root + "/never", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.check(root + "/made", 0))),
                ErrorCode.BADVERSION, root + "/made");
        assertThat(zk.exists(root + "/never", false)).as("the failed multi applied nothing").isNull();
    }

    @Test
    void syncReturnsItsPathAndLetsAReadSeeAnEarlierWrite() throws Exception {
        CorralClient writer = connect(new ClientEvents());
        CorralClient reader = connect(new ClientEvents());
        String root = newRoot(writer);
        writer.setData(root, bytes("w"), -1);

        assertThat(reader.sync(root)).isEqualTo(root);
        assertThat(reader.getData(root, false).data()).isEqualTo(bytes("w"));
    }

    // ---- ACLs and auth

    @Test
    void digestAclsAndAuthDecideWhoMayReadAndChange() throws Exception {
        CorralClient owner = connect(new ClientEvents());
        CorralClient stranger = connect(new ClientEvents());
        String root = newRoot(owner);
        Acl userOnly = new Acl(Acl.ALL, new Id("digest", ServerSpec.digest("user:pass")));
        owner.create(root + "/secret", bytes("s"), List.of(userOnly), CreateMode.PERSISTENT);
        // On an ensemble the stranger may be on another member than the owner: it sees the owner's writes once synced.
        stranger.sync(root);

        assertCode(() -> stranger.getData(root + "/secret", false), ErrorCode.NOAUTH, root + "/secret");
        assertCode(() -> stranger.getAcl(root + "/secret"), ErrorCode.NOAUTH, root + "/secret");
        stranger.addAuth("digest", bytes("user:pass"));
        assertThat(stranger.getAcl(root + "/secret").acl()).containsExactly(userOnly);
        assertThat(stranger.getData(root + "/secret", false).data()).isEqualTo(bytes("s"));
        assertThat(stranger.whoAmI()).extracting(info -> info.authScheme() + " " + info.user()).contains("digest user");

        Stat changed = stranger.setAcl(root + "/secret", Acl.READ_ACL_UNSAFE, 0);
        assertThat(changed.aversion()).isEqualTo(1);
        assertCode(() -> stranger.setAcl(root + "/secret", Acl.OPEN_ACL_UNSAFE, 0), ErrorCode.NOAUTH, root + "/secret");
        owner.sync(root);
        assertThat(owner.getData(root + "/secret", false).data()).isEqualTo(bytes("s"));
    }

    @Test
    void aWorldAclGrantsEveryoneItsPermissionsAndNoOthers() throws Exception {
        CorralClient owner = connect(new ClientEvents());
        CorralClient anyone = connect(new ClientEvents());
        String root = newRoot(owner);
        owner.create(root + "/read", bytes("r"), Acl.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        Acl createOnly = new Acl(Acl.CREATE, Id.ANYONE);
        owner.create(root + "/create", null, List.of(createOnly), CreateMode.PERSISTENT);
        // On an ensemble anyone may be on another member than the owner: it sees the owner's writes once synced.
        anyone.sync(root);

        assertThat(anyone.getData(root + "/read", false).data()).isEqualTo(bytes("r"));
        assertThat(anyone.getAcl(root + "/read").acl()).isEqualTo(Acl.READ_ACL_UNSAFE);
        assertCode(() -> anyone.setData(root + "/read", bytes("w"), -1), ErrorCode.NOAUTH, root + "/read");
        assertCode(() -> anyone.create(root + "/read/c", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT), ErrorCode.NOAUTH,
                root + "/read/c");
        assertThat(anyone.create(root + "/create/c", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT).path())
                .isEqualTo(root + "/create/c");
        assertCode(() -> anyone.getChildren(root + "/create", false), ErrorCode.NOAUTH, root + "/create");
        assertCode(() -> anyone.delete(root + "/create/c", -1), ErrorCode.NOAUTH, root + "/create/c");
    }

    @Test
    void anIpAclMatchesTheClientsAddressOrItsNetwork() throws Exception {
        CorralClient owner = connect(new ClientEvents());
        CorralClient local = connect(new ClientEvents());
        String root = newRoot(owner);
        owner.create(root + "/exact", bytes("e"), List.of(new Acl(Acl.READ, new Id("ip", "127.0.0.1"))), CreateMode.PERSISTENT);
        owner.create(root + "/network", bytes("n"), List.of(new Acl(Acl.READ, new Id("ip", "127.0.0.0/8"))),
                CreateMode.PERSISTENT);
        owner.create(root + "/elsewhere", bytes("x"), List.of(new Acl(Acl.READ, new Id("ip", "10.0.0.1"))),
                CreateMode.PERSISTENT);
        // On an ensemble local may be on another member than the owner: it sees the owner's writes once synced.
        local.sync(root);

        assertThat(local.getData(root + "/exact", false).data()).isEqualTo(bytes("e"));
        assertThat(local.getData(root + "/network", false).data()).isEqualTo(bytes("n"));
        assertCode(() -> local.getData(root + "/elsewhere", false), ErrorCode.NOAUTH, root + "/elsewhere");
        assertCode(() -> local.setData(root + "/exact", bytes("w"), -1), ErrorCode.NOAUTH, root + "/exact");
    }

    /** Every compat server is started with a superDigest for {@link ServerSpec#SUPER_CREDENTIALS}. */
    @Test
    void theSuperUserBypassesEveryAcl() throws Exception {
        CorralClient alice = connect(new ClientEvents());
        CorralClient superUser = connect(new ClientEvents());
        CorralClient stranger = connect(new ClientEvents());
        String root = newRoot(alice);
        alice.addAuth("digest", bytes("alice:pw"));
        Acl aliceReads = new Acl(Acl.READ, new Id("digest", ServerSpec.digest("alice:pw")));
        alice.create(root + "/n", bytes("a"), List.of(aliceReads), CreateMode.PERSISTENT);
        superUser.addAuth("digest", bytes(ServerSpec.SUPER_CREDENTIALS));

        superUser.create(root + "/n/child", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        superUser.setData(root + "/n", bytes("b"), -1);
        superUser.delete(root + "/n/child", -1);
        assertThat(superUser.getData(root + "/n", false).data()).isEqualTo(bytes("b"));
        // On an ensemble these clients may be on other members: they see the super user's writes once synced.
        stranger.sync(root);
        assertCode(() -> stranger.getData(root + "/n", false), ErrorCode.NOAUTH, root + "/n");
        superUser.setAcl(root + "/n", Acl.READ_ACL_UNSAFE, -1);
        stranger.sync(root);
        alice.sync(root);

        assertThat(stranger.getData(root + "/n", false).data()).isEqualTo(bytes("b"));
        assertThat(alice.getAcl(root + "/n").acl()).isEqualTo(Acl.READ_ACL_UNSAFE);
    }

    @Test
    void theAuthSchemeGivesTheZnodeTheCreatorsIdentities() throws Exception {
        CorralClient zk = connect(new ClientEvents());
        String root = newRoot(zk);
        assertCode(() -> zk.create(root + "/a", null, Acl.CREATOR_ALL_ACL, CreateMode.PERSISTENT), ErrorCode.INVALIDACL,
                root + "/a");
        zk.addAuth("digest", bytes("creator:pw"));

        zk.create(root + "/a", null, Acl.CREATOR_ALL_ACL, CreateMode.PERSISTENT);

        assertThat(zk.getAcl(root + "/a").acl())
                .containsExactly(new Acl(Acl.ALL, new Id("digest", ServerSpec.digest("creator:pw"))));
    }

    @Test
    void anUnknownAuthSchemeEndsTheSessionAsAuthFailed() throws Exception {
        ClientEvents events = new ClientEvents();
        CorralClient zk = connect(events);

        assertCode(() -> zk.addAuth("no-such-scheme", bytes("x")), ErrorCode.AUTHFAILED, null);

        events.awaitState(KeeperState.AUTH_FAILED);
        assertThat(zk.state()).isEqualTo(CorralClient.State.AUTH_FAILED);
    }

    @Test
    void getEphemeralsListsThisSessionsEphemeralsUnderAPrefix() throws Exception {
        CorralClient zk = connect(new ClientEvents());
        CorralClient other = connect(new ClientEvents());
        String root = newRoot(zk);
        zk.create(root + "/e1", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.create(root + "/p", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/p/e2", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        other.create(root + "/theirs", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

        assertThat(zk.getEphemerals(root)).containsExactlyInAnyOrder(root + "/e1", root + "/p/e2");
    }

    // ---- chroot

    @Test
    void aChrootedClientSeesTheChrootAsItsRoot() throws Exception {
        CorralClient plain = connect(new ClientEvents());
        String root = newRoot(plain);
        ClientEvents events = new ClientEvents();
        CorralClient zk = connect(server.connectString() + root, SESSION_TIMEOUT_MS, events);

        assertThat(zk.create("/a", bytes("x"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT).path()).isEqualTo("/a");
        assertThat(zk.create("/s-", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL).path())
                .isEqualTo("/s-0000000001");
        // On an ensemble plain may be on another member than zk: it sees zk's creates once synced.
        plain.sync(root);
        assertThat(plain.getData(root + "/a", false).data()).isEqualTo(bytes("x"));
        assertThat(zk.getChildren("/", false).children()).containsExactlyInAnyOrder("a", "s-0000000001");
        assertThat(zk.sync("/a")).isEqualTo("/a");
        zk.getData("/a", true);

        plain.setData(root + "/a", bytes("y"), -1);

        assertEvent(events.next(), EventType.NODE_DATA_CHANGED, "/a");
    }

    // ---- reconnect and expiry

    @Test
    void aSessionAndItsWatchesSurviveAServerRestart() throws Exception {
        ClientEvents events = new ClientEvents();
        CorralClient zk = connect(events);
        String root = newRoot(zk);
        zk.create(root + "/e", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        ClientEvents watch = new ClientEvents();
        zk.getData(root, watch);
        long sessionId = zk.sessionId();

        server.crashAndRestart();

        events.awaitState(KeeperState.DISCONNECTED);
        events.awaitState(KeeperState.SYNC_CONNECTED);
        assertThat(zk.sessionId()).isEqualTo(sessionId);
        assertThat(zk.exists(root + "/e", false).ephemeralOwner()).as("the session kept its ephemeral").isEqualTo(sessionId);
        CorralClient writer = connect(new ClientEvents());
        writer.setData(root, bytes("after"), -1);
        assertEvent(watch.next(), EventType.NODE_DATA_CHANGED, root);
    }

    @Test
    void aClientCutOffPastItsTimeoutLearnsItsSessionExpired() throws Exception {
        CorralClient observer = connect(new ClientEvents());
        String root = newRoot(observer);
        TcpProxy proxy = server.clients().track(TcpProxy.start(server.port()));
        ClientEvents events = new ClientEvents();
        CorralClient away = connect(proxy.connectString(), 1_000, events);
        away.create(root + "/e", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

        proxy.cut();
        await("the ephemeral of the expired session removed").atMost(EXPIRY_BOUND)
                .until(() -> observer.exists(root + "/e", false) == null);
        proxy.restore();

        events.awaitState(KeeperState.EXPIRED);
        assertThat(away.isExpired()).isTrue();
        assertThat(away.isAlive()).isFalse();
        assertCode(() -> away.exists(root, false), ErrorCode.SESSIONEXPIRED, root);
    }

    // ----

    /** A call of Corral's client that is expected to fail; also used by the other classes that test that client. */
    interface Call {
        void run() throws Exception;
    }

    /** {@code call} fails with a KeeperException of {@code code} about {@code path}. */
    static void assertCode(Call call, int code, String path) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KeeperException.class, e -> {
            assertThat(e.codeName()).isEqualTo(KeeperException.nameOf(code));
            assertThat(e.path()).isEqualTo(path);
        });
    }

    private static void assertEvent(WatchedEvent event, EventType type, String path) {
        assertThat(event.type()).as("type of " + event).isEqualTo(type);
        assertThat(event.path()).as("path of " + event).isEqualTo(path);
        assertThat(event.state()).isEqualTo(KeeperState.SYNC_CONNECTED);
    }
}
