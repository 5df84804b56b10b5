package dev.corral.server.quorum;

import static dev.corral.server.quorum.LearnerServer.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.testkit.TestKdc;
import dev.corral.zab.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.security.sasl.SaslException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.server.quorum.LearnerInfo;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.apache.zookeeper.server.quorum.auth.SaslQuorumAuthLearner;
import org.apache.zookeeper.server.quorum.auth.SaslQuorumAuthServer;
import org.apache.zookeeper.server.util.ZxidUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quorum SASL with Kerberos (GSSAPI), as ZooKeeper 3.9.5 runs it: QuorumServer logs in as the service principal
 * zkquorum/localhost, QuorumLearner as the member's own learner/localhost, from keytabs, against an in-process KDC.
 * Our two exchanges against each other, and against ZooKeeper's own SaslQuorumAuthLearner and SaslQuorumAuthServer
 * on plain sockets (as {@link ZooKeeperQuorumSaslInteropTest} does for DIGEST-MD5). Runs in a JVM of its own
 * (execution "kerberos"): Kerberos and ZooKeeper's JAAS configuration are JVM-global.
 */
class QuorumSaslKerberosTest {
    private static final String REALM = TestKdc.REALM;
    private static final int FOLLOWERINFO = 11;
    private static final int SOCKET_TIMEOUT_MS = 10_000;

    @TempDir
    static Path dir;
    private static TestKdc kdc;
    private static Path jaas;
    private static AutoCloseable zooKeeperJaas;

    private final Map<Long, InetSocketAddress> addresses = new HashMap<>();
    private LearnerServer ours;
    private Socket socket;
    private ServerSocket listener;

    @BeforeAll
    static void startKdc() throws Exception {
        kdc = TestKdc.start(dir.resolve("kdc"), Duration.ofHours(1));
        jaas = Files.writeString(dir.resolve("jaas.conf"),
                TestKdc.jaasSection("QuorumServer", "zkquorum/localhost", kdc.keytab("zkquorum/localhost"))
                        + TestKdc.jaasSection("QuorumLearner", "learner/localhost", kdc.keytab("learner/localhost"))
                        + TestKdc.jaasSection("QuorumLearnerElsewhere", "learner/elsewhere", kdc.keytab("learner/elsewhere"))
                        + TestKdc.jaasSection("QuorumServerElsewhere", "zkquorum/elsewhere", kdc.keytab("zkquorum/elsewhere")));
        zooKeeperJaas = QuorumJaas.forZooKeeper(jaas);
    }

    @AfterAll
    static void stopKdc() throws Exception {
        zooKeeperJaas.close();
        kdc.close();
    }

    @AfterEach
    void closeAll() throws IOException {
        if (ours != null) {
            ours.stop();
        }
        if (socket != null) {
            socket.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private static QuorumSasl sasl(String learnerSection, String serverSection, String servicePrincipal) throws IOException {
        QuorumAuthSettings settings = new QuorumAuthSettings(true, true, true, learnerSection, serverSection, servicePrincipal, 20);
        return QuorumSasl.load(settings, jaas.toString(), Set.of("localhost", "127.0.0.1"), new Properties());
    }

    private static QuorumSasl sasl() throws IOException {
        return sasl("QuorumLearner", "QuorumServer", "zkquorum/localhost");
    }

    /** Runs a learner exchange against a server exchange until one side ends; returns both last steps. */
    private static QuorumAuthStep[] run(QuorumSasl learnerSide, String host, QuorumSasl serverSide) throws Exception {
        return QuorumJaas.exchange(learnerSide, host, serverSide);
    }

    @Test
    void aMemberOfAnEnsembleHostAuthenticatesWithItsTicket() throws Exception {
        try (QuorumSasl sasl = sasl()) {
            assertThat(sasl.blockingWork()).as("the first token is made off the event loop").isNotNull();
            QuorumAuthStep[] ends = run(sasl, "127.0.0.1", sasl);
            assertThat(ends[0].outcome()).as("learner").isEqualTo(QuorumAuthStep.Outcome.AUTHENTICATED);
            assertThat(ends[1].outcome()).as("server").isEqualTo(QuorumAuthStep.Outcome.AUTHENTICATED);
            assertThat(ends[1].reason()).isEqualTo("learner/localhost@" + REALM);
        }
    }

    @Test
    void aMemberWhosePrincipalNamesAHostOutsideTheEnsembleIsRefused() throws Exception {
        try (QuorumSasl server = sasl(); QuorumSasl elsewhere = sasl("QuorumLearnerElsewhere", "QuorumServer", "zkquorum/localhost")) {
            QuorumAuthStep[] ends = run(elsewhere, "127.0.0.1", server);
            assertThat(ends[1].outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
            assertThat(ends[0].outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
        }
    }

    @Test
    void aTicketForAnotherServicePrincipalIsRefused() throws Exception {
        try (QuorumSasl server = sasl(); QuorumSasl learner = sasl("QuorumLearner", "QuorumServer", "zkquorum/elsewhere")) {
            QuorumAuthStep[] ends = run(learner, "127.0.0.1", server);
            assertThat(ends[1].outcome()).isEqualTo(QuorumAuthStep.Outcome.FAILED);
        }
    }

    @Test
    void hostIsReplacedByTheLowerCasedHostOfTheServerLine() throws Exception {
        try (QuorumSasl sasl = sasl("QuorumLearner", "QuorumServer", "zkquorum/_HOST")) {
            assertThat(run(sasl, "LOCALHOST", sasl)[1].outcome()).isEqualTo(QuorumAuthStep.Outcome.AUTHENTICATED);
            assertThatThrownBy(() -> sasl.newLearnerExchange("nosuchhost").start()).as("no such service principal in the KDC")
                    .isInstanceOf(SaslException.class);
        }
    }

    @ParameterizedTest
    @CsvSource({
        // SecurityUtils#getServerPrincipal: only "service/_HOST" exactly is rewritten.
        "zkquorum/_HOST, Host1.Example.COM, zkquorum/host1.example.com",
        "zkquorum/_HOST@EXAMPLE.COM, host1, zkquorum/_HOST@EXAMPLE.COM",
        "zkquorum/localhost, host1, zkquorum/localhost",
        "zkquorum, host1, zkquorum"})
    void servicePrincipalOfAServerLine(String configured, String host, String expected) {
        assertThat(QuorumSasl.servicePrincipal(configured, host)).isEqualTo(expected);
    }

    private void twoMembers() throws IOException {
        addresses.put(1L, freePort());
        addresses.put(2L, freePort());
    }

    private LearnerServer ours(long id) throws IOException {
        return new LearnerServer(id, addresses, config -> config.withHandshakeTimeout(Duration.ofSeconds(10))).withSasl(sasl()).start();
    }

    private static byte[] followerInfo(long serverId) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive.getArchive(bytes).writeRecord(new LearnerInfo(serverId, 0x10000, 0), "LearnerInfo");
        return bytes.toByteArray();
    }

    @Test
    void aZooKeeperLearnerAuthenticatesToOurLeaderWithKerberos() throws Exception {
        twoMembers();
        ours = ours(1);
        socket = new Socket(addresses.get(1L).getAddress(), addresses.get(1L).getPort());
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);

        new SaslQuorumAuthLearner(true, "zkquorum/localhost", "QuorumLearner").authenticate(socket, "127.0.0.1");
        BufferedOutputStream out = new BufferedOutputStream(socket.getOutputStream());
        BinaryOutputArchive.getArchive(out).writeRecord(new QuorumPacket(FOLLOWERINFO, ZxidUtils.makeZxid(5, 0), followerInfo(2), null),
                "packet");
        out.flush();
        long connection = ours.awaitFirst(2, Message.LearnerInfo.class).connection();
        ours.awaitInOrder(2, List.of(new Message.LearnerInfo(connection, 5, false)));
        assertThat(ours.transport.refusedConnections()).isZero();
    }

    @Test
    void ourLeaderRefusesAZooKeeperLearnerOfAHostOutsideTheEnsemble() throws Exception {
        twoMembers();
        ours = ours(1);
        socket = new Socket(addresses.get(1L).getAddress(), addresses.get(1L).getPort());
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);

        assertThatThrownBy(() -> new SaslQuorumAuthLearner(true, "zkquorum/localhost", "QuorumLearnerElsewhere")
                .authenticate(socket, "127.0.0.1")).isInstanceOf(SaslException.class);
        LearnerServer.within().until(() -> ours.transport.refusedConnections() == 1);
    }

    /** Our member 2 as a learner, connected to a plain socket standing for a ZooKeeper leader; its input. */
    private DataInputStream ourLearnerConnected() throws IOException {
        twoMembers();
        listener = new ServerSocket(addresses.get(1L).getPort(), 1, addresses.get(1L).getAddress());
        ours = ours(2);
        ours.transport.send(1, new Message.LearnerInfo(0x0000000102000001L, 5, false));
        socket = listener.accept();
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);
        return new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    }

    @Test
    void ourLearnerAuthenticatesToAZooKeeperLeaderWithKerberos() throws Exception {
        DataInputStream in = ourLearnerConnected();

        new SaslQuorumAuthServer(true, "QuorumServer", Set.of("localhost")).authenticate(socket, in);
        QuorumPacket info = new QuorumPacket();
        BinaryInputArchive.getArchive(in).readRecord(info, "packet");
        assertThat(info.getType()).isEqualTo(FOLLOWERINFO);
    }

    @Test
    void aZooKeeperLeaderRefusesOurLearnerWhenItsHostIsNotInTheEnsemble() throws Exception {
        DataInputStream in = ourLearnerConnected();

        assertThatThrownBy(() -> new SaslQuorumAuthServer(true, "QuorumServer", Set.of("host9")).authenticate(socket, in))
                .isInstanceOf(SaslException.class);
        LearnerServer.within().until(() -> ours.transport.failedConnects() >= 1);
    }
}
