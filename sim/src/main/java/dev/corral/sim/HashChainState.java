package dev.corral.sim;

import dev.corral.tree.Invariants;
import dev.corral.tree.Zxid;
import dev.corral.zab.LogEntry;
import java.util.Arrays;

/**
 * The state machine the consensus simulator replicates: the zxid of the last applied txn and a hash of
 * every txn applied so far, in order. Two servers that applied the same txns in the same order hold
 * equal states, and any difference in content or order shows. Immutable, so it is its own snapshot.
 */
record HashChainState(long zxid, long hash, long applied) {
    static final HashChainState EMPTY = new HashChainState(0, 17, 0);

    HashChainState apply(LogEntry entry) {
        Invariants.check(entry.zxid() > zxid, "applied %s after %s", Zxid.hex(entry.zxid()), Zxid.hex(zxid));
        return new HashChainState(entry.zxid(), hash * 1_000_003L + entry.zxid() * 31 + Arrays.hashCode(entry.txn()), applied + 1);
    }
}
