package dev.corral.node;

import dev.corral.tree.Acls;
import dev.corral.tree.DataTree;
import dev.corral.tree.Invariants;
import dev.corral.tree.WatchEvent;
import dev.corral.tree.WatchTable;
import dev.corral.wire.Acl;
import dev.corral.wire.Frames;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.WatcherEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client connections open on this server, what goes out to them (frames, notifications, closes), and
 * the count of requests received and not answered. The Node decides what to send and when; this class
 * keeps the connections and the count consistent with each other, which is why every frame, close and
 * answered request goes through it.
 *
 * <p>A request is counted from the moment its frame arrives (held by its connection, or queued in its
 * session) until it is answered or dropped. A connection's own count lives only while it is open; the
 * total outlives it, because a closed connection's proposed writes stay in their session's queue until
 * they are applied (ZooKeeper too applies a write whose client went away). {@link #checkOutstanding}
 * checks the whole accounting.
 */
final class Connections {
    private final Map<Long, ClientConnection> byId = new HashMap<>();
    private final Sessions sessions;
    private final WatchTable watches;
    private final DataTree tree;
    private final Effects effects;
    private final NodeStats stats;
    // Requests received and not answered: the requests in held sessions' queues plus the frames held by
    // open connections. It is not the sum of the open connections' counts: a closed connection's
    // proposed writes stay in their session's queue until applied (see checkOutstanding).
    // Invariant: outstanding >= 0.
    private int outstanding;

    Connections(Sessions sessions, WatchTable watches, DataTree tree, Effects effects, NodeStats stats) {
        this.sessions = sessions;
        this.watches = watches;
        this.tree = tree;
        this.effects = effects;
        this.stats = stats;
    }

    /** The open connection with this id, or null. */
    ClientConnection get(long connectionId) {
        return byId.get(connectionId);
    }

    /** Whether the connection is still open (a connection object outlives its close in callers' hands). */
    boolean isOpen(ClientConnection connection) {
        return byId.get(connection.connectionId) == connection;
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    int size() {
        return byId.size();
    }

    /** Every open connection, in the map's order (deterministic for equal histories of connection ids). */
    Collection<ClientConnection> all() {
        return byId.values();
    }

    /** Requests received and not yet answered, over all sessions. */
    int outstanding() {
        return outstanding;
    }

    void open(long connectionId, String remoteAddress, long wallMs) {
        Invariants.check(!byId.containsKey(connectionId), "connection %d opened twice", connectionId);
        byId.put(connectionId, new ClientConnection(connectionId, remoteAddress, wallMs));
    }

    /** Keeps a frame that arrived while the connection's session is created or revalidated; it counts as outstanding. */
    void hold(ClientConnection connection, byte[] frame) {
        connection.heldFrames.addLast(frame);
        outstanding++;
        connection.outstanding++;
    }

    /** The next held frame of a connection that is still open, no longer counted; null when there is none. */
    byte[] nextHeldFrame(ClientConnection connection) {
        if (connection.heldFrames.isEmpty() || !isOpen(connection)) {
            return null;
        }
        outstanding--;
        connection.outstanding--;
        return connection.heldFrames.removeFirst();
    }

    /** A request of the connection joined its session's queue. */
    void queued(ClientConnection connection) {
        outstanding++;
        connection.outstanding++;
    }

    /** Counts a request as no longer outstanding; returns its connection if that is still open. */
    ClientConnection dequeued(PendingRequest request) {
        outstanding--;
        Invariants.check(outstanding >= 0, "more requests answered than received");
        ClientConnection connection = byId.get(request.connectionId);
        if (connection != null) {
            connection.outstanding--;
        }
        return connection;
    }

    /** Forgets a session's queued requests, none of which will be answered. */
    void dropQueued(Session session) {
        for (PendingRequest request : session.queue) {
            dequeued(request);
        }
        session.queue.clear();
    }

    void send(ClientConnection connection, byte[] frame) {
        stats.frameSent(connection);
        effects.send(connection.connectionId, frame);
    }

    /** A reply with no body, stamped with the last zxid applied here. */
    void reply(ClientConnection connection, int xid, int err) {
        send(connection, Frames.reply(new ReplyHeader(xid, tree.lastProcessedZxid(), err), null));
    }

    /** Records the latency of an answered request in the statistics. */
    void answered(ClientConnection connection, PendingRequest request, long nowMs) {
        stats.answered(connection, request, nowMs, tree.lastProcessedZxid());
    }

    /** Sends each watch event to its watcher's connection, if still open and allowed to read the znode. */
    void notify(List<WatchEvent> events) {
        for (WatchEvent event : events) {
            ClientConnection watcher = byId.get(event.watcherId());
            if (watcher != null && (event.readAcl() == null || Acls.isAllowed(event.readAcl(), Acl.READ, watcher.authIds))) {
                send(watcher, Frames.notification(event.zxid(),
                        new WatcherEvent(event.type(), WatchEvent.SYNC_CONNECTED, event.path())));
            }
        }
    }

    /** Has the shell close the connection, and forgets it. */
    void close(ClientConnection connection, String reason) {
        effects.close(connection.connectionId, reason);
        forget(connection);
    }

    /** Closes every open connection, in the map's order. */
    void closeAll(String reason) {
        for (ClientConnection connection : new ArrayList<>(byId.values())) {
            close(connection, reason);
        }
    }

    /** Closes the connections whose session the leader was asked to revalidate and has not answered. */
    void closeRevalidating(String reason) {
        for (ClientConnection connection : new ArrayList<>(byId.values())) {
            if (connection.resumingTimeoutMs > 0) {
                close(connection, reason);
            }
        }
    }

    /** Drops what belonged to a connection; its session lives on until it expires or is closed. */
    void forget(ClientConnection connection) {
        byId.remove(connection.connectionId);
        outstanding -= connection.heldFrames.size();
        connection.outstanding -= connection.heldFrames.size();
        connection.heldFrames.clear();
        watches.removeWatcher(connection.connectionId);
        Session session = sessions.get(connection.sessionId);
        if (session != null && session.connectionId == connection.connectionId) {
            session.connectionId = Session.NO_CONNECTION;
            int before = session.queue.size();
            session.queue.removeIf(request -> !request.proposed());
            outstanding -= before - session.queue.size();
        }
    }

    /**
     * Checks the whole request accounting, at a cost linear in the queued requests, so tests call it
     * after each event rather than the Node itself: {@code outstanding} is the number of requests in
     * held sessions' queues plus the frames held by open connections; an open connection's count is its
     * own requests in its session's queue plus its held frames; a request from a closed connection is a
     * proposed write (it stays queued until applied, so the open connections' counts add up to less
     * than {@code outstanding}).
     */
    void checkOutstanding() {
        int queued = 0;
        Map<Long, Integer> byConnection = new HashMap<>();
        for (Session session : sessions.all()) {
            queued += session.queue.size();
            for (PendingRequest request : session.queue) {
                byConnection.merge(request.connectionId, 1, Integer::sum);
                Invariants.check(byId.containsKey(request.connectionId) || (request.write && request.proposed()),
                        "request %d of closed connection %d in session %x is not a proposed write", request.xid,
                        request.connectionId, session.sessionId);
            }
        }
        int held = 0;
        for (ClientConnection connection : byId.values()) {
            held += connection.heldFrames.size();
            int own = byConnection.getOrDefault(connection.connectionId, 0) + connection.heldFrames.size();
            Invariants.check(connection.outstanding == own, "connection %d counts %d outstanding requests, holds %d",
                    connection.connectionId, connection.outstanding, own);
        }
        Invariants.check(outstanding == queued + held, "outstanding %d, but %d queued and %d held", outstanding, queued, held);
    }
}
