package dev.corral.zab;

/**
 * One txn of the replicated log: its zxid and its encoded bytes (ZooKeeper's TxnHeader plus txn record).
 * The consensus core never looks inside {@code txn}; only the state machine above it does.
 */
public record LogEntry(long zxid, byte[] txn) {
    @Override
    public String toString() {
        return dev.corral.tree.Zxid.hex(zxid);
    }
}
