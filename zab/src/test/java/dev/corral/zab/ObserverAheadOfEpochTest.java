package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Review finding L2, fixed (Peer#followEpochAsNonVoter); it failed before the fix. An observer can hold an acceptedEpoch above the epoch of the leader a quorum of
 * voters later establishes: it accepted the LEADERINFO of a leader whose epoch no voter accepted (that
 * leader's own acceptedEpoch counted in its proposal, and it then failed before any voter accepted). The
 * leader leaves observers out of discovery and, unlike for a voter (LeaderRole#onLearnerInfo), does not step
 * down for an observer's higher acceptedEpoch; the observer used to refuse every LEADERINFO below its
 * acceptedEpoch (LearnerRole#onLeaderInfo), go back to LOOKING and be brought back to the same leader by
 * each election. Now a learner that counts in no quorum follows the established leader's epoch.
 */
class ObserverAheadOfEpochTest {
    private final PeerHarness ensemble = new PeerHarness();

    @Test
    void anObserverWithAHigherAcceptedEpochStillJoinsTheEstablishedLeader() {
        Set<Long> voters = Set.of(1L, 2L, 3L);
        ensemble.add(2, voters, Set.of(4L), new DurableState(1, 1, 0, List.of()));
        ensemble.add(3, voters, Set.of(4L), new DurableState(1, 1, 0, List.of()));
        // Accepted epoch 3 from a leader (server 1, now down) that proposed it alone.
        ensemble.add(4, voters, Set.of(4L), new DurableState(3, 1, 0, List.of()));
        ensemble.lead(3);
        ensemble.follow(2, 3);
        ensemble.settle(3, 2);
        assertThat(ensemble.peer(3).leadingEpoch()).isEqualTo(2);

        for (int attempt = 0; attempt < 3; attempt++) {
            ensemble.follow(4, 3);
            ensemble.settle(3, 4);
        }
        assertThat(ensemble.peer(3).leadingEpoch()).isEqualTo(2);
        assertThat(ensemble.peer(4).serving()).as("observer 4 serves under the established leader; it is " + ensemble.peer(4).state())
                .isTrue();
    }
}
