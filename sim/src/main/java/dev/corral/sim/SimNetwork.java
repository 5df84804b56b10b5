package dev.corral.sim;

import dev.corral.zab.Message;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network between servers: it decides when, and whether, a message arrives.
 *
 * <p>Election notifications travel as datagrams: each may be lost, delayed, duplicated or overtaken by a
 * later one. Learner messages travel on connections as over TCP: in order within a connection, and a
 * lost message breaks its connection, so nothing later on it arrives either (the peers notice by their
 * timers and connect again). Links can be cut one way or both ways (partitions) and clogged (every
 * message on them held back until the clog ends), as TigerBeetle's packet simulator and FoundationDB's
 * swizzle clogging do.
 */
final class SimNetwork {
    /** A message that arrives at {@code time}. */
    record Delivery(long time, long from, long to, Message message) {}

    private final Random random;
    private final SimOptions options;
    private final Set<Long> cut = new HashSet<>();
    private final Map<Long, Long> clogUntil = new HashMap<>();
    private final Set<Long> brokenConnections = new HashSet<>();
    private final Map<Long, Long> lastArrival = new HashMap<>();

    SimNetwork(Random random, SimOptions options) {
        this.random = random;
        this.options = options;
    }

    /** When (and whether: null for lost) each copy of a message sent now arrives. */
    java.util.List<Delivery> send(long now, long from, long to, Message message, boolean faulty) {
        java.util.List<Delivery> deliveries = new java.util.ArrayList<>(1);
        long link = link(from, to);
        if (message instanceof Message.Learner learner) {
            long connection = pairConnection(from, to, learner.connection());
            if (brokenConnections.contains(connection) || cut.contains(link)) {
                brokenConnections.add(connection);
                return deliveries;
            }
            if (faulty && random.nextInt(1000) < options.lossPerMille()) {
                brokenConnections.add(connection);
                return deliveries;
            }
            long arrival = Math.max(now + delay(faulty), lastArrival.getOrDefault(connectionKey(link, connection), 0L));
            arrival = Math.max(arrival, clogUntil.getOrDefault(link, 0L));
            lastArrival.put(connectionKey(link, connection), arrival);
            deliveries.add(new Delivery(arrival, from, to, message));
            return deliveries;
        }
        if (cut.contains(link) || (faulty && random.nextInt(1000) < options.lossPerMille())) {
            return deliveries;
        }
        int copies = faulty && random.nextInt(1000) < options.duplicatePerMille() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long arrival = Math.max(now + delay(faulty), clogUntil.getOrDefault(link, 0L));
            deliveries.add(new Delivery(arrival, from, to, message));
        }
        return deliveries;
    }

    /** Whether a message still gets through at arrival: a link cut after sending loses it. */
    boolean arrives(Delivery delivery) {
        long link = link(delivery.from(), delivery.to());
        if (cut.contains(link)) {
            if (delivery.message() instanceof Message.Learner learner) {
                brokenConnections.add(pairConnection(delivery.from(), delivery.to(), learner.connection()));
            }
            return false;
        }
        return !(delivery.message() instanceof Message.Learner learner)
                || !brokenConnections.contains(pairConnection(delivery.from(), delivery.to(), learner.connection()));
    }

    void cut(long from, long to) {
        cut.add(link(from, to));
    }

    void clog(long from, long to, long until) {
        clogUntil.merge(link(from, to), until, Math::max);
    }

    void healAll() {
        cut.clear();
        clogUntil.clear();
    }

    private long delay(boolean faulty) {
        int max = faulty ? options.maxDelayUnits() : 3;
        return 1 + random.nextInt(max);
    }

    private static long link(long from, long to) {
        return (from << 16) | to;
    }

    /** A connection is named by its learner, so two servers' connection numbers never meet: both ends share it. */
    private static long pairConnection(long from, long to, long connection) {
        return connection * 1_000_003L + Math.min(from, to) * 65_537L + Math.max(from, to);
    }

    private static long connectionKey(long link, long connection) {
        return link * 1_000_003L ^ connection;
    }
}
