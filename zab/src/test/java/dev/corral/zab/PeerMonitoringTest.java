package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The read-only figures a leader's host prints for operators (mntr's learner counts and proposal sizes,
 * the learners' lag) and the reason each role change carries, on a hand-driven ensemble of three.
 */
class PeerMonitoringTest {
    private static final Set<Long> VOTERS = Set.of(1L, 2L, 3L);

    private static PeerHarness establishedEnsemble() {
        PeerHarness ensemble = new PeerHarness();
        for (long id = 1; id <= 3; id++) {
            ensemble.add(id, VOTERS, Set.of(), new DurableState(0, 0, 0, List.of()));
        }
        ensemble.lead(1);
        ensemble.follow(2, 1);
        ensemble.follow(3, 1);
        ensemble.settle(1, 2);
        ensemble.settle(1, 3);
        ensemble.settle(1, 2);
        assertThat(ensemble.peer(1).leadingEpoch()).as("established: %s", ensemble.trace).isEqualTo(1);
        return ensemble;
    }

    @Test
    void leaderCountsItsSyncedFollowersAndTheSizesOfWhatItProposed() {
        PeerHarness ensemble = establishedEnsemble();
        assertThat(ensemble.peer(1).proposalSizes()).as("before a proposal, ZooKeeper's BufferStats -1")
                .isEqualTo(new Peer.ProposalSizes(-1, -1, -1));
        ensemble.propose(1, "abcd");
        ensemble.propose(1, "a");
        ensemble.propose(1, "abcdefgh");
        ensemble.settle(1, 2);
        ensemble.settle(1, 3);

        assertThat(ensemble.peer(1).proposalSizes()).isEqualTo(new Peer.ProposalSizes(8, 1, 8));
        assertThat(ensemble.peer(1).learners()).isEqualTo(new Peer.Learners(2, 2, 2, 0, 0, 0));
        assertThat(ensemble.peer(1).learnerLags()).containsEntry(2L, 0L).containsEntry(3L, 0L);
        assertThat(ensemble.peer(2).proposalSizes()).as("a follower proposes nothing").isNull();
        assertThat(ensemble.peer(2).learnerLags()).isEmpty();
    }

    @Test
    void learnerLagCountsTheTxnsAFollowerHasNotAcked() {
        PeerHarness ensemble = establishedEnsemble();
        ensemble.propose(1, "x");
        ensemble.settle(1, 2);
        ensemble.propose(1, "y");
        ensemble.propose(1, "z");
        ensemble.drop(1, 3);
        ensemble.settle(1, 2);

        assertThat(ensemble.peer(1).learnerLags()).containsEntry(2L, 0L).containsEntry(3L, 3L);
    }

    @Test
    void learnerStatesSayHowFarEachLearnerIsAndWhenItWasLastHeard() {
        PeerHarness ensemble = establishedEnsemble();
        ensemble.propose(1, "x");
        ensemble.settle(1, 2);
        long acked = ensemble.peer(1).lastLoggedZxid();
        ensemble.propose(1, "y");
        ensemble.drop(1, 2);
        ensemble.drop(1, 3);
        ensemble.tick(1);
        ensemble.tick(1);
        ensemble.tick(3);

        // Server 3 lost every proposal, so it holds what it was synchronized to (nothing: zxid 0, an earlier
        // epoch, behind by all of this epoch's txns); server 2 acked the first. Neither was heard during the
        // leader's two ticks.
        assertThat(ensemble.peer(1).learnerStates()).containsExactly(
                new Peer.LearnerState(2, false, true, acked, 1, 2),
                new Peer.LearnerState(3, false, true, 0, 2, 2));
        assertThat(ensemble.peer(1).learnerLags()).containsExactly(java.util.Map.entry(2L, 1L), java.util.Map.entry(3L, 2L));
        assertThat(ensemble.peer(2).learnerStates()).as("a follower knows no learners").isEmpty();
        assertThat(ensemble.peer(3).ticksSinceLeaderHeard()).isEqualTo(1);
        assertThat(ensemble.peer(2).ticksSinceLeaderHeard()).isZero();
        assertThat(ensemble.peer(1).ticksSinceLeaderHeard()).as("the leader has no leader to hear").isEqualTo(-1);
    }

    @Test
    void everyRoleChangeSaysWhy() {
        PeerHarness ensemble = establishedEnsemble();
        assertThat(ensemble.roleReasons).contains("1: LEADING elected by a quorum (last zxid 0x0)",
                "1: LEADING serving epoch 1 established: a quorum acked NEWLEADER", "2: FOLLOWING a quorum elected server 1",
                "2: FOLLOWING serving synchronized with leader 1 (UPTODATE)");
        // Both followers fall silent: the leader gives up once syncLimit passes without a quorum.
        for (int tick = 0; tick < 1_000 && ensemble.peer(1).state() == ServerState.LEADING; tick++) {
            ensemble.drop(2, 1);
            ensemble.drop(3, 1);
            ensemble.tick(1);
        }
        assertThat(ensemble.peer(1).state()).isEqualTo(ServerState.LOOKING);
        assertThat(ensemble.roleReasons.get(ensemble.roleReasons.size() - 1))
                .isEqualTo("1: LOOKING only 1 of the 2 voters a quorum needs were heard from within syncLimit");
    }
}
