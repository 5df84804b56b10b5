package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 8: SASL between members as ZooKeeper 3.9.5 configures it, {@code quorum.auth.enableSasl},
 * {@code learnerRequireSasl} and {@code serverRequireSasl} all true, with DIGEST-MD5 credentials in the JAAS file's
 * QuorumServer and QuorumLearner sections. Three members elect and replicate; a member restarted with a wrong
 * password cannot join, and both its log and its leader's say why; restarted with the right one it joins again.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 with the same zoo.cfg keys, JAAS file and JVM options, which
 * include {@code -Dzookeeper.fips-mode=false}: ZooKeeper 3.9.5 makes no DIGEST-MD5 client in its default FIPS
 * mode, so without it its members cannot authenticate at all (Corral ignores the property).
 */
class EnsembleQuorumSaslTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(45);
    private static final Duration REFUSAL_BOUND = Duration.ofSeconds(30);

    private static String jaas(String learnerPassword) {
        return """
                QuorumServer {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  user_test="test";
                };
                QuorumLearner {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="test"
                  password="%s";
                };
                """.formatted(learnerPassword);
    }

    @Test
    void membersAuthenticatingEachOtherElectReplicateAndRefuseAWrongPassword() throws Exception {
        Path jaas = Files.createTempDirectory("corral-quorum-sasl-").resolve("jaas.conf");
        Files.writeString(jaas, jaas("test"));
        try (Ensemble ensemble = CompatEnsemble.start("quorum-sasl", spec -> {
                    List<String> options = new ArrayList<>(spec.jvmOptions());
                    options.add("-Djava.security.auth.login.config=" + jaas);
                    options.add("-Dzookeeper.fips-mode=false");
                    return spec.withJvmOptions(options)
                            .withConfig("quorum.auth.enableSasl", "true")
                            .withConfig("quorum.auth.learnerRequireSasl", "true")
                            .withConfig("quorum.auth.serverRequireSasl", "true")
                            .withConfig("quorum.auth.learner.saslLoginContext", "QuorumLearner")
                            .withConfig("quorum.auth.server.saslLoginContext", "QuorumServer")
                            .withConfig("quorum.cnxn.threads.size", "20");
                });
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int leader = ensemble.awaitLeader(ELECTION_BOUND);
            int follower = leader == 3 ? 2 : 3;
            int other = 6 - leader - follower;
            ZooKeeper writer = clients.zk(ensemble.member(other).connectString(), SESSION_TIMEOUT_MS, event -> { });
            writer.create("/sasl", bytes("replicated"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            // The follower comes back with a wrong password in its QuorumLearner section; the others read theirs at start.
            ensemble.kill(follower);
            Files.writeString(jaas, jaas("wrong"));
            ensemble.process(follower).relaunch();
            String learnerSide = CompatRun.target() == Target.ZOOKEEPER ? "Authentication failed against server addr"
                    : "SASL authentication failed: the server refused the credentials (status ERROR)";
            Awaitility.await().atMost(REFUSAL_BOUND).pollInterval(Duration.ofMillis(200)).until(() ->
                    ensemble.process(leader).log().contains("Mismatched response")
                            && ensemble.process(follower).log().contains(learnerSide));
            assertThat(ensemble.process(follower).isAlive()).as("the refused member keeps trying").isTrue();
            assertThat(ensemble.mode(follower)).as("the member with a wrong password serves nothing").isEmpty();
            writer.setData("/sasl", bytes("without it"), -1);

            ensemble.kill(follower);
            Files.writeString(jaas, jaas("test"));
            ensemble.restart(follower);
            assertThat(ensemble.awaitLeader(ELECTION_BOUND)).isEqualTo(leader);
            ZooKeeper reader = clients.zk(ensemble.member(follower).connectString(), SESSION_TIMEOUT_MS, event -> { });
            reader.sync("/sasl", (rc, path, context) -> { }, null);
            assertThat(reader.getData("/sasl", false, null)).asString(StandardCharsets.UTF_8).isEqualTo("without it");
            System.out.printf("EnsembleQuorumSaslTest %s: leader %d; member %d refused with a wrong password, joined with the right one%n",
                    CompatRun.target(), leader, follower);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
