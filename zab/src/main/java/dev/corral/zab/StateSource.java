package dev.corral.zab;

/**
 * The state machine as the leader needs it to synchronize a learner that is too far behind for a DIFF:
 * an image of its state after the txns delivered so far. The host answers from the same thread, between
 * events, so the image matches {@code Peer#lastDelivered()}.
 */
@FunctionalInterface
public interface StateSource {
    Snapshot snapshot();

    /**
     * The most txn bytes worth sending as a DIFF of more than {@link PeerLog#DIFF_FROM_MEMORY_MAX} txns
     * rather than a snapshot: ZooKeeper's {@code snapshotSizeFactor} times the size of a snapshot of the
     * state (ZKDatabase#calculateTxnLogSizeLimit). 0 sets no limit; negative allows no such DIFF at all.
     * The default sets no limit.
     */
    default long diffBytesLimit() {
        return 0;
    }
}
