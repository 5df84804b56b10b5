package dev.corral.node;

import dev.corral.tree.TxnEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Replication between Nodes in a test, without a leader: a Node's own proposals commit at once, as
 * with {@link SoloReplication}, and are kept in {@link #sent} for the test to hand to the other Nodes,
 * where {@link #commitOthers} commits them behind everything committed there so far. The test acts on
 * one Node at a time and hands its txns over before acting on another, so zxids stay one sequence.
 */
final class ExchangeReplication implements Replication {
    private final ArrayDeque<TxnEntry> committed = new ArrayDeque<>();
    final List<TxnEntry> sent = new ArrayList<>();

    @Override
    public void propose(TxnEntry entry) {
        committed.addLast(entry);
        sent.add(entry);
    }

    /** Txns another server proposed, committed here in their order. */
    void commitOthers(List<TxnEntry> entries) {
        committed.addAll(entries);
    }

    @Override
    public TxnEntry pollCommitted() {
        return committed.pollFirst();
    }

    @Override
    public void onLogSynced(long zxid) {
        // Nothing is logged.
    }
}
