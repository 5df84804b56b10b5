package dev.corral.server.quorum;

import static dev.corral.server.quorum.LearnerServer.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.zab.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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

/**
 * Quorum SASL on the quorum port against Apache ZooKeeper 3.9.5's own SaslQuorumAuthLearner and SaslQuorumAuthServer
 * on plain sockets, each called as Learner#connectToLeader and LearnerHandler call them, with the same JAAS file:
 * a ZooKeeper learner authenticates to our leader and its FOLLOWERINFO follows, ours to a ZooKeeper leader likewise,
 * and a wrong password is refused both ways. ZooKeeper's classes read the JVM's JAAS configuration, which this class
 * sets for its run and restores.
 *
 * <p>ZooKeeper 3.9.5's learner speaks DIGEST-MD5 only with {@code zookeeper.fips-mode=false}: in its default FIPS mode
 * SecurityUtils#createSaslClient makes no client and SaslQuorumAuthLearner fails with a NullPointerException, so an
 * ensemble of 3.9.5 members with learnerRequireSasl=true and DIGEST-MD5 forms only with FIPS mode off (pinned by
 * {@link #aZooKeeperLearnerInItsDefaultFipsModeCannotUseDigest}). This class turns it off for its run; Corral does not
 * read the property (nor does it for host name verification, see {@link QuorumTls}).
 */
class ZooKeeperQuorumSaslInteropTest {
    private static final int FOLLOWERINFO = 11;
    private static final int SOCKET_TIMEOUT_MS = 10_000;

    @TempDir
    static Path jaasDir;
    private static AutoCloseable zooKeeperJaas;

    private final Map<Long, InetSocketAddress> addresses = new HashMap<>();
    private LearnerServer ours;
    private Socket socket;
    private ServerSocket listener;

    @BeforeAll
    static void useTheJaasFile() throws Exception {
        Path file = QuorumJaas.write(jaasDir, "zookeeper.conf", "test");
        java.nio.file.Files.writeString(file, """
                QuorumLearnerWrong {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="test"
                  password="wrong";
                };
                """, java.nio.file.StandardOpenOption.APPEND);
        zooKeeperJaas = QuorumJaas.forZooKeeper(file);
    }

    @AfterAll
    static void restoreJaas() throws Exception {
        zooKeeperJaas.close();
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

    private void twoMembers() throws IOException {
        addresses.put(1L, freePort());
        addresses.put(2L, freePort());
    }

    private LearnerServer ours(long id, String password) {
        return new LearnerServer(id, addresses, config -> config.withHandshakeTimeout(Duration.ofSeconds(10)))
                .withSasl(QuorumJaas.sasl(jaasDir, QuorumJaas.REQUIRED, password)).start();
    }

    private static byte[] followerInfo(long serverId) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive.getArchive(bytes).writeRecord(new LearnerInfo(serverId, 0x10000, 0), "LearnerInfo");
        return bytes.toByteArray();
    }

    private Socket connectToOurs() throws IOException {
        socket = new Socket(addresses.get(1L).getAddress(), addresses.get(1L).getPort());
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);
        return socket;
    }

    @Test
    void aZooKeeperLearnerAuthenticatesToOurLeaderAndItsFollowerInfoFollows() throws Exception {
        twoMembers();
        ours = ours(1, "test");
        connectToOurs();

        new SaslQuorumAuthLearner(true, "zkquorum/localhost", "QuorumLearner").authenticate(socket, "127.0.0.1");
        BufferedOutputStream out = new BufferedOutputStream(socket.getOutputStream());
        BinaryOutputArchive.getArchive(out).writeRecord(new QuorumPacket(FOLLOWERINFO, ZxidUtils.makeZxid(5, 0), followerInfo(2), null),
                "packet");
        out.flush();

        long connection = ours.awaitFirst(2, Message.LearnerInfo.class).connection();
        ours.awaitInOrder(2, java.util.List.of(new Message.LearnerInfo(connection, 5, false)));
        assertThat(ours.transport.refusedConnections()).isZero();
    }

    @Test
    void aZooKeeperLearnerInItsDefaultFipsModeCannotUseDigest() throws Exception {
        twoMembers();
        ours = ours(1, "test");
        connectToOurs();
        System.clearProperty(QuorumJaas.FIPS_MODE);
        try {
            assertThatThrownBy(() -> new SaslQuorumAuthLearner(true, "zkquorum/localhost", "QuorumLearner").authenticate(socket, "127.0.0.1"))
                    .isInstanceOf(NullPointerException.class);
        } finally {
            System.setProperty(QuorumJaas.FIPS_MODE, "false");
        }
    }

    @Test
    void ourLeaderRefusesAZooKeeperLearnerWithAWrongPassword() throws Exception {
        twoMembers();
        ours = ours(1, "test");
        connectToOurs();

        assertThatThrownBy(() -> new SaslQuorumAuthLearner(true, "zkquorum/localhost", "QuorumLearnerWrong").authenticate(socket, "127.0.0.1"))
                .isInstanceOf(SaslException.class).hasMessageContaining("Authentication failed against server addr");
        LearnerServer.within().until(() -> ours.transport.refusedConnections() == 1);
        assertThat(socket.getInputStream().read()).as("our leader closed the connection").isEqualTo(-1);
    }

    @Test
    void ourLearnerAuthenticatesToAZooKeeperLeaderAndItsFollowerInfoFollows() throws Exception {
        twoMembers();
        listener = new ServerSocket(addresses.get(1L).getPort(), 1, addresses.get(1L).getAddress());
        ours = ours(2, "test");
        ours.transport.send(1, new Message.LearnerInfo(0x0000000102000001L, 5, false));
        socket = listener.accept();
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));

        new SaslQuorumAuthServer(true, "QuorumServer", Set.of("127.0.0.1")).authenticate(socket, in);
        QuorumPacket info = new QuorumPacket();
        BinaryInputArchive.getArchive(in).readRecord(info, "packet");
        assertThat(info.getType()).isEqualTo(FOLLOWERINFO);
        LearnerInfo learnerInfo = new LearnerInfo();
        learnerInfo.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(info.getData())), "LearnerInfo");
        assertThat(learnerInfo.getServerid()).isEqualTo(2);
    }

    @Test
    void aZooKeeperLeaderRefusesOurLearnerWithAWrongPasswordAndItTriesAgain() throws Exception {
        twoMembers();
        listener = new ServerSocket(addresses.get(1L).getPort(), 1, addresses.get(1L).getAddress());
        ours = ours(2, "wrong");
        ours.transport.send(1, new Message.LearnerInfo(0x0000000102000001L, 5, false));
        socket = listener.accept();
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));

        assertThatThrownBy(() -> new SaslQuorumAuthServer(true, "QuorumServer", Set.of("127.0.0.1")).authenticate(socket, in))
                .isInstanceOf(SaslException.class).hasMessageContaining("Failed to authenticate using SASL");
        LearnerServer.within().until(() -> ours.transport.failedConnects() >= 1);
        assertThat(in.read()).as("our learner closed the connection after ERROR").isEqualTo(-1);
        socket.close();
        socket = listener.accept(); // a new connect, after the backoff, that authenticates again
        socket.setSoTimeout(SOCKET_TIMEOUT_MS);
        assertThat(new DataInputStream(socket.getInputStream()).readLong()).isEqualTo(dev.corral.wire.QuorumAuthPacket.MAGIC);
    }
}
