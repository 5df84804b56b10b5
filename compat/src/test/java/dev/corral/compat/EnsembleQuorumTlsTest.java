package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.Target;
import dev.corral.testkit.TestCertificates;
import dev.corral.testkit.TlsProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 8: {@code sslQuorum=true} with ZooKeeper's {@code ssl.quorum.*} keys. Three members whose
 * quorum and election ports speak only TLS, with certificates of a test authority, elect, replicate and
 * elect again after their leader is killed. Their quorum and election ports complete a TLS handshake with a
 * member's certificate, refuse one without a certificate or with one of another authority, and close a
 * connection that speaks plain TCP, without harm to the ensemble.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5, with the same zoo.cfg keys and certificates.
 */
class EnsembleQuorumTlsTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(45);
    private static final int PLAIN_PROBE_TIMEOUT_MS = 10_000;
    /** How long a port that took a TLS connection must keep it open, waiting for the first message. */
    private static final int QUIET_MS = 1_500;

    @Test
    void membersSpeakingTlsElectReplicateAndRefusePlainTcp() throws Exception {
        Path directory = Files.createTempDirectory("corral-quorum-tls-");
        TestCertificates certificates = TestCertificates.generate(directory);
        try (Ensemble ensemble = CompatEnsemble.start("quorum-tls", spec -> spec
                        .withConfig("sslQuorum", "true")
                        .withConfig("ssl.quorum.keyStore.location", certificates.file("server.p12").toString())
                        .withConfig("ssl.quorum.keyStore.password", TestCertificates.PASSWORD)
                        .withConfig("ssl.quorum.trustStore.location", certificates.file("truststore.p12").toString())
                        .withConfig("ssl.quorum.trustStore.password", TestCertificates.PASSWORD));
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int leader = ensemble.awaitLeader(ELECTION_BOUND);
            int follower = leader == 1 ? 2 : 1;
            ZooKeeper writer = clients.zk(ensemble.member(follower).connectString(), SESSION_TIMEOUT_MS, event -> { });
            writer.create("/tls", bytes("replicated"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            int quorumPort = ensemble.member(leader).quorumPort();
            int electionPort = ensemble.member(follower).electionPort();
            assertThat(TlsProbe.acceptsTls(certificates, "server.p12", quorumPort, QUIET_MS))
                    .as("the leader's quorum port takes TLS with a member's certificate").isTrue();
            assertThat(TlsProbe.acceptsTls(certificates, "server.p12", electionPort, QUIET_MS))
                    .as("an election port takes TLS with a member's certificate").isTrue();
            assertThat(TlsProbe.acceptsTls(certificates, null, quorumPort, QUIET_MS))
                    .as("the quorum port without a certificate (ssl.quorum.clientAuth=need)").isFalse();
            assertThat(TlsProbe.acceptsTls(certificates, "untrusted.p12", electionPort, QUIET_MS))
                    .as("an election port with a certificate of another authority").isFalse();
            // ssl.quorum.hostnameVerification (default true): a Corral member checks that a connecting member's
            // certificate names the address it connects from (ZKTrustManager's client host name check); ZooKeeper
            // 3.9.5 in its default FIPS mode checks no host name on quorum ports (EnsembleQuorumHostnameTest).
            assertThat(TlsProbe.acceptsTls(certificates, "otherhost.p12", quorumPort, QUIET_MS))
                    .as("the quorum port with a trusted certificate that names another host")
                    .isEqualTo(CompatRun.target() == Target.ZOOKEEPER);
            assertThat(closedOnPlainTcp(quorumPort)).as("the leader's quorum port, plain TCP").isTrue();
            assertThat(closedOnPlainTcp(electionPort)).as("an election port, plain TCP").isTrue();
            assertThat(ensemble.awaitLeader(ELECTION_BOUND)).as("the ensemble after the plain probes").isEqualTo(leader);

            ensemble.kill(leader);
            int next = ensemble.awaitLeader(ELECTION_BOUND);
            writer.setData("/tls", bytes("after"), -1);
            ensemble.restart(leader);
            assertThat(ensemble.awaitLeader(ELECTION_BOUND)).isEqualTo(next);
            ZooKeeper reader = clients.zk(ensemble.member(leader).connectString(), SESSION_TIMEOUT_MS, event -> { });
            reader.sync("/tls", (rc, path, context) -> { }, null);
            assertThat(reader.getData("/tls", false, null)).asString(StandardCharsets.UTF_8).isEqualTo("after");
            System.out.printf("EnsembleQuorumTlsTest %s: leader %d, then %d after a kill; the restarted member caught up over TLS%n",
                    CompatRun.target(), leader, next);
        }
    }

    /** Sends plain bytes, as a member without TLS would, and whether the port then closes the connection. */
    private static boolean closedOnPlainTcp(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), PLAIN_PROBE_TIMEOUT_MS);
            socket.setSoTimeout(PLAIN_PROBE_TIMEOUT_MS);
            byte[] plain = new byte[64];
            plain[3] = 60; // a length prefix, then zeros: no TLS record starts so
            socket.getOutputStream().write(plain);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[512];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                // an alert may come first; the close follows
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
