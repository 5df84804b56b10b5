package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetACLRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnApplierTest {
    /**
     * A txn applied without Stats (another server's, or one replayed from the log: nobody reads its results)
     * changes the tree exactly as with them; only its results lack the Stats.
     */
    @Test
    void applyingWithoutStatsLeavesTheSameTreeAndResultsWithoutStats() {
        TxnPipeline leader = new TxnPipeline();
        leader.create("/a");
        leader.create("/a/b");
        leader.setData("/a/b", "x");
        leader.delete("/a/b");
        leader.ok(OpCode.SET_ACL, new SetACLRequest("/a", Acl.READ_ACL_UNSAFE, -1));
        leader.ok(OpCode.MULTI, new MultiRequest(List.of(TxnPipeline.createOp("/c"), TxnPipeline.setDataOp("/c", 0))));

        DataTree replayed = new DataTree();
        TxnApplier applier = new TxnApplier(replayed, new SessionTable(), new WatchTable());
        List<WatchEvent> events = new ArrayList<>();
        for (TxnPipeline.Applied applied : leader.log) {
            TxnResult withStats = applied.result();
            TxnResult without = applier.apply(applied.entry(), events, false);
            assertThat(without.err()).isEqualTo(withStats.err());
            assertThat(without.path()).isEqualTo(withStats.path());
            assertThat(without.stat()).isNull();
            if (withStats.path() != null) {
                assertThat(withStats.stat()).as("the leader's result of %s", withStats.path()).isNotNull();
            }
            if (withStats.results() != null) {
                assertThat(without.results()).hasSameSizeAs(withStats.results()).allSatisfy(sub -> assertThat(sub.stat()).isNull());
                assertThat(withStats.results()).anySatisfy(sub -> assertThat(sub.stat()).isNotNull());
            }
        }
        assertThat(replayed.digest()).isEqualTo(leader.tree.digest()).isEqualTo(replayed.recomputeDigest());
        for (String path : List.of("/", "/a", "/c")) {
            assertThat(replayed.node(path).stat()).as(path).isEqualTo(leader.tree.node(path).stat());
        }
        assertThat(replayed.node("/a/b")).isNull();
        assertThat(events).isEmpty();
    }
}
