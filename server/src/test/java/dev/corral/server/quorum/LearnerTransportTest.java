package dev.corral.server.quorum;

import static dev.corral.server.quorum.LearnerServer.freePort;
import static dev.corral.server.quorum.LearnerServer.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.JuteOutput;
import dev.corral.wire.LearnerInfo;
import dev.corral.wire.QuorumPacket;
import dev.corral.wire.QuorumPacketType;
import dev.corral.wire.TxnHeader;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Message;
import dev.corral.zab.Snapshot;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Learner transports of real servers on loopback, and raw sockets playing a misbehaving peer. */
class LearnerTransportTest {
    private static final long CONNECTION_2 = 0x0000000102000001L;
    private static final long CONNECTION_3 = 0x0000000103000001L;
    private static final long ZXID = (6L << 32) | 1;

    private final Map<Long, InetSocketAddress> addresses = new HashMap<>();
    private final List<LearnerServer> servers = new ArrayList<>();
    private final List<Socket> rawSockets = new ArrayList<>();

    /** Servers 1..count on free loopback ports, not started. */
    private List<LearnerServer> servers(int count, UnaryOperator<LearnerTransportConfig> tune) throws IOException {
        for (long id = 1; id <= count; id++) {
            addresses.put(id, freePort());
        }
        for (long id = 1; id <= count; id++) {
            servers.add(new LearnerServer(id, addresses, tune));
        }
        return servers;
    }

    @AfterEach
    void closeAll() throws IOException {
        servers.forEach(LearnerServer::stop);
        for (Socket socket : rawSockets) {
            socket.close();
        }
    }

    static LogEntry entry(long zxid, int dataBytes) {
        JuteOutput out = new JuteOutput();
        new TxnHeader(0x100000001L, 4, zxid, 1_700_000_000_000L, 2).write(out);
        out.writeBuffer(new byte[dataBytes]);
        return new LogEntry(zxid, out.toByteArray());
    }

    @Test
    void aLeaderAndTwoLearnersExchangeEveryLearnerMessageInOrder() throws Exception {
        List<LearnerServer> s = servers(3, config -> config);
        LearnerServer leader = s.get(0).start();
        LearnerServer follower = s.get(1).start();
        LearnerServer observer = s.get(2).start();

        // Discovery: the learners' infos name them; the leader answers on numbers of its own.
        follower.transport.send(1, new Message.LearnerInfo(CONNECTION_2, 5, false));
        observer.transport.send(1, new Message.LearnerInfo(CONNECTION_3, 0, true));
        long from2 = leader.awaitFirst(2, Message.LearnerInfo.class).connection();
        long from3 = leader.awaitFirst(3, Message.LearnerInfo.class).connection();
        assertThat(from2).isNegative().isNotEqualTo(from3);
        leader.awaitInOrder(2, List.of(new Message.LearnerInfo(from2, 5, false)));
        leader.awaitInOrder(3, List.of(new Message.LearnerInfo(from3, 0, true)));

        // Every leader-to-follower message, a SNAP among them, arrives on the follower's own number, in order.
        LogEntry txn = entry(ZXID, 100);
        List<java.util.function.LongFunction<Message.Learner>> toFollower = List.of(
                c -> new Message.LeaderInfo(c, 6), Message.Diff::new, c -> new Message.Trunc(c, ZXID - 1),
                c -> new Message.Snap(c, new Snapshot(ZXID - 1, "the tree".getBytes(java.nio.charset.StandardCharsets.UTF_8))), c -> new Message.Proposal(c, txn),
                c -> new Message.NewLeader(c, 6), c -> new Message.UpToDate(c, ZXID), c -> new Message.Commit(c, ZXID),
                Message.Ping::new);
        toFollower.forEach(make -> leader.transport.send(2, make.apply(from2)));
        follower.awaitInOrder(1, toFollower.stream().map(make -> make.apply(CONNECTION_2)).toList());

        // The follower's answers reach the leader on its number; the ACKEPOCH is read with the LEADERINFO's epoch.
        List<java.util.function.LongFunction<Message.Learner>> toLeader = List.of(
                c -> new Message.AckEpoch(c, 6, 5, ZXID - 1), c -> new Message.AckNewLeader(c, 6), c -> new Message.Ack(c, ZXID),
                Message.Ping::new);
        toLeader.forEach(make -> follower.transport.send(1, make.apply(CONNECTION_2)));
        follower.transport.send(1, new Message.Ack(CONNECTION_2, ZXID + 1));
        List<Message.Learner> expected = new ArrayList<>(toLeader.stream().map(make -> make.apply(from2)).toList());
        expected.add(new Message.Ack(from2, ZXID + 1));
        leader.awaitInOrder(2, expected);

        // The observer gets INFORMs on its own connection, and nothing of the follower's.
        leader.transport.send(3, new Message.Inform(from3, txn));
        observer.awaitInOrder(1, List.of(new Message.Inform(CONNECTION_3, txn)));
        assertThat(observer.received).hasSize(1);
        assertThat(leader.transport.droppedSends()).isZero();
        assertThat(follower.transport.openConnections()).containsOnlyKeys(CONNECTION_2);
    }

    @Test
    void aLearnerConnectsWithBackoffUntilTheLeaderListensAndSaysItsInfoOnce() throws Exception {
        List<LearnerServer> s = servers(2, config -> config);
        LearnerServer follower = s.get(1).start();
        follower.transport.send(1, new Message.LearnerInfo(CONNECTION_2, 5, false));
        within().until(() -> follower.transport.failedConnects() >= 2);
        follower.transport.send(1, new Message.LearnerInfo(CONNECTION_2, 5, false)); // the Peer's resend while connecting
        LearnerServer leader = s.get(0).start();
        long number = leader.awaitFirst(2, Message.LearnerInfo.class).connection();
        leader.transport.send(2, new Message.LeaderInfo(number, 6));
        follower.awaitInOrder(1, List.of(new Message.LeaderInfo(CONNECTION_2, 6)));
        assertThat(leader.received).as("the repeat made while connecting is not sent twice").hasSize(1);
        assertThat(follower.ended).isEmpty();
    }

    @Test
    void aConnectionThatBrokeBeforeTheLeaderAnsweredIsOpenedAgainWithItsInfo() throws Exception {
        List<LearnerServer> s = servers(2, config -> config);
        LearnerServer leader = s.get(0).start();
        LearnerServer follower = s.get(1).start();
        follower.transport.send(1, new Message.LearnerInfo(CONNECTION_2, 5, false));
        leader.awaitFirst(2, Message.LearnerInfo.class);
        leader.stop(); // the leader's process ends before it answers
        leader.received.clear();
        leader.start();
        long number = leader.awaitFirst(2, Message.LearnerInfo.class).connection();
        leader.transport.send(2, new Message.LeaderInfo(number, 6));
        follower.awaitInOrder(1, List.of(new Message.LeaderInfo(CONNECTION_2, 6)));
        assertThat(follower.ended).as("nothing was lost, so the number lives on").isEmpty();
    }

    @Test
    void aConnectionThatBrokeAfterTrafficEndsItsNumberAndANewInfoConnectsAgain() throws Exception {
        List<LearnerServer> s = servers(2, config -> config);
        LearnerServer leader = s.get(0).start();
        LearnerServer follower = s.get(1).start();
        follower.transport.send(1, new Message.LearnerInfo(CONNECTION_2, 5, false));
        long first = leader.awaitFirst(2, Message.LearnerInfo.class).connection();
        leader.transport.send(2, new Message.LeaderInfo(first, 6));
        follower.awaitFirst(1, Message.LeaderInfo.class);

        leader.transport.endConnection(first);
        within().until(() -> follower.ended.contains(new LearnerServer.Ended(1, CONNECTION_2))
                && leader.ended.contains(new LearnerServer.Ended(2, first)));
        follower.transport.send(1, new Message.AckEpoch(CONNECTION_2, 6, 5, 0));
        within().until(() -> follower.transport.droppedSends() == 1);

        long again = CONNECTION_2 + 1;
        follower.transport.send(1, new Message.LearnerInfo(again, 6, false));
        within().until(() -> leader.received.size() == 2);
        long second = leader.received.stream().skip(1).findFirst().orElseThrow().message().connection();
        assertThat(second).isNotEqualTo(first);
        leader.awaitInOrder(2, List.of(new Message.LearnerInfo(second, 6, false)));
        leader.transport.send(2, new Message.LeaderInfo(first, 7)); // the old number: dropped
        leader.transport.send(2, new Message.LeaderInfo(second, 7));
        follower.awaitInOrder(1, List.of(new Message.LeaderInfo(again, 7)));
        assertThat(leader.transport.droppedSends()).isEqualTo(1);
        assertThat(follower.received.stream().filter(r -> r.message() instanceof Message.LeaderInfo)).hasSize(2);
    }

    /** Bytes a raw client sends to a leader, and which of its counters the refusal moves. */
    record Refused(String name, byte[] bytes, boolean malformed, boolean identified) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] packet(int type, long zxid, byte[] data) {
        JuteOutput out = new JuteOutput();
        new QuorumPacket(type, zxid, data, null).write(out);
        return out.toByteArray();
    }

    static byte[] info(long serverId) {
        JuteOutput data = new JuteOutput();
        new LearnerInfo(serverId, LearnerInfo.PROTOCOL_VERSION, 0).write(data);
        return packet(QuorumPacketType.FOLLOWERINFO, 5L << 32, data.toByteArray());
    }

    static byte[] concat(byte[]... parts) {
        JuteOutput out = new JuteOutput();
        for (byte[] part : parts) {
            out.writeRaw(part, 0, part.length);
        }
        return out.toByteArray();
    }

    /** A PROPOSAL header whose data length is {@code length}, without the data. */
    static byte[] proposalHeader(int length) {
        JuteOutput out = new JuteOutput();
        out.writeInt(QuorumPacketType.PROPOSAL);
        out.writeLong(ZXID);
        out.writeInt(length);
        return out.toByteArray();
    }

    static final int DATA_MAX = 64 * 1024;

    static Stream<Refused> refusals() {
        return Stream.of(
                // LearnerHandler#run: the first packet must be an info, of a server of the ensemble.
                new Refused("a first packet that is not an info", packet(QuorumPacketType.PING, 0, null), true, false),
                new Refused("an info of an unknown server", info(9), false, false),
                new Refused("an info claiming the leader's own id", info(1), false, false),
                new Refused("nothing within the handshake time", new byte[0], false, false),
                // ZooKeeper's jute.maxbuffer rule: a length beyond the bound ends the connection when it arrives.
                new Refused("a data length beyond the bound, after a good info", concat(info(3), proposalHeader(DATA_MAX + 1)), true, true),
                new Refused("a negative data length, after a good info", concat(info(3), proposalHeader(-7)), true, true),
                new Refused("an oversized first packet", proposalHeader(DATA_MAX + 1), true, false));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aBadPeerLosesOnlyItsOwnConnection(Refused row) throws Exception {
        List<LearnerServer> s = servers(3, config -> config.withDataBytesMax(DATA_MAX));
        LearnerServer leader = s.get(0).start();
        LearnerServer follower = s.get(1).start();
        follower.transport.send(1, new Message.LearnerInfo(CONNECTION_2, 5, false));
        long good = leader.awaitFirst(2, Message.LearnerInfo.class).connection();

        Socket raw = rawSocket(addresses.get(1L));
        raw.getOutputStream().write(row.bytes());
        raw.getOutputStream().flush();
        raw.setSoTimeout((int) LearnerServer.BOUND.toMillis());
        assertThat(readUntilClosed(raw.getInputStream())).as("the leader closes the raw connection").isZero();
        // Refused: closed before it named a server of the ensemble; malformed: a frame broke the grammar or a bound.
        within().until(() -> leader.transport.refusedConnections() == (row.identified() ? 0 : 1)
                && leader.transport.malformedFrames() == (row.malformed() ? 1 : 0));
        if (row.identified()) {
            within().until(() -> leader.ended.size() == 1);
            assertThat(leader.ended.peek().from()).isEqualTo(3);
        }

        // The good learner's connection carries on.
        leader.transport.send(2, new Message.LeaderInfo(good, 6));
        follower.awaitInOrder(1, List.of(new Message.LeaderInfo(CONNECTION_2, 6)));
        follower.transport.send(1, new Message.Ping(CONNECTION_2));
        leader.awaitFirst(2, Message.Ping.class);
        assertThat(follower.ended).isEmpty();
    }

    @Test
    void aLearnerThatDoesNotReadIsDisconnectedAtTheBoundNotBufferedFor() throws Exception {
        long bound = 1 << 20;
        List<LearnerServer> s = servers(2, config -> config.withOutgoingBytesMax(bound));
        LearnerServer leader = s.get(0).start();
        Socket raw = new Socket();
        rawSockets.add(raw);
        raw.setReceiveBufferSize(4096);
        raw.connect(addresses.get(1L));
        raw.getOutputStream().write(info(2));
        raw.getOutputStream().flush();
        long number = leader.awaitFirst(2, Message.LearnerInfo.class).connection();

        // 400 proposals of 60 KiB (24 MiB) to a learner that reads nothing: more than the socket buffers and the bound.
        int sent = 0;
        while (sent < 400 && leader.ended.isEmpty()) {
            leader.transport.send(2, new Message.Proposal(number, entry(ZXID + sent, 60 * 1024)));
            sent++;
        }
        within().until(() -> leader.ended.contains(new LearnerServer.Ended(2, number)));
        assertThat(leader.transport.slowPeerDisconnects()).isEqualTo(1);
        within().until(() -> leader.transport.openConnections().isEmpty());
        leader.transport.send(2, new Message.Ping(number));
        within().until(() -> leader.transport.droppedSends() >= 1);
    }

    @Test
    void aSnapLargerThanTheOutgoingBoundReachesALearnerThatReads() throws Exception {
        List<LearnerServer> s = servers(2, config -> config.withOutgoingBytesMax(256 * 1024));
        LearnerServer leader = s.get(0).start();
        LearnerServer follower = s.get(1).start();
        follower.transport.send(1, new Message.LearnerInfo(CONNECTION_2, 5, false));
        long number = leader.awaitFirst(2, Message.LearnerInfo.class).connection();
        byte[] image = new byte[3 << 20];
        Arrays.fill(image, (byte) 7);
        // The image is bounded by imageBytesMax and sent once per connection, so the outgoing bound does not count it.
        leader.transport.send(2, new Message.Snap(number, new Snapshot(ZXID - 1, image)));
        leader.transport.send(2, new Message.Proposal(number, entry(ZXID, 100 * 1024)));
        follower.awaitInOrder(1, List.of(new Message.Snap(CONNECTION_2, new Snapshot(ZXID - 1, image)),
                new Message.Proposal(CONNECTION_2, entry(ZXID, 100 * 1024))));
        assertThat(leader.transport.slowPeerDisconnects()).isZero();
        assertThat(leader.ended).isEmpty();
    }

    @Test
    void aBurstSentInOneTurnOfTheLoopIsFlushedAsItGoesNotCountedAsUnread() throws Exception {
        addresses.put(1L, freePort());
        addresses.put(2L, freePort());
        LearnerServer follower = new LearnerServer(2, addresses, config -> config).start();
        servers.add(follower);
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        ConcurrentLinkedQueue<Long> numbers = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> ended = new ConcurrentLinkedQueue<>();
        long bound = 256 * 1024;
        LearnerTransport leader = LearnerTransport.start(LearnerTransportConfig.of(1, addresses.get(1L), Map.of(2L, addresses.get(2L)),
                LearnerServer.BYTE_IMAGES).withOutgoingBytesMax(bound), new LearnerTransport.Receiver() {
                    @Override
                    public void onMessage(long serverId, Message.Learner message) {
                        numbers.add(message.connection());
                    }

                    @Override
                    public void onDisconnected(long serverId, long connection) {
                        ended.add(connection);
                    }
                }, group);
        try {
            follower.transport.send(1, new Message.LearnerInfo(CONNECTION_2, 5, false));
            within().until(() -> !numbers.isEmpty());
            long number = numbers.peek();
            // 320 KiB written in one turn of the loop: above the bound unless flushed to the socket on the way.
            int count = 320;
            group.next().execute(() -> {
                for (int i = 0; i < count; i++) {
                    leader.send(2, new Message.Proposal(number, entry(ZXID + i, 1024 - 45)));
                }
            });
            within().until(() -> follower.received.size() == count || !ended.isEmpty());
            assertThat(ended).isEmpty();
            assertThat(leader.slowPeerDisconnects()).isZero();
        } finally {
            leader.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void sendingToAServerThatIsNotAPeerOrBeyondTheBoundsIsRefusedAtOnce() throws Exception {
        List<LearnerServer> s = servers(2, config -> config.withDataBytesMax(DATA_MAX));
        LearnerServer leader = s.get(0).start();
        assertThatThrownBy(() -> leader.transport.send(9, new Message.Ping(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server 9 is not a quorum peer of server 1");
        assertThatThrownBy(() -> leader.transport.send(2, new Message.Proposal(-1, entry(ZXID, DATA_MAX))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above dataBytesMax " + DATA_MAX);
    }

    private Socket rawSocket(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        rawSockets.add(socket);
        return socket;
    }

    /** Reads until the other side closes; returns 0 then (or -1 if the bound passed first). */
    private static int readUntilClosed(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        try {
            while (in.read(sink) >= 0) {
                // what the leader sent before closing does not matter here
            }
            return 0;
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            return 0; // reset by the peer: closed too
        }
    }
}
