package dev.corral.wire;

/**
 * The header in front of every client request after the handshake (zookeeper.jute
 * {@code RequestHeader}). {@code xid} is the client's sequence number or one of the special values in
 * {@link Xid}; {@code type} is an {@link OpCode}.
 */
public record RequestHeader(int xid, int type) {
    public void write(JuteOutput out) {
        out.writeInt(xid);
        out.writeInt(type);
    }

    public static RequestHeader read(JuteInput in) {
        return new RequestHeader(in.readInt(), in.readInt());
    }
}
