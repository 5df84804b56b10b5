package dev.corral.wire;

/**
 * The header in front of each op of a multi request and each result of a multi reply (zookeeper.jute
 * {@code MultiHeader}). A header with {@code done} set ends the list; ZooKeeper writes it as
 * {@link #END}. In a request {@code err} is always -1; in a reply it is 0, or the error code when
 * {@code type} is {@link OpCode#ERROR}.
 */
public record MultiHeader(int type, boolean done, int err) {
    /** Encoded size: int type, boolean done, int err. */
    public static final int BYTES = 9;
    /** The terminator ZooKeeper writes after the last op or result. */
    public static final MultiHeader END = new MultiHeader(-1, true, -1);

    public void write(JuteOutput out) {
        out.writeInt(type);
        out.writeBool(done);
        out.writeInt(err);
    }

    public static MultiHeader read(JuteInput in) {
        return new MultiHeader(in.readInt(), in.readBool(), in.readInt());
    }
}
