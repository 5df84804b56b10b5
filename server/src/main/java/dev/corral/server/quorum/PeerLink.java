package dev.corral.server.quorum;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * The election link to one peer: its queue of encoded notifications, the one connection that carries
 * them, and the state of reconnecting. Owned by the transport's event loop; nothing here is thread-safe.
 *
 * <p>Invariants: {@code queue.size() <= queueMax}; at most one {@code active} connection;
 * {@code retry != null} only while {@code active == null}.
 */
final class PeerLink {
    final long serverId;
    final InetSocketAddress address;
    private final int queueMax;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    /** The connection notifications go out on, whichever side opened it; null while there is none. */
    Channel active;
    /** An outgoing connect or handshake in flight. */
    Channel connecting;
    ScheduledFuture<?> retry;
    int failedAttempts;
    /** What was last written, sent again on a new connection with nothing queued (ZooKeeper's lastMessageSent). */
    byte[] lastSent;
    long dropped;

    PeerLink(long serverId, InetSocketAddress address, int queueMax) {
        this.serverId = serverId;
        this.address = address;
        this.queueMax = queueMax;
    }

    /** Queues {@code frame}, dropping the oldest when full: a newer vote replaces an older one. */
    void enqueue(byte[] frame) {
        if (queue.size() == queueMax) {
            queue.pollFirst();
            dropped++;
        }
        queue.addLast(frame);
    }

    byte[] poll() {
        return queue.pollFirst();
    }

    boolean queueEmpty() {
        return queue.isEmpty();
    }
}
