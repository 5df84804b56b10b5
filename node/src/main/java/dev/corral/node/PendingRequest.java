package dev.corral.node;

/**
 * A decoded client request waiting in its session's queue. {@code body} is the request record the
 * opcode calls for (see {@link Requests}); {@code frame} from {@code bodyOffset} on is that record as the
 * client sent it, which a learner forwards to the leader unchanged. {@code zxid} is set when this
 * server proposes a write as the leader; {@code forwarded} when it sent the write (or a sync) to the
 * leader instead; {@code synced} when the leader answered a forwarded sync.
 */
final class PendingRequest {
    final long connectionId;
    final int xid;
    final int type;
    final Object body;
    final boolean write;
    final long receivedMs;
    final byte[] frame;
    final int bodyOffset;
    long zxid;
    // The Node's serving generation when the request was queued: one proposed or forwarded in an earlier
    // generation, and not applied when the Node serves again, was lost with the leader it went to.
    long generation;
    boolean forwarded;
    boolean synced;

    PendingRequest(long connectionId, int xid, int type, Object body, boolean write, long receivedMs, byte[] frame, int bodyOffset) {
        this.connectionId = connectionId;
        this.xid = xid;
        this.type = type;
        this.body = body;
        this.write = write;
        this.receivedMs = receivedMs;
        this.frame = frame;
        this.bodyOffset = bodyOffset;
    }

    /** Whether the write is on its way: proposed here, or forwarded to the leader. */
    boolean proposed() {
        return zxid != 0 || forwarded;
    }

    /** The request record as the client sent it. */
    byte[] rawBody() {
        return java.util.Arrays.copyOfRange(frame, bodyOffset, frame.length);
    }
}
