package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.TestKdc;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 8 with Kerberos: SASL GSSAPI between members as ZooKeeper 3.9.5 configures it. QuorumServer logs
 * in as the service principal zkquorum/127.0.0.1 and QuorumLearner as learner/127.0.0.1 (the host of the server.N
 * lines, which the accepting member checks), from keytabs, with
 * {@code quorum.auth.kerberos.servicePrincipal=zkquorum/_HOST} and every {@code quorum.auth.*} requirement on. Three
 * members elect and replicate; a member restarted as learner/elsewhere cannot join, and its leader says why.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 with the same zoo.cfg keys, JAAS file, keytabs and in-process KDC
 * (testkit's TestKdc; the members get its krb5.conf). Runs in a JVM of its own (compat/pom.xml, "kerberos").
 */
class EnsembleQuorumKerberosTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(45);
    private static final Duration REFUSAL_BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static String jaas(Path serverKeytab, Path learnerKeytab, String learner) {
        return TestKdc.jaasSection("QuorumServer", "zkquorum/127.0.0.1", serverKeytab)
                + TestKdc.jaasSection("QuorumLearner", learner, learnerKeytab);
    }

    @Test
    void membersAuthenticatingWithKerberosElectReplicateAndRefuseAMemberOfAnotherHost() throws Exception {
        try (TestKdc kdc = TestKdc.start(dir.resolve("kdc"), Duration.ofHours(1))) {
            Path serverKeytab = kdc.keytab("zkquorum/127.0.0.1");
            Path learnerKeytab = kdc.keytab("learner/127.0.0.1");
            Path elsewhereKeytab = kdc.keytab("learner/elsewhere");
            Path jaas = Files.writeString(dir.resolve("jaas.conf"), jaas(serverKeytab, learnerKeytab, "learner/127.0.0.1"));
            try (Ensemble ensemble = CompatEnsemble.start("quorum-kerberos", spec -> {
                        List<String> options = new ArrayList<>(spec.jvmOptions());
                        options.add("-Djava.security.auth.login.config=" + jaas);
                        options.add("-Djava.security.krb5.conf=" + kdc.krb5Conf());
                        return spec.withJvmOptions(options)
                                .withConfig("quorum.auth.enableSasl", "true")
                                .withConfig("quorum.auth.learnerRequireSasl", "true")
                                .withConfig("quorum.auth.serverRequireSasl", "true")
                                .withConfig("quorum.auth.kerberos.servicePrincipal", "zkquorum/_HOST");
                    });
                    Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
                int leader = ensemble.awaitLeader(ELECTION_BOUND);
                int follower = leader == 3 ? 2 : 3;
                int other = 6 - leader - follower;
                ZooKeeper writer = clients.zk(ensemble.member(other).connectString(), SESSION_TIMEOUT_MS, event -> { });
                writer.create("/kerberos", bytes("replicated"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                ZooKeeper reader = clients.zk(ensemble.member(follower).connectString(), SESSION_TIMEOUT_MS, event -> { });
                reader.sync("/kerberos", (rc, path, context) -> { }, null);
                assertThat(reader.getData("/kerberos", false, null)).asString(StandardCharsets.UTF_8).isEqualTo("replicated");

                // The follower comes back as a member of a host outside the ensemble; the others read theirs at start.
                ensemble.kill(follower);
                Files.writeString(jaas, jaas(serverKeytab, elsewhereKeytab, "learner/elsewhere"));
                ensemble.process(follower).relaunch();
                String leaderSide = "SASL authorization completed, learner/elsewhere@EXAMPLE.COM is not authorized to connect";
                Awaitility.await().atMost(REFUSAL_BOUND).pollInterval(Duration.ofMillis(200))
                        .until(() -> ensemble.process(leader).log().contains(leaderSide));
                assertThat(ensemble.process(follower).isAlive()).as("the refused member keeps trying").isTrue();
                assertThat(ensemble.mode(follower)).as("the refused member serves nothing").isEmpty();
                System.out.printf("EnsembleQuorumKerberosTest %s: leader %d; member %d refused as learner/elsewhere%n",
                        CompatRun.target(), leader, follower);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
