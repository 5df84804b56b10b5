package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private record Sent(long from, long to, Message message) {}

    private final Map<Long, Peer> peers = new HashMap<>();
    private final Map<Long, List<LogEntry>> delivered = new HashMap<>();
    private final ArrayDeque<Sent> network = new ArrayDeque<>();

    @Test
    void twoLeadersNeverEstablishTheSameEpoch() {
        for (long id = 1; id <= 3; id++) {
            long serverId = id;
            delivered.put(id, new ArrayList<>());
            peers.put(id, new Peer(PeerConfig.of(id, Set.of(1L, 2L, 3L), Set.of(), 1), DurableState.empty(),
                    () -> new Snapshot(lastDelivered(serverId), "state of " + serverId)));
        }
        lead(1);
        lead(3);

        follow(2, 1);
        deliver(2, 1); // 1: FOLLOWERINFO acceptedEpoch=0 -> proposes epoch 1; its LEADERINFO never reaches 2
        follow(2, 3);
        deliver(2, 3); // 3: FOLLOWERINFO acceptedEpoch=0 -> proposes epoch 1
        deliver(3, 2); // 2 accepts epoch 1, ACKEPOCH
        deliver(2, 3); // 3 has an epoch quorum {3, 2}: synchronization; DIFF and NEWLEADER wait on the link

        follow(2, 1);
        network.removeIf(m -> m.from() == 3 && m.to() == 2); // 2 left 3: that connection's messages are gone
        deliver(1, 2); // the LEADERINFO of 2's old connection: ignored
        deliver(2, 1); // FOLLOWERINFO acceptedEpoch=1: 1 is in its ACKEPOCH phase and answers LEADERINFO 1
        settle(1, 2); // ACKEPOCH (counted), DIFF, NEWLEADER, ACK(NEWLEADER): 1 is established in epoch 1
        assertThat(peers.get(1L).leadingEpoch()).isEqualTo(1);
        propose(1, "A");
        settle(1, 2);
        assertThat(delivered.get(2L)).extracting(LogEntry::zxid).containsExactly(0x100000001L);

        follow(2, 3);
        settle(3, 2); // 3 is in synchronization: ACKEPOCH current=1 is not checked; SNAP of 0x0, NEWLEADER
        long secondLeaderEpoch = peers.get(3L).leadingEpoch();
        if (peers.get(3L).canPropose()) {
            propose(3, "B");
            settle(3, 2);
        }
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(secondLeaderEpoch).as("a second leader established epoch 1").isNotEqualTo(1);
        softly.assertThat(delivered.get(2L)).as("server 2's deliveries (A, then B at the same zxid)").hasSize(1);
        softly.assertAll();
    }

    private void lead(long id) {
        peers.get(id).becomeLeader(new Vote(id, 0, 1, 0));
        carryOut(id);
    }

    private void follow(long id, long leader) {
        peers.get(id).becomeLearner(new Vote(leader, 0, 1, 0));
        carryOut(id);
    }

    private void propose(long id, String value) {
        Peer leader = peers.get(id);
        leader.propose(new LogEntry(leader.nextZxid(), value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        carryOut(id);
    }

    /** Delivers what {@code from} sent {@code to} so far, in order. */
    private void deliver(long from, long to) {
        List<Sent> batch = new ArrayList<>();
        network.removeIf(m -> m.from() == from && m.to() == to && batch.add(m));
        for (Sent sent : batch) {
            peers.get(to).step(from, sent.message());
            carryOut(to);
        }
    }

    /** Delivers both ways between {@code a} and {@code b} until nothing is left between them. */
    private void settle(long a, long b) {
        for (int round = 0; round < 100 && network.stream().anyMatch(m -> m.from() == a && m.to() == b || m.from() == b && m.to() == a);
                round++) {
            deliver(a, b);
            deliver(b, a);
        }
    }

    /** Carries out a peer's outputs; its disk syncs at once. */
    private void carryOut(long id) {
        Peer peer = peers.get(id);
        for (int round = 0; round < 100; round++) {
            List<Output> outputs = peer.drainOutputs();
            if (outputs.isEmpty()) {
                return;
            }
            long lastSeq = 0;
            for (Output output : outputs) {
                if (output instanceof Output.Persist persist) {
                    lastSeq = persist.seq();
                } else if (output instanceof Output.Send send) {
                    network.addLast(new Sent(id, send.to(), send.message()));
                } else if (output instanceof Output.Deliver deliver) {
                    delivered.get(id).add(deliver.entry());
                }
            }
            if (lastSeq > 0) {
                peer.onPersisted(lastSeq);
            }
        }
    }

    private long lastDelivered(long id) {
        List<LogEntry> entries = delivered.get(id);
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).zxid();
    }
}
