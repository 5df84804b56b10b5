package dev.corral.wire;

/**
 * The header of every logged or proposed txn (zookeeper.jute {@code org.apache.zookeeper.txn.TxnHeader}):
 * the session that asked for it ({@code clientId}, 0 for the server's own txns), the client's xid, the
 * zxid, the leader's wall time in milliseconds, and the txn type, an {@link OpCode} number that says
 * which txn record follows (ZooKeeper 3.9: {@code SerializeUtils#deserializeTxn}).
 */
public record TxnHeader(long clientId, int cxid, long zxid, long time, int type) {
    /** Encoded size: three longs and two ints. */
    public static final int BYTES = 8 + 4 + 8 + 8 + 4;
    /** Where the zxid lies in the encoding, after clientId and cxid. */
    public static final int ZXID_OFFSET = 8 + 4;

    public void write(JuteOutput out) {
        out.writeLong(clientId);
        out.writeInt(cxid);
        out.writeLong(zxid);
        out.writeLong(time);
        out.writeInt(type);
    }

    public static TxnHeader read(JuteInput in) {
        return new TxnHeader(in.readLong(), in.readInt(), in.readLong(), in.readLong(), in.readInt());
    }
}
