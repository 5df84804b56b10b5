package dev.corral.tree;

/**
 * A txn with the header every server needs to apply it identically (ZooKeeper's {@code TxnHeader}):
 * its zxid, the leader's wall time when it was prepared, and the session and client xid that asked
 * for it (session 0 for the server's own txns, such as reaping containers).
 */
public record TxnEntry(long zxid, long timeMs, long sessionId, int cxid, Txn txn) {}
