package dev.corral.node;

/** An effect the shell must carry out for the Node, in the order given. */
public sealed interface Output {
    /** Write {@code frame} (length prefix included) to the connection. */
    record Send(long connectionId, byte[] frame) implements Output {}

    /** Close the connection once everything sent before is flushed; {@code reason} is for the log. */
    record Close(long connectionId, String reason) implements Output {}

    /**
     * Append the txn to the write-ahead log and report {@code Node#onLogSynced} once it is durable.
     * Appends come in zxid order.
     */
    record Append(dev.corral.tree.TxnEntry entry) implements Output {}

    /**
     * Write this image of the state to a snapshot file, off the node loop. Its zxid is applied, so it
     * is already durable in the log; the log may start a new segment so older ones can be purged.
     */
    record Snapshot(dev.corral.tree.TreeSnapshot snapshot) implements Output {}

    /** A session's timeout passed without a request or ping from it; an operator event, for the log. */
    record SessionExpired(long sessionId, int timeoutMs) implements Output {}
}
