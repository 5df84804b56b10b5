package dev.corral.tree;

import dev.corral.wire.Stat;
import java.util.List;

/**
 * What applying one txn produced for the reply: an error code, the created path, the node's new Stat,
 * and for a multi one result per op. Fields that an op does not produce are null.
 */
public record TxnResult(int err, String path, Stat stat, List<TxnResult> results) {
    public static final TxnResult OK = new TxnResult(0, null, null, null);

    public static TxnResult error(int err) {
        return new TxnResult(err, null, null, null);
    }
}
