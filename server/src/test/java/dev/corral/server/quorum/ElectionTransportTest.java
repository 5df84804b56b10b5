package dev.corral.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corral.testkit.Ports;
import dev.corral.zab.Message;
import dev.corral.zab.ServerState;
import dev.corral.zab.Vote;
import dev.corral.zab.codec.NotificationCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.zookeeper.server.quorum.QuorumCnxManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Election transports of real servers on loopback, and raw sockets playing ZooKeeper's side. */
class ElectionTransportTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** A bounded wait that checks often: most waits here last milliseconds. */
    private static org.awaitility.core.ConditionFactory within() {
        return await().atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    record Received(long from, Message.Notification notification) {}

    /** One server's transport, its port kept across restarts, and what it received. */
    final class Server {
        final long id;
        final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
        /** Quorum SASL, or null for none. */
        QuorumSasl sasl;
        ElectionTransport transport;

        Server(long id) {
            this.id = id;
        }

        void start() {
            Map<Long, InetSocketAddress> peers = new HashMap<>(addresses);
            peers.remove(id);
            ElectionTransportConfig config = ElectionTransportConfig.of(id, addresses.get(id), peers)
                    .withSendQueueMax(sendQueueMax).withHandshakeTimeout(sasl == null ? Duration.ofMillis(300) : Duration.ofSeconds(3));
            transport = ElectionTransport.start(config, (from, notification) -> received.add(new Received(from, notification)), null,
                    sasl);
        }

        void stop() {
            transport.close();
            received.clear();
        }

        boolean got(long from, Message.Notification notification) {
            return received.contains(new Received(from, notification));
        }
    }

    @TempDir
    Path jaasDir;
    private final Map<Long, InetSocketAddress> addresses = new HashMap<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<AutoCloseable> rawSockets = new ArrayList<>();
    private int sendQueueMax = 1;

    /** Servers 1..count with free loopback ports, plus {@code extra} ids whose ports nothing listens on yet. */
    private List<Server> servers(int count, long... extra) throws IOException {
        for (long id = 1; id <= count; id++) {
            addresses.put(id, freePort());
        }
        for (long id : extra) {
            addresses.put(id, freePort());
        }
        for (long id = 1; id <= count; id++) {
            servers.add(new Server(id));
        }
        return servers;
    }

    private static InetSocketAddress freePort() throws IOException {
        return new InetSocketAddress("127.0.0.1", Ports.freeLoopbackPort());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (Server server : servers) {
            if (server.transport != null) {
                server.transport.close();
            }
        }
        for (AutoCloseable socket : rawSockets) {
            socket.close();
        }
    }

    private static Message.Notification vote(long leader, long zxid, long electionEpoch) {
        return new Message.Notification(ServerState.LOOKING, new Vote(leader, zxid, electionEpoch, 1));
    }

    /** Every server sends one notification to every other and each one arrives, naming its sender. */
    private static void everyPairExchanges(List<Server> servers, long round) {
        for (Server from : servers) {
            for (Server to : servers) {
                if (from != to) {
                    from.transport.send(to.id, vote(from.id, to.id, round));
                }
            }
        }
        for (Server from : servers) {
            for (Server to : servers) {
                if (from != to) {
                    within().until(() -> to.got(from.id, vote(from.id, to.id, round)));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} servers")
    @ValueSource(ints = {2, 3})
    void everyPairExchangesNotificationsInBothDirections(int count) throws IOException {
        servers(count).forEach(Server::start);
        everyPairExchanges(servers, 1);
        everyPairExchanges(servers, 2);
        for (Server server : servers) {
            assertEquals(count - 1, server.transport.connectedPeers().size());
        }
    }

    @Test
    void membersAuthenticatingWithQuorumSaslExchangeNotifications() throws IOException {
        for (Server server : servers(3)) {
            server.sasl = QuorumJaas.sasl(jaasDir, QuorumJaas.REQUIRED, "test");
            server.start();
        }
        everyPairExchanges(servers, 1);
        // A connection the lower id opened is replaced by one the higher id opens, which authenticates in its turn.
        within().until(() -> servers.stream().allMatch(server -> server.transport.connectedPeers().size() == 2));
        for (Server server : servers) {
            assertEquals(2, server.transport.connectedPeers().size());
        }
    }

    @Test
    void aMemberWithAWrongQuorumPasswordHoldsNoElectionConnection() throws IOException {
        List<Server> three = servers(3);
        for (Server server : three) {
            // Server 3 has the highest id: every connection it keeps is one it opens, and authenticates on.
            server.sasl = QuorumJaas.sasl(jaasDir, QuorumJaas.REQUIRED, server.id == 3 ? "wrong" : "test");
            server.start();
        }
        Server one = three.get(0);
        Server two = three.get(1);
        Server wrong = three.get(2);
        one.transport.send(2, vote(1, 2, 1));
        within().until(() -> two.got(1, vote(1, 2, 1)));
        wrong.transport.send(1, vote(3, 1, 1));
        wrong.transport.send(2, vote(3, 2, 1));
        within().until(() -> one.transport.refusedConnections() > 0 && two.transport.refusedConnections() > 0);
        // The refused connections close, and 1 and 2 keep one connection between them, each in its own time:
        // the connection 1 opened to 2 is replaced by one 2 opens (the higher id keeps the connection it makes).
        within().until(() -> wrong.transport.connectedPeers().isEmpty() && one.transport.connectedPeers().equals(Set.of(2L)));
        assertEquals(Set.of(), wrong.transport.connectedPeers());
        assertEquals(Set.of(2L), one.transport.connectedPeers());
        assertTrue(one.received.stream().noneMatch(r -> r.from() == 3), "server 1 heard from server 3");
    }

    @Test
    void notificationToItselfIsDeliveredDirectly() throws IOException {
        Server one = servers(2).get(0);
        one.start();
        one.transport.send(1, vote(1, 0, 1));
        within().until(() -> one.got(1, vote(1, 0, 1)));
    }

    @Test
    void notificationsOnAConnectionArriveInOrderAndTheLastAlways() throws IOException {
        sendQueueMax = 256;
        List<Server> pair = servers(2);
        pair.forEach(Server::start);
        everyPairExchanges(pair, 0);
        for (int i = 1; i <= 200; i++) {
            pair.get(0).transport.send(2, vote(1, i, 1));
        }
        within().until(() -> pair.get(1).got(1, vote(1, 200, 1)));
        long previous = -1;
        for (Received received : pair.get(1).received) {
            if (received.notification().vote().electionEpoch() != 1) {
                continue;
            }
            long zxid = received.notification().vote().zxid();
            assertTrue(zxid >= previous, "zxid " + zxid + " after " + previous);
            previous = zxid;
        }
    }

    /**
     * All servers start at once and connect to each other at once; ZooKeeper's rule leaves one connection
     * per pair, opened by the higher id: on the lower id's side its local end is the election port.
     */
    @ParameterizedTest(name = "attempt {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void simultaneousConnectsLeaveOneConnectionPerPairOpenedByTheHigherId(int attempt) throws IOException {
        List<Server> three = servers(3);
        three.forEach(Server::start);
        everyPairExchanges(three, attempt);
        for (Server lower : three) {
            for (Server higher : three) {
                if (lower.id < higher.id) {
                    within().until(() -> agree(lower, higher));
                    String ends = lower.transport.connectionEnds(higher.id);
                    assertTrue(ends.startsWith("/127.0.0.1:" + addresses.get(lower.id).getPort() + " -> "), ends);
                }
            }
        }
    }

    private static boolean agree(Server a, Server b) {
        String ab = a.transport.connectionEnds(b.id);
        String ba = b.transport.connectionEnds(a.id);
        if (ab == null || ba == null) {
            return false;
        }
        String[] abEnds = ab.split(" -> ");
        return ba.equals(abEnds[1] + " -> " + abEnds[0]);
    }

    @ParameterizedTest(name = "server {0} restarts")
    @ValueSource(longs = {1, 2, 3})
    void restartedPeerIsReconnectedTo(long restarting) throws IOException {
        List<Server> three = servers(3);
        three.forEach(Server::start);
        everyPairExchanges(three, 1);
        Server server = three.get((int) restarting - 1);
        server.stop();
        server.start();
        everyPairExchanges(three, 2);
    }

    @Test
    void sendAfterCloseIsDroppedQuietly() throws IOException {
        Server one = servers(2).get(0);
        one.start();
        one.transport.close();
        one.transport.send(2, vote(1, 2, 3));
        one.transport.send(1, vote(1, 2, 3));
        assertTrue(one.received.isEmpty());
    }

    /** With the caller's event loops (which stay up), close must still end every connection, half-open ones too. */
    @Test
    void closeOnASharedGroupEndsEveryConnectionIncludingOnesStillHandshaking() throws IOException {
        servers(2);
        io.netty.channel.nio.NioEventLoopGroup group = new io.netty.channel.nio.NioEventLoopGroup(1);
        try {
            ElectionTransportConfig config = ElectionTransportConfig.of(1, addresses.get(1L), Map.of())
                    .withHandshakeTimeout(BOUND.multipliedBy(2));
            ElectionTransport transport = ElectionTransport.start(config, (from, notification) -> {}, group);
            Socket raw = rawConnect(servers.get(0));
            raw.getOutputStream().write(new byte[] {-1, -1});
            within().until(() -> transport.openConnections() == 1);
            transport.close();
            assertClosedByPeer(raw);
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void peerThatStartsLaterIsConnectedToWithBackoff() throws IOException {
        List<Server> pair = servers(2);
        pair.get(0).start();
        pair.get(0).transport.send(2, vote(1, 2, 7));
        pair.get(1).start();
        // The vote queued before server 2 existed arrives once the retries reach it.
        within().until(() -> pair.get(1).got(1, vote(1, 2, 7)));
    }

    // ---- connections that must be closed, without disturbing the others ----

    record Bad(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badHandshakes() throws IOException {
        return Stream.of(
                new Bad("unknown protocol version", ElectionHandshakeTest.zooKeeperHandshake(-7, 3, "127.0.0.1:1")),
                new Bad("address length 0", ElectionHandshakeTest.zooKeeperHandshake(-65536L, 3, "")),
                new Bad("address over 2048 bytes", ElectionHandshakeTest.zooKeeperHandshake(-65536L, 3, "h".repeat(3000))),
                new Bad("badly formed address", ElectionHandshakeTest.zooKeeperHandshake(-65536L, 3, "no-port")),
                // Ids the transport will not talk to: its own (ZOOKEEPER-2164), one not configured, ZooKeeper's observer id.
                new Bad("own id", ElectionHandshakeTest.zooKeeperHandshake(-65536L, 2, "127.0.0.1:1")),
                new Bad("unknown id", ElectionHandshakeTest.zooKeeperHandshake(-65536L, 99, "127.0.0.1:1")),
                new Bad("observer id", ElectionHandshakeTest.zooKeeperHandshake(-65536L, Long.MAX_VALUE, "127.0.0.1:1")),
                // Nothing at all: closed after the handshake timeout.
                new Bad("silence", new byte[0]),
                // A partial handshake that never completes.
                new Bad("half a handshake", new byte[] {-1, -1, 0, 0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHandshakes")
    void malformedHandshakeClosesThatConnectionAndOthersGoOn(Bad bad) throws IOException {
        List<Server> pair = servers(2);
        pair.forEach(Server::start);
        everyPairExchanges(pair, 1);
        Socket raw = rawConnect(pair.get(1));
        raw.getOutputStream().write(bad.bytes());
        raw.getOutputStream().flush();
        assertClosedByPeer(raw);
        assertTrue(pair.get(1).transport.refusedConnections() >= 1);
        everyPairExchanges(pair, 2);
    }

    @Test
    void oversizedFrameClosesThatConnectionAndOthersGoOn() throws IOException {
        List<Server> pair = servers(2, 3);
        pair.forEach(Server::start);
        everyPairExchanges(pair, 1);
        // A peer with id 3 (higher than 2, so server 2 keeps its connection) sends one good frame, then a bad one.
        Socket raw = rawConnect(pair.get(1));
        DataOutputStream out = new DataOutputStream(raw.getOutputStream());
        out.write(ElectionHandshakeTest.zooKeeperHandshake(-65536L, 3, "127.0.0.1:" + addresses.get(3L).getPort()));
        writeFrame(out, NotificationCodec.encode(vote(3, 3, 3)));
        within().until(() -> pair.get(1).got(3, vote(3, 3, 3)));
        out.writeInt(512 * 1024 + 1);
        out.flush();
        assertClosedByPeer(raw);
        everyPairExchanges(pair, 2);
    }

    @Test
    void undecodableNotificationIsDroppedAndTheConnectionKept() throws IOException {
        List<Server> pair = servers(2, 3);
        pair.forEach(Server::start);
        Socket raw = rawConnect(pair.get(1));
        DataOutputStream out = new DataOutputStream(raw.getOutputStream());
        out.write(ElectionHandshakeTest.zooKeeperHandshake(-65536L, 3, "127.0.0.1:" + addresses.get(3L).getPort()));
        writeFrame(out, new byte[] {1, 2, 3});
        writeFrame(out, NotificationCodec.encode(vote(3, 4, 5)));
        within().until(() -> pair.get(1).got(3, vote(3, 4, 5)));
        assertEquals(1, pair.get(1).transport.malformedNotifications());
    }

    // ---- byte compatibility with ZooKeeper's QuorumCnxManager ----

    /**
     * A raw socket writes exactly what ZooKeeper 3.9.5's initiator writes (startConnection, then
     * SendWorker#send with a notification as FastLeaderElection#buildMsg lays it out, configuration text
     * included) and reads frames as RecvWorker does: the transport keeps the connection of a higher id
     * and talks on it both ways.
     */
    @Test
    void zooKeeperInitiatorWithHigherIdIsAcceptedAndAnswered() throws IOException {
        List<Server> pair = servers(2, 3);
        pair.forEach(Server::start);
        Server two = pair.get(1);
        Socket raw = rawConnect(two);
        DataOutputStream out = new DataOutputStream(raw.getOutputStream());
        out.write(ElectionHandshakeTest.zooKeeperHandshake(-65536L, 3, "127.0.0.1:" + addresses.get(3L).getPort()));
        byte[] config = "server.1=127.0.0.1:2888:3888:participant\nversion=0".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer notification = java.nio.ByteBuffer.allocate(NotificationCodec.BYTES + config.length);
        notification.putInt(2).putLong(3).putLong(0x100000005L).putLong(4).putLong(1).putInt(2).putInt(config.length).put(config);
        writeFrame(out, notification.array());
        Message.Notification expected = new Message.Notification(ServerState.LEADING, new Vote(3, 0x100000005L, 4, 1));
        within().until(() -> two.got(3, expected));

        two.transport.send(3, vote(2, 9, 4));
        DataInputStream in = new DataInputStream(raw.getInputStream());
        raw.setSoTimeout((int) BOUND.toMillis());
        int length = in.readInt();
        assertTrue(length > 0 && length <= 512 * 1024, "frame length " + length);
        byte[] body = new byte[length];
        in.readFully(body);
        assertEquals(vote(2, 9, 4), NotificationCodec.decode(body));
    }

    /**
     * A ZooKeeper server with a lower id connects: the transport closes that connection and connects back,
     * and the handshake it sends is read by ZooKeeper's own InitialMessage#parse.
     */
    @Test
    void zooKeeperInitiatorWithLowerIdIsDroppedAndConnectedBackTo() throws Exception {
        addresses.put(1L, freePort());
        addresses.put(2L, freePort());
        ServerSocket zooKeeperOne = new ServerSocket();
        zooKeeperOne.bind(addresses.get(1L));
        zooKeeperOne.setSoTimeout((int) BOUND.toMillis());
        rawSockets.add(zooKeeperOne);
        Server two = new Server(2);
        servers.add(two);
        two.start();

        // Server 2 connects to 1 at start already (it has the higher id): read that handshake as ZooKeeper does.
        assertHandshakeFromTwo(zooKeeperOne.accept(), two);
        // Server 1 connects too, as ZooKeeper's 1 would: that connection is closed, and 2 connects again.
        Socket fromOne = rawConnect(two);
        fromOne.getOutputStream().write(ElectionHandshakeTest.zooKeeperHandshake(-65536L, 1,
                "127.0.0.1:" + addresses.get(1L).getPort()));
        assertClosedByPeer(fromOne);
        Socket again = zooKeeperOne.accept();
        assertHandshakeFromTwo(again, two);
        two.transport.send(1, vote(2, 1, 1));
        DataInputStream in = new DataInputStream(again.getInputStream());
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        assertEquals(vote(2, 1, 1), NotificationCodec.decode(body));
    }

    private void assertHandshakeFromTwo(Socket socket, Server two) throws Exception {
        rawSockets.add(socket);
        socket.setSoTimeout((int) BOUND.toMillis());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        long protocolVersion = in.readLong();
        assertEquals(QuorumCnxManager.PROTOCOL_VERSION_V1, protocolVersion);
        QuorumCnxManager.InitialMessage parsed = QuorumCnxManager.InitialMessage.parse(protocolVersion, in);
        assertEquals(2L, parsed.sid);
        assertEquals(List.of(addresses.get(2L)), parsed.electionAddr);
    }

    private Socket rawConnect(Server server) throws IOException {
        Socket socket = new Socket();
        rawSockets.add(socket);
        socket.connect(addresses.get(server.id), (int) BOUND.toMillis());
        socket.setSoTimeout((int) BOUND.toMillis());
        return socket;
    }

    private static void writeFrame(DataOutputStream out, byte[] body) throws IOException {
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    /** The peer closed: a read ends the stream (or is reset) well before the socket's read timeout. */
    private static void assertClosedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            assertEquals(-1, in.read());
        } catch (java.net.SocketException reset) {
            // A reset is a close too.
        }
    }
}
