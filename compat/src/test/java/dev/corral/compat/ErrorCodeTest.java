package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.acl;
import static dev.corral.compat.KeeperAssertions.assertKeeperError;
import static dev.corral.compat.KeeperAssertions.bytes;
import static dev.corral.compat.KeeperAssertions.worldAcl;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Error codes as ZooKeeper 3.9 returns them. Requests the Java client would refuse to send
 * (malformed paths, bad TTLs) go through {@link RawClient}.
 */
class ErrorCodeTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    /** Largest TTL: the 40 low bits of the ephemeralOwner (EphemeralType.TTL#maxValue). */
    private static final long TTL_MAX_MS = 0xFF_FFFF_FFFFL;
    /** Created once by {@link #rawRequestsAnswerTheExactErrorCode}: an existing persistent node. */
    private static final String EXISTING = "/errorcodes-existing";

    // Java client: NONODE, NODEEXISTS, BADVERSION, NOTEMPTY, NOCHILDRENFOREPHEMERALS, INVALIDACL

    @Test
    void missingNodesAnswerNoNode() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        assertKeeperError(Code.NONODE, () -> zk.getData(root + "/missing", false, null));
        assertKeeperError(Code.NONODE, () -> zk.setData(root + "/missing", new byte[0], -1));
        assertKeeperError(Code.NONODE, () -> zk.delete(root + "/missing", -1));
        assertKeeperError(Code.NONODE, () -> zk.getChildren(root + "/missing", false));
        assertKeeperError(Code.NONODE, () -> zk.getACL(root + "/missing", null));
        assertKeeperError(Code.NONODE, () -> zk.setACL(root + "/missing", OPEN, -1));
        assertKeeperError(Code.NONODE, () -> zk.getAllChildrenNumber(root + "/missing"));
        assertKeeperError(Code.NONODE,
                () -> zk.create(root + "/missing/child", new byte[0], OPEN, CreateMode.PERSISTENT));
    }

    @Test
    void creatingAnExistingNodeAnswersNodeExists() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/n", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertKeeperError(Code.NODEEXISTS, () -> zk.create(root + "/n", new byte[0], OPEN, CreateMode.EPHEMERAL));
        assertKeeperError(Code.NODEEXISTS, () -> zk.create("/zookeeper", new byte[0], OPEN, CreateMode.PERSISTENT));
    }

    @Test
    void aVersionMismatchAnswersBadVersion() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/n", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertKeeperError(Code.BADVERSION, () -> zk.setData(root + "/n", new byte[0], 1));
        assertKeeperError(Code.BADVERSION, () -> zk.delete(root + "/n", 7));
        assertKeeperError(Code.BADVERSION, () -> zk.setACL(root + "/n", OPEN, 1));
        assertThat(zk.exists(root + "/n", false).getVersion()).isZero();
    }

    @Test
    void deletingANodeWithChildrenAnswersNotEmpty() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/child", new byte[0], OPEN, CreateMode.PERSISTENT);

        assertKeeperError(Code.NOTEMPTY, () -> zk.delete(root, -1));
    }

    @Test
    void creatingUnderAnEphemeralAnswersNoChildrenForEphemerals() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        zk.create(root + "/e", new byte[0], OPEN, CreateMode.EPHEMERAL);

        assertKeeperError(Code.NOCHILDRENFOREPHEMERALS,
                () -> zk.create(root + "/e/child", new byte[0], OPEN, CreateMode.PERSISTENT));
        assertKeeperError(Code.NOCHILDRENFOREPHEMERALS,
                () -> zk.create(root + "/e/child", new byte[0], OPEN, CreateMode.EPHEMERAL_SEQUENTIAL));
    }

    @Test
    void whenSeveralErrorsApplyTheFirstCheckInZooKeepersOrderWins() throws Exception {
        ZooKeeper zk = server.superZk();
        String root = server.newRoot(zk);
        zk.create(root + "/locked", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/locked/child", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.create(root + "/locked/child/grandchild", new byte[0], OPEN, CreateMode.PERSISTENT);
        zk.setACL(root + "/locked", worldAcl(ZooDefs.Perms.READ), -1);
        zk.setACL(root + "/locked/child", worldAcl(ZooDefs.Perms.READ), -1);
        ZooKeeper anonymous = server.zk();

        // The parent's CREATE permission is checked before the node's existence.
        assertKeeperError(Code.NOAUTH, () -> anonymous.create(root + "/locked/child", new byte[0], OPEN,
                CreateMode.PERSISTENT));
        // The parent's DELETE permission is checked before the node's existence.
        assertKeeperError(Code.NOAUTH, () -> anonymous.delete(root + "/locked/missing", -1));
        // WRITE is checked before the version.
        assertKeeperError(Code.NOAUTH, () -> anonymous.setData(root + "/locked/child", new byte[0], 42));
        // The version is checked before the children.
        assertKeeperError(Code.BADVERSION, () -> zk.delete(root + "/locked/child", 42));
        // The ACL is validated before the parent is looked up.
        assertKeeperError(Code.INVALIDACL, () -> anonymous.create(root + "/missing/child", new byte[0],
                ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
    }

    @Test
    void unusableAclsAnswerInvalidAcl() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        // "auth" expands to the client's authenticated ids; an ip id is not one of those.
        assertKeeperError(Code.INVALIDACL,
                () -> zk.create(root + "/a", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
        assertKeeperError(Code.INVALIDACL, () -> zk.create(root + "/b", new byte[0],
                acl(new ACL(ZooDefs.Perms.ALL, new Id("nosuchscheme", "x"))), CreateMode.PERSISTENT));
        assertKeeperError(Code.INVALIDACL, () -> zk.create(root + "/c", new byte[0],
                acl(new ACL(ZooDefs.Perms.ALL, new Id("digest", "no-colon"))), CreateMode.PERSISTENT));
        assertKeeperError(Code.INVALIDACL, () -> zk.create(root + "/d", new byte[0],
                acl(new ACL(ZooDefs.Perms.ALL, new Id("ip", "not-an-ip"))), CreateMode.PERSISTENT));
        assertKeeperError(Code.INVALIDACL, () -> zk.setACL(root, ZooDefs.Ids.CREATOR_ALL_ACL, -1));
        assertThat(zk.getChildren(root, false)).isEmpty();
    }

    @Test
    void deletingAServerOwnedNodeAnswersBadArguments() throws Exception {
        ZooKeeper zk = server.superZk();

        for (String path : List.of("/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config")) {
            assertKeeperError(Code.BADARGUMENTS, () -> zk.delete(path, -1));
        }
        assertThat(zk.exists("/zookeeper/config", false)).isNotNull();
    }

    // Raw requests: what the Java client validates away

    record RawCase(String name, int opcode, byte[] body, Code expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<RawCase> rawCases() {
        return Stream.of(
                // Malformed paths on writes are BADARGUMENTS.
                new RawCase("create relative path", RawClient.CREATE, create("relative", 0), Code.BADARGUMENTS),
                new RawCase("create empty path", RawClient.CREATE, create("", 0), Code.BADARGUMENTS),
                new RawCase("create path with NUL", RawClient.CREATE, create(EXISTING + "/a\0b", 0), Code.BADARGUMENTS),
                new RawCase("create trailing slash", RawClient.CREATE, create(EXISTING + "/", 0), Code.BADARGUMENTS),
                new RawCase("create dot segment", RawClient.CREATE, create(EXISTING + "/.", 0), Code.BADARGUMENTS),
                new RawCase("create unknown flags", RawClient.CREATE, create(EXISTING + "/f", 99), Code.BADARGUMENTS),
                new RawCase("setData relative path", RawClient.SET_DATA, setData("relative"), Code.BADARGUMENTS),
                new RawCase("delete relative path", RawClient.DELETE, delete("relative"), Code.BADARGUMENTS),
                // Reads look the malformed path up and find nothing, except exists with a NUL.
                new RawCase("getData relative path", RawClient.GET_DATA, read("relative"), Code.NONODE),
                new RawCase("getChildren relative path", RawClient.GET_CHILDREN, read("relative"), Code.NONODE),
                new RawCase("exists relative path", RawClient.EXISTS, read("relative"), Code.NONODE),
                new RawCase("exists path with NUL", RawClient.EXISTS, read("/a\0b"), Code.BADARGUMENTS),
                // TTLs must be in [1, 2^40 - 1] and only with a TTL mode.
                new RawCase("createTTL ttl 0", RawClient.CREATE_TTL, createTtl("/t0", 5, 0), Code.BADARGUMENTS),
                new RawCase("createTTL ttl -1", RawClient.CREATE_TTL, createTtl("/t1", 5, -1), Code.BADARGUMENTS),
                new RawCase("createTTL ttl too large", RawClient.CREATE_TTL,
                        createTtl("/t2", 5, TTL_MAX_MS + 1), Code.BADARGUMENTS),
                new RawCase("createTTL persistent mode", RawClient.CREATE_TTL,
                        createTtl("/t3", 0, 1_000), Code.BADARGUMENTS),
                new RawCase("create (opcode 1) in TTL mode", RawClient.CREATE, create("/t4", 5), Code.BADARGUMENTS),
                new RawCase("createTTL ttl max", RawClient.CREATE_TTL,
                        createTtl(EXISTING + "/ttl-max", 5, TTL_MAX_MS), Code.OK),
                new RawCase("createTTL sequential ttl 1", RawClient.CREATE_TTL,
                        createTtl(EXISTING + "/ttl-seq-", 6, 1), Code.OK),
                // Watches that are not there.
                new RawCase("checkWatches without a watch", RawClient.CHECK_WATCHES,
                        watchType(EXISTING, 3), Code.NOWATCHER),
                new RawCase("removeWatches without a watch", RawClient.REMOVE_WATCHES,
                        watchType(EXISTING, 1), Code.NOWATCHER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawCases")
    void rawRequestsAnswerTheExactErrorCode(RawCase rawCase) throws Exception {
        ZooKeeper zk = server.zk();
        if (zk.exists(EXISTING, false) == null) {
            zk.create(EXISTING, new byte[0], OPEN, CreateMode.PERSISTENT);
        }
        RawClient raw = server.raw();

        RawClient.Reply reply = raw.call(rawCase.opcode(), rawCase.body());

        assertThat(Code.get(reply.err())).isEqualTo(rawCase.expected());
        assertThat(raw.ping().err()).as("the connection stays usable").isZero();
    }

    @Test
    void anUnknownOpcodeAnswersUnimplementedAndClosesTheConnection() throws Exception {
        RawClient raw = server.raw();

        RawClient.Reply reply = raw.call(999, new byte[0]);

        assertThat(Code.get(reply.err())).isEqualTo(Code.UNIMPLEMENTED);
        assertThat(raw.closedByServerWithin(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aStandaloneCheckOpcodeOutsideMultiAnswersUnimplementedAndClosesTheConnection() throws Exception {
        RawClient raw = server.raw();

        RawClient.Reply reply = raw.call(13, new Jute.Writer().writeString("/").writeInt(-1).toByteArray());

        assertThat(Code.get(reply.err())).isEqualTo(Code.UNIMPLEMENTED);
        assertThat(raw.closedByServerWithin(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void authWithAnUnknownSchemeAnswersAuthFailedAndClosesTheConnection() throws Exception {
        RawClient raw = server.raw();

        RawClient.Reply reply = raw.call(RawClient.AUTH_XID, RawClient.AUTH,
                new Jute.Writer().writeInt(0).writeString("nosuchscheme").writeBuffer(bytes("x")).toByteArray());

        assertThat(Code.get(reply.err())).isEqualTo(Code.AUTHFAILED);
        assertThat(raw.closedByServerWithin(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void digestAuthWithoutAColonIsAcceptedAsAUserWithoutPassword() throws Exception {
        ZooKeeper zk = server.zk();

        zk.addAuthInfo("digest", bytes("no-colon"));

        assertThat(zk.whoAmI()).contains(new ClientInfo("digest", "no-colon"));
    }

    @Test
    void saslOnAServerWithoutSaslAnswersOkWithANullToken() throws Exception {
        RawClient raw = server.raw();

        RawClient.Reply reply = raw.call(RawClient.SASL, new Jute.Writer().writeBuffer(new byte[0]).toByteArray());

        assertThat(reply.err()).isZero();
        assertThat(reply.reader().readBuffer()).isNull();
        assertThat(raw.ping().err()).as("the connection stays usable").isZero();
    }

    private static byte[] create(String path, int flags) {
        return new Jute.Writer().writeString(path).writeBuffer(new byte[0]).writeOpenAcl().writeInt(flags)
                .toByteArray();
    }

    private static byte[] createTtl(String path, int flags, long ttl) {
        return new Jute.Writer().writeString(path).writeBuffer(new byte[0]).writeOpenAcl().writeInt(flags)
                .writeLong(ttl).toByteArray();
    }

    private static byte[] setData(String path) {
        return new Jute.Writer().writeString(path).writeBuffer(new byte[0]).writeInt(-1).toByteArray();
    }

    private static byte[] delete(String path) {
        return new Jute.Writer().writeString(path).writeInt(-1).toByteArray();
    }

    private static byte[] read(String path) {
        return new Jute.Writer().writeString(path).writeBoolean(false).toByteArray();
    }

    private static byte[] watchType(String path, int type) {
        return new Jute.Writer().writeString(path).writeInt(type).toByteArray();
    }
}
