package dev.corral.zab;

/**
 * Deliberate bugs the simulator's own tests plant in a {@link Peer}, to show that its checkers catch
 * each kind of mistake a consensus core can make (and in how many seeds). Production configurations
 * always use {@link #NONE}; nothing else reads this.
 */
public enum PlantedBug {
    NONE,
    /**
     * A follower acks a proposal as soon as it is written, before it is durable, and the leader counts its
     * own share the same way.
     */
    ACK_BEFORE_FSYNC,
    /** The leader commits a proposal once it is in its own log, without waiting for a quorum. */
    COMMIT_WITHOUT_QUORUM,
    /**
     * The voter with the highest id advertises a zxid above its durable one, the next one
     * (ZOOKEEPER-3642), and the leader no
     * longer checks at discovery that no follower is ahead of it: each of the two defences alone keeps
     * the history safe, so the plant takes both away.
     */
    VOTE_UNSYNCED_ZXID,
    /** The leader truncates a learner to the committed zxid it knows minus one txn (ZOOKEEPER-1154). */
    TRUNC_BELOW_COMMITTED,
    /**
     * A server whose disk was replaced votes and acks at once, as ZooKeeper's does, instead of counting in
     * no quorum until it has been synchronized.
     */
    IGNORE_LOST_DISK
}
