package dev.corral.server.quorum;

import static org.awaitility.Awaitility.await;

import dev.corral.testkit.Ports;
import dev.corral.zab.Message;
import dev.corral.zab.codec.LearnerStream;
import dev.corral.zab.codec.SnapshotImageCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionFactory;

/** One server's learner transport in a test: its port kept across restarts, and what it received. */
final class LearnerServer {
    static final Duration BOUND = Duration.ofSeconds(10);

    /** A test image format: the image is its own bytes. */
    static final SnapshotImageCodec BYTE_IMAGES = new SnapshotImageCodec() {
        @Override
        public byte[] encode(Object image) {
            return (byte[]) image;
        }

        @Override
        public Object decode(byte[] bytes) {
            return bytes;
        }
    };

    private static final LearnerStream FRAMES = new LearnerStream(BYTE_IMAGES, Integer.MAX_VALUE, Integer.MAX_VALUE);

    record Received(long from, Message.Learner message) {}

    record Ended(long from, long connection) {}

    final long id;
    final Map<Long, InetSocketAddress> addresses;
    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Ended> ended = new ConcurrentLinkedQueue<>();
    private final UnaryOperator<LearnerTransportConfig> tune;
    private QuorumSasl sasl;
    LearnerTransport transport;

    LearnerServer(long id, Map<Long, InetSocketAddress> addresses, UnaryOperator<LearnerTransportConfig> tune) {
        this.id = id;
        this.addresses = addresses;
        this.tune = tune;
    }

    /** Authenticates members with {@code sasl} (set before {@link #start()}). */
    LearnerServer withSasl(QuorumSasl quorumSasl) {
        this.sasl = quorumSasl;
        return this;
    }

    LearnerServer start() {
        Map<Long, InetSocketAddress> peers = new HashMap<>(addresses);
        peers.remove(id);
        LearnerTransportConfig config = tune.apply(LearnerTransportConfig.of(id, addresses.get(id), peers, BYTE_IMAGES)
                .withHandshakeTimeout(Duration.ofMillis(300)));
        transport = LearnerTransport.start(config, new LearnerTransport.Receiver() {
            @Override
            public void onMessage(long serverId, Message.Learner message) {
                received.add(new Received(serverId, message));
            }

            @Override
            public void onDisconnected(long serverId, long connection) {
                ended.add(new Ended(serverId, connection));
            }
        }, null, sasl);
        return this;
    }

    void stop() {
        if (transport != null) {
            transport.close();
            transport = null;
        }
    }

    /** The first message received from {@code from} of this type, waited for within the bound. */
    <T extends Message.Learner> T awaitFirst(long from, Class<T> type) {
        within().until(() -> received.stream().anyMatch(r -> r.from() == from && type.isInstance(r.message())));
        return received.stream().filter(r -> r.from() == from && type.isInstance(r.message())).map(r -> type.cast(r.message()))
                .findFirst().orElseThrow();
    }

    /** Waits until the last messages received from {@code from} are these, in this order. */
    void awaitInOrder(long from, List<? extends Message.Learner> expected) {
        within().untilAsserted(() -> lastAre(from, expected));
    }

    private void lastAre(long from, List<? extends Message.Learner> expected) {
        List<Message.Learner> got = received.stream().filter(r -> r.from() == from).map(Received::message).toList();
        if (got.size() < expected.size()) {
            throw new AssertionError(got.size() + " messages from " + from + ", expected at least " + expected.size());
        }
        List<Message.Learner> last = got.subList(got.size() - expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            if (!same(expected.get(i), last.get(i))) {
                throw new AssertionError("message " + i + " from " + from + ": expected " + describe(expected.get(i)) + ", got "
                        + describe(last.get(i)));
            }
        }
    }

    /** Equal as the protocol sees them: type, connection number, every byte of the frame, and an ACKEPOCH's epoch. */
    static boolean same(Message.Learner a, Message.Learner b) {
        return a.getClass() == b.getClass() && a.connection() == b.connection()
                && Arrays.equals(FRAMES.encode(a, 0), FRAMES.encode(b, 0))
                && (!(a instanceof Message.AckEpoch x) || x.epoch() == ((Message.AckEpoch) b).epoch());
    }

    static String describe(Message.Learner message) {
        return Message.describe(message) + " #" + Long.toHexString(message.connection());
    }

    static ConditionFactory within() {
        return await().atMost(BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    static InetSocketAddress freePort() throws IOException {
        return new InetSocketAddress("127.0.0.1", Ports.freeLoopbackPort());
    }
}
