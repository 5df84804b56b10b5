package dev.corral.node;

import dev.corral.tree.Invariants;
import dev.corral.tree.TxnEntry;
import java.util.ArrayDeque;

/**
 * Replication for an ensemble of one voter without a log (an in-memory server, and tests): the only
 * vote is the leader's own, so a proposal is committed as soon as it is made.
 *
 * <p>Invariant: proposals arrive and leave in strictly increasing zxid order.
 */
final class SoloReplication implements Replication {
    private final ArrayDeque<TxnEntry> committed = new ArrayDeque<>();
    private long lastProposedZxid;

    @Override
    public void propose(TxnEntry entry) {
        Invariants.check(entry.zxid() > lastProposedZxid, "proposal %x after %x", entry.zxid(), lastProposedZxid);
        lastProposedZxid = entry.zxid();
        committed.addLast(entry);
    }

    @Override
    public void onLogSynced(long zxid) {
        // Nothing is logged, so nothing waits for the log.
    }

    @Override
    public TxnEntry pollCommitted() {
        return committed.pollFirst();
    }
}
