package dev.corral.zab;

/** What a {@link Peer} does in one {@link ServerState}: election, leading, or learning from a leader. */
interface Role {
    void tick();

    /** A learner-protocol message from {@code from}. */
    void onLearnerMessage(long from, Message.Learner message);

    /** More of the persist outputs became durable ({@link Peer#durableSeq()} moved). */
    void onDurable();

    /** The host's transport lost learner connection {@code connection} with server {@code serverId}. */
    default void onDisconnected(long serverId, long connection) {}

    /** Where in ZAB this role is, as ZooKeeper's QuorumPeer.ZabState names it (lower case, as its zabstate command). */
    String phase();
}
