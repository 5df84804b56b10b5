package dev.corral.tree;

import static dev.corral.tree.TxnPipeline.SESSION;
import static dev.corral.tree.TxnPipeline.bytes;
import static dev.corral.tree.TxnPipeline.createRequest;
import static dev.corral.tree.TxnPipeline.ttlRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.Id;
import dev.corral.wire.OpCode;
import dev.corral.wire.Stat;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Stat a client sees after each kind of write, field by field, as ZooKeeper 3.9 keeps it
 * ({@code DataTree#createNode}, {@code #deleteNode}, {@code #setData}, {@code #setACL},
 * {@code DataNode#copyStat}). Txn {@code z} is stamped with time {@code 1000 * z}.
 */
class StatRulesTest {

    record Case(String name, Consumer<TxnPipeline> script, String path, Stat expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        // Stat field order: czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner,
        // dataLength, numChildren, pzxid.
        return List.of(
                // A node's own writes.
                new Case("create sets czxid, mzxid, pzxid to its zxid and ctime, mtime to its time",
                        p -> p.ok(OpCode.CREATE2, new CreateRequest("/a", bytes("xy"), Acl.OPEN_ACL_UNSAFE, 0)), "/a",
                        new Stat(1, 1, 1000, 1000, 0, 0, 0, 0, 2, 0, 1)),
                new Case("create with null data has dataLength 0",
                        p -> p.ok(OpCode.CREATE2, new CreateRequest("/a", null, Acl.OPEN_ACL_UNSAFE, 0)), "/a",
                        new Stat(1, 1, 1000, 1000, 0, 0, 0, 0, 0, 0, 1)),
                new Case("setData bumps version and moves mzxid and mtime only",
                        p -> { p.create("/a"); p.setData("/a", "abc"); }, "/a",
                        new Stat(1, 2, 1000, 2000, 1, 0, 0, 0, 3, 0, 1)),
                new Case("second setData makes version 2",
                        p -> { p.create("/a"); p.setData("/a", "abc"); p.setData("/a", "z"); }, "/a",
                        new Stat(1, 3, 1000, 3000, 2, 0, 0, 0, 1, 0, 1)),
                new Case("setACL bumps aversion and leaves mzxid, mtime and version",
                        p -> { p.create("/a"); p.setAcl("/a", Acl.READ_ACL_UNSAFE); }, "/a",
                        new Stat(1, 1, 1000, 1000, 0, 0, 1, 0, 0, 0, 1)),
                // Children: clients see cversion = 2 * creates - numChildren, pzxid follows child changes.
                new Case("child create: parent cversion 1, numChildren 1, pzxid the child's zxid, mzxid kept",
                        p -> { p.create("/a"); p.create("/a/b"); }, "/a",
                        new Stat(1, 1, 1000, 1000, 0, 1, 0, 0, 0, 1, 2)),
                new Case("child delete: parent cversion 2, numChildren 0, pzxid the delete's zxid",
                        p -> { p.create("/a"); p.create("/a/b"); p.delete("/a/b"); }, "/a",
                        new Stat(1, 1, 1000, 1000, 0, 2, 0, 0, 0, 0, 3)),
                new Case("two child creates and one delete: cversion 3",
                        p -> { p.create("/a"); p.create("/a/b"); p.create("/a/c"); p.delete("/a/b"); }, "/a",
                        new Stat(1, 1, 1000, 1000, 0, 3, 0, 0, 0, 1, 4)),
                new Case("grandchild create leaves the grandparent's cversion and pzxid",
                        p -> { p.create("/a"); p.create("/a/b"); p.create("/a/b/c"); }, "/a",
                        new Stat(1, 1, 1000, 1000, 0, 1, 0, 0, 0, 1, 2)),
                new Case("child's setData leaves the parent alone",
                        p -> { p.create("/a"); p.create("/a/b"); p.setData("/a/b", "x"); }, "/a",
                        new Stat(1, 1, 1000, 1000, 0, 1, 0, 0, 0, 1, 2)),
                new Case("a child's own stat starts at its create",
                        p -> { p.create("/a"); p.create("/a/b"); }, "/a/b",
                        new Stat(2, 2, 2000, 2000, 0, 0, 0, 0, 0, 0, 2)),
                // ephemeralOwner: the session for ephemerals, 0 for containers and TTL nodes.
                new Case("ephemeral shows its owner session",
                        p -> p.create("/e", CreateMode.EPHEMERAL), "/e",
                        new Stat(1, 1, 1000, 1000, 0, 0, 0, SESSION, 0, 0, 1)),
                new Case("ephemeral sequential shows its owner session",
                        p -> { p.create("/p"); p.create("/p/e-", CreateMode.EPHEMERAL_SEQUENTIAL); }, "/p/e-0000000000",
                        new Stat(2, 2, 2000, 2000, 0, 0, 0, SESSION, 0, 0, 2)),
                new Case("container shows ephemeralOwner 0",
                        p -> p.ok(OpCode.CREATE_CONTAINER, createRequest("/c", CreateMode.CONTAINER)), "/c",
                        new Stat(1, 1, 1000, 1000, 0, 0, 0, 0, 0, 0, 1)),
                new Case("TTL node shows ephemeralOwner 0",
                        p -> p.ok(OpCode.CREATE_TTL, ttlRequest("/t", CreateMode.PERSISTENT_WITH_TTL, 5000)), "/t",
                        new Stat(1, 1, 1000, 1000, 0, 0, 0, 0, 0, 0, 1)),
                // The root, whose built-in child /zookeeper was never counted as a create.
                new Case("fresh root: cversion -1 with one child", p -> { }, "/",
                        new Stat(0, 0, 0, 0, 0, -1, 0, 0, 0, 1, 0)),
                new Case("root after one create: cversion 0 with two children", p -> p.create("/a"), "/",
                        new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1)),
                new Case("root after a create and its delete: cversion 1", p -> { p.create("/a"); p.delete("/a"); }, "/",
                        new Stat(0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 2)),
                new Case("fresh /zookeeper: cversion -2 with two children", p -> { }, DataTree.ZOOKEEPER,
                        new Stat(0, 0, 0, 0, 0, -2, 0, 0, 0, 2, 0)),
                new Case("fresh /zookeeper/quota: all zero", p -> { }, DataTree.QUOTA,
                        new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void statAfterScriptIsZooKeepers(Case row) {
        TxnPipeline pipeline = new TxnPipeline();
        row.script().accept(pipeline);

        assertThat(pipeline.tree.node(row.path()).stat()).isEqualTo(row.expected());
    }

    @Test
    void writeResultsCarryTheStatTheNodeHasAfterTheWrite() {
        TxnPipeline p = new TxnPipeline();

        TxnResult created = p.create("/a");
        assertThat(created.stat()).isEqualTo(new Stat(1, 1, 1000, 1000, 0, 0, 0, 0, 0, 0, 1));
        TxnResult set = p.setData("/a", "abc");
        assertThat(set.stat()).isEqualTo(p.tree.node("/a").stat());
        TxnResult acl = p.setAcl("/a", Acl.READ_ACL_UNSAFE);
        assertThat(acl.stat()).isEqualTo(p.tree.node("/a").stat()).extracting(Stat::aversion).isEqualTo(1);
    }

    record SequenceCase(String name, Consumer<TxnPipeline> script, String requested, CreateMode mode, String created) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<SequenceCase> sequenceCases() {
        return List.of(
                // The suffix is the parent's stored cversion (creates ever made under it), %010d.
                new SequenceCase("first under a fresh parent is 0", p -> p.create("/p"),
                        "/p/s-", CreateMode.PERSISTENT_SEQUENTIAL, "/p/s-0000000000"),
                new SequenceCase("first under the root is 0: /zookeeper was never counted", p -> { },
                        "/s-", CreateMode.PERSISTENT_SEQUENTIAL, "/s-0000000000"),
                new SequenceCase("second sequential is 1", p -> {
                    p.create("/p");
                    p.create("/p/s-", CreateMode.PERSISTENT_SEQUENTIAL);
                }, "/p/s-", CreateMode.PERSISTENT_SEQUENTIAL, "/p/s-0000000001"),
                new SequenceCase("persistent child creates count too", p -> {
                    p.create("/p");
                    p.create("/p/a");
                    p.create("/p/b");
                }, "/p/s-", CreateMode.PERSISTENT_SEQUENTIAL, "/p/s-0000000002"),
                new SequenceCase("deletes do not give numbers back", p -> {
                    p.create("/p");
                    p.create("/p/a");
                    p.delete("/p/a");
                }, "/p/s-", CreateMode.PERSISTENT_SEQUENTIAL, "/p/s-0000000001"),
                new SequenceCase("numbers keep growing after the sequential nodes are deleted", p -> {
                    p.create("/p");
                    p.create("/p/s-", CreateMode.PERSISTENT_SEQUENTIAL);
                    p.create("/p/s-", CreateMode.PERSISTENT_SEQUENTIAL);
                    p.delete("/p/s-0000000000");
                    p.delete("/p/s-0000000001");
                }, "/p/s-", CreateMode.PERSISTENT_SEQUENTIAL, "/p/s-0000000002"),
                new SequenceCase("ephemeral sequential shares the counter", p -> {
                    p.create("/p");
                    p.create("/p/a");
                }, "/p/e-", CreateMode.EPHEMERAL_SEQUENTIAL, "/p/e-0000000001"),
                new SequenceCase("TTL sequential shares the counter", p -> {
                    p.create("/p");
                    p.create("/p/a");
                }, "/p/t-", CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, "/p/t-0000000001"),
                new SequenceCase("a trailing slash is allowed: the suffix makes the name", p -> p.create("/p"),
                        "/p/", CreateMode.PERSISTENT_SEQUENTIAL, "/p/0000000000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequenceCases")
    void sequentialCreateAppendsTheParentsStoredCversion(SequenceCase row) {
        TxnPipeline p = new TxnPipeline();
        row.script().accept(p);

        TxnResult result = row.mode().isTtl()
                ? p.ok(OpCode.CREATE_TTL, ttlRequest(row.requested(), row.mode(), 1000))
                : p.ok(OpCode.CREATE2, createRequest(row.requested(), row.mode()));

        assertThat(result.path()).isEqualTo(row.created());
        assertThat(p.tree.node(row.created())).isNotNull();
    }

    @Test
    void sequentialCreatesPreparedBeforeEitherIsAppliedGetConsecutiveNumbers() {
        TxnPipeline p = new TxnPipeline();
        p.create("/p");

        Txn first = p.prepare(OpCode.CREATE, createRequest("/p/s-", CreateMode.PERSISTENT_SEQUENTIAL));
        Txn second = p.prepare(OpCode.CREATE, createRequest("/p/s-", CreateMode.PERSISTENT_SEQUENTIAL));
        p.applyPrepared();

        assertThat(((Txn.Create) first).path()).isEqualTo("/p/s-0000000000");
        assertThat(((Txn.Create) second).path()).isEqualTo("/p/s-0000000001");
        assertThat(p.tree.node("/p").childNames()).containsExactlyInAnyOrder("s-0000000000", "s-0000000001");
    }

    // ZooKeeper 3.9.5's own DataTree is the oracle for the nodes every tree starts with.

    @ParameterizedTest
    @ValueSource(strings = {"/", "/zookeeper", "/zookeeper/quota"})
    void builtInNodeMatchesZooKeepersFreshDataTree(String path) throws Exception {
        org.apache.zookeeper.server.DataTree theirs = new org.apache.zookeeper.server.DataTree();
        Znode ours = new DataTree().node(path);

        assertThat(ours.stat()).isEqualTo(stat(theirs.statNode(path, null)));
        assertThat(ours.acl()).isEqualTo(acl(theirs.getACL(path, new org.apache.zookeeper.data.Stat())));
        assertThat(java.util.Set.copyOf(ours.childNames())).isEqualTo(theirs.getNode(path).getChildren());
    }

    @Test
    void configNodeIsReadableByAnyoneAndWritableByNoOne() {
        Znode config = new DataTree().node(DataTree.CONFIG);

        assertThat(config.acl()).isEqualTo(Acl.READ_ACL_UNSAFE);
        assertThat(config.data()).isEmpty();
        assertThat(config.childNames()).isEmpty();
    }

    @Test
    void configNodeMatchesZooKeepersFreshDataTreeIncludingAversionMinusOne() throws Exception {
        org.apache.zookeeper.server.DataTree theirs = new org.apache.zookeeper.server.DataTree();
        Znode ours = new DataTree().node(DataTree.CONFIG);

        assertThat(ours.stat()).isEqualTo(stat(theirs.statNode(DataTree.CONFIG, null)));
        assertThat(ours.stat().aversion()).isEqualTo(-1);
    }

    private static Stat stat(org.apache.zookeeper.data.Stat s) {
        return new Stat(s.getCzxid(), s.getMzxid(), s.getCtime(), s.getMtime(), s.getVersion(), s.getCversion(),
                s.getAversion(), s.getEphemeralOwner(), s.getDataLength(), s.getNumChildren(), s.getPzxid());
    }

    private static List<Acl> acl(List<org.apache.zookeeper.data.ACL> theirs) {
        List<Acl> result = new ArrayList<>();
        for (org.apache.zookeeper.data.ACL entry : theirs) {
            result.add(new Acl(entry.getPerms(), new Id(entry.getId().getScheme(), entry.getId().getId())));
        }
        return result;
    }
}
