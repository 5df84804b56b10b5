package dev.corral.zab;

/** A server's role in the ensemble, with ZooKeeper's names (QuorumPeer.ServerState). */
public enum ServerState {
    /** Electing a leader; serves no client. */
    LOOKING,
    /** A voter that follows an elected leader. */
    FOLLOWING,
    /** The elected leader of the current epoch. */
    LEADING,
    /** A non-voting member that learns committed txns from the leader. */
    OBSERVING
}
