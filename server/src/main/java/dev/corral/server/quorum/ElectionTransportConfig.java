package dev.corral.server.quorum;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * What an {@link ElectionTransport} needs: its own id and election address, the election address of
 * every other voter and observer, and the bounds on its queues and retries.
 *
 * @param myId this server's id (myid)
 * @param listenAddress where it accepts election connections (the electionPort of its server.N line)
 * @param peers every other server's id and election address; connections from other ids are refused
 * @param sendQueueMax notifications held per peer while it cannot take them; ZooKeeper holds 1
 *     (QuorumCnxManager.SEND_CAPACITY) so that a stale vote is never sent; the oldest is dropped when full
 * @param connectTimeout the bound on one TCP connect (ZooKeeper's cnxTO, 5 s by default)
 * @param handshakeTimeout how long an accepted connection may take to send its whole handshake
 * @param retryMin the first delay before reconnecting to a peer; it doubles up to {@code retryMax}
 * @param retryMax the longest delay between two attempts at one peer
 */
public record ElectionTransportConfig(long myId, InetSocketAddress listenAddress, Map<Long, InetSocketAddress> peers,
        int sendQueueMax, Duration connectTimeout, Duration handshakeTimeout, Duration retryMin, Duration retryMax) {
    public ElectionTransportConfig {
        peers = Map.copyOf(peers);
        if (peers.containsKey(myId)) {
            throw new IllegalArgumentException("server " + myId + " is among its own election peers");
        }
        if (sendQueueMax < 1) {
            throw new IllegalArgumentException("sendQueueMax " + sendQueueMax + " must be at least 1");
        }
        if (retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0) {
            throw new IllegalArgumentException("retry delays " + retryMin + ".." + retryMax + " must be positive and ordered");
        }
    }

    /** ZooKeeper's queue of one and connect timeout, with retries from 50 ms up to 1 s. */
    public static ElectionTransportConfig of(long myId, InetSocketAddress listenAddress, Map<Long, InetSocketAddress> peers) {
        return new ElectionTransportConfig(myId, listenAddress, peers, 1, Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    public ElectionTransportConfig withSendQueueMax(int max) {
        return new ElectionTransportConfig(myId, listenAddress, peers, max, connectTimeout, handshakeTimeout, retryMin, retryMax);
    }

    public ElectionTransportConfig withHandshakeTimeout(Duration timeout) {
        return new ElectionTransportConfig(myId, listenAddress, peers, sendQueueMax, connectTimeout, timeout, retryMin, retryMax);
    }
}
