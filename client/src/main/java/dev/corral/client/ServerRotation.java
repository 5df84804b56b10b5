package dev.corral.client;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * Which server of the connect string a client tries next after losing its connection, and how long it
 * waits first: the servers in the order given, starting with the one after the server that was lost, a
 * random pause of up to {@link #JITTER_MS_MAX} ms before each attempt, and {@link #ROUND_PAUSE_MS} more
 * before each new round once every server has been tried in vain.
 *
 * <p>The pauses are ZooKeeper's (3.9: {@code ClientCnxn.SendThread#startConnect} sleeps up to 1 s before
 * each reconnect, so that the clients of a failed server do not all come back at once;
 * {@code StaticHostProvider#next} sleeps 1 s after a full round). ZooKeeper shuffles the servers once;
 * this client keeps the order given, since a shell is one client with no load to spread, and a fixed
 * order makes "the first server that accepts" predictable.
 *
 * <p>Invariant: 0 <= {@code lastConnected} < servers.size(); {@code attempts} counts the attempts since
 * the last connection. Not thread-safe: the reconnecting thread owns it.
 */
final class ServerRotation {
    static final int JITTER_MS_MAX = 1_000;
    static final int ROUND_PAUSE_MS = 1_000;

    /** The next attempt: where, and how long to wait before it. */
    record Attempt(InetSocketAddress server, long delayMs) {}

    private final List<InetSocketAddress> servers;
    private final IntSupplier jitterMs;
    private int lastConnected;
    private int attempts;

    /** {@code jitterMs} gives a pause in [0, JITTER_MS_MAX); tests pass a fixed one. */
    ServerRotation(List<InetSocketAddress> servers, IntSupplier jitterMs) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server to rotate through");
        }
        this.servers = List.copyOf(servers);
        this.jitterMs = jitterMs;
    }

    ServerRotation(List<InetSocketAddress> servers) {
        this(servers, () -> ThreadLocalRandom.current().nextInt(JITTER_MS_MAX));
    }

    int size() {
        return servers.size();
    }

    /** The connection to {@code servers.get(index)} succeeded. */
    void onConnected(int index) {
        if (index < 0 || index >= servers.size()) {
            throw new IllegalArgumentException("server index " + index + " of " + servers.size());
        }
        lastConnected = index;
        attempts = 0;
    }

    /** The servers, in the order of the connect string. */
    List<InetSocketAddress> servers() {
        return servers;
    }

    /** The index of the server of the last connection. */
    int lastConnectedIndex() {
        return lastConnected;
    }

    /** Makes {@code servers.get(index)} the next attempt, without a round pause (a read-write server was found there). */
    void tryNext(int index) {
        if (index < 0 || index >= servers.size()) {
            throw new IllegalArgumentException("server index " + index + " of " + servers.size());
        }
        lastConnected = Math.floorMod(index - 1, servers.size());
        attempts = 0;
    }

    /** The index of the server {@link #next} returned last: what {@link #onConnected} takes on success. */
    int lastTriedIndex() {
        return Math.floorMod(lastConnected + attempts, servers.size());
    }

    Attempt next() {
        attempts++;
        long delayMs = Math.max(0, Math.min(jitterMs.getAsInt(), JITTER_MS_MAX - 1));
        if (attempts > 1 && (attempts - 1) % servers.size() == 0) {
            delayMs += ROUND_PAUSE_MS;
        }
        return new Attempt(servers.get(lastTriedIndex()), delayMs);
    }
}
