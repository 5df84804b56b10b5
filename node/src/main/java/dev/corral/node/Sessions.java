package dev.corral.node;

import dev.corral.tree.SessionTable;
import dev.corral.wire.ConnectRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions this server holds, and the session half of the client protocol: new session ids and
 * their passwords, the timeout a ConnectRequest is granted, whether a reconnect may resume a session,
 * which connection a session is attached to, and session liveness (a {@link SessionTracker}). The
 * Node decides what is replied, closed and proposed; this class keeps the state those decisions read.
 *
 * <p>Invariants: a session is held from its creation (on a learner, or from the leader's word that it is
 * alive, if a client resumes it here before its creation is applied) until its closeSession txn is applied; held
 * session ids are unique and never 0 or {@code Long.MIN_VALUE} (ZooKeeper's "no session" values); a
 * session that is closing is no longer tracked for expiry once its closeSession txn is proposed.
 */
final class Sessions {
    private final NodeConfig config;
    private final Map<Long, Session> byId = new HashMap<>();
    private final SessionTracker tracker;
    private SessionPasswords passwords = SessionPasswords.zookeeper();
    private long nextSessionId;

    Sessions(NodeConfig config) {
        this.config = config;
        this.tracker = new SessionTracker(config.tickMs());
        // ZooKeeper's SessionTrackerImpl#initializeNextSessionId: the boot time in the middle bits, the
        // server id in the top byte, so ids of different servers and of restarts do not collide.
        long sessionIdBase = (config.bootWallMs() << 24) >>> 8;
        this.nextSessionId = sessionIdBase | (config.serverId() << 56);
    }

    /** Makes and checks passwords with {@code passwords} from now on; only before any session is held. */
    void usePasswords(SessionPasswords newPasswords) {
        dev.corral.tree.Invariants.check(byId.isEmpty(), "session passwords changed while %d sessions are held", byId.size());
        this.passwords = newPasswords;
    }

    /**
     * Makes and checks passwords with {@code newPasswords} from now on, sessions already held included: a
     * learner adopting its leader's secret ({@code dev.corral.zab.SharedSecret}) before it serves.
     */
    void rekey(SessionPasswords newPasswords) {
        this.passwords = newPasswords;
        for (Session session : byId.values()) {
            session.password = newPasswords.derive(session.sessionId);
        }
    }

    /** The passwords sessions are made and checked with. */
    SessionPasswords passwords() {
        return passwords;
    }

    /** Every held session. */
    Collection<Session> all() {
        return byId.values();
    }

    /** The held session with this id, or null. */
    Session get(long sessionId) {
        return byId.get(sessionId);
    }

    /** The tick count of the session clock, which the container reaper shares. */
    long currentTick() {
        return tracker.currentTick();
    }

    /** The timeout a client asking for {@code requestedMs} gets: the request clamped to the configured bounds. */
    int grantedTimeoutMs(int requestedMs) {
        return Math.max(config.minSessionTimeoutMs(), Math.min(config.maxSessionTimeoutMs(), requestedMs));
    }

    /** A new session for the connection, held and tracked from now; it is established once its txn is applied. */
    Session create(ClientConnection connection, int timeoutMs) {
        long sessionId = newSessionId();
        Session session = new Session(sessionId, passwords.derive(sessionId), timeoutMs);
        byId.put(sessionId, session);
        attach(session, connection);
        tracker.touch(sessionId, timeoutMs);
        return session;
    }

    /**
     * The session a reconnect asks to resume, or null if it may not: unknown, closing, not yet
     * established, or the password is wrong.
     */
    Session resumable(ConnectRequest request) {
        Session session = byId.get(request.sessionId());
        if (session == null || session.closing || !session.established || !passwords.accepts(session.sessionId, request.passwd())) {
            return null;
        }
        return session;
    }

    /** Whether the password the request presents is its session's (which derives from the session id). */
    boolean acceptsPassword(ConnectRequest request) {
        return passwords.accepts(request.sessionId(), request.passwd());
    }

    /** Moves a resumed session to the connection with its newly granted timeout. */
    void resume(Session session, ClientConnection connection, int timeoutMs) {
        session.timeoutMs = timeoutMs;
        attach(session, connection);
        tracker.touch(session.sessionId, timeoutMs);
    }

    private static void attach(Session session, ClientConnection connection) {
        session.connectionId = connection.connectionId;
        connection.sessionId = session.sessionId;
    }

    /**
     * Whether the connection's new session is not established yet. ZooKeeper reads nothing more from
     * such a connection ({@code ZooKeeperServer#processConnectRequest} disables receiving until
     * {@code finishSessionInit}), so its ConnectResponse is the first frame back, before the answer to an
     * auth packet the client sent right behind its ConnectRequest.
     */
    boolean awaitsCreation(ClientConnection connection) {
        Session session = connection.connectReceived ? byId.get(connection.sessionId) : null;
        return session != null && !session.established && session.connectionId == connection.connectionId;
    }

    /** A request of the session arrived: it lives for another timeout, unless it is already closing. */
    void touch(Session session) {
        if (!session.closing) {
            tracker.touch(session.sessionId, session.timeoutMs);
        }
    }

    /** The client asked to close the session: it can no longer expire. */
    void stopTracking(Session session) {
        tracker.remove(session.sessionId);
    }

    /** One tick: the held sessions that expired and are not closing already, in expiry order. */
    List<Session> tick() {
        List<Session> expired = new ArrayList<>();
        for (long sessionId : tracker.tick()) {
            Session session = byId.get(sessionId);
            if (session != null && !session.closing) {
                expired.add(session);
            }
        }
        return expired;
    }

    /** The session's closeSession txn was applied: it is no longer held. */
    void remove(Session session) {
        byId.remove(session.sessionId);
        tracker.remove(session.sessionId);
    }

    /**
     * Tracks every session of the table from now with its whole timeout, holding those not held yet, as
     * a new ZooKeeper leader does: a client that reconnects in time keeps its session, the others expire.
     */
    void recover(SessionTable sessionTable) {
        sessionTable.all().forEach((sessionId, timeoutMs) -> {
            Session session = adopt(sessionId, timeoutMs);
            if (!session.closing) {
                tracker.touch(sessionId, session.timeoutMs);
            }
        });
    }

    /** Holds a session another server created (or one recovered from the log), established; returns it. */
    Session adopt(long sessionId, int timeoutMs) {
        Session session = byId.get(sessionId);
        if (session == null) {
            session = new Session(sessionId, passwords.derive(sessionId), timeoutMs);
            session.established = true;
            byId.put(sessionId, session);
            tracker.touch(sessionId, timeoutMs);
        }
        return session;
    }

    /** Holds exactly the sessions of the table, as a snapshot restored them; none has a connection. */
    void replaceAll(SessionTable sessionTable) {
        for (Session session : byId.values()) {
            tracker.remove(session.sessionId);
        }
        byId.clear();
        sessionTable.all().forEach(this::adopt);
    }

    private long newSessionId() {
        long sessionId = nextSessionId++;
        while (sessionId == Long.MIN_VALUE || sessionId == 0 || byId.containsKey(sessionId)) {
            sessionId = nextSessionId++;
        }
        return sessionId;
    }
}
