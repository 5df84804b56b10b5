package dev.corral.tree;

import static dev.corral.tree.TxnPipeline.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.Stat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The quota statistics the tree keeps in {@code /zookeeper/quota/<path>/zookeeper_stats}, as ZooKeeper 3.9.5
 * keeps them (found by zkCli's listquota: "Output stat for /q count=2,bytes=5" on ZooKeeper, "count=0,bytes=0"
 * on Corral before; compat's ZkCliTest pins it against both servers). Each script first sets a quota on /q
 * as zkCli's setquota does: the quota path's nodes, the stats node with "count=0,bytes=0", then the limits node.
 */
class QuotaStatsTest {

    private static final String STATS = "/zookeeper/quota/q/zookeeper_stats";

    record Case(String name, Consumer<TxnPipeline> before, Consumer<TxnPipeline> after, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // Creating the stats node counts the subtree as it stands.
                new Case("setquota counts the quota node and its subtree", p -> createWith(p, "/q/a", "12345"),
                        p -> { }, "count=2,bytes=5"),
                new Case("setquota on a leaf counts the leaf", p -> { }, p -> { }, "count=1,bytes=0"),
                // Then every write under the quota root adds to it.
                new Case("create under the root adds one and its bytes", p -> { },
                        p -> { createWith(p, "/q/a", "abc"); createWith(p, "/q/a/b", "de"); }, "count=3,bytes=5"),
                new Case("setData adds the difference of lengths", p -> createWith(p, "/q/a", "abcdef"),
                        p -> { p.setData("/q/a", "ab"); p.setData("/q", "0123456789"); }, "count=2,bytes=12"),
                new Case("delete takes away one and its bytes", p -> createWith(p, "/q/a", "abc"),
                        p -> p.delete("/q/a"), "count=1,bytes=0"),
                new Case("writes outside the root do not count", p -> { },
                        p -> { createWith(p, "/other", "abc"); createWith(p, "/qq", "x"); }, "count=1,bytes=0"),
                new Case("a deleted limits node ends the quota", p -> { },
                        p -> { p.delete("/zookeeper/quota/q/zookeeper_limits"); createWith(p, "/q/a", "abc"); },
                        "count=1,bytes=0"),
                new Case("a deeper quota takes the writes below it",
                        p -> p.create("/q/deep"), p -> { setQuota(p, "/q/deep"); createWith(p, "/q/deep/x", "abc"); }, "count=2,bytes=0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void statsAreZooKeepers(Case row) {
        TxnPipeline p = new TxnPipeline();
        p.create("/q");
        row.before().accept(p);
        setQuota(p, "/q");
        row.after().accept(p);
        assertThat(text(p.tree.node(STATS).data())).isEqualTo(row.expected());
    }

    @Test
    void statsUpdatesLeaveTheStatsNodeStatAlone() {
        TxnPipeline p = new TxnPipeline();
        p.create("/q");
        setQuota(p, "/q");
        Stat before = p.tree.node(STATS).stat();
        createWith(p, "/q/a", "abc");
        Stat after = p.tree.node(STATS).stat();
        assertThat(after.version()).isEqualTo(before.version());
        assertThat(after.mzxid()).isEqualTo(before.mzxid());
        assertThat(after.dataLength()).isEqualTo("count=2,bytes=3".length());
        assertThat(p.tree.digest()).isEqualTo(p.tree.recomputeDigest());
    }

    @Test
    void otherKeysOfTheStatsAreKeptInStatsTracksOrder() {
        assertThat(text(QuotaStats.adjusted(bytes("count=1,bytes=2=;zeta=3;byteHardLimit=-1"), 1, 10)))
                .isEqualTo("count=2,bytes=12=;byteHardLimit=-1;zeta=3");
        assertThat(QuotaStats.adjusted(bytes("count=x"), 1, 1)).isNull();
    }

    @Test
    void loadingASnapshotFindsTheQuotaRoots() {
        TxnPipeline p = new TxnPipeline();
        p.create("/q");
        setQuota(p, "/q");
        TreeSnapshot image = p.tree.snapshot(p.sessions);
        List<Znode> nodes = new ArrayList<>();
        image.forEach(nodes::add);
        DataTree loaded = new DataTree();
        loaded.load(image.zxid(), nodes, image.digest());
        loaded.create("/q/a", bytes("abc"), Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0, 1, image.zxid() + 1, 0);
        assertThat(text(loaded.node(STATS).data())).isEqualTo("count=2,bytes=3");
    }

    /** What zkCli's setquota creates: the quota path, its stats node, then its limits node. */
    private static void setQuota(TxnPipeline p, String path) {
        String quotaPath = DataTree.QUOTA;
        for (String part : path.substring(1).split("/")) {
            quotaPath += "/" + part;
            if (p.tree.node(quotaPath) == null) {
                p.create(quotaPath);
            }
        }
        createWith(p, quotaPath + "/zookeeper_stats", "count=0,bytes=0");
        createWith(p, quotaPath + "/zookeeper_limits", "count=5,bytes=-1");
    }

    private static void createWith(TxnPipeline p, String path, String data) {
        p.ok(OpCode.CREATE, new CreateRequest(path, bytes(data), Acl.OPEN_ACL_UNSAFE, 0));
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
