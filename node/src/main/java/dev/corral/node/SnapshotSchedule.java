package dev.corral.node;

import java.util.Random;

/**
 * When a server takes a snapshot: ZooKeeper's randomized rule ({@code SyncRequestProcessor}), after
 * snapCount/2 plus a random share of snapCount/2 applied txns, so that the servers of an ensemble do
 * not all snapshot at once. The generator is seeded by the server id and boot time, so a simulated run
 * replays exactly.
 *
 * <p>Invariant: {@code snapCount/2 <= txnsBeforeSnapshot < snapCount} (at least 1); no snapshot is ever
 * due when snapCount is 0.
 */
final class SnapshotSchedule {
    private final int snapCount;
    private final Random jitter;
    private long txnsSinceSnapshot;
    private long txnsBeforeSnapshot;

    SnapshotSchedule(NodeConfig config) {
        this.snapCount = config.snapCount();
        this.jitter = new Random(config.serverId() * 31 + config.bootWallMs());
        this.txnsBeforeSnapshot = nextThreshold();
    }

    /** A txn was applied: whether a snapshot is due now; if so, counting starts again. */
    boolean onApplied() {
        if (snapCount <= 0 || ++txnsSinceSnapshot <= txnsBeforeSnapshot) {
            return false;
        }
        txnsSinceSnapshot = 0;
        txnsBeforeSnapshot = nextThreshold();
        return true;
    }

    private long nextThreshold() {
        int half = Math.max(1, snapCount / 2);
        return half + jitter.nextInt(half);
    }
}
