package dev.corral.wire;

import java.util.function.Consumer;

/**
 * Builds the frames the server sends on the client port. A frame is a 4-byte big-endian length, not
 * counting itself, followed by that many bytes (ZooKeeper 3.9: {@code ClientCnxn.Packet#createBB}
 * fills the length the same way, after the payload is written).
 */
public final class Frames {
    private Frames() {}

    /** A frame holding whatever {@code body} writes, e.g. a ConnectResponse, which has no header. */
    public static byte[] frame(Consumer<JuteOutput> body) {
        JuteOutput out = new JuteOutput();
        out.writeInt(0);
        body.accept(out);
        out.patchInt(0, out.size() - Integer.BYTES);
        return out.toByteArray();
    }

    /** A reply frame: the header, then the body if {@code body} is not null. */
    public static byte[] reply(ReplyHeader header, Consumer<JuteOutput> body) {
        return frame(out -> {
            header.write(out);
            if (body != null) {
                body.accept(out);
            }
        });
    }

    /**
     * A watch notification frame: xid {@link Xid#NOTIFICATION}, err 0, and the zxid of the transaction
     * that fired the watch (ZooKeeper 3.9.0 and later; older servers sent -1).
     */
    public static byte[] notification(long zxid, WatcherEvent event) {
        return reply(new ReplyHeader(Xid.NOTIFICATION, zxid, ErrorCode.OK), event::write);
    }
}
