package dev.corral.server.quorum;

import dev.corral.zab.codec.SnapshotImageCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * What a {@link LearnerTransport} needs: its own id and quorum address, every other member's quorum
 * address, the snapshot image format, and the bounds on frames, queues and retries.
 *
 * @param myId this server's id (myid)
 * @param listenAddress where it accepts learners when it leads (the quorumPort of its server.N line); it
 *     listens at all times, so a learner that comes early only waits for the leader to answer its info
 * @param peers every other member's id and quorum address: the leaders it may connect to as a learner, and
 *     the only ids it accepts a learner connection from
 * @param images the format of a SNAP's state image; it encodes on the threads that call
 *     {@link LearnerTransport#send} and decodes on the transport's loop, so it must be safe for both
 * @param dataBytesMax the largest data field of a packet this side reads or writes; ZooKeeper 3.9.5 reads a
 *     quorum packet with BinaryInputArchive, whose bound on any buffer is jute.maxbuffer plus
 *     zookeeper.jute.maxbuffer.extrasize ({@link #zooKeeperDataBytesMax})
 * @param imageBytesMax the largest SNAP image it reads or writes
 * @param outgoingBytesMax the most frame bytes one connection may have written and not yet taken by its
 *     socket, a SNAP's own bytes not counted (bounded by imageBytesMax, and sent once per connection): a
 *     peer that does not read is disconnected at this bound instead of being buffered for without limit
 * @param connectTimeout the bound on one TCP connect
 * @param handshakeTimeout how long an accepted connection may take to send its FOLLOWERINFO or OBSERVERINFO
 * @param retryMin the first delay before connecting again to a leader that could not be reached; it
 *     doubles up to {@code retryMax}
 * @param retryMax the longest delay between two attempts
 */
public record LearnerTransportConfig(long myId, InetSocketAddress listenAddress, Map<Long, InetSocketAddress> peers,
        SnapshotImageCodec images, int dataBytesMax, int imageBytesMax, long outgoingBytesMax, Duration connectTimeout,
        Duration handshakeTimeout, Duration retryMin, Duration retryMax) {

    /** ZooKeeper's default jute.maxbuffer (0xfffff). */
    public static final int JUTE_MAXBUFFER_DEFAULT = 0xfffff;

    public LearnerTransportConfig {
        peers = Map.copyOf(peers);
        if (peers.containsKey(myId)) {
            throw new IllegalArgumentException("server " + myId + " is among its own quorum peers");
        }
        if (dataBytesMax < 1 || imageBytesMax < 0 || outgoingBytesMax < 1) {
            throw new IllegalArgumentException("bounds must be positive: dataBytesMax " + dataBytesMax + ", imageBytesMax "
                    + imageBytesMax + ", outgoingBytesMax " + outgoingBytesMax);
        }
        if (retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0) {
            throw new IllegalArgumentException("retry delays " + retryMin + ".." + retryMax + " must be positive and ordered");
        }
    }

    /**
     * ZooKeeper 3.9.5's bound on a buffer in a quorum packet (BinaryInputArchive#checkLength): jute.maxbuffer
     * plus the extra size, which defaults to jute.maxbuffer itself and is never below 1024.
     */
    public static int zooKeeperDataBytesMax(int juteMaxBuffer, Integer extraSize) {
        long extra = Math.max(1024, extraSize == null ? juteMaxBuffer : extraSize);
        return (int) Math.min(Integer.MAX_VALUE, juteMaxBuffer + extra);
    }

    /**
     * ZooKeeper's data bound for the default jute.maxbuffer, SNAP images up to 1 GiB, 64 MiB of unread bytes
     * per connection, a 5 s connect and handshake, and reconnects from 50 ms up to 1 s.
     */
    public static LearnerTransportConfig of(long myId, InetSocketAddress listenAddress, Map<Long, InetSocketAddress> peers,
            SnapshotImageCodec images) {
        return new LearnerTransportConfig(myId, listenAddress, peers, images, zooKeeperDataBytesMax(JUTE_MAXBUFFER_DEFAULT, null),
                1 << 30, 64L << 20, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    public LearnerTransportConfig withOutgoingBytesMax(long max) {
        return new LearnerTransportConfig(myId, listenAddress, peers, images, dataBytesMax, imageBytesMax, max, connectTimeout,
                handshakeTimeout, retryMin, retryMax);
    }

    public LearnerTransportConfig withDataBytesMax(int max) {
        return new LearnerTransportConfig(myId, listenAddress, peers, images, max, imageBytesMax, outgoingBytesMax, connectTimeout,
                handshakeTimeout, retryMin, retryMax);
    }

    public LearnerTransportConfig withHandshakeTimeout(Duration timeout) {
        return new LearnerTransportConfig(myId, listenAddress, peers, images, dataBytesMax, imageBytesMax, outgoingBytesMax,
                connectTimeout, timeout, retryMin, retryMax);
    }
}
