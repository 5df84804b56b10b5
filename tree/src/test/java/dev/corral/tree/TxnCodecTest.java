package dev.corral.tree;

import static dev.corral.tree.TxnPipeline.SESSION;
import static dev.corral.tree.TxnPipeline.OTHER_SESSION;
import static dev.corral.tree.TxnPipeline.IP_ONLY;
import static dev.corral.tree.TxnPipeline.bytes;
import static dev.corral.tree.TxnPipeline.checkOp;
import static dev.corral.tree.TxnPipeline.createOp;
import static dev.corral.tree.TxnPipeline.createRequest;
import static dev.corral.tree.TxnPipeline.deleteOp;
import static dev.corral.tree.TxnPipeline.setDataOp;
import static dev.corral.tree.TxnPipeline.ttlRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.TxnPipeline.Applied;
import dev.corral.wire.Acl;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.Id;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.Stat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.zookeeper.server.DataTree.ProcessTxnResult;
import org.apache.zookeeper.server.EphemeralType;
import org.apache.zookeeper.server.TxnLogEntry;
import org.apache.zookeeper.server.persistence.Util;
import org.apache.zookeeper.server.util.SerializeUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of txn the preparer produces is ZooKeeper 3.9.5's txn: our bytes, read with ZooKeeper's
 * {@code SerializeUtils#deserializeTxn} and applied to ZooKeeper's own {@code DataTree}, give the header,
 * the result (error, path, Stat, per op of a multi) and the tree that our applier gives; and ZooKeeper's
 * writer ({@code Util#marshallTxnEntry}, with a digest) produces bytes we decode to the same entry.
 */
class TxnCodecTest {
    private static final String EXTENDED_TYPES = "zookeeper.extendedTypesEnabled";

    /** A sequence of requests, run on a fresh pipeline; every txn it logs is checked. */
    record Scenario(String name, Consumer<TxnPipeline> script) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Scenario> scenarios() {
        return List.of(
                // Creates of every kind, with and without data and sequence numbers.
                new Scenario("create and create2, persistent and sequential", p -> {
                    p.run(OpCode.CREATE, new CreateRequest("/a", bytes("x"), Acl.OPEN_ACL_UNSAFE, 0));
                    p.run(OpCode.CREATE2, new CreateRequest("/a/b", null, Acl.OPEN_ACL_UNSAFE, 0));
                    p.run(OpCode.CREATE2, createRequest("/a/s-", CreateMode.PERSISTENT_SEQUENTIAL));
                    p.run(OpCode.CREATE, createRequest("/a/s-", CreateMode.PERSISTENT_SEQUENTIAL));
                }),
                new Scenario("ephemeral and ephemeral sequential", p -> {
                    p.create("/app");
                    p.run(OpCode.CREATE, createRequest("/app/e", CreateMode.EPHEMERAL));
                    p.run(OpCode.CREATE2, createRequest("/app/lock-", CreateMode.EPHEMERAL_SEQUENTIAL),
                            OTHER_SESSION, IP_ONLY);
                }),
                new Scenario("container, then its reaping as deleteContainer", p -> {
                    p.run(OpCode.CREATE_CONTAINER, createRequest("/c", CreateMode.CONTAINER));
                    p.create("/c/child");
                    p.delete("/c/child");
                    p.run(OpCode.DELETE_CONTAINER, "/c", 0, List.of());
                }),
                new Scenario("TTL and sequential TTL, then a TTL reaped", p -> {
                    p.run(OpCode.CREATE_TTL, ttlRequest("/t", CreateMode.PERSISTENT_WITH_TTL, 60_000));
                    p.run(OpCode.CREATE_TTL, ttlRequest("/t/s-", CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL,
                            TxnPreparer.TTL_MAX_MS));
                    p.run(OpCode.DELETE_CONTAINER, "/t/s-0000000000", 0, List.of());
                }),
                new Scenario("opcode and mode that disagree", p -> {
                    p.run(OpCode.CREATE, createRequest("/c", CreateMode.CONTAINER));
                    p.run(OpCode.CREATE_CONTAINER, createRequest("/e", CreateMode.EPHEMERAL));
                    p.run(OpCode.CREATE_TTL, ttlRequest("/p", CreateMode.PERSISTENT, -1));
                }),

                // Changes to existing nodes, and requests that fail.
                new Scenario("setData, setACL, delete", p -> {
                    p.create("/n");
                    p.run(OpCode.SET_DATA, new SetDataRequest("/n", bytes("new"), 0));
                    p.run(OpCode.SET_DATA, new SetDataRequest("/n", null, -1));
                    p.run(OpCode.SET_ACL, new SetACLRequest("/n", List.of(new Acl(Acl.ALL, new Id("ip", "10.0.0.1")),
                            new Acl(Acl.READ, Id.ANYONE)), 0));
                    p.run(OpCode.DELETE, new DeleteRequest("/n", -1));
                }),
                new Scenario("failed requests become error txns", p -> {
                    p.create("/n");
                    p.run(OpCode.CREATE, createRequest("/n", CreateMode.PERSISTENT));
                    p.run(OpCode.DELETE, new DeleteRequest("/missing", -1));
                    p.run(OpCode.SET_DATA, new SetDataRequest("/n", bytes("v"), 7));
                    p.run(OpCode.CREATE_TTL, ttlRequest("/t", CreateMode.PERSISTENT_WITH_TTL, 0));
                }),

                // Multis.
                new Scenario("multi of every write op", p -> {
                    p.create("/m");
                    p.create("/m/gone");
                    p.run(OpCode.MULTI, new MultiRequest(List.of(
                            createOp("/m/a"),
                            new MultiRequest.Op(OpCode.CREATE2, createRequest("/m/e-", CreateMode.EPHEMERAL_SEQUENTIAL)),
                            new MultiRequest.Op(OpCode.CREATE_CONTAINER, createRequest("/m/c", CreateMode.CONTAINER)),
                            new MultiRequest.Op(OpCode.CREATE_TTL, ttlRequest("/m/t", CreateMode.PERSISTENT_WITH_TTL, 5)),
                            deleteOp("/m/gone", 0),
                            setDataOp("/m", 0),
                            checkOp("/m", 1))));
                }),
                new Scenario("multi that fails at its third op", p -> {
                    p.create("/m");
                    p.run(OpCode.MULTI, new MultiRequest(List.of(createOp("/m/a"), setDataOp("/m", -1),
                            checkOp("/m", 5), createOp("/m/b"))));
                }),
                new Scenario("empty multi", p -> p.run(OpCode.MULTI, new MultiRequest(List.of()))),

                // Sessions.
                new Scenario("createSession, then closeSession with ephemerals", p -> {
                    p.propose(new Txn.CreateSession(SESSION, 30_000), SESSION);
                    p.create("/p");
                    p.run(OpCode.CREATE, createRequest("/p/e1", CreateMode.EPHEMERAL));
                    p.run(OpCode.CREATE, createRequest("/p/e2", CreateMode.EPHEMERAL_SEQUENTIAL));
                    p.prepareCloseSession(SESSION);
                    p.applyPrepared();
                }),
                new Scenario("closeSession with no ephemerals", p -> {
                    p.propose(new Txn.CreateSession(OTHER_SESSION, 4_000), OTHER_SESSION);
                    p.prepareCloseSession(OTHER_SESSION);
                    p.applyPrepared();
                }));
    }

    @BeforeAll
    static void enableZooKeepersTtlNodes() {
        System.setProperty(EXTENDED_TYPES, "true");
    }

    @AfterAll
    static void restoreZooKeepersDefault() {
        System.clearProperty(EXTENDED_TYPES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyTxnDecodesBackToItself(Scenario scenario) {
        for (Applied applied : run(scenario).log) {
            byte[] bytes = TxnCodec.encode(applied.entry());

            assertThat(TxnCodec.decode(bytes)).as("zxid %x", applied.entry().zxid()).isEqualTo(applied.entry());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void zooKeeperReadsOurBytesAndAppliesThemAsWeDo(Scenario scenario) throws IOException {
        TxnPipeline p = run(scenario);
        org.apache.zookeeper.server.DataTree theirs = new org.apache.zookeeper.server.DataTree();

        for (Applied applied : p.log) {
            TxnEntry entry = applied.entry();
            TxnLogEntry read = SerializeUtils.deserializeTxn(TxnCodec.encode(entry));
            org.apache.zookeeper.txn.TxnHeader header = read.getHeader();
            assertThat(List.of(header.getClientId(), header.getCxid(), header.getZxid(), header.getTime()))
                    .isEqualTo(List.of(entry.sessionId(), entry.cxid(), entry.zxid(), entry.timeMs()));
            assertThat(read.getDigest()).isNull();

            ProcessTxnResult result = theirs.processTxn(header, read.getTxn());

            assertThat(result(result)).as("zxid %x", entry.zxid()).isEqualTo(comparable(applied.result(), result));
        }
        assertThat(nodes(theirs)).isEqualTo(nodes(p.tree));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void weReadWhatZooKeeperWritesDigestIncluded(Scenario scenario) throws IOException {
        for (Applied applied : run(scenario).log) {
            TxnLogEntry read = SerializeUtils.deserializeTxn(TxnCodec.encode(applied.entry()));
            byte[] theirs = Util.marshallTxnEntry(read.getHeader(), read.getTxn(),
                    new org.apache.zookeeper.txn.TxnDigest(2, 0x1234_5678_9abcL));

            assertThat(TxnCodec.decode(theirs)).as("zxid %x", applied.entry().zxid()).isEqualTo(applied.entry());
        }
    }

    private static TxnPipeline run(Scenario scenario) {
        TxnPipeline p = new TxnPipeline();
        scenario.script().accept(p);
        p.applyPrepared();
        return p;
    }

    /** What a result says to a client: error, path and Stat, per op for a multi. */
    private record Result(int err, String path, Stat stat, List<Result> ops) {}

    /**
     * Our result as ZooKeeper's ProcessTxnResult puts it: ZooKeeper keeps no Stat for a plain create (its
     * reply has none), while ZooKeeper keeps the path of deletes and checks, which no reply carries.
     */
    private static Result comparable(TxnResult ours, ProcessTxnResult theirs) {
        List<Result> ops = null;
        if (ours.results() != null) {
            ops = new ArrayList<>();
            for (int i = 0; i < ours.results().size(); i++) {
                ops.add(comparable(ours.results().get(i), theirs.multiResult.get(i)));
            }
        }
        return new Result(ours.err(), ours.path(), theirs.stat == null ? null : ours.stat(), ops);
    }

    private static Result result(ProcessTxnResult theirs) {
        List<Result> ops = theirs.multiResult == null ? null : theirs.multiResult.stream().map(TxnCodecTest::result).toList();
        boolean pathInReply = theirs.type == OpCode.CREATE || theirs.type == OpCode.CREATE2
                || theirs.type == OpCode.CREATE_CONTAINER || theirs.type == OpCode.CREATE_TTL
                || theirs.type == OpCode.SET_DATA || theirs.type == OpCode.SET_ACL;
        return new Result(theirs.err, theirs.err == 0 && pathInReply ? theirs.path : null,
                theirs.stat == null ? null : stat(theirs.stat), ops);
    }

    /** A node as both trees hold it: data, ACL, Stat, and what owns its lifetime. */
    private record NodeView(String data, List<Acl> acl, Stat stat, String lifetime, Set<String> children) {}

    private static Map<String, NodeView> nodes(DataTree ours) {
        Map<String, NodeView> nodes = new TreeMap<>();
        List<String> pending = new ArrayList<>(List.of("/"));
        while (!pending.isEmpty()) {
            String path = pending.remove(pending.size() - 1);
            Znode node = ours.node(path);
            String lifetime = switch (node.kind()) {
                case PERSISTENT -> "persistent";
                case EPHEMERAL -> "ephemeral of " + Long.toHexString(node.ephemeralOwner());
                case CONTAINER -> "container";
                case TTL -> "ttl " + node.ttlMs();
            };
            nodes.put(path, new NodeView(text(node.data()), node.acl(), node.stat(), lifetime,
                    new TreeSet<>(node.childNames())));
            node.forEachChildPath(pending::add);
        }
        return nodes;
    }

    private static Map<String, NodeView> nodes(org.apache.zookeeper.server.DataTree theirs) {
        Map<String, NodeView> nodes = new TreeMap<>();
        List<String> pending = new ArrayList<>(List.of("/"));
        while (!pending.isEmpty()) {
            String path = pending.remove(pending.size() - 1);
            org.apache.zookeeper.server.DataNode node = theirs.getNode(path);
            long owner = node.stat.getEphemeralOwner();
            String lifetime = switch (EphemeralType.get(owner)) {
                case VOID -> "persistent";
                case NORMAL -> "ephemeral of " + Long.toHexString(owner);
                case CONTAINER -> "container";
                case TTL -> "ttl " + EphemeralType.TTL.getValue(owner);
            };
            try {
                nodes.put(path, new NodeView(text(node.getData()), acl(theirs.getACL(node)),
                        stat(theirs.statNode(path, null)), lifetime, new TreeSet<>(node.getChildren())));
            } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                throw new AssertionError(e);
            }
            for (String child : node.getChildren()) {
                pending.add(path.equals("/") ? "/" + child : path + "/" + child);
            }
        }
        return nodes;
    }

    private static String text(byte[] data) {
        return data == null ? "null" : new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Stat stat(org.apache.zookeeper.data.Stat s) {
        return new Stat(s.getCzxid(), s.getMzxid(), s.getCtime(), s.getMtime(), s.getVersion(), s.getCversion(),
                s.getAversion(), s.getEphemeralOwner(), s.getDataLength(), s.getNumChildren(), s.getPzxid());
    }

    private static List<Acl> acl(List<org.apache.zookeeper.data.ACL> theirs) {
        return theirs.stream().map(entry -> new Acl(entry.getPerms(), new Id(entry.getId().getScheme(), entry.getId().getId())))
                .toList();
    }
}
