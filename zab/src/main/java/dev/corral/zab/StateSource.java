package dev.corral.zab;

/**
 * The state machine as the leader needs it to synchronize a learner that is too far behind for a DIFF:
 * an image of its state after the txns delivered so far. The host answers from the same thread, between
 * events, so the image matches {@code Peer#lastDelivered()}.
 */
@FunctionalInterface
public interface StateSource {
    Snapshot snapshot();
}
