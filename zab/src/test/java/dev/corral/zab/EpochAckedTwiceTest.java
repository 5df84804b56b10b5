package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Review finding S1 (a known bug, so this test runs only with {@code -Dreview.knownBugs=true}; it fails
 * until the fix). ZAB's safety must not depend on the election electing one leader: two servers can be
 * LEADING at once (a stale leader that has not timed out yet), and the epoch protocol alone must keep
 * them from both establishing one epoch. ZooKeeper does that by counting an ACKEPOCH in the epoch quorum
 * only when the learner accepted the epoch just now: a learner whose acceptedEpoch already equals the new
 * epoch answers with currentEpoch -1 and is left out (Learner#registerWithLeader, Leader#waitForEpochAck).
 * Corral's learner acks an epoch it had already accepted like a new one (LearnerRole#onLeaderInfo), and its
 * leader counts it (LeaderRole#onAckEpoch), and checks "ahead" only in its ACKEPOCH phase.
 *
 * <p>The run: servers 1 and 3 both lead (the election is bypassed, as any oracle may fail); server 2 gives
 * its FOLLOWERINFO to both while its acceptedEpoch is 0, so both propose epoch 1; it acks 3's epoch (3
 * moves to synchronization), acks 1's epoch again with the same acceptedEpoch, takes 1's NEWLEADER (1 is
 * established in epoch 1 and commits write A at 0x100000001 on {1, 2}), then goes back to 3, which is past
 * its ACKEPOCH phase, so nothing compares 2's currentEpoch 1 with its own: 3 sends 2 a SNAP of its empty
 * state, is established in epoch 1 too, and commits write B at the same zxid. Server 2 delivered A and
 * then B at 0x100000001: a committed txn was lost.
 */
@EnabledIfSystemProperty(named = "review.knownBugs", matches = "true")
class EpochAckedTwiceTest {
    private final PeerHarness ensemble = new PeerHarness();

    @Test
    void twoLeadersNeverEstablishTheSameEpoch() {
        for (long id = 1; id <= 3; id++) {
            ensemble.add(id, Set.of(1L, 2L, 3L), Set.of(), DurableState.empty());
        }
        ensemble.lead(1);
        ensemble.lead(3);

        ensemble.follow(2, 1);
        ensemble.deliver(2, 1); // 1: FOLLOWERINFO acceptedEpoch=0 -> proposes epoch 1; its LEADERINFO never reaches 2
        ensemble.follow(2, 3);
        ensemble.deliver(2, 3); // 3: FOLLOWERINFO acceptedEpoch=0 -> proposes epoch 1
        ensemble.deliver(3, 2); // 2 accepts epoch 1, ACKEPOCH
        ensemble.deliver(2, 3); // 3 has an epoch quorum {3, 2}: synchronization; DIFF and NEWLEADER wait on the link

        ensemble.follow(2, 1);
        ensemble.drop(3, 2); // 2 left 3: that connection's messages are gone
        ensemble.deliver(1, 2); // the LEADERINFO of 2's old connection: ignored
        ensemble.deliver(2, 1); // FOLLOWERINFO acceptedEpoch=1: 1 is in its ACKEPOCH phase and answers LEADERINFO 1
        ensemble.settle(1, 2); // ACKEPOCH (counted), DIFF, NEWLEADER, ACK(NEWLEADER): 1 is established in epoch 1
        assertThat(ensemble.peer(1).leadingEpoch()).isEqualTo(1);
        ensemble.propose(1, "A");
        ensemble.settle(1, 2);
        assertThat(ensemble.delivered(2)).extracting(LogEntry::zxid).containsExactly(0x100000001L);

        ensemble.follow(2, 3);
        ensemble.settle(3, 2); // 3 is in synchronization: ACKEPOCH current=1 is not checked; SNAP of 0x0, NEWLEADER
        long secondLeaderEpoch = ensemble.peer(3).leadingEpoch();
        if (ensemble.peer(3).canPropose()) {
            ensemble.propose(3, "B");
            ensemble.settle(3, 2);
        }
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(secondLeaderEpoch).as("a second leader established epoch 1").isNotEqualTo(1);
        softly.assertThat(ensemble.delivered(2)).as("server 2's deliveries (A, then B at the same zxid)").hasSize(1);
        softly.assertAll();
    }
}
