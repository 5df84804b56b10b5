package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two leaders that proposed the same epoch must not both establish it. ZooKeeper 3.9.5 prevents it in
 * discovery: a learner whose accepted epoch already equals a LEADERINFO's answers ACKEPOCH with current
 * epoch -1 (Learner#registerWithLeader), and Leader#waitForEpochAck does not count such an answer, so a
 * learner adds its epoch ack to at most one leader per epoch. Without that rule the sequence below
 * established epoch 1 on both leaders, each with server 3 in its quorum; two leaders of one epoch can then
 * commit different txns under the same zxid.
 */
class EpochAckedTwiceTest {
    private static final Set<Long> VOTERS = Set.of(1L, 2L, 3L);

    /** Server 3 is played by hand, sending what LearnerRole sends (the second test pins that down). */
    @Test
    void twoLeadersOfOneEpochCannotBothEstablishIt() {
        Peer first = electedLeader(1);
        Peer second = electedLeader(2);

        // Server 3 followed 1, then 2, with accepted epoch 0: both propose epoch 1.
        step(first, new Message.LearnerInfo(31, 0, false));
        step(second, new Message.LearnerInfo(32, 0, false));
        // 3 accepts epoch 1 from 2 and acks it: 2 has its epoch quorum {2, 3}.
        step(second, new Message.AckEpoch(32, 1, 0, 0));
        // 3 follows 1 again on a new connection; epoch 1 is already its accepted epoch, so it acks with -1.
        step(first, new Message.LearnerInfo(33, 1, false));
        step(first, new Message.AckEpoch(33, 1, -1, 0));
        step(first, new Message.AckNewLeader(33, 1));
        // And 2 again, which synchronizes it as a learner that comes after its epoch quorum.
        step(second, new Message.LearnerInfo(34, 1, false));
        step(second, new Message.AckEpoch(34, 1, -1, 0));
        step(second, new Message.AckNewLeader(34, 1));

        assertThat(first.leadingEpoch()).as("epoch established by 1").isEqualTo(-1);
        assertThat(second.leadingEpoch()).as("epoch established by 2").isEqualTo(1);
    }

    /** A learner answers ACKEPOCH with its current epoch for a newer epoch, with -1 for its accepted one. */
    @Test
    void learnerAcksAnEpochItHadAcceptedWithMinusOne() {
        assertThat(ackEpochOfLearner(new DurableState(0, 0, 0, List.of()), 1)).isEqualTo(new Message.AckEpoch(0, 1, 0, 0));
        assertThat(ackEpochOfLearner(new DurableState(1, 0, 0, List.of()), 1)).isEqualTo(new Message.AckEpoch(0, 1, -1, 0));
        assertThat(ackEpochOfLearner(new DurableState(2, 1, 0, List.of()), 2)).isEqualTo(new Message.AckEpoch(0, 2, -1, 0));
        assertThat(ackEpochOfLearner(new DurableState(2, 1, 0, List.of()), 3)).isEqualTo(new Message.AckEpoch(0, 3, 1, 0));
    }

    /** Server 3, elected into following 1, answers LEADERINFO {@code epoch}; connection numbers shown as 0. */
    private static Message.AckEpoch ackEpochOfLearner(DurableState recovered, long epoch) {
        Peer learner = new Peer(PeerConfig.of(3, VOTERS, Set.of(), 0), recovered, () -> new Snapshot(0, "image"));
        learner.tick();
        settle(learner);
        // 1 leads and 2 follows it: the learner joins them (FastLeaderElection#checkLeader).
        learner.step(1, new Message.Notification(ServerState.LEADING, new Vote(1, 0, 1, 0)));
        learner.step(2, new Message.Notification(ServerState.FOLLOWING, new Vote(1, 0, 1, 0)));
        List<Output> outputs = settle(learner);
        for (int i = 0; i < 10 && learner.state() != ServerState.FOLLOWING; i++) {
            learner.tick();
            outputs.addAll(settle(learner));
        }
        long connection = sent(outputs, Message.LearnerInfo.class).connection();
        learner.step(1, new Message.LeaderInfo(connection, epoch));
        Message.AckEpoch ack = sent(settle(learner), Message.AckEpoch.class);
        return new Message.AckEpoch(0, ack.epoch(), ack.currentEpoch(), ack.lastZxid());
    }

    private static <T extends Message> T sent(List<Output> outputs, Class<T> type) {
        return outputs.stream().filter(o -> o instanceof Output.Send send && type.isInstance(send.message()))
                .map(o -> type.cast(((Output.Send) o).message())).findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + outputs));
    }

    private static Peer electedLeader(long id) {
        Peer peer = new Peer(PeerConfig.of(id, VOTERS, Set.of(), 0), DurableState.empty(), () -> new Snapshot(0, "image"));
        settle(peer);
        peer.tick();
        settle(peer);
        peer.step(3, new Message.Notification(ServerState.LOOKING, new Vote(id, 0, 1, 0)));
        settle(peer);
        for (int i = 0; i < 10 && peer.state() != ServerState.LEADING; i++) {
            peer.tick();
            settle(peer);
        }
        assertThat(peer.state()).isEqualTo(ServerState.LEADING);
        return peer;
    }

    private static void step(Peer leader, Message.Learner message) {
        leader.step(3, message);
        settle(leader);
    }

    /** Makes every persist output durable at once, as a disk that syncs before anything else happens. */
    private static List<Output> settle(Peer peer) {
        List<Output> all = new ArrayList<>();
        for (List<Output> outputs = peer.drainOutputs(); !outputs.isEmpty(); outputs = peer.drainOutputs()) {
            all.addAll(outputs);
            long last = outputs.stream().filter(o -> o instanceof Output.Persist).mapToLong(o -> ((Output.Persist) o).seq()).max().orElse(-1);
            if (last >= 0) {
                peer.onPersisted(last);
            }
        }
        return all;
    }
}
