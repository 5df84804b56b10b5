package dev.corral.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every message between a leader and its learners after election (zookeeper.jute
 * {@code org.apache.zookeeper.server.quorum.QuorumPacket}). {@code type} is a {@link QuorumPacketType};
 * what {@code zxid} and {@code data} mean depends on it (a PROPOSAL's data is a logged txn, a REQUEST's
 * a client request). {@code authinfo} is the client's identities, carried only by REQUEST. On the wire
 * packets follow each other with no length prefix (ZooKeeper 3.9: {@code Learner#writePacket}).
 */
public record QuorumPacket(int type, long zxid, byte[] data, List<Id> authinfo) {
    public void write(JuteOutput out) {
        out.writeInt(type);
        out.writeLong(zxid);
        out.writeBuffer(data);
        out.writeVector(authinfo, (o, id) -> id.write(o));
    }

    public static QuorumPacket read(JuteInput in) {
        return new QuorumPacket(in.readInt(), in.readLong(), in.readBuffer(), in.readVector(Id::read));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QuorumPacket that
                && type == that.type
                && zxid == that.zxid
                && Arrays.equals(data, that.data)
                && Objects.equals(authinfo, that.authinfo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, zxid, Arrays.hashCode(data), authinfo);
    }

    @Override
    public String toString() {
        return "QuorumPacket[type=" + QuorumPacketType.name(type) + ", zxid=0x" + Long.toHexString(zxid) + ", data="
                + Bytes.preview(data) + ", authinfo=" + authinfo + "]";
    }
}
