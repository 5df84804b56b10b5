package dev.corral.server.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.QuorumAuthPacket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quorum SASL's credentials and its two exchanges, run against each other in memory: what ZooKeeper 3.9.5's
 * SaslQuorumAuthLearner and SaslQuorumAuthServer do with DIGEST-MD5 (the same exchanges against ZooKeeper's own
 * classes: {@link ZooKeeperQuorumSaslInteropTest}).
 */
class QuorumSaslTest {
    @TempDir
    Path dir;

    /** Runs a learner exchange against a server exchange until one side ends; returns both last steps. */
    private static QuorumAuthStep[] run(QuorumSasl learnerSide, QuorumSasl serverSide) throws Exception {
        return QuorumJaas.exchange(learnerSide, "localhost", serverSide);
    }

    @Test
    void goodCredentialsAuthenticateBothSidesInTwoRounds() throws Exception {
        QuorumSasl sasl = QuorumJaas.sasl(dir, QuorumJaas.REQUIRED, "test");
        QuorumAuthStep[] ends = run(sasl, sasl);

        assertThat(ends[0].outcome()).as("learner").isEqualTo(QuorumAuthStep.Outcome.AUTHENTICATED);
        assertThat(ends[1].outcome()).as("server").isEqualTo(QuorumAuthStep.Outcome.AUTHENTICATED);
        assertThat(ends[1].reason()).as("the authenticated id").isEqualTo("test");
        assertThat(ends[1].reply().status()).isEqualTo(QuorumAuthPacket.SUCCESS);
        assertThat(ends[1].reply().token()).as("rspauth, which the learner checks").isNotEmpty();
    }

    @Test
    void aWrongPasswordIsAnsweredWithErrorAndFailsTheLearner() throws Exception {
        QuorumAuthStep[] ends = run(QuorumJaas.sasl(dir, QuorumJaas.REQUIRED, "wrong"), QuorumJaas.sasl(dir, QuorumJaas.REQUIRED, "test"));

        assertThat(ends[1].outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
        assertThat(ends[1].reason()).contains("DIGEST-MD5");
        assertThat(ends[1].reply()).isEqualTo(QuorumAuthPacket.of(QuorumAuthPacket.ERROR, new byte[0]));
        assertThat(ends[0].outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
        assertThat(ends[0].reason()).isEqualTo("the server refused the credentials (status ERROR)");
    }

    @Test
    void anUnknownUserFails() throws Exception {
        Path file = QuorumJaas.writeText(dir, "other-user.conf", """
                QuorumServer { org.apache.zookeeper.server.auth.DigestLoginModule required user_test="test"; };
                QuorumLearner { org.apache.zookeeper.server.auth.DigestLoginModule required username="mallory" password="test"; };
                """);
        QuorumSasl mallory = QuorumSasl.load(QuorumJaas.REQUIRED, file.toString());
        QuorumAuthStep[] ends = run(mallory, QuorumJaas.sasl(dir, QuorumJaas.REQUIRED, "test"));

        assertThat(ends[1].outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
        assertThat(ends[0].outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
    }

    record ServerCase(String name, QuorumAuthPacket packet, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ServerCase> badFirstPackets() {
        return Stream.of(
                // ZooKeeper's server throws on a null token; the learner gets ERROR.
                new ServerCase("no token", QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, null), "without a token"),
                // DIGEST-MD5 has no initial response: a first token that is one is a broken or hostile learner.
                new ServerCase("garbage response", QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, "x=y,,".getBytes()), "DIGEST-MD5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFirstPackets")
    void aBrokenLearnerPacketIsAnsweredWithError(ServerCase c) throws Exception {
        QuorumAuthServerExchange server = QuorumJaas.sasl(dir, QuorumJaas.REQUIRED, "test").newServerExchange();
        QuorumAuthStep step = server.onPacket(c.packet());
        if (step.outcome() == QuorumAuthStep.Outcome.CONTINUE) {
            step = server.onPacket(c.packet()); // a first empty token gets the challenge; the garbage is the answer
        }
        assertThat(step.outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
        assertThat(step.reason()).contains(c.reason());
        assertThat(step.reply().status()).isEqualTo(QuorumAuthPacket.ERROR);
    }

    record LearnerCase(String name, QuorumAuthPacket packet, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<LearnerCase> badServerPackets() {
        return Stream.of(
                new LearnerCase("ERROR", QuorumAuthPacket.of(QuorumAuthPacket.ERROR, new byte[0]), "status ERROR"),
                new LearnerCase("unknown status", QuorumAuthPacket.of(7, new byte[0]), "unknown status 7"),
                new LearnerCase("SUCCESS at once", QuorumAuthPacket.of(QuorumAuthPacket.SUCCESS, new byte[0]), ""),
                new LearnerCase("challenge without token", QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, null), "without a token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badServerPackets")
    void aLearnerGivesUpOnAServerThatDoesNotAuthenticateIt(LearnerCase c) throws Exception {
        QuorumAuthLearnerExchange learner = QuorumJaas.sasl(dir, QuorumJaas.REQUIRED, "test").newLearnerExchange("localhost");
        learner.start();
        QuorumAuthStep step = learner.onPacket(c.packet());

        assertThat(step.outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
        assertThat(step.reason()).contains(c.reason());
    }

    record LoadCase(String name, QuorumAuthSettings settings, String jaas, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<LoadCase> badJaasFiles() {
        String learner = "QuorumLearner { org.apache.zookeeper.server.auth.DigestLoginModule required username=\"test\" password=\"test\"; };\n";
        String server = "QuorumServer { org.apache.zookeeper.server.auth.DigestLoginModule required user_test=\"test\"; };\n";
        return Stream.of(
                // QuorumPeer#initialize builds both sides whenever SASL is enabled, required or not.
                new LoadCase("no QuorumServer section", QuorumJaas.NOT_REQUIRED, learner,
                        "JAAS configuration section 'QuorumServer' could not be found"),
                new LoadCase("no QuorumLearner section", QuorumJaas.NOT_REQUIRED, server,
                        "JAAS configuration section 'QuorumLearner' could not be found"),
                new LoadCase("learner without password", QuorumJaas.REQUIRED,
                        server + "QuorumLearner { org.apache.zookeeper.server.auth.DigestLoginModule required username=\"test\"; };\n",
                        "JAAS section 'QuorumLearner' in"),
                new LoadCase("unparsable file", QuorumJaas.REQUIRED, "QuorumServer { nonsense", "cannot read the JAAS configuration"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJaasFiles")
    void aJaasFileWithoutWhatQuorumSaslNeedsStopsTheStart(LoadCase c) {
        Path file = QuorumJaas.writeText(dir, "bad.conf", c.jaas());
        assertThatThrownBy(() -> QuorumSasl.load(c.settings(), file.toString())).isInstanceOf(IOException.class)
                .hasMessageContaining(c.message());
    }

    @Test
    void saslEnabledWithoutAJaasFileStopsTheStartAndDisabledReadsNothing() throws Exception {
        assertThatThrownBy(() -> QuorumSasl.load(QuorumJaas.NOT_REQUIRED, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("-Djava.security.auth.login.config=");
        assertThat(QuorumSasl.load(QuorumAuthSettings.OFF, "/no/such/file")).isNull();
    }

    @Test
    void aMemberThatDoesNotAuthenticateNeedsNoLearnerCredentials() throws Exception {
        Path file = QuorumJaas.writeText(dir, "server-only.conf", """
                QuorumServer { org.apache.zookeeper.server.auth.DigestLoginModule required user_test="test"; };
                QuorumLearner { org.apache.zookeeper.server.auth.DigestLoginModule required; };
                """);
        assertThat(QuorumSasl.load(QuorumJaas.NOT_REQUIRED, file.toString()).learnerAuthenticates()).isFalse();
    }
}
