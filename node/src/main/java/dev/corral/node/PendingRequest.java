package dev.corral.node;

/**
 * A decoded client request waiting in its session's queue. {@code body} is the request record the
 * opcode calls for (see {@link Requests}); {@code zxid} is set when a write is proposed.
 */
final class PendingRequest {
    final long connectionId;
    final int xid;
    final int type;
    final Object body;
    final boolean write;
    final long receivedMs;
    long zxid;

    PendingRequest(long connectionId, int xid, int type, Object body, boolean write, long receivedMs) {
        this.connectionId = connectionId;
        this.xid = xid;
        this.type = type;
        this.body = body;
        this.write = write;
        this.receivedMs = receivedMs;
    }

    boolean proposed() {
        return zxid != 0;
    }
}
