package dev.corral.node;

import dev.corral.tree.Invariants;
import dev.corral.wire.Id;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.zab.Peer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A learner's side of forwarding: a follower or observer does not order anything itself, so it sends its
 * clients' writes, closeSessions, session creations and syncs to the leader (ZooKeeper's
 * FollowerRequestProcessor and LearnerSessionTracker), asks the leader whether a session a client resumes
 * here is alive (ZooKeeper's Learner#validateSession), and carries its clients' session touches in its
 * pings. The reply to a forwarded write goes out when its txn is applied here (a {@link Waiter}); a
 * forwarded sync is answered when the leader says so, in the commit order.
 *
 * <p>Everything here is forgotten when the server stops serving: the leader that would answer is gone,
 * and the clients' connections are closed with it.
 */
final class LearnerForwarding {
    private final Peer peer;
    private final Sessions sessions;
    private final Waiters waiters;
    private final Connections connections;
    // The syncs forwarded to the leader and not answered yet, in the order sent. The leader answers a
    // learner's syncs in the order it received them, so the oldest is the one each answer is for.
    private final ArrayDeque<Waiter.ClientWrite> forwardedSyncs = new ArrayDeque<>();
    // The connections resuming a session, waiting for the leader to revalidate it; their frames are held.
    private final Map<Long, List<ClientConnection>> revalidating = new HashMap<>();
    // Sessions this server's clients kept alive since its last ping to the leader, with their timeouts.
    // A closing session is not added, and a forwarded closeSession removes its own: the leader stops
    // tracking a session once its close is proposed.
    private Map<Long, Integer> touchedSinceLastPing = new HashMap<>();

    LearnerForwarding(Peer peer, Sessions sessions, Waiters waiters, Connections connections) {
        this.peer = peer;
        this.sessions = sessions;
        this.waiters = waiters;
        this.connections = connections;
    }

    /** The sessions touched since the last ping, for the next ping; the Peer asks when it sends one. */
    Map<Long, Integer> takeTouches() {
        Map<Long, Integer> touched = touchedSinceLastPing;
        touchedSinceLastPing = new HashMap<>();
        return touched;
    }

    /** A request of the session arrived here: the leader hears of it in the next ping. */
    void touched(Session session) {
        if (!session.closing) {
            touchedSinceLastPing.put(session.sessionId, session.timeoutMs);
        }
    }

    /**
     * Has the leader order the creation of a session made here (its id has this server's id in the top
     * byte, which keeps it unique, as ZooKeeper's LearnerSessionTracker does); the session is established
     * when its txn is applied. False when there is no leader to send it to.
     */
    boolean forwardCreateSession(Session session, int timeoutMs) {
        JuteOutput timeout = new JuteOutput(4);
        timeout.writeInt(timeoutMs);
        if (!peer.forwardRequest(session.sessionId, Waiter.SERVER_CXID, OpCode.CREATE_SESSION, timeout.toByteArray(), List.of())) {
            return false;
        }
        waiters.add(new Waiter.CreateSession(session, 0));
        return true;
    }

    /**
     * Sends a write, closeSession or sync to the leader, which orders it; the reply goes out when its txn
     * is applied here (a sync: when the leader answered it). False when there is no leader to send it to;
     * the request then waits, and goes when this server stops serving.
     */
    boolean forward(Session session, PendingRequest request) {
        ClientConnection connection = connections.get(request.connectionId);
        List<Id> auth = connection == null ? List.of() : connection.authIds;
        if (!peer.forwardRequest(session.sessionId, request.xid, request.type, request.rawBody(), auth)) {
            return false;
        }
        request.forwarded = true;
        if (request.type == OpCode.SYNC) {
            forwardedSyncs.addLast(new Waiter.ClientWrite(session, request));
        } else {
            if (request.type == OpCode.CLOSE_SESSION) {
                session.closing = true;
                sessions.stopTracking(session);
                touchedSinceLastPing.remove(session.sessionId);
            }
            waiters.add(new Waiter.ClientWrite(session, request));
        }
        return true;
    }

    /**
     * The leader answered the oldest forwarded sync, right after the commit of the point it waited for and
     * before later commits: the sync is done here, and its session's queue may go on. Returns it.
     */
    Waiter.ClientWrite onSyncDone() {
        Waiter.ClientWrite sync = forwardedSyncs.pollFirst();
        Invariants.check(sync != null, "the leader answered a sync nobody here forwarded");
        sync.request().synced = true;
        return sync;
    }

    /**
     * Asks the leader whether the session a connection resumes is alive; the connection's frames are held
     * until it answers. False when there is no leader to ask.
     */
    boolean revalidate(ClientConnection connection, long sessionId, int timeoutMs) {
        if (!peer.revalidate(sessionId, timeoutMs)) {
            return false;
        }
        connection.resumingTimeoutMs = timeoutMs;
        connection.sessionId = sessionId;
        revalidating.computeIfAbsent(sessionId, id -> new ArrayList<>()).add(connection);
        return true;
    }

    /** The leader answered a revalidation: the connections that waited for it, in the order they asked (maybe closed since). */
    List<ClientConnection> onRevalidated(long sessionId) {
        List<ClientConnection> waiting = revalidating.remove(sessionId);
        return waiting == null ? List.of() : waiting;
    }

    /** This server stopped serving: nothing forwarded will be answered, and no ping carries touches now. */
    void clear() {
        forwardedSyncs.clear();
        revalidating.clear();
        touchedSinceLastPing = new HashMap<>();
    }
}
