package dev.corral.wire;

/**
 * The data of FOLLOWERINFO and OBSERVERINFO (zookeeper.jute {@code LearnerInfo}): who the learner is, the
 * protocol version it speaks ({@link #PROTOCOL_VERSION}) and the version of the ensemble configuration it
 * has. ZooKeeper 3.9: {@code Learner#registerWithLeader}.
 */
public record LearnerInfo(long serverid, int protocolVersion, long configVersion) {
    /** The protocol version ZooKeeper 3.4 and later send, and that LEADERINFO carries too. */
    public static final int PROTOCOL_VERSION = 0x10000;

    public void write(JuteOutput out) {
        out.writeLong(serverid);
        out.writeInt(protocolVersion);
        out.writeLong(configVersion);
    }

    public static LearnerInfo read(JuteInput in) {
        return new LearnerInfo(in.readLong(), in.readInt(), in.readLong());
    }
}
