package dev.corral.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.corral.testkit.Ports;
import dev.corral.zab.Message;
import dev.corral.zab.ServerState;
import dev.corral.zab.Vote;
import dev.corral.zab.codec.NotificationCodec;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.quorum.FastLeaderElection;
import org.apache.zookeeper.server.quorum.QuorumCnxManager;
import org.apache.zookeeper.server.quorum.QuorumPeer.QuorumServer;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our transport and Apache ZooKeeper 3.9.5's own QuorumCnxManager (in this JVM, the way ZooKeeper's
 * CnxManagerTest builds one) as two election peers: they connect, keep one connection by ZooKeeper's
 * rule whichever id is higher, and carry notifications both ways, ZooKeeper's built by its own
 * FastLeaderElection#buildMsg. Also with quorum SASL required on both sides (ZooKeeper's QuorumPeer fields
 * quorum.auth.* set, the JAAS file shared), which ZooKeeper runs after the handshake in both directions.
 */
class ZooKeeperElectionInteropTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final long CORRAL_ID = 2;

    @TempDir
    File dataDir;

    @ParameterizedTest(name = "ZooKeeper server {0}, Corral server 2")
    @ValueSource(longs = {1, 3})
    void notificationsCrossBetweenCorralAndZooKeeper(long zooKeeperId) throws Exception {
        crossNotifications(zooKeeperId, null);
    }

    @ParameterizedTest(name = "ZooKeeper server {0}, Corral server 2")
    @ValueSource(longs = {1, 3})
    void notificationsCrossWithQuorumSaslRequiredOnBothSides(long zooKeeperId) throws Exception {
        Path jaas = QuorumJaas.write(dataDir.toPath(), "jaas.conf", "test");
        try (AutoCloseable zooKeeperJaas = QuorumJaas.forZooKeeper(jaas)) {
            crossNotifications(zooKeeperId, QuorumSasl.load(QuorumJaas.REQUIRED, jaas.toString()));
        }
    }

    private void crossNotifications(long zooKeeperId, QuorumSasl sasl) throws Exception {
        Map<Long, QuorumServer> view = new HashMap<>();
        view.put(zooKeeperId, new QuorumServer(zooKeeperId, freePort(), freePort(), freePort()));
        view.put(CORRAL_ID, new QuorumServer(CORRAL_ID, freePort(), freePort(), freePort()));
        QuorumPeer zooKeeper = new QuorumPeer(view, dataDir, dataDir, view.get(zooKeeperId).clientAddr.getPort(), 3,
                zooKeeperId, 1000, 2, 2, 2);
        if (sasl != null) {
            requireSasl(zooKeeper);
        }
        QuorumCnxManager manager = zooKeeper.createCnxnManager();
        manager.listener.start();
        ConcurrentLinkedQueue<ElectionTransportTest.Received> received = new ConcurrentLinkedQueue<>();
        ElectionTransportConfig config = ElectionTransportConfig.of(CORRAL_ID, view.get(CORRAL_ID).electionAddr.getOne(),
                Map.of(zooKeeperId, view.get(zooKeeperId).electionAddr.getOne()));
        try (ElectionTransport corral = ElectionTransport.start(config,
                (from, notification) -> received.add(new ElectionTransportTest.Received(from, notification)), null, sasl)) {
            // ZooKeeper to Corral: its own message layout, its ensemble text included.
            byte[] configText = "server.1=127.0.0.1:1:2:participant\nversion=0".getBytes(StandardCharsets.UTF_8);
            manager.toSend(CORRAL_ID, buildMsg(ServerState.LEADING.ordinal(), zooKeeperId, 0x200000007L, 5, 2, configText));
            Message.Notification expected = new Message.Notification(ServerState.LEADING, new Vote(zooKeeperId, 0x200000007L, 5, 2));
            await().atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .until(() -> received.contains(new ElectionTransportTest.Received(zooKeeperId, expected)));

            // Corral to ZooKeeper: its RecvWorker frames it and names us.
            Message.Notification ours = new Message.Notification(ServerState.LOOKING, new Vote(CORRAL_ID, 0x200000009L, 6, 2));
            corral.send(zooKeeperId, ours);
            QuorumCnxManager.Message message = manager.pollRecvQueue(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(message, "ZooKeeper received nothing");
            assertEquals(CORRAL_ID, (long) field(message, "sid"));
            assertEquals(ours, NotificationCodec.decode(((ByteBuffer) field(message, "buffer")).array()));

            // Corral holds its connection to ZooKeeper (the inverted duplicate rule leaves none: the test then times out).
            assertEquals(Set.of(zooKeeperId), corral.connectedPeers());

            // After the connection churn of the start, a newer vote from ZooKeeper still arrives.
            Message.Notification later = new Message.Notification(ServerState.FOLLOWING, new Vote(zooKeeperId, 0x200000009L, 6, 2));
            manager.toSend(CORRAL_ID, buildMsg(ServerState.FOLLOWING.ordinal(), zooKeeperId, 0x200000009L, 6, 2, configText));
            await().atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .until(() -> received.contains(new ElectionTransportTest.Received(zooKeeperId, later)));
        } finally {
            manager.halt();
        }
    }

    /** What QuorumPeerConfig sets from quorum.auth.enableSasl, learnerRequireSasl and serverRequireSasl all true. */
    private static void requireSasl(QuorumPeer zooKeeper) throws Exception {
        for (String flag : new String[] {"quorumSaslEnableAuth", "quorumServerSaslAuthRequired", "quorumLearnerSaslAuthRequired"}) {
            setField(zooKeeper, flag, true);
        }
        setField(zooKeeper, "quorumLearnerLoginContext", "QuorumLearner");
        setField(zooKeeper, "quorumServerLoginContext", "QuorumServer");
        setField(zooKeeper, "quorumServicePrincipal", "zkquorum/localhost");
        setField(zooKeeper, "quorumCnxnThreadsSize", 20);
        zooKeeper.initialize();
    }

    private static void setField(QuorumPeer zooKeeper, String name, Object value) throws ReflectiveOperationException {
        Field field = QuorumPeer.class.getDeclaredField(name);
        field.setAccessible(true);
        field.set(zooKeeper, value);
    }

    private static ByteBuffer buildMsg(int state, long leader, long zxid, long electionEpoch, long peerEpoch, byte[] config)
            throws ReflectiveOperationException {
        Method build = FastLeaderElection.class.getDeclaredMethod("buildMsg", int.class, long.class, long.class, long.class,
                long.class, byte[].class);
        build.setAccessible(true);
        return (ByteBuffer) build.invoke(null, state, leader, zxid, electionEpoch, peerEpoch, config);
    }

    private static Object field(QuorumCnxManager.Message message, String name) throws ReflectiveOperationException {
        Field field = QuorumCnxManager.Message.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(message);
    }

    private static InetSocketAddress freePort() throws IOException {
        return new InetSocketAddress("127.0.0.1", Ports.freeLoopbackPort());
    }
}
