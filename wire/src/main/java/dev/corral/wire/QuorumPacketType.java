package dev.corral.wire;

/**
 * The type numbers of {@link QuorumPacket}, as ZooKeeper 3.9.5 numbers them in
 * {@code org.apache.zookeeper.server.quorum.Leader}, with what each packet's zxid and data carry there.
 * Listed in the order the protocol uses them: discovery, synchronization, broadcast, sessions.
 */
public final class QuorumPacketType {
    /** Learner to leader: zxid = (accepted epoch) &lt;&lt; 32, data = {@link LearnerInfo} (Learner#registerWithLeader). */
    public static final int FOLLOWERINFO = 11;
    /** As FOLLOWERINFO, from an observer. */
    public static final int OBSERVERINFO = 16;
    /** Leader to learner: zxid = (new epoch) &lt;&lt; 32, data = int protocol version. */
    public static final int LEADERINFO = 17;
    /** Learner to leader: zxid = last logged zxid, data = int current epoch (-1 if the new epoch is not newer). */
    public static final int ACKEPOCH = 18;

    /**
     * Leader to learner: the learner's log is kept; the txns it lacks follow as PROPOSAL and COMMIT. zxid = the
     * leader's last committed zxid, which the learner only logs.
     */
    public static final int DIFF = 13;
    /** Leader to learner: truncate the log after zxid; the txns after it follow as in DIFF. */
    public static final int TRUNC = 14;
    /** Leader to learner: a snapshot follows on the stream; zxid = its last zxid. */
    public static final int SNAP = 15;
    /** Leader to learner: zxid = (new epoch) &lt;&lt; 32, data = the ensemble configuration. */
    public static final int NEWLEADER = 10;
    /** Leader to learner: synchronization is over; start serving. zxid = -1 from ZooKeeper, the commit point from Corral. */
    public static final int UPTODATE = 12;

    /** Learner to leader: a forwarded client request. */
    public static final int REQUEST = 1;
    /** Leader to follower: zxid and data = a logged txn. */
    public static final int PROPOSAL = 2;
    /** Follower to leader: the txn of zxid is durable in the follower's log. */
    public static final int ACK = 3;
    /** Leader to follower: the txn of zxid is committed. */
    public static final int COMMIT = 4;
    /** Leader to observer: zxid and data = a committed txn. */
    public static final int INFORM = 8;
    /** COMMIT of a reconfig txn, which also activates its configuration. */
    public static final int COMMITANDACTIVATE = 9;
    /** INFORM of a reconfig txn, which also activates its configuration. */
    public static final int INFORMANDACTIVATE = 19;

    /** Both ways: liveness; from a learner, data = the session ids and timeouts it touched. */
    public static final int PING = 5;
    /** Learner to leader and back: is a session that moved to the learner still valid. */
    public static final int REVALIDATE = 6;
    /** Learner to leader and back: a client's sync. */
    public static final int SYNC = 7;

    private QuorumPacketType() {}

    /**
     * The name of a packet type, or "UNKNOWN" and the number for a type not listed here, as ZooKeeper's
     * {@code LearnerHandler#packetToString} prints it (which also prints UNKNOWN for LEADERINFO and
     * OBSERVERINFO; we name them).
     */
    public static String name(int type) {
        return switch (type) {
            case REQUEST -> "REQUEST";
            case PROPOSAL -> "PROPOSAL";
            case ACK -> "ACK";
            case COMMIT -> "COMMIT";
            case PING -> "PING";
            case REVALIDATE -> "REVALIDATE";
            case SYNC -> "SYNC";
            case INFORM -> "INFORM";
            case COMMITANDACTIVATE -> "COMMITANDACTIVATE";
            case NEWLEADER -> "NEWLEADER";
            case FOLLOWERINFO -> "FOLLOWERINFO";
            case UPTODATE -> "UPTODATE";
            case DIFF -> "DIFF";
            case TRUNC -> "TRUNC";
            case SNAP -> "SNAP";
            case OBSERVERINFO -> "OBSERVERINFO";
            case LEADERINFO -> "LEADERINFO";
            case ACKEPOCH -> "ACKEPOCH";
            case INFORMANDACTIVATE -> "INFORMANDACTIVATE";
            default -> "UNKNOWN" + type;
        };
    }
}
