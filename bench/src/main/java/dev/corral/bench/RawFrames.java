package dev.corral.bench;

import dev.corral.testkit.ServerProbe;
import dev.corral.wire.Acl;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetDataRequest;
import java.util.function.Consumer;

/**
 * Client-side frames of ZooKeeper's protocol, encoded with Corral's {@code dev.corral.wire} records (which
 * are byte-equal with ZooKeeper's jute classes), for the raw-frame generator (the readiness probe is testkit's ServerProbe).
 *
 * <p>Grammar (ZooKeeper 3.9: {@code ClientCnxn}, {@code ClientCnxnSocketNIO}), integers big-endian:
 * <pre>
 *   frame     = int length, length bytes           ; length excludes itself
 *   handshake = frame(ConnectRequest)  then the server's frame(ConnectResponse)
 *   request   = frame(RequestHeader(xid, type) body)
 *   reply     = frame(ReplyHeader(xid, zxid, err) [body])   ; body only when err = 0, for most types
 * </pre>
 * Replies to one session come in request order (per-session FIFO), so a client that numbers its xids
 * 1, 2, 3 ... knows which request each reply answers. {@link #XID_OFFSET} is where the xid sits in a
 * request frame, so that a pre-encoded frame is re-used with a new xid.
 */
final class RawFrames {
    /** Offset of the xid in a request frame: after the 4-byte length. */
    static final int XID_OFFSET = 4;
    /** Bytes of a frame's length prefix and of a ReplyHeader. */
    static final int LENGTH_BYTES = 4;
    static final int REPLY_HEADER_BYTES = 16;
    /** The password a new session sends: 16 zero bytes, as the official client does. */
    private static final byte[] NO_PASSWORD = new byte[16];

    private RawFrames() {}

    static byte[] connect(int sessionTimeoutMs) {
        return frame(out -> new ConnectRequest(0, 0, sessionTimeoutMs, 0, NO_PASSWORD, false, true).write(out));
    }

    static byte[] getData(int xid, String path) {
        return request(xid, OpCode.GET_DATA, out -> new GetDataRequest(path, false).write(out));
    }

    static byte[] setData(int xid, String path, byte[] value) {
        return request(xid, OpCode.SET_DATA, out -> new SetDataRequest(path, value, -1).write(out));
    }

    static byte[] create(int xid, String path, byte[] value) {
        return request(xid, OpCode.CREATE, out -> new CreateRequest(path, value, Acl.OPEN_ACL_UNSAFE, 0).write(out));
    }

    static byte[] closeSession(int xid) {
        return request(xid, OpCode.CLOSE_SESSION, out -> { });
    }

    static byte[] request(int xid, int type, Consumer<JuteOutput> body) {
        return frame(out -> {
            new RequestHeader(xid, type).write(out);
            body.accept(out);
        });
    }

    static byte[] frame(Consumer<JuteOutput> body) {
        JuteOutput out = new JuteOutput();
        out.writeInt(0);
        body.accept(out);
        out.patchInt(0, out.size() - LENGTH_BYTES);
        return out.toByteArray();
    }
}
