package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The ensemble's shared secret ({@link SharedSecret}) travels from the leader in LEADERINFO, and a learner
 * holding another one makes the leader's durable before its ACKEPOCH, so before it can serve; leaders
 * elected later hold the same one, so the whole ensemble keeps one secret across leader changes.
 */
class SharedSecretTest {
    private static final Set<Long> VOTERS = Set.of(1L, 2L, 3L);
    private static final SharedSecret A = secret("secret of A");
    private static final SharedSecret B = secret("secret of B");

    record Case(String name, SharedSecret learners, SharedSecret leaders, boolean written, SharedSecret after) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // A learner whose secret differs, or that has none, takes the leader's.
                new Case("a blank learner adopts the leader's secret", SharedSecret.NONE, A, true, A),
                new Case("a learner with another secret adopts the leader's", B, A, true, A),
                // Nothing to write when it already holds it, or the leader has none (a ZooKeeper leader sends none).
                new Case("a learner holding the leader's secret writes nothing", A, A, false, A),
                new Case("a leader without a secret leaves the learner's", B, SharedSecret.NONE, false, B));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aLearnerMakesItsLeadersSecretDurableBeforeItsAckEpoch(Case c) {
        for (long acceptedEpoch : new long[] {0, 1}) { // a new epoch to write, and one accepted before (re-ack)
            Peer learner = new Peer(PeerConfig.of(3, VOTERS, Set.of(), 0), new DurableState(acceptedEpoch, 0, 0, List.of(), c.learners()),
                    () -> new Snapshot(0, "image"));
            long connection = joinLeader1(learner);
            learner.step(1, new Message.LeaderInfo(connection, 1, c.leaders()));
            List<Output> beforeDurable = learner.drainOutputs();
            List<SharedSecret> written = beforeDurable.stream().filter(o -> o instanceof Output.WriteSharedSecret)
                    .map(o -> ((Output.WriteSharedSecret) o).secret()).toList();
            assertThat(written).as("secrets written, accepted epoch " + acceptedEpoch).isEqualTo(c.written() ? List.of(c.leaders()) : List.of());
            boolean anythingToWrite = beforeDurable.stream().anyMatch(o -> o instanceof Output.Persist);
            assertThat(sent(beforeDurable, Message.AckEpoch.class)).as("ACKEPOCH before the writes are durable").isEqualTo(!anythingToWrite);
            assertThat(learner.sharedSecret()).isEqualTo(c.after());
            if (anythingToWrite) {
                learner.onPersisted(beforeDurable.stream().filter(o -> o instanceof Output.Persist).mapToLong(o -> ((Output.Persist) o).seq())
                        .max().orElseThrow());
                assertThat(sent(learner.drainOutputs(), Message.AckEpoch.class)).as("ACKEPOCH once durable").isTrue();
            }
        }
    }

    /** Three servers with three different secrets: the first leader's becomes everyone's and stays so through a leader change. */
    @Test
    void theFirstLeadersSecretOutlivesALeaderChange() {
        PeerHarness ensemble = new PeerHarness();
        ensemble.add(1, VOTERS, Set.of(), new DurableState(0, 0, 0, List.of(), A));
        ensemble.add(2, VOTERS, Set.of(), new DurableState(0, 0, 0, List.of(), B));
        ensemble.add(3, VOTERS, Set.of(), new DurableState(0, 0, 0, List.of(), SharedSecret.NONE));
        ensemble.lead(1);
        ensemble.follow(2, 1);
        ensemble.follow(3, 1);
        ensemble.settle(1, 2);
        ensemble.settle(1, 3);
        assertThat(ensemble.peer(1).leadingEpoch()).isEqualTo(1);
        ensemble.propose(1, "create a session");
        ensemble.settle(1, 2);
        ensemble.settle(1, 3);
        assertThat(List.of(ensemble.peer(2).sharedSecret(), ensemble.peer(3).sharedSecret())).containsOnly(A);

        // 1 fails; 2 leads 3 and sends the secret it adopted from 1.
        ensemble.lead(2);
        ensemble.follow(3, 2);
        ensemble.settle(2, 3);
        assertThat(ensemble.peer(2).leadingEpoch()).isEqualTo(2);
        assertThat(ensemble.peer(3).sharedSecret()).isEqualTo(A);
        assertThat(ensemble.peer(3).serving()).isTrue();
    }

    @Test
    void secretsCompareByContentAndNeverPrintTheirBytes() {
        assertThat(secret("x")).isEqualTo(secret("x")).isNotEqualTo(secret("y"));
        assertThat(A.toString()).isEqualTo("SharedSecret[11 bytes, redacted]");
        byte[] bytes = A.value();
        bytes[0] = 0;
        assertThat(A.value()[0]).as("the secret's bytes are copied out").isEqualTo((byte) 's');
    }

    /** Elects server 1 as the leader {@code learner} follows; returns the learner's connection number. */
    private static long joinLeader1(Peer learner) {
        List<Output> outputs = new ArrayList<>(learner.drainOutputs());
        learner.tick();
        outputs.addAll(learner.drainOutputs());
        learner.step(1, new Message.Notification(ServerState.LEADING, new Vote(1, 0, 1, 0)));
        learner.step(2, new Message.Notification(ServerState.FOLLOWING, new Vote(1, 0, 1, 0)));
        outputs.addAll(learner.drainOutputs());
        for (int i = 0; i < 10 && learner.state() != ServerState.FOLLOWING; i++) {
            learner.tick();
            outputs.addAll(learner.drainOutputs());
        }
        return outputs.stream().filter(o -> o instanceof Output.Send send && send.message() instanceof Message.LearnerInfo)
                .map(o -> ((Message.LearnerInfo) ((Output.Send) o).message()).connection()).findFirst().orElseThrow();
    }

    private static boolean sent(List<Output> outputs, Class<? extends Message> type) {
        return outputs.stream().anyMatch(o -> o instanceof Output.Send send && type.isInstance(send.message()));
    }

    private static SharedSecret secret(String text) {
        return new SharedSecret(text.getBytes(StandardCharsets.US_ASCII));
    }
}
