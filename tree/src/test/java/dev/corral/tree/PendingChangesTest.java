package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.Acl;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The layer of prepared-but-unapplied changes over the tree, and how applied zxids retire it. */
class PendingChangesTest {
    private static final long SESSION = 7;

    private static NodeState persistent(int version) {
        return new NodeState(version, 0, 0, 0, NodeKind.PERSISTENT, 0, Acl.OPEN_ACL_UNSAFE);
    }

    private static NodeState ephemeral(long owner) {
        return new NodeState(0, 0, 0, 0, NodeKind.EPHEMERAL, owner, Acl.OPEN_ACL_UNSAFE);
    }

    @Test
    void withNothingPendingTheTreeIsWhatIsSeen() {
        PendingChanges pending = new PendingChanges(new DataTree());

        assertThat(pending.isEmpty()).isTrue();
        assertThat(pending.get(DataTree.ZOOKEEPER)).map(NodeState::numChildren).contains(2);
        assertThat(pending.get("/missing")).isEmpty();
    }

    @Test
    void pendingChangeShadowsTheTreeUntilItsZxidIsRetired() {
        PendingChanges pending = new PendingChanges(new DataTree());

        pending.put("/a", Optional.of(persistent(0)), 1);
        pending.put(DataTree.QUOTA, Optional.empty(), 1);

        assertThat(pending.get("/a")).contains(persistent(0));
        assertThat(pending.get(DataTree.QUOTA)).isEmpty();
        pending.retire(1);
        assertThat(pending.isEmpty()).isTrue();
        assertThat(pending.get("/a")).as("the tree never got /a").isEmpty();
        assertThat(pending.get(DataTree.QUOTA)).as("the tree still has the quota node").isPresent();
    }

    @Test
    void retiringAnOlderZxidKeepsALaterChangeToTheSamePath() {
        PendingChanges pending = new PendingChanges(new DataTree());
        pending.put("/a", Optional.of(persistent(0)), 1);
        pending.put("/a", Optional.of(persistent(1)), 2);

        pending.retire(1);

        assertThat(pending.get("/a")).contains(persistent(1));
        assertThat(pending.isEmpty()).isFalse();
        pending.retire(2);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void changesMustArriveInZxidOrder() {
        PendingChanges pending = new PendingChanges(new DataTree());
        pending.put("/a", Optional.of(persistent(0)), 5);

        assertThatThrownBy(() -> pending.put("/b", Optional.of(persistent(0)), 4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("out of order");
    }

    @Test
    void ephemeralsArePendingCreatesOfTheSessionSorted() {
        PendingChanges pending = new PendingChanges(new DataTree());

        pending.put("/z", Optional.of(ephemeral(SESSION)), 1);
        pending.put("/b", Optional.of(ephemeral(SESSION)), 2);
        pending.put("/other", Optional.of(ephemeral(SESSION + 1)), 3);
        pending.put("/gone", Optional.of(ephemeral(SESSION)), 4);
        pending.put("/gone", Optional.empty(), 5);

        assertThat(pending.ephemerals(SESSION)).containsExactly("/b", "/z");
    }
}
