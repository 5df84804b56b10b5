package dev.corral.wire;

/**
 * The header in front of every server reply and watch notification after the handshake (zookeeper.jute
 * {@code ReplyHeader}). {@code xid} echoes the request's xid ({@link Xid#NOTIFICATION} for a watch
 * event); {@code err} is an {@link ErrorCode}, and for most ops the reply body is present only when it
 * is {@link ErrorCode#OK}.
 */
public record ReplyHeader(int xid, long zxid, int err) {
    public void write(JuteOutput out) {
        out.writeInt(xid);
        out.writeLong(zxid);
        out.writeInt(err);
    }

    public static ReplyHeader read(JuteInput in) {
        return new ReplyHeader(in.readInt(), in.readLong(), in.readInt());
    }
}
