package dev.corral.node;

import dev.corral.tree.DataTree;
import dev.corral.tree.Zxid;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.Frames;
import dev.corral.zab.ServerState;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a connection gets its session, from its ConnectRequest to its ConnectResponse (ZooKeeper's
 * {@code ZooKeeperServer#processConnectRequest} and {@code finishSessionInit}): a new session is created by
 * a txn the leader orders (proposed here on the leader, forwarded by a learner), a session resumed on the
 * leader moves at once, and a session resumed on a learner moves once the leader revalidated it, since
 * only the leader knows whether it is still alive. A session that may not be resumed is refused with
 * ZooKeeper's all-zero ConnectResponse, and the connection closed.
 *
 * <p>Until its session is established or revalidated, a connection's later frames are held (see
 * {@link Connections#hold}), and read in order once it is: ZooKeeper reads nothing more from the
 * connection meanwhile, so the ConnectResponse is always the first frame back.
 *
 * <p>A server in read-only mode ({@link ReadOnlyMode}) takes read-only clients only, and makes their
 * sessions itself, local to it, without any txn ({@link #onConnectReadOnly}).
 */
final class SessionHandshake {
    private final NodeConfig config;
    private final DataTree tree;
    private final Sessions sessions;
    private final Connections connections;
    private final Proposer proposer;
    private final LearnerForwarding learner;
    // The server's role now, for the reason given when a connection is closed.
    private final Supplier<ServerState> serverState;
    // Reads the frames a connection held while its session was being revalidated (the Node's pipeline).
    private final Consumer<ClientConnection> readHeldFrames;
    private final ReadOnlyMode readOnly;

    SessionHandshake(NodeConfig config, DataTree tree, Sessions sessions, Connections connections, Proposer proposer,
            LearnerForwarding learner, Supplier<ServerState> serverState, Consumer<ClientConnection> readHeldFrames,
            ReadOnlyMode readOnly) {
        this.readOnly = readOnly;
        this.config = config;
        this.tree = tree;
        this.sessions = sessions;
        this.connections = connections;
        this.proposer = proposer;
        this.learner = learner;
        this.serverState = serverState;
        this.readHeldFrames = readHeldFrames;
    }

    /** The connection's first frame, a ConnectRequest; {@code leading} whether this server is the established leader. */
    void onConnect(ClientConnection connection, ConnectRequest request, boolean leading) {
        connection.connectReceived = true;
        connection.readOnlyPresent = request.readOnlyPresent();
        if (clientIsAhead(connection, request)) {
            return;
        }
        int timeoutMs = sessions.grantedTimeoutMs(request.timeOut());
        if (request.sessionId() == 0) {
            if (leading && proposer.canPropose()) {
                Session session = sessions.create(connection, timeoutMs);
                session.owner = config.serverId();
                proposer.proposeCreateSession(session, timeoutMs);
                return;
            }
            // A learner makes the session id and has the leader order the creation.
            Session session = sessions.create(connection, timeoutMs);
            if (leading || !learner.forwardCreateSession(session, timeoutMs)) {
                sessions.remove(session);
                connections.close(connection, "this server cannot create sessions now: it is " + serverState.get());
            }
            return;
        }
        Session session = sessions.resumable(request);
        if (leading) {
            if (session == null) {
                refuseSession(connection, request.sessionId());
                return;
            }
            session.owner = config.serverId();
            resume(session, connection, timeoutMs);
            return;
        }
        // Only the leader knows whether the session is still alive; the connection waits for its answer. A
        // session this server has not applied the creation of yet is asked about too, as ZooKeeper's learner
        // asks about any session whose password is right (LearnerZooKeeperServer#revalidateSession): a
        // client may resume here a session it made on another server a moment ago. Found by kazoo's expiry
        // test on the compat ensemble: a second client resumed the first one's session on a follower that
        // lagged by a commit, and was told the session had expired.
        if (session == null && (sessions.get(request.sessionId()) != null || !sessions.acceptsPassword(request))) {
            refuseSession(connection, request.sessionId());
            return;
        }
        if (!learner.revalidate(connection, request.sessionId(), timeoutMs)) {
            connections.close(connection, "this server cannot revalidate sessions now: it is " + serverState.get());
        }
    }

    /**
     * The ConnectRequest of a connection to a server in read-only mode (ZooKeeper's processConnectRequest on a
     * ReadOnlyZooKeeperServer): a client that did not ask for read-only access is refused, a new session is
     * made here and established at once, and only a session made here may be resumed.
     */
    void onConnectReadOnly(ClientConnection connection, ConnectRequest request) {
        connection.connectReceived = true;
        connection.readOnlyPresent = request.readOnlyPresent();
        if (!request.readOnly()) {
            connections.close(connection, "refusing the session of a client that is not read-only: this server is read-only");
            return;
        }
        if (clientIsAhead(connection, request)) {
            return;
        }
        int timeoutMs = sessions.grantedTimeoutMs(request.timeOut());
        if (request.sessionId() == 0) {
            Session session = sessions.create(connection, timeoutMs);
            session.established = true;
            session.owner = config.serverId();
            readOnly.adopt(session.sessionId);
            sendConnectResponse(session, connection);
            return;
        }
        if (!readOnly.isLocal(request.sessionId())) {
            connections.close(connection, "refusing to resume session 0x" + Long.toHexString(request.sessionId())
                    + " of the quorum: this server is read-only");
            return;
        }
        Session session = sessions.resumable(request);
        if (session == null) {
            refuseSession(connection, request.sessionId());
            return;
        }
        resume(session, connection, timeoutMs);
    }

    /** A client that saw a later zxid than this server applied must try another server: its connection closes. */
    private boolean clientIsAhead(ClientConnection connection, ConnectRequest request) {
        if (request.lastZxidSeen() > tree.lastProcessedZxid()) {
            connections.close(connection, "client has seen zxid " + Zxid.hex(request.lastZxidSeen()) + " but our last zxid is "
                    + Zxid.hex(tree.lastProcessedZxid()));
            return true;
        }
        return false;
    }

    /** On a learner: the leader answered whether a session resumed here is alive. */
    void onRevalidated(long sessionId, boolean valid) {
        for (ClientConnection connection : learner.onRevalidated(sessionId)) {
            if (!connections.isOpen(connection)) {
                continue; // closed meanwhile
            }
            Session session = sessions.get(sessionId);
            int timeoutMs = connection.resumingTimeoutMs;
            if (valid && session == null) {
                // Alive on the leader, so its creation is committed: this server holds it from now, before it
                // applies that (which then finds it).
                session = sessions.adopt(sessionId, timeoutMs);
            }
            if (!valid || session.closing) {
                refuseSession(connection, sessionId);
                continue;
            }
            connection.resumingTimeoutMs = 0;
            resume(session, connection, timeoutMs);
            readHeldFrames.accept(connection);
        }
    }

    /** The session is established (or resumed): the client learns its id, password and granted timeout. */
    void sendConnectResponse(Session session, ClientConnection connection) {
        connections.send(connection, Frames.frame(out ->
                new ConnectResponse(0, session.timeoutMs, session.sessionId, session.password, readOnly.active())
                        .write(out, connection.readOnlyPresent)));
    }

    private void refuseSession(ClientConnection connection, long sessionId) {
        connections.send(connection, Frames.frame(out ->
                new ConnectResponse(0, 0, 0, new byte[16], false).write(out, connection.readOnlyPresent)));
        connections.close(connection, "invalid session 0x" + Long.toHexString(sessionId) + ", probably expired");
    }

    private void resume(Session session, ClientConnection connection, int timeoutMs) {
        // Before the session moves, so that forgetting the previous connection drops its unproposed requests.
        ClientConnection previous = connections.get(session.connectionId);
        if (previous != null && previous != connection) {
            connections.close(previous, "session 0x" + Long.toHexString(session.sessionId) + " moved to another connection");
        }
        sessions.resume(session, connection, timeoutMs);
        sendConnectResponse(session, connection);
    }
}
