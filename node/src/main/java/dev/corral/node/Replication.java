package dev.corral.node;

import dev.corral.tree.TxnEntry;

/**
 * The stage between preparing a txn and applying it. Proposals go in in zxid order; committed txns
 * come out in the same order, once a quorum has made them durable.
 */
interface Replication {
    void propose(TxnEntry entry);

    /** The next committed txn, or null if none is committed yet. */
    TxnEntry pollCommitted();

    /** The log is durable up to {@code zxid}. */
    void onLogSynced(long zxid);
}
