package dev.corral.server.quorum;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * One learner connection, at either end: the TCP connection that stands for one {@code connection} number
 * of the learner protocol ({@link dev.corral.zab.Message.Learner#connection()}). Owned by the transport's
 * event loop; nothing here is thread-safe.
 *
 * <p>The number is the learner Peer's own on the learner's side (it picked it for this leader), and one
 * the transport gave the accepted socket on the leader's side (negative, so that it is never a number a
 * Peer picks). Either way, messages of one number travel on one TCP connection, in order, and once that
 * connection has carried a message from the other side and breaks, the number is {@link #ended}: what is
 * sent on it later is dropped, so no message can be lost in the middle of a connection unnoticed.
 *
 * <p>Invariants: {@code pendingBytes <= outgoingBytesMax} of the transport (or the connection is closed);
 * {@code queued} is empty while {@code channel} is active; {@code retry != null} only while no channel is
 * open or opening.
 */
final class LearnerConnection {
    final long number;
    /** The other server's id: the leader on the learner's side, the learner once its info is read on the leader's. */
    long serverId;
    final boolean outgoing;
    /** Where an outgoing connection connects; null for an accepted one. */
    final InetSocketAddress address;
    /** The channel messages travel on: connected (outgoing) or accepted; null while there is none. */
    Channel channel;
    /** An outgoing connect in flight. */
    Channel connecting;
    /** Frames sent before the outgoing channel was up, written when it is. */
    final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    /** The last FOLLOWERINFO or OBSERVERINFO frame sent: said again on a new channel of the same number. */
    byte[] info;
    /** Frame bytes written or queued and not yet taken by the socket, SNAP frames not counted. */
    long pendingBytes;
    /** Bytes written to the channel since its last flush. */
    int unflushedBytes;
    /** Whether anything but an info was sent: then a broken channel cannot be replaced by a new one. */
    boolean sentMoreThanInfo;
    /** Whether the other side sent anything: then a broken channel ends the number. */
    boolean receivedAny;
    boolean ended;
    /** The epoch of the LEADERINFO sent on it (leader's side), which its ACKEPOCH answers; -1 before. */
    long leaderInfoEpoch = -1;
    ScheduledFuture<?> retry;
    int failedAttempts;

    LearnerConnection(long number, long serverId, boolean outgoing, InetSocketAddress address) {
        this.number = number;
        this.serverId = serverId;
        this.outgoing = outgoing;
        this.address = address;
    }

    /** Whether a broken channel may be replaced by a new one for the same number: nothing could have been lost. */
    boolean mayReconnect() {
        return outgoing && !receivedAny && !sentMoreThanInfo && !ended;
    }

    @Override
    public String toString() {
        return (outgoing ? "to " : "from ") + serverId + " #" + Long.toHexString(number);
    }
}
