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
}
