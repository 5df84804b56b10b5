package dev.corral.node;

import java.util.ArrayDeque;

/**
 * A session as the server that owns it sees it: its connection, if any, and its requests in arrival
 * order. Requests leave the queue strictly in order, which is what gives a client FIFO order for its
 * replies and makes each read see the session's earlier writes.
 *
 * <p>Invariants: the head of {@code queue} is the oldest unanswered request, and requests are answered
 * only at the head. Writes are proposed in queue order as soon as the session is established, past the
 * reads between them (so every write before a proposed write is proposed too), and no request is
 * queued behind a closeSession. A read is served only at the head, so it sees exactly the session's
 * writes before it. Requests whose connection is closed are all proposed writes: closing a connection
 * drops its session's requests that are not.
 */
final class Session {
    static final long NO_CONNECTION = -1;
    /** The owner of a session the leader learned of from a log or snapshot: the first server to use it takes it. */
    static final long UNKNOWN_OWNER = -1;

    final long sessionId;
    // Changes only when the ensemble's secret does (a learner adopting its leader's, before it serves).
    byte[] password;
    int timeoutMs;
    long connectionId = NO_CONNECTION;
    // True once the createSession txn is applied; requests wait until then.
    boolean established;
    // True once a closeSession txn for it is proposed; it takes no further requests.
    boolean closing;
    // On the leader: the server whose clients may use the session now (ZooKeeper's session owner); a
    // request through any other server closes that connection (SESSIONMOVED). Other servers do not keep it.
    long owner = UNKNOWN_OWNER;
    final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();

    /**
     * On the leader: whether a request of {@code type} through server {@code through} finds the session owned
     * by another server (ZooKeeper's SessionTrackerImpl#checkSession). A closeSession passes, as in ZooKeeper's
     * PrepRequestProcessor: it ends the session through whichever server it comes.
     */
    boolean movedFrom(long through, int type) {
        return owner != through && owner != UNKNOWN_OWNER && type != dev.corral.wire.OpCode.CLOSE_SESSION;
    }

    Session(long sessionId, byte[] password, int timeoutMs) {
        this.sessionId = sessionId;
        this.password = password;
        this.timeoutMs = timeoutMs;
    }
}
