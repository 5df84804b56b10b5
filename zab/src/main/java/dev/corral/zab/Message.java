package dev.corral.zab;

import dev.corral.tree.Zxid;
import java.util.List;
import java.util.Map;

/**
 * The messages servers exchange, with ZooKeeper's names: election notifications, and the learner
 * protocol between the leader and each follower or observer (ZooKeeper 3.9, quorum/Leader.java packet
 * types; Zab paper phases 1-3: discovery, synchronization, broadcast).
 *
 * <p>Every learner message carries the {@code connection} it belongs to: a number the learner picks
 * anew each time it connects to a leader. It stands for a TCP connection: messages of an older
 * connection are ignored, so a message delayed past a reconnect cannot be taken for a current one.
 * Within one connection messages arrive in order or the connection is dropped, as on TCP.
 */
public sealed interface Message {
    /** Election round traffic: sent by every server, in any state, to every voter (and answered). */
    record Notification(ServerState state, Vote vote) implements Message {}

    /** The learner protocol, one connection between the leader and one learner. */
    sealed interface Learner extends Message {
        long connection();
    }

    /** Learner to leader: the first message (ZooKeeper FOLLOWERINFO or OBSERVERINFO). */
    record LearnerInfo(long connection, long acceptedEpoch, boolean observer) implements Learner {}

    /**
     * Leader to learner: the epoch it proposes (ZooKeeper LEADERINFO), and the ensemble's shared secret,
     * which a learner holding another one adopts before it acks the epoch ({@link SharedSecret}).
     */
    record LeaderInfo(long connection, long newEpoch, SharedSecret secret) implements Learner {
        public LeaderInfo {
            java.util.Objects.requireNonNull(secret, "secret (SharedSecret.NONE for none)");
        }

        /** A LEADERINFO without a secret, as ZooKeeper's leaders send it. */
        public LeaderInfo(long connection, long newEpoch) {
            this(connection, newEpoch, SharedSecret.NONE);
        }
    }

    /**
     * Learner to leader: it accepted {@code epoch}; its durable current epoch and last logged zxid
     * (ZooKeeper ACKEPOCH). {@code currentEpoch} is -1 when {@code epoch} was already its accepted epoch:
     * then it is no new promise, and a leader in discovery does not count it (ZooKeeper's -1).
     */
    record AckEpoch(long connection, long epoch, long currentEpoch, long lastZxid) implements Learner {}

    /** Leader to learner: the learner's log matches; the proposals that follow extend it (ZooKeeper DIFF). */
    record Diff(long connection) implements Learner {}

    /** Leader to learner: cut the log after {@code zxid}, then the proposals that follow extend it (TRUNC). */
    record Trunc(long connection, long zxid) implements Learner {}

    /** Leader to learner: replace the state with this image; the proposals that follow extend it (SNAP). */
    record Snap(long connection, Snapshot snapshot) implements Learner {}

    /** Leader to learner: a txn to log, during synchronization or broadcast (PROPOSAL). */
    record Proposal(long connection, LogEntry entry) implements Learner {}

    /** Leader to learner: synchronization is complete up to the epoch's start (NEWLEADER). */
    record NewLeader(long connection, long epoch) implements Learner {}

    /** Learner to leader: what NEWLEADER asked is durable, current epoch included (ACK of NEWLEADER). */
    record AckNewLeader(long connection, long epoch) implements Learner {}

    /** Leader to learner: the epoch is established; serve clients, everything up to {@code zxid} is committed (UPTODATE). */
    record UpToDate(long connection, long zxid) implements Learner {}

    /** Follower to leader: every txn up to {@code zxid} is durable in its log (ACK). */
    record Ack(long connection, long zxid) implements Learner {}

    /** Leader to follower: every txn up to {@code zxid} is committed (COMMIT). */
    record Commit(long connection, long zxid) implements Learner {}

    /** Leader to observer: a committed txn (INFORM). */
    record Inform(long connection, LogEntry entry) implements Learner {}

    /**
     * Both ways: liveness (PING). From a learner it carries the sessions its clients kept alive since its
     * last ping, with their timeouts (ZooKeeper's LearnerSessionTracker snapshot); the leader's is empty.
     */
    record Ping(long connection, Map<Long, Integer> touches) implements Learner {
        public Ping {
            touches = Map.copyOf(touches);
        }

        public Ping(long connection) {
            this(connection, Map.of());
        }
    }

    /**
     * Learner to leader: a client request the leader must order (ZooKeeper REQUEST): a write, a session's
     * creation or close, or a sync, with the session, the client's xid, the opcode, the request record
     * as the client sent it, and the identities the session authenticated as.
     */
    record Request(long connection, long sessionId, int cxid, int type, byte[] body, List<dev.corral.wire.Id> authInfo)
            implements Learner {
        public Request {
            authInfo = List.copyOf(authInfo);
        }
    }

    /** Learner to leader: a client resumes this session here; is it still alive? (ZooKeeper REVALIDATE) */
    record Revalidate(long connection, long sessionId, int timeoutMs) implements Learner {}

    /**
     * Leader to learner: the answer to a {@link Revalidate} (ZooKeeper REVALIDATE); a valid session is
     * owned by that learner from now on, and a request for it through any other server gets SESSIONMOVED.
     */
    record RevalidateReply(long connection, long sessionId, boolean valid) implements Learner {}

    /**
     * Leader to learner: the oldest sync the learner forwarded is answered (ZooKeeper SYNC): every txn
     * proposed before the leader received it is committed, and the learner answers its client once it
     * applied them all.
     */
    record Sync(long connection) implements Learner {}

    /** A short form for traces. */
    static String describe(Message message) {
        if (message instanceof Notification n) {
            return "vote " + n.state() + " " + n.vote();
        } else if (message instanceof LearnerInfo m) {
            return (m.observer() ? "OBSERVERINFO" : "FOLLOWERINFO") + " acceptedEpoch=" + m.acceptedEpoch();
        } else if (message instanceof LeaderInfo m) {
            return "LEADERINFO " + m.newEpoch();
        } else if (message instanceof AckEpoch m) {
            return "ACKEPOCH " + m.epoch() + " current=" + m.currentEpoch() + " " + Zxid.hex(m.lastZxid());
        } else if (message instanceof Trunc m) {
            return "TRUNC " + Zxid.hex(m.zxid());
        } else if (message instanceof Snap m) {
            return "SNAP " + Zxid.hex(m.snapshot().zxid());
        } else if (message instanceof Proposal m) {
            return "PROPOSAL " + Zxid.hex(m.entry().zxid());
        } else if (message instanceof NewLeader m) {
            return "NEWLEADER " + m.epoch();
        } else if (message instanceof AckNewLeader m) {
            return "ACK(NEWLEADER) " + m.epoch();
        } else if (message instanceof UpToDate m) {
            return "UPTODATE " + Zxid.hex(m.zxid());
        } else if (message instanceof Ack m) {
            return "ACK " + Zxid.hex(m.zxid());
        } else if (message instanceof Commit m) {
            return "COMMIT " + Zxid.hex(m.zxid());
        } else if (message instanceof Inform m) {
            return "INFORM " + Zxid.hex(m.entry().zxid());
        } else if (message instanceof Request m) {
            return "REQUEST session=0x" + Long.toHexString(m.sessionId()) + " cxid=" + m.cxid() + " type=" + m.type();
        } else if (message instanceof Revalidate m) {
            return "REVALIDATE 0x" + Long.toHexString(m.sessionId());
        } else if (message instanceof RevalidateReply m) {
            return "REVALIDATE 0x" + Long.toHexString(m.sessionId()) + (m.valid() ? " valid" : " invalid");
        } else if (message instanceof Sync) {
            return "SYNC";
        } else if (message instanceof Ping m && !m.touches().isEmpty()) {
            return "PING touches=" + m.touches().size();
        }
        return message instanceof Diff ? "DIFF" : "PING";
    }
}
