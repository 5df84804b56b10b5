package dev.corral.zab;

/**
 * What a {@link Peer} asks of its host, in the order given. The host carries out every output of one
 * call before the next event, with one rule for durability: {@link Persist} outputs are numbered in the
 * order they were asked for, are made durable in that order, and the host reports the highest number
 * that is durable with {@link Peer#onPersisted}. A message that depends on durable state (an ACK, an
 * ACKEPOCH, the ACK of NEWLEADER, a vote) is only ever emitted after that report, so the host never has
 * to hold messages back.
 */
public sealed interface Output {
    /** A change to the durable state: the log, the epoch files, the snapshot or the shared secret. */
    sealed interface Persist extends Output {
        /** Position in the order of persist outputs, from 1; {@link Peer#onPersisted} reports these. */
        long seq();
    }

    /** Append a txn to the log. Appends follow each other by {@code Zxid.follows}. */
    record Append(long seq, LogEntry entry) implements Persist {}

    /** Remove every txn after {@code zxid} from the log (ZooKeeper TRUNC); never a committed one. */
    record Truncate(long seq, long zxid) implements Persist {}

    /** Write the {@code acceptedEpoch} file. */
    record WriteAcceptedEpoch(long seq, long epoch) implements Persist {}

    /** Write the {@code currentEpoch} file; ordered after the txns of the epoch's synchronization. */
    record WriteCurrentEpoch(long seq, long epoch) implements Persist {}

    /**
     * Make this the ensemble's shared secret here, replacing the one held (a learner adopting its leader's);
     * written whole or not at all, since a torn secret would refuse every session's password.
     */
    record WriteSharedSecret(long seq, SharedSecret secret) implements Persist {}

    /** Make the data directory hold exactly this snapshot and nothing after it (a SNAP from the leader). */
    record InstallSnapshot(long seq, Snapshot snapshot) implements Persist {}

    /** Send a message to a server. */
    record Send(long to, Message message) implements Output {}

    /**
     * A message for the host above the core: on the leader, a learner's {@link Message.Request},
     * {@link Message.Revalidate} or session touches ({@link Message.Ping}); on a learner, the leader's
     * {@link Message.RevalidateReply}. {@code from} is the server that sent it.
     */
    record Forwarded(long from, Message.Learner message) implements Output {}

    /**
     * On a learner: the oldest sync it forwarded is done; every txn the leader had proposed when it
     * answered is applied here (ZooKeeper's pending sync, answered in order).
     */
    record SyncDone() implements Output {}

    /** Apply a committed txn to the state machine; txns come in zxid order, each once. */
    record Deliver(LogEntry entry) implements Output {}

    /** Replace the state machine's state with a snapshot's; the txns delivered next follow it. */
    record Restore(Snapshot snapshot) implements Output {}

    /**
     * The server's role, its leader or whether it may serve clients changed. {@code serving} is true only
     * for an established leader and for a learner that received UPTODATE: a server outside a
     * synchronized quorum serves no client request. {@code reason} says why, in words for the operator's
     * log (a timeout, a lost connection, an election's outcome).
     */
    record RoleChanged(ServerState state, long leader, long epoch, boolean serving, String reason) implements Output {}
}
