package dev.corral.node;

import dev.corral.tree.Invariants;
import dev.corral.tree.TxnEntry;
import java.util.ArrayDeque;

/**
 * Replication for an ensemble of one voter with a write-ahead log: a proposal is appended to the log and
 * committed once the log reports it durable, so no write is acknowledged before its fsync. The shell's
 * disk worker groups every append queued since its last fsync under one fsync. ZAB will add the acks of
 * the other voters to the same rule.
 *
 * <p>Invariants: {@code proposed} and {@code committed} are in increasing zxid order and every zxid in
 * {@code committed} is below every zxid in {@code proposed}.
 */
final class LoggedReplication implements Replication {
    private final Effects effects;
    private final ArrayDeque<TxnEntry> proposed = new ArrayDeque<>();
    private final ArrayDeque<TxnEntry> committed = new ArrayDeque<>();
    private long lastProposedZxid;

    LoggedReplication(Effects effects) {
        this.effects = effects;
    }

    @Override
    public void propose(TxnEntry entry) {
        Invariants.check(entry.zxid() > lastProposedZxid, "proposal %x after %x", entry.zxid(), lastProposedZxid);
        lastProposedZxid = entry.zxid();
        proposed.addLast(entry);
        effects.append(entry);
    }

    @Override
    public void onLogSynced(long zxid) {
        Invariants.check(zxid <= lastProposedZxid, "log synced to %x beyond the last proposal %x", zxid, lastProposedZxid);
        while (!proposed.isEmpty() && proposed.peekFirst().zxid() <= zxid) {
            committed.addLast(proposed.pollFirst());
        }
    }

    @Override
    public TxnEntry pollCommitted() {
        return committed.pollFirst();
    }
}
