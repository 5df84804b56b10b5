package dev.corral.server.quorum;

import static dev.corral.server.quorum.LearnerServer.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.zab.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Members at different steps of ZooKeeper's rolling change to quorum SASL (enableSasl, then learnerRequireSasl, then
 * serverRequireSasl, one restart at a time) on the quorum port: a learner reaches its leader exactly when ZooKeeper
 * 3.9.5's rules let it (SaslQuorumAuthLearner authenticates only when it must; SaslQuorumAuthServer lets through a
 * learner that does not authenticate unless it requires SASL).
 */
class QuorumSaslRolloutTest {
    private static final long CONNECTION = 0x0000000102000001L;
    /** Long enough for a DIGEST-MD5 exchange on a loaded machine, short for the row that ends only by timeouts. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private LearnerServer leader;
    private LearnerServer learner;

    @AfterEach
    void stop() {
        if (learner != null) {
            learner.stop();
        }
        if (leader != null) {
            leader.stop();
        }
    }

    /** A step of the rollout on each side (null: SASL off), and whether the learner's FOLLOWERINFO reaches the leader. */
    record Step(String name, QuorumAuthSettings leaderSide, QuorumAuthSettings learnerSide, String learnerPassword, boolean joins) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Step> steps() {
        return Stream.of(
                // Step 1, enableSasl: nobody authenticates yet, everyone accepts.
                new Step("leader off, learner enabled", null, QuorumJaas.NOT_REQUIRED, "test", true),
                new Step("leader enabled, learner off", QuorumJaas.NOT_REQUIRED, null, "test", true),
                // Step 2, learnerRequireSasl: learners authenticate to leaders that accept either way.
                new Step("leader enabled, learner authenticates", QuorumJaas.NOT_REQUIRED, QuorumJaas.LEARNER_REQUIRED, "test", true),
                new Step("leader authenticates, learner enabled", QuorumJaas.LEARNER_REQUIRED, QuorumJaas.NOT_REQUIRED, "test", true),
                // Step 3, serverRequireSasl: a learner that does not authenticate is refused.
                new Step("leader requires, learner enabled", QuorumJaas.REQUIRED, QuorumJaas.NOT_REQUIRED, "test", false),
                new Step("leader requires, learner off", QuorumJaas.REQUIRED, null, "test", false),
                new Step("both require", QuorumJaas.REQUIRED, QuorumJaas.REQUIRED, "test", true),
                // A learner that authenticates with a wrong password gets ERROR and gives up, even from a leader that
                // does not require SASL (which would have let it through).
                new Step("leader enabled, learner with a wrong password", QuorumJaas.NOT_REQUIRED, QuorumJaas.LEARNER_REQUIRED, "wrong",
                        false),
                // Requiring on a learner before its leader has SASL is not a rollout step: the leader reads the
                // authentication packet as the start of a FOLLOWERINFO, and both sides wait for their timeouts.
                new Step("leader off, learner authenticates", null, QuorumJaas.LEARNER_REQUIRED, "test", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void aLearnerJoinsExactlyWhenZooKeepersRulesLetIt(Step step) throws Exception {
        Map<Long, java.net.InetSocketAddress> addresses = new HashMap<>();
        addresses.put(1L, freePort());
        addresses.put(2L, freePort());
        leader = member(1, addresses, step.leaderSide(), "test");
        learner = member(2, addresses, step.learnerSide(), step.learnerPassword());
        learner.transport.send(1, new Message.LearnerInfo(CONNECTION, 5, false));

        if (step.joins()) {
            leader.awaitFirst(2, Message.LearnerInfo.class);
            assertThat(leader.transport.refusedConnections()).isZero();
        } else {
            LearnerServer.within().until(() -> leader.transport.refusedConnections() > 0 || learner.transport.failedConnects() > 0);
            assertThat(leader.received).as("nothing reached the leader").isEmpty();
        }
    }

    private LearnerServer member(long id, Map<Long, java.net.InetSocketAddress> addresses, QuorumAuthSettings settings, String password) {
        return new LearnerServer(id, addresses, config -> config.withHandshakeTimeout(HANDSHAKE_TIMEOUT))
                .withSasl(settings == null ? null : QuorumJaas.sasl(dir, settings, password)).start();
    }
}
