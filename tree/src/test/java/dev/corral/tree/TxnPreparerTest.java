package dev.corral.tree;

import static dev.corral.tree.TxnPipeline.IP_ONLY;
import static dev.corral.tree.TxnPipeline.SESSION;
import static dev.corral.tree.TxnPipeline.bytes;
import static dev.corral.tree.TxnPipeline.checkOp;
import static dev.corral.tree.TxnPipeline.codeOf;
import static dev.corral.tree.TxnPipeline.createOp;
import static dev.corral.tree.TxnPipeline.createRequest;
import static dev.corral.tree.TxnPipeline.deleteOp;
import static dev.corral.tree.TxnPipeline.setDataOp;
import static dev.corral.tree.TxnPipeline.ttlRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.CheckVersionRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateTTLRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The preparer's checks, their error codes and their order, as ZooKeeper 3.9.5's
 * {@code PrepRequestProcessor#pRequest2Txn} makes them; the pending-changes rule (a request is checked
 * against the state every earlier prepared txn will leave); and multi's all-or-nothing shape.
 */
class TxnPreparerTest {
    private static final int ALL = Acl.ALL;
    private static final String BOB = Acls.digest("bob:secret");
    private static final List<Id> BOB_AUTH = List.of(new Id("ip", "127.0.0.1"), new Id("digest", BOB));
    private static final List<Id> SUPER_AUTH = List.of(new Id("ip", "127.0.0.1"), new Id("super", ""));

    private static List<Acl> world(int perms) {
        return List.of(new Acl(perms, Id.ANYONE));
    }

    record Case(String name, Consumer<TxnPipeline> setup, boolean extendedTypes, int type, Object request,
            List<Id> auth, int expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case row(String name, Consumer<TxnPipeline> setup, int type, Object request, int expected) {
        return new Case(name, setup, true, type, request, IP_ONLY, expected);
    }

    private static Case row(String name, Consumer<TxnPipeline> setup, int type, Object request, List<Id> auth,
            int expected) {
        return new Case(name, setup, true, type, request, auth, expected);
    }

    private static CreateRequest create(String path) {
        return createRequest(path, CreateMode.PERSISTENT);
    }

    private static CreateRequest create(String path, List<Acl> acl) {
        return new CreateRequest(path, new byte[0], acl, CreateMode.PERSISTENT.flag());
    }

    private static final Consumer<TxnPipeline> NOTHING = p -> { };

    static List<Case> cases() {
        final int ok = ErrorCode.OK;
        final int badArguments = ErrorCode.BADARGUMENTS;
        final int noNode = ErrorCode.NONODE;
        final int noAuth = ErrorCode.NOAUTH;
        final int badVersion = ErrorCode.BADVERSION;
        final int invalidAcl = ErrorCode.INVALIDACL;
        final int create = OpCode.CREATE2;
        final int createTtl = OpCode.CREATE_TTL;
        final long ttlMax = TxnPreparer.TTL_MAX_MS;
        Consumer<TxnPipeline> a = p -> p.create("/a");
        Consumer<TxnPipeline> aWithChild = p -> { p.create("/a"); p.create("/a/b"); };
        Consumer<TxnPipeline> aAtVersion1 = p -> { p.create("/a"); p.setData("/a", "x"); };
        return List.of(
                // create: flags and TTL, checked first (CreateMode.fromFlag, validateCreateRequest).
                row("create: flags 7 is no CreateMode", NOTHING, create, new CreateRequest("/a", null, Acl.OPEN_ACL_UNSAFE, 7), badArguments),
                row("create: negative flags", NOTHING, create, new CreateRequest("/a", null, Acl.OPEN_ACL_UNSAFE, -1), badArguments),
                row("createTTL: ttl 0", NOTHING, createTtl, ttlRequest("/a", CreateMode.PERSISTENT_WITH_TTL, 0), badArguments),
                row("createTTL: negative ttl", NOTHING, createTtl, ttlRequest("/a", CreateMode.PERSISTENT_WITH_TTL, -5), badArguments),
                row("createTTL: ttl above the largest encodable", NOTHING, createTtl,
                        ttlRequest("/a", CreateMode.PERSISTENT_WITH_TTL, ttlMax + 1), badArguments),
                row("createTTL: the largest encodable ttl", NOTHING, createTtl, ttlRequest("/a", CreateMode.PERSISTENT_WITH_TTL, ttlMax), ok),
                row("createTTL: a ttl on a persistent mode", NOTHING, createTtl, ttlRequest("/a", CreateMode.PERSISTENT, 100), badArguments),
                row("createTTL: a ttl on an ephemeral mode", NOTHING, createTtl, ttlRequest("/a", CreateMode.EPHEMERAL, 100), badArguments),
                // Flags the opcode does not allow. ZooKeeper 3.9.5 has no answer to copy: a createTTL of a
                // persistent mode with ttl -1 passes its checks and kills the server when applied, and a
                // createContainer of any mode makes a container. Clients send each mode with its opcode.
                row("createTTL: a persistent mode with ttl -1", NOTHING, createTtl, ttlRequest("/a", CreateMode.PERSISTENT, -1), badArguments),
                row("createTTL: an ephemeral mode with ttl -1", NOTHING, createTtl, ttlRequest("/a", CreateMode.EPHEMERAL, -1), badArguments),
                row("createContainer: a persistent mode", NOTHING, OpCode.CREATE_CONTAINER, createRequest("/a", CreateMode.PERSISTENT),
                        badArguments),
                row("create2: the container mode", NOTHING, create, createRequest("/a", CreateMode.CONTAINER), badArguments),
                row("create: a TTL mode without a ttl", NOTHING, create, createRequest("/a", CreateMode.PERSISTENT_WITH_TTL), badArguments),
                new Case("createTTL: extended types disabled", NOTHING, false, createTtl,
                        ttlRequest("/a", CreateMode.PERSISTENT_WITH_TTL, 100), IP_ONLY, ErrorCode.UNIMPLEMENTED),
                new Case("createTTL: extended types disabled is reported before a bad ttl", NOTHING, false, createTtl,
                        ttlRequest("/a", CreateMode.PERSISTENT_WITH_TTL, 0), IP_ONLY, ErrorCode.UNIMPLEMENTED),
                new Case("create: plain modes work with extended types disabled", NOTHING, false, create, create("/a"), IP_ONLY, ok),
                // create: the path.
                row("create: no slash", NOTHING, create, create("a"), badArguments),
                row("create: empty path", NOTHING, create, create(""), badArguments),
                row("create: NUL in the path", NOTHING, create, create("/a\u0000b"), badArguments),
                row("create: trailing slash without sequential", a, create, create("/a/"), badArguments),
                row("create: dot-dot name under an existing parent", a, create, create("/a/.."), badArguments),
                row("create: control character under an existing parent", a, create, create("/a/\u0001"), badArguments),
                row("create: double slash looks up the parent \"/a/\" first", a, create, create("/a//b"), noNode),
                // create: the ACL (fixupACL), checked before the parent is looked up.
                row("create: empty ACL", NOTHING, create, create("/a", List.of()), invalidAcl),
                row("create: null ACL", NOTHING, create, create("/a", null), invalidAcl),
                row("create: auth ACL on a session with only its ip identity", NOTHING, create,
                        create("/a", Acl.CREATOR_ALL_ACL), invalidAcl),
                row("create: auth ACL on a digest-authenticated session", NOTHING, create,
                        create("/a", Acl.CREATOR_ALL_ACL), BOB_AUTH, ok),
                row("create: digest id without a password", NOTHING, create,
                        create("/a", List.of(new Acl(ALL, new Id("digest", "bob")))), invalidAcl),
                row("create: ip id with a 33-bit mask", NOTHING, create,
                        create("/a", List.of(new Acl(ALL, new Id("ip", "10.0.0.0/33")))), invalidAcl),
                row("create: unknown scheme", NOTHING, create, create("/a", List.of(new Acl(ALL, new Id("foo", "bar")))), invalidAcl),
                row("create: a bad ACL is reported before a missing parent", NOTHING, create,
                        create("/missing/a", List.of()), invalidAcl),
                // create: the parent, its ACL, then the node.
                row("create: missing parent", NOTHING, create, create("/missing/a"), noNode),
                row("create: no CREATE permission on the parent", p -> p.create("/locked", world(ALL & ~Acl.CREATE)),
                        create, create("/locked/a"), noAuth),
                row("create: /zookeeper/config takes no children", NOTHING, create, create("/zookeeper/config/a"), noAuth),
                row("create: CREATE granted to the session's digest identity", p -> p.create("/bob", List.of(new Acl(Acl.CREATE, new Id("digest", BOB)))),
                        create, create("/bob/a"), BOB_AUTH, ok),
                row("create: the super identity passes the parent's ACL", p -> p.create("/locked", world(Acl.READ)),
                        create, create("/locked/a"), SUPER_AUTH, ok),
                row("create: NOAUTH is reported before NODEEXISTS", p -> {
                    p.create("/locked");
                    p.create("/locked/a");
                    p.setAcl("/locked", world(ALL & ~Acl.CREATE));
                }, create, create("/locked/a"), noAuth),
                row("create: node exists", a, create, create("/a"), ErrorCode.NODEEXISTS),
                row("create: the root exists", NOTHING, create, create("/"), ErrorCode.NODEEXISTS),
                row("create: /zookeeper exists", NOTHING, create, create("/zookeeper"), ErrorCode.NODEEXISTS),
                row("create: child of an ephemeral", p -> p.create("/e", CreateMode.EPHEMERAL), create, create("/e/a"),
                        ErrorCode.NOCHILDRENFOREPHEMERALS),
                row("create: sequential child of an ephemeral", p -> p.create("/e", CreateMode.EPHEMERAL), create,
                        createRequest("/e/s-", CreateMode.PERSISTENT_SEQUENTIAL), ErrorCode.NOCHILDRENFOREPHEMERALS),
                row("create: child of a container", p -> p.ok(OpCode.CREATE_CONTAINER, createRequest("/c", CreateMode.CONTAINER)),
                        create, create("/c/a"), ok),
                // delete: special paths, then parent, its DELETE permission, the node, version, children.
                row("delete: the root", NOTHING, OpCode.DELETE, new DeleteRequest("/", -1), badArguments),
                row("delete: /zookeeper", NOTHING, OpCode.DELETE, new DeleteRequest("/zookeeper", -1), badArguments),
                row("delete: /zookeeper/quota", NOTHING, OpCode.DELETE, new DeleteRequest("/zookeeper/quota", -1), badArguments),
                row("delete: /zookeeper/config", NOTHING, OpCode.DELETE, new DeleteRequest("/zookeeper/config", -1), badArguments),
                row("delete: no slash", NOTHING, OpCode.DELETE, new DeleteRequest("a", -1), badArguments),
                row("delete: NUL in the path", a, OpCode.DELETE, new DeleteRequest("/a\u0000", -1), badArguments),
                row("delete: missing node", NOTHING, OpCode.DELETE, new DeleteRequest("/missing", -1), noNode),
                row("delete: missing parent", NOTHING, OpCode.DELETE, new DeleteRequest("/missing/a", -1), noNode),
                row("delete: no DELETE permission on the parent", p -> {
                    p.create("/locked");
                    p.create("/locked/a");
                    p.setAcl("/locked", world(ALL & ~Acl.DELETE));
                }, OpCode.DELETE, new DeleteRequest("/locked/a", -1), noAuth),
                row("delete: the node's own ACL does not matter", p -> {
                    p.create("/p");
                    p.create("/p/a", world(Acl.READ));
                }, OpCode.DELETE, new DeleteRequest("/p/a", -1), ok),
                row("delete: wrong version", a, OpCode.DELETE, new DeleteRequest("/a", 3), badVersion),
                row("delete: matching version", aAtVersion1, OpCode.DELETE, new DeleteRequest("/a", 1), ok),
                row("delete: any version", aAtVersion1, OpCode.DELETE, new DeleteRequest("/a", -1), ok),
                row("delete: node with children", aWithChild, OpCode.DELETE, new DeleteRequest("/a", -1), ErrorCode.NOTEMPTY),
                row("delete: BADVERSION is reported before NOTEMPTY", aWithChild, OpCode.DELETE, new DeleteRequest("/a", 7), badVersion),
                // setData: path, node, WRITE permission, version.
                row("setData: missing node", NOTHING, OpCode.SET_DATA, new SetDataRequest("/missing", bytes("x"), -1), noNode),
                row("setData: invalid path", a, OpCode.SET_DATA, new SetDataRequest("/a/", bytes("x"), -1), badArguments),
                row("setData: no WRITE permission", p -> p.create("/ro", world(Acl.READ)), OpCode.SET_DATA,
                        new SetDataRequest("/ro", bytes("x"), -1), noAuth),
                row("setData: /zookeeper/config is read-only", NOTHING, OpCode.SET_DATA,
                        new SetDataRequest("/zookeeper/config", bytes("x"), -1), noAuth),
                row("setData: wrong version", a, OpCode.SET_DATA, new SetDataRequest("/a", bytes("x"), 1), badVersion),
                row("setData: matching version", aAtVersion1, OpCode.SET_DATA, new SetDataRequest("/a", bytes("x"), 1), ok),
                // setACL: path, ACL, node, ADMIN permission, aversion.
                row("setACL: empty ACL", a, OpCode.SET_ACL, new SetACLRequest("/a", List.of(), -1), invalidAcl),
                row("setACL: a bad ACL is reported before a missing node", NOTHING, OpCode.SET_ACL,
                        new SetACLRequest("/missing", List.of(), -1), invalidAcl),
                row("setACL: missing node", NOTHING, OpCode.SET_ACL, new SetACLRequest("/missing", Acl.OPEN_ACL_UNSAFE, -1), noNode),
                row("setACL: no ADMIN permission", p -> p.create("/na", world(ALL & ~Acl.ADMIN)), OpCode.SET_ACL,
                        new SetACLRequest("/na", Acl.OPEN_ACL_UNSAFE, -1), noAuth),
                row("setACL: version is checked against aversion, not version", aAtVersion1, OpCode.SET_ACL,
                        new SetACLRequest("/a", Acl.OPEN_ACL_UNSAFE, 1), badVersion),
                row("setACL: matching aversion", aAtVersion1, OpCode.SET_ACL, new SetACLRequest("/a", Acl.OPEN_ACL_UNSAFE, 0), ok),
                // check: path, node, READ permission, version.
                row("check: missing node", NOTHING, OpCode.CHECK, new CheckVersionRequest("/missing", -1), noNode),
                row("check: no READ permission", p -> p.create("/wo", world(ALL & ~Acl.READ)), OpCode.CHECK,
                        new CheckVersionRequest("/wo", 0), noAuth),
                row("check: wrong version", a, OpCode.CHECK, new CheckVersionRequest("/a", 1), badVersion),
                row("check: matching version", aAtVersion1, OpCode.CHECK, new CheckVersionRequest("/a", 1), ok),
                row("check: any version", a, OpCode.CHECK, new CheckVersionRequest("/a", -1), ok));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void requestIsPreparedIntoZooKeepersErrorCode(Case row) {
        TxnPipeline p = new TxnPipeline(row.extendedTypes());
        row.setup().accept(p);
        int nodesBefore = p.tree.nodeCount();

        Txn txn = p.prepare(row.type(), row.request(), SESSION, row.auth());
        TxnResult result = p.applyPrepared().get(0);

        assertThat(codeOf(txn)).isEqualTo(row.expected());
        assertThat(result.err()).isEqualTo(row.expected());
        if (row.expected() != ErrorCode.OK) {
            assertThat(p.tree.nodeCount()).as("a failed request changes nothing").isEqualTo(nodesBefore);
            assertThat(p.tree.lastProcessedZxid()).as("a failed request still consumes its zxid").isEqualTo(p.lastZxid());
        }
    }

    @Test
    void deleteOfMissingNodeUnderParentWithoutDeletePermissionIsNoAuthAsZooKeeperChecksTheParentFirst() {
        TxnPipeline p = new TxnPipeline();
        p.create("/locked", world(ALL & ~Acl.DELETE));

        Txn txn = p.prepare(OpCode.DELETE, new DeleteRequest("/locked/missing", -1));

        assertThat(codeOf(txn)).isEqualTo(ErrorCode.NOAUTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/", "/a/.", "/a/..", "/a/\u0001"})
    void deleteOfSyntacticallyInvalidPathUnderExistingParentIsNoNode(String path) {
        TxnPipeline p = new TxnPipeline();
        p.create("/a");

        Txn txn = p.prepare(OpCode.DELETE, new DeleteRequest(path, -1));

        assertThat(codeOf(txn)).isEqualTo(ErrorCode.NONODE);
    }

    // The pending-changes rule: each request sees what every earlier prepared txn will leave.

    @Test
    void secondCreateOfSamePathPreparedBeforeTheFirstIsAppliedIsNodeExists() {
        TxnPipeline p = new TxnPipeline();

        Txn first = p.prepare(OpCode.CREATE, create("/a"));
        Txn second = p.prepare(OpCode.CREATE, create("/a"));

        assertThat(codeOf(first)).isEqualTo(ErrorCode.OK);
        assertThat(codeOf(second)).isEqualTo(ErrorCode.NODEEXISTS);
    }

    @Test
    void deleteOfANodeWhoseCreateIsStillPendingSucceeds() {
        TxnPipeline p = new TxnPipeline();
        p.create("/p");

        Txn created = p.prepare(OpCode.CREATE, create("/p/a"));
        Txn deleted = p.prepare(OpCode.DELETE, new DeleteRequest("/p/a", 0));
        p.applyPrepared();

        assertThat(codeOf(created)).isEqualTo(ErrorCode.OK);
        assertThat(codeOf(deleted)).isEqualTo(ErrorCode.OK);
        assertThat(p.tree.node("/p/a")).isNull();
        assertThat(p.tree.node("/p").stat().cversion()).isEqualTo(2);
    }

    @Test
    void setDataVersionsChainAcrossPendingTxns() {
        TxnPipeline p = new TxnPipeline();
        p.create("/a");

        Txn first = p.prepare(OpCode.SET_DATA, new SetDataRequest("/a", bytes("1"), 0));
        Txn second = p.prepare(OpCode.SET_DATA, new SetDataRequest("/a", bytes("2"), 1));
        Txn stale = p.prepare(OpCode.SET_DATA, new SetDataRequest("/a", bytes("3"), 1));
        p.applyPrepared();

        assertThat(List.of(codeOf(first), codeOf(second), codeOf(stale)))
                .containsExactly(ErrorCode.OK, ErrorCode.OK, ErrorCode.BADVERSION);
        assertThat(p.tree.node("/a").version()).isEqualTo(2);
        assertThat(p.tree.node("/a").data()).isEqualTo(bytes("2"));
    }

    @Test
    void pendingSetAclIsWhatTheNextRequestIsCheckedAgainst() {
        TxnPipeline p = new TxnPipeline();
        p.create("/a");

        p.prepare(OpCode.SET_ACL, new SetACLRequest("/a", Acl.READ_ACL_UNSAFE, 0));
        Txn write = p.prepare(OpCode.SET_DATA, new SetDataRequest("/a", bytes("x"), -1));
        Txn aclAgain = p.prepare(OpCode.SET_ACL, new SetACLRequest("/a", Acl.OPEN_ACL_UNSAFE, 1));

        assertThat(codeOf(write)).isEqualTo(ErrorCode.NOAUTH);
        assertThat(codeOf(aclAgain)).isEqualTo(ErrorCode.NOAUTH);
    }

    @Test
    void pendingChildCreateMakesTheParentNotEmptyAndPendingDeleteMakesItMissing() {
        TxnPipeline p = new TxnPipeline();
        p.create("/a");

        Txn child = p.prepare(OpCode.CREATE, create("/a/b"));
        Txn deleteParent = p.prepare(OpCode.DELETE, new DeleteRequest("/a", -1));
        Txn deleteChild = p.prepare(OpCode.DELETE, new DeleteRequest("/a/b", -1));
        Txn deleteParentAgain = p.prepare(OpCode.DELETE, new DeleteRequest("/a", -1));
        Txn createUnderDeleted = p.prepare(OpCode.CREATE, create("/a/c"));
        p.applyPrepared();

        assertThat(List.of(codeOf(child), codeOf(deleteParent), codeOf(deleteChild), codeOf(deleteParentAgain),
                codeOf(createUnderDeleted)))
                .containsExactly(ErrorCode.OK, ErrorCode.NOTEMPTY, ErrorCode.OK, ErrorCode.OK, ErrorCode.NONODE);
        assertThat(p.tree.node("/a")).isNull();
    }

    @Test
    void pendingEphemeralCreateForbidsChildrenBeforeItIsApplied() {
        TxnPipeline p = new TxnPipeline();

        p.prepare(OpCode.CREATE, createRequest("/e", CreateMode.EPHEMERAL));
        Txn child = p.prepare(OpCode.CREATE, create("/e/a"));

        assertThat(codeOf(child)).isEqualTo(ErrorCode.NOCHILDRENFOREPHEMERALS);
    }

    @Test
    void afterApplyAndRetireThePreparerReadsTheTree() {
        TxnPipeline p = new TxnPipeline();
        p.create("/a");
        p.setData("/a", "x");

        Txn stale = p.prepare(OpCode.SET_DATA, new SetDataRequest("/a", bytes("y"), 0));
        Txn current = p.prepare(OpCode.SET_DATA, new SetDataRequest("/a", bytes("y"), 1));

        assertThat(codeOf(stale)).isEqualTo(ErrorCode.BADVERSION);
        assertThat(codeOf(current)).isEqualTo(ErrorCode.OK);
    }

    // multi: all or nothing.

    record MultiCase(String name, Consumer<TxnPipeline> setup, List<MultiRequest.Op> ops, List<Integer> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<MultiCase> failedMultiCases() {
        final int ok = ErrorCode.OK;
        final int rest = ErrorCode.RUNTIMEINCONSISTENCY;
        return List.of(
                // 0 before the failing op, its code at it, RUNTIMEINCONSISTENCY after it.
                new MultiCase("first op fails", p -> p.create("/x"),
                        List.of(createOp("/x"), createOp("/y"), deleteOp("/y", -1)),
                        List.of(ErrorCode.NODEEXISTS, rest, rest)),
                new MultiCase("middle op fails", NOTHING,
                        List.of(createOp("/x"), deleteOp("/missing", -1), setDataOp("/x", -1)),
                        List.of(ok, ErrorCode.NONODE, rest)),
                new MultiCase("last op fails", NOTHING,
                        List.of(createOp("/x"), setDataOp("/x", 0), checkOp("/x", 5)),
                        List.of(ok, ok, ErrorCode.BADVERSION)),
                // Later ops are checked against what earlier ops of the same multi will do.
                new MultiCase("second create of a path the first op creates", NOTHING,
                        List.of(createOp("/x"), createOp("/x")),
                        List.of(ok, ErrorCode.NODEEXISTS)),
                new MultiCase("delete of a node an earlier op gave a child", p -> p.create("/x"),
                        List.of(createOp("/x/c"), deleteOp("/x", -1)),
                        List.of(ok, ErrorCode.NOTEMPTY)),
                new MultiCase("check of the version an earlier setData left", p -> p.create("/x"),
                        List.of(setDataOp("/x", 0), checkOp("/x", 0)),
                        List.of(ok, ErrorCode.BADVERSION)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failedMultiCases")
    void failedMultiIsAllErrorsAndChangesNothing(MultiCase row) {
        TxnPipeline p = new TxnPipeline();
        row.setup().accept(p);
        int nodesBefore = p.tree.nodeCount();
        long zxidBefore = p.tree.lastProcessedZxid();

        Txn txn = p.prepare(OpCode.MULTI, new MultiRequest(row.ops()));
        TxnResult result = p.applyPrepared().get(0);

        List<Txn> expectedTxns = new ArrayList<>();
        row.expected().forEach(code -> expectedTxns.add(new Txn.Error(code)));
        assertThat(txn).isEqualTo(new Txn.Multi(expectedTxns));
        assertThat(result.results()).extracting(TxnResult::err).containsExactlyElementsOf(row.expected());
        int failing = row.expected().stream().filter(code -> code != ErrorCode.OK).findFirst().orElseThrow();
        assertThat(result.err()).isEqualTo(failing);
        assertThat(p.tree.nodeCount()).isEqualTo(nodesBefore);
        assertThat(p.tree.lastProcessedZxid()).isEqualTo(zxidBefore + 1);
    }

    @Test
    void failedMultiLeavesNoPendingChangesBehind() {
        TxnPipeline p = new TxnPipeline();

        Txn multi = p.prepare(OpCode.MULTI, new MultiRequest(List.of(createOp("/x"), createOp("/missing/y"))));
        Txn createX = p.prepare(OpCode.CREATE, create("/x"));
        Txn sequential = p.prepare(OpCode.CREATE, createRequest("/s-", CreateMode.PERSISTENT_SEQUENTIAL));

        assertThat(((Txn.Multi) multi).failed()).isTrue();
        assertThat(codeOf(createX)).as("the failed multi's create of /x is forgotten").isEqualTo(ErrorCode.OK);
        assertThat(((Txn.Create) sequential).path())
                .as("the root counts the create of /x only, not the failed multi's")
                .isEqualTo("/s-0000000001");
    }

    @Test
    void successfulMultiOpsSeeEachOthersEffectsAndApplyAtOneZxid() {
        TxnPipeline p = new TxnPipeline();

        Txn txn = p.prepare(OpCode.MULTI, new MultiRequest(List.of(
                createOp("/m"), createOp("/m/c"), setDataOp("/m", 0), setDataOp("/m", 1), checkOp("/m", 2),
                deleteOp("/m/c", 0))));
        TxnResult result = p.applyPrepared().get(0);

        assertThat(((Txn.Multi) txn).failed()).isFalse();
        assertThat(result.err()).isEqualTo(ErrorCode.OK);
        assertThat(result.results()).extracting(TxnResult::err).containsOnly(ErrorCode.OK).hasSize(6);
        Znode m = p.tree.node("/m");
        assertThat(m.version()).isEqualTo(2);
        assertThat(m.numChildren()).isZero();
        assertThat(m.stat().cversion()).isEqualTo(2);
        assertThat(List.of(m.czxid(), m.mzxid(), m.pzxid(), p.tree.lastProcessedZxid())).containsOnly(1L);
    }

    @Test
    void multiPreparedAfterAPendingWriteSeesIt() {
        TxnPipeline p = new TxnPipeline();

        p.prepare(OpCode.CREATE, create("/x"));
        Txn multi = p.prepare(OpCode.MULTI, new MultiRequest(List.of(setDataOp("/x", 0), createOp("/x/c"))));
        p.applyPrepared();

        assertThat(((Txn.Multi) multi).failed()).isFalse();
        assertThat(p.tree.node("/x/c")).isNotNull();
    }

    // Sessions: closing deletes every ephemeral the session will own, at one zxid.

    @Test
    void closeSessionListsAppliedAndPendingEphemeralsButNotPendingDeletes() {
        TxnPipeline p = new TxnPipeline();
        p.create("/p");
        p.create("/p/e1", CreateMode.EPHEMERAL);
        p.create("/p/e2", CreateMode.EPHEMERAL);
        p.create("/p/mine", CreateMode.EPHEMERAL);

        p.prepare(OpCode.DELETE, new DeleteRequest("/p/e2", -1));
        p.prepare(OpCode.CREATE, createRequest("/p/e3", CreateMode.EPHEMERAL));
        p.prepare(OpCode.CREATE, createRequest("/p/theirs", CreateMode.EPHEMERAL), TxnPipeline.OTHER_SESSION, IP_ONLY);
        Txn close = p.prepareCloseSession(SESSION);

        assertThat(close).isEqualTo(new Txn.CloseSession(SESSION, List.of("/p/e1", "/p/e3", "/p/mine")));
    }

    @Test
    void applyingCloseSessionDeletesItsEphemeralsAtOneZxidAndForgetsTheSession() {
        TxnPipeline p = new TxnPipeline();
        p.propose(new Txn.CreateSession(SESSION, 4000), SESSION);
        p.applyPrepared();
        p.create("/p");
        p.create("/p/e1", CreateMode.EPHEMERAL);
        p.create("/e2", CreateMode.EPHEMERAL);
        p.ok(OpCode.CREATE, createRequest("/p/keep", CreateMode.PERSISTENT));
        assertThat(p.sessions.contains(SESSION)).isTrue();

        p.prepareCloseSession(SESSION);
        p.applyPrepared();

        long closeZxid = p.lastZxid();
        assertThat(p.tree.node("/p/e1")).isNull();
        assertThat(p.tree.node("/e2")).isNull();
        assertThat(p.tree.node("/p/keep")).isNotNull();
        assertThat(p.tree.ephemerals(SESSION)).isEmpty();
        assertThat(p.tree.node("/p").pzxid()).isEqualTo(closeZxid);
        assertThat(p.tree.node("/").pzxid()).isEqualTo(closeZxid);
        assertThat(p.sessions.contains(SESSION)).isFalse();
    }

    @Test
    void createTtlAndContainerTxnsRecordTheirKind() {
        TxnPipeline p = new TxnPipeline();

        Txn ttl = p.prepare(OpCode.CREATE_TTL, new CreateTTLRequest("/t", null, Acl.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_WITH_TTL.flag(), 1234));
        Txn container = p.prepare(OpCode.CREATE_CONTAINER, createRequest("/c", CreateMode.CONTAINER));
        Txn ephemeral = p.prepare(OpCode.CREATE, createRequest("/e", CreateMode.EPHEMERAL));
        p.applyPrepared();

        assertThat((Txn.Create) ttl).extracting(Txn.Create::kind, Txn.Create::ttlMs, Txn.Create::ephemeralOwner)
                .containsExactly(NodeKind.TTL, 1234L, 0L);
        assertThat((Txn.Create) container).extracting(Txn.Create::kind, Txn.Create::ttlMs, Txn.Create::ephemeralOwner)
                .containsExactly(NodeKind.CONTAINER, 0L, 0L);
        assertThat((Txn.Create) ephemeral).extracting(Txn.Create::kind, Txn.Create::ttlMs, Txn.Create::ephemeralOwner)
                .containsExactly(NodeKind.EPHEMERAL, 0L, SESSION);
        assertThat(p.tree.ttlNodes()).containsExactly("/t");
        assertThat(p.tree.containers()).containsExactly("/c");
        assertThat(p.tree.ephemerals(SESSION)).containsExactly("/e");
    }
}
