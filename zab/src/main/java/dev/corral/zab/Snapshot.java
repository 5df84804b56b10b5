package dev.corral.zab;

/**
 * An image of the state machine after applying every committed txn up to {@code zxid}, as a leader ships
 * it to a learner too far behind for a DIFF (ZooKeeper's SNAP). The core treats {@code image} as opaque:
 * the state machine that produced it is the one that installs it.
 */
public record Snapshot(long zxid, Object image) {}
