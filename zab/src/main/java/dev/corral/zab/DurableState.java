package dev.corral.zab;

import java.util.List;

/**
 * What a server recovered from its data directory at start: the epoch files, the zxid of the snapshot
 * its state machine was restored from, and the txns logged after it (committed or not: only a leader can
 * tell). The state machine holds the snapshot's state and none of {@code log}: the {@link Peer} delivers
 * those txns once it learns they are committed.
 *
 * @param acceptedEpoch ZooKeeper's acceptedEpoch file: the last epoch this server agreed to follow
 * @param currentEpoch ZooKeeper's currentEpoch file: the last epoch this server synchronized with
 * @param snapshotZxid the zxid of the state the state machine holds (0 for an empty tree)
 * @param log the txns after {@code snapshotZxid}, each following the one before by {@code Zxid.follows}
 * @param secret the ensemble's shared secret as last made durable here ({@link SharedSecret}; NONE if none)
 */
public record DurableState(long acceptedEpoch, long currentEpoch, long snapshotZxid, List<LogEntry> log, SharedSecret secret) {
    public DurableState {
        log = List.copyOf(log);
        java.util.Objects.requireNonNull(secret, "secret (SharedSecret.NONE for none)");
    }

    /** A state without a shared secret. */
    public DurableState(long acceptedEpoch, long currentEpoch, long snapshotZxid, List<LogEntry> log) {
        this(acceptedEpoch, currentEpoch, snapshotZxid, log, SharedSecret.NONE);
    }

    public static DurableState empty() {
        return new DurableState(0, 0, 0, List.of());
    }
}
