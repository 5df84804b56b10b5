package dev.corral.wire;

/**
 * The digest of the whole tree after a txn, optionally logged after the txn record (zookeeper.jute
 * {@code TxnDigest}; ZooKeeper 3.9: {@code Util#marshallTxnEntry}). ZooKeeper skips the comparison when
 * {@code version} is not its own digest version ({@code DataTree#compareDigest}).
 */
public record TxnDigest(int version, long treeDigest) {
    /** Encoded size: an int and a long. */
    public static final int BYTES = 4 + 8;

    public void write(JuteOutput out) {
        out.writeInt(version);
        out.writeLong(treeDigest);
    }

    public static TxnDigest read(JuteInput in) {
        return new TxnDigest(in.readInt(), in.readLong());
    }
}
