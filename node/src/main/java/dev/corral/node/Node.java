package dev.corral.node;

import dev.corral.tree.Acls;
import dev.corral.tree.DataTree;
import dev.corral.tree.Invariants;
import dev.corral.tree.SessionTable;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.TxnPreparer;
import dev.corral.tree.TxnResult;
import dev.corral.tree.WatchEvent;
import dev.corral.tree.WatchTable;
import dev.corral.tree.Zxid;
import dev.corral.wire.Acl;
import dev.corral.wire.AuthPacket;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.GetSASLRequest;
import dev.corral.wire.SetSASLResponse;
import dev.corral.wire.Frames;
import dev.corral.wire.Id;
import dev.corral.wire.JuteInput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.WatcherEvent;
import dev.corral.wire.Xid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One Corral server's state machine: the tree, the sessions, the watches and the request pipeline of
 * DESIGN.md (admission, drain, propose, apply, reply). It is single-threaded and owns no thread,
 * socket, file or clock: the shell feeds it events (a connection opened, a frame arrived, a connection
 * closed, the log synced, a tick) with the wall time, and carries out the {@link Output}s each event
 * returns. Session bookkeeping lives in {@link Sessions}, the counters of the four-letter words in
 * {@link NodeStats}, and what waits for a txn in {@link Waiters}.
 *
 * <p>Invariants: txns are proposed and applied in increasing zxid order; a session's replies leave in
 * the order of its requests, after the notifications of every txn applied before them.
 */
public final class Node {
    private final NodeConfig config;
    private final DataTree tree = new DataTree();
    private final SessionTable sessionTable = new SessionTable();
    private final WatchTable watches = new WatchTable();
    private final TxnPreparer preparer;
    private final TxnApplier applier;
    private final ReadProcessor reads;
    private final Replication replication;
    private final Sessions sessions;
    private final ContainerReaper reaper;
    private final Map<Long, ClientConnection> connections = new HashMap<>();
    private final Waiters waiters = new Waiters();
    private final Effects effects = new Effects();
    private final NodeStats stats = new NodeStats();
    // Requests received and not answered: the requests in held sessions' queues plus the frames held by
    // open connections. It is not the sum of the open connections' counts: a closed connection's
    // proposed writes stay in their session's queue until applied (see checkOutstanding).
    // Invariant: outstanding >= 0.
    private int outstanding;
    // Invariant: lastProposedZxid >= tree.lastProcessedZxid().
    private long lastProposedZxid;
    private long nowMs;
    private final SnapshotSchedule snapshots;

    public Node(NodeConfig config) {
        this(config, config.durableLog() ? LoggedReplication::new : effects -> new SoloReplication());
    }

    /** A Node whose txns go through the given replication, which may also commit txns of other servers. */
    Node(NodeConfig config, Function<Effects, Replication> replication) {
        this.config = config;
        this.preparer = new TxnPreparer(tree, config.extendedTypesEnabled());
        this.applier = new TxnApplier(tree, sessionTable, watches);
        this.reads = new ReadProcessor(tree, watches, config.watchesPerSessionMax());
        this.replication = replication.apply(effects);
        this.sessions = new Sessions(config);
        this.reaper = new ContainerReaper(config);
        this.nowMs = config.bootWallMs();
        this.snapshots = new SnapshotSchedule(config);
    }

    public DataTree tree() {
        return tree;
    }

    public SessionTable sessionTable() {
        return sessionTable;
    }

    public WatchTable watches() {
        return watches;
    }

    public int connectionCount() {
        return connections.size();
    }

    /** Latency of answered requests since the last {@link #resetStats()}. */
    public LatencyStats latency() {
        return stats.latency();
    }

    /** Latency of answered requests per opcode since start (never reset: Prometheus counters only grow). */
    public Map<Integer, LatencyStats> latencyByOpcode() {
        return stats.latencyByOpcode();
    }

    public long framesReceived() {
        return stats.framesReceived();
    }

    public long framesSent() {
        return stats.framesSent();
    }

    /** Requests received and not yet answered, over all sessions. */
    public int outstandingRequests() {
        return outstanding;
    }

    /** Whether the connection sent requests that are not answered yet (the shell pauses its reads when throttling). */
    public boolean hasOutstandingRequests(long connectionId) {
        ClientConnection connection = connections.get(connectionId);
        return connection != null && connection.outstanding > 0;
    }

    /** Requests of the connection received and not yet answered (the shell bounds them per connection). */
    public int outstandingRequests(long connectionId) {
        ClientConnection connection = connections.get(connectionId);
        return connection == null ? 0 : connection.outstanding;
    }

    /** ZooKeeper's srst: server latency and packet counts start again. */
    public void resetStats() {
        stats.reset();
    }

    /** ZooKeeper's crst: every connection's counters start again. */
    public void resetConnectionStats() {
        NodeStats.resetConnections(connections.values());
    }

    /** What cons shows of each open connection, in connection order. */
    public List<ConnectionView> connectionViews() {
        return NodeStats.views(connections.values(), sessions);
    }

    public List<Output> onConnectionOpened(long connectionId, String remoteAddress, long wallMs) {
        nowMs = wallMs;
        Invariants.check(!connections.containsKey(connectionId), "connection %d opened twice", connectionId);
        connections.put(connectionId, new ClientConnection(connectionId, remoteAddress, wallMs));
        return effects.drain();
    }

    /** A complete frame from a connection, without its 4-byte length prefix. */
    public List<Output> onFrame(long connectionId, byte[] frame, long wallMs) {
        nowMs = wallMs;
        ClientConnection connection = connections.get(connectionId);
        if (connection != null) {
            stats.frameReceived(connection);
            if (sessions.awaitsCreation(connection)) {
                connection.heldFrames.addLast(frame);
                outstanding++;
                connection.outstanding++;
            } else {
                read(connection, frame);
            }
            applyCommitted();
        }
        return effects.drain();
    }

    private void read(ClientConnection connection, byte[] frame) {
        try {
            JuteInput in = new JuteInput(frame);
            if (!connection.connectReceived) {
                onConnect(connection, ConnectRequest.read(in));
            } else {
                onRequest(connection, in);
            }
        } catch (MalformedRecordException e) {
            closeConnection(connection, "malformed request: " + e.getMessage());
        }
    }

    /** Reads, in order, the frames held while the connection's session was being created. */
    private void readHeldFrames(ClientConnection connection) {
        while (!connection.heldFrames.isEmpty() && connections.get(connection.connectionId) == connection) {
            byte[] frame = connection.heldFrames.removeFirst();
            outstanding--;
            connection.outstanding--;
            read(connection, frame);
        }
    }

    public List<Output> onConnectionClosed(long connectionId, long wallMs) {
        nowMs = wallMs;
        ClientConnection connection = connections.get(connectionId);
        if (connection != null) {
            forget(connection);
        }
        applyCommitted();
        return effects.drain();
    }

    /**
     * Applies a txn read back from the log at start, before any other event: the state it leads to is
     * rebuilt, nothing is replied. Entries must come in zxid order.
     */
    public void replay(TxnEntry entry) {
        Invariants.check(connections.isEmpty(), "replay after clients connected");
        applier.apply(entry, new ArrayList<>());
        lastProposedZxid = entry.zxid();
        preparer.retire(entry.zxid());
    }

    /** Restores the state a snapshot holds, at start, before the log after it is replayed. */
    public void restore(long zxid, List<String> paths, List<dev.corral.tree.Znode> nodes, Map<Long, Integer> sessions, long digest) {
        Invariants.check(connections.isEmpty() && lastProposedZxid == 0, "restore after the node started");
        tree.load(zxid, paths, nodes, digest);
        sessionTable.load(sessions);
        lastProposedZxid = zxid;
    }

    /** An image of the whole state now, e.g. to snapshot right after recovery. */
    public dev.corral.tree.TreeSnapshot snapshot() {
        return tree.snapshot(sessionTable);
    }

    /**
     * Ends recovery: every session in the recovered table is tracked again from now with its timeout, so
     * a client that reconnects in time keeps it and the others expire, as after a ZooKeeper restart.
     */
    public void finishRecovery(long wallMs) {
        nowMs = wallMs;
        sessions.recover(sessionTable);
    }

    /** The log is durable up to {@code zxid}: the txns up to it commit, apply and reply. */
    public List<Output> onLogSynced(long zxid, long wallMs) {
        nowMs = wallMs;
        replication.onLogSynced(zxid);
        applyCommitted();
        return effects.drain();
    }

    /** One tick of the tick clock: sessions expire, containers and TTL nodes are reaped. */
    public List<Output> onTick(long wallMs) {
        nowMs = wallMs;
        for (Session session : sessions.tick()) {
            session.closing = true;
            long zxid = nextZxid();
            propose(new Waiter.ExpireSession(session, zxid), preparer.prepareCloseSession(session.sessionId, zxid));
        }
        for (String path : reaper.candidates(sessions.currentTick(), tree, wallMs)) {
            long zxid = nextZxid();
            propose(new Waiter.ServerOwn(zxid),
                    preparer.prepare(OpCode.DELETE_CONTAINER, path, Waiter.ServerOwn.SESSION_ID, List.of(), zxid));
        }
        applyCommitted();
        return effects.drain();
    }

    private void onConnect(ClientConnection connection, ConnectRequest request) {
        connection.connectReceived = true;
        connection.readOnlyPresent = request.readOnlyPresent();
        if (request.lastZxidSeen() > tree.lastProcessedZxid()) {
            closeConnection(connection, "client has seen zxid " + Zxid.hex(request.lastZxidSeen()) + " but our last zxid is "
                    + Zxid.hex(tree.lastProcessedZxid()));
            return;
        }
        int timeoutMs = sessions.grantedTimeoutMs(request.timeOut());
        if (request.sessionId() == 0) {
            Session session = sessions.create(connection, timeoutMs);
            propose(new Waiter.CreateSession(session, nextZxid()), new Txn.CreateSession(session.sessionId, timeoutMs));
            return;
        }
        Session session = sessions.resumable(request);
        if (session == null) {
            send(connection, Frames.frame(out ->
                    new ConnectResponse(0, 0, 0, new byte[16], false).write(out, connection.readOnlyPresent)));
            closeConnection(connection, "invalid session 0x" + Long.toHexString(request.sessionId()) + ", probably expired");
            return;
        }
        // Before the session moves, so that forgetting the previous connection drops its unproposed requests.
        ClientConnection previous = connections.get(session.connectionId);
        if (previous != null && previous != connection) {
            closeConnection(previous, "session 0x" + Long.toHexString(session.sessionId) + " moved to another connection");
        }
        sessions.resume(session, connection, timeoutMs);
        sendConnectResponse(session, connection);
    }

    private void sendConnectResponse(Session session, ClientConnection connection) {
        send(connection, Frames.frame(out ->
                new ConnectResponse(0, session.timeoutMs, session.sessionId, session.password, false)
                        .write(out, connection.readOnlyPresent)));
    }

    private void onRequest(ClientConnection connection, JuteInput in) {
        RequestHeader header = RequestHeader.read(in);
        Session session = sessions.get(connection.sessionId);
        if (session == null || session.connectionId != connection.connectionId) {
            closeConnection(connection, "request on a connection without a live session");
            return;
        }
        sessions.touch(session);
        if (header.type() == OpCode.AUTH) {
            onAuth(connection, header, AuthPacket.read(in));
            return;
        }
        if (header.type() == OpCode.SASL) {
            // No SASL mechanism is configured: ZooKeeper 3.9 then answers OK with an empty token
            // (ZooKeeperServer#processSasl finds no SASL server), and the client carries on unauthenticated.
            GetSASLRequest.read(in);
            send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.OK),
                    new SetSASLResponse(null)::write));
            return;
        }
        if (!Requests.isKnown(header.type())) {
            reply(connection, header.xid(), ErrorCode.UNIMPLEMENTED);
            closeConnection(connection, "unsupported opcode " + header.type());
            return;
        }
        Object body = Requests.decode(header.type(), in);
        if (session.closing) {
            reply(connection, header.xid(), ErrorCode.SESSIONEXPIRED);
            return;
        }
        session.queue.addLast(new PendingRequest(connection.connectionId, header.xid(), header.type(), body,
                Requests.isWrite(header.type()), nowMs));
        outstanding++;
        connection.outstanding++;
        drain(session);
    }

    private void onAuth(ClientConnection connection, RequestHeader header, AuthPacket packet) {
        String scheme = packet.scheme();
        if (Acls.DIGEST.equals(scheme) && packet.auth() != null) {
            String digest = Acls.digest(new String(packet.auth(), StandardCharsets.UTF_8));
            if (config.superDigest() != null && config.superDigest().equals(digest)) {
                addAuth(connection, new Id(Acls.SUPER, ""));
            }
            addAuth(connection, new Id(Acls.DIGEST, digest));
        } else if (!Acls.IP.equals(scheme)) {
            send(connection,
                    Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.AUTHFAILED), null));
            closeConnection(connection, "authentication with unknown scheme " + scheme + " failed");
            return;
        }
        send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.OK), null));
    }

    private static void addAuth(ClientConnection connection, Id id) {
        if (!connection.authIds.contains(id)) {
            connection.authIds.add(id);
        }
    }

    /** Answers or proposes the requests at the front of a session's queue, in order. */
    private void drain(Session session) {
        if (!session.established) {
            return;
        }
        while (!session.queue.isEmpty()) {
            PendingRequest head = session.queue.peekFirst();
            if (head.write) {
                break;
            }
            session.queue.removeFirst();
            ClientConnection connection = dequeued(head);
            if (connection != null) {
                List<WatchEvent> events = new ArrayList<>();
                byte[] reply = reads.serve(head, connection, events);
                notify(events);
                send(connection, reply);
                answered(connection, head);
            }
        }
        // Every write in the queue is proposed at once, past the reads between them, so a session's
        // writes share log syncs as ZooKeeper's pipeline lets them. A read still waits at its place: it is
        // served when the write before it is applied, before the write after it is (applyCommitted applies
        // one txn, then drains), so it sees exactly the writes sent before it.
        for (PendingRequest request : session.queue) {
            if (request.write && !request.proposed()) {
                proposeWrite(session, request);
            }
            if (request.type == OpCode.CLOSE_SESSION) {
                break;
            }
        }
    }

    private void proposeWrite(Session session, PendingRequest request) {
        long zxid = nextZxid();
        Txn txn;
        if (request.type == OpCode.CLOSE_SESSION) {
            session.closing = true;
            sessions.stopTracking(session);
            txn = preparer.prepareCloseSession(session.sessionId, zxid);
        } else if (request.body == Requests.UNDECODABLE) {
            txn = new Txn.Error(ErrorCode.MARSHALLINGERROR);
        } else if (request.type == OpCode.RECONFIG) {
            // A standalone server has no ensemble to reconfigure (ZooKeeper: RECONFIGDISABLED unless
            // reconfigEnabled, then UNIMPLEMENTED); like ZooKeeper's, the refusal takes a zxid.
            txn = new Txn.Error(config.reconfigEnabled() ? ErrorCode.UNIMPLEMENTED : ErrorCode.RECONFIGDISABLED);
        } else {
            ClientConnection connection = connections.get(request.connectionId);
            List<Id> auth = connection == null ? List.of() : connection.authIds;
            txn = preparer.prepare(request.type, request.body, session.sessionId, auth, zxid);
        }
        request.zxid = zxid;
        propose(new Waiter.ClientWrite(session, request, txn), txn);
    }

    private long nextZxid() {
        Invariants.check(Zxid.counter(lastProposedZxid) < 0xffffffffL, "zxid counter exhausted at %x", lastProposedZxid);
        return lastProposedZxid + 1;
    }

    /** Proposes a txn this server prepared; its header carries the waiter's (sessionId, cxid), by which it is found. */
    private void propose(Waiter waiter, Txn txn) {
        long zxid = waiter.zxid();
        Invariants.check(zxid == lastProposedZxid + 1, "zxid %x proposed after %x", zxid, lastProposedZxid);
        lastProposedZxid = zxid;
        waiters.add(waiter);
        replication.propose(new TxnEntry(zxid, nowMs, waiter.sessionId(), waiter.cxid(), txn));
    }

    /**
     * Applies every committed txn, then sends its notifications and the reply of whatever waits for it
     * here. A txn nobody here waits for (another server's) is applied without a reply.
     */
    private void applyCommitted() {
        for (TxnEntry entry = replication.pollCommitted(); entry != null; entry = replication.pollCommitted()) {
            List<WatchEvent> events = new ArrayList<>();
            TxnResult result = applier.apply(entry, events);
            preparer.retire(entry.zxid());
            // A txn another server proposed moves the zxid this one proposes after (a no-op when every txn
            // is this server's own), which keeps lastProposedZxid >= tree.lastProcessedZxid().
            lastProposedZxid = Math.max(lastProposedZxid, entry.zxid());
            notify(events);
            Waiter waiter = waiters.onCommitted(entry);
            if (waiter != null) {
                onApplied(waiter, result);
            }
            if (snapshots.onApplied()) {
                effects.snapshot(tree.snapshot(sessionTable));
            }
        }
    }

    private void onApplied(Waiter waiter, TxnResult result) {
        if (waiter instanceof Waiter.ClientWrite write) {
            Session session = write.session();
            PendingRequest request = session.queue.pollFirst();
            Invariants.check(request == write.request(), "reply out of order in session %x", session.sessionId);
            ClientConnection connection = dequeued(request);
            if (connection != null) {
                send(connection, Frames.reply(
                        new ReplyHeader(request.xid, tree.lastProcessedZxid(), WriteReplies.headerErr(write.txn(), result)),
                        WriteReplies.body(request.type, request.body, write.txn(), result)));
                answered(connection, request);
            }
            if (request.type == OpCode.CLOSE_SESSION) {
                endSession(session, "client closed its session");
            } else {
                drain(session);
            }
        } else if (waiter instanceof Waiter.CreateSession create) {
            Session session = create.session();
            session.established = true;
            ClientConnection connection = connections.get(session.connectionId);
            if (connection != null) {
                sendConnectResponse(session, connection);
            }
            drain(session);
            if (connection != null) {
                readHeldFrames(connection);
            }
        } else if (waiter instanceof Waiter.ExpireSession expire) {
            effects.add(new Output.SessionExpired(expire.session().sessionId, expire.session().timeoutMs));
            endSession(expire.session(), "session expired");
        }
    }

    private void endSession(Session session, String reason) {
        // Nothing can wait behind a closeSession (the session takes no request once it is proposed) nor
        // behind an expiry once the writes before it are applied, so no request is dropped uncounted.
        Invariants.check(session.queue.isEmpty(), "session %x ends with %d requests queued", session.sessionId,
                session.queue.size());
        sessions.remove(session);
        ClientConnection connection = connections.get(session.connectionId);
        if (connection != null) {
            closeConnection(connection, reason);
        }
    }

    private void notify(List<WatchEvent> events) {
        for (WatchEvent event : events) {
            ClientConnection watcher = connections.get(event.watcherId());
            if (watcher != null && (event.readAcl() == null || Acls.isAllowed(event.readAcl(), Acl.READ, watcher.authIds))) {
                send(watcher, Frames.notification(event.zxid(),
                        new WatcherEvent(event.type(), WatchEvent.SYNC_CONNECTED, event.path())));
            }
        }
    }

    private void send(ClientConnection connection, byte[] frame) {
        stats.frameSent(connection);
        effects.send(connection.connectionId, frame);
    }

    private void answered(ClientConnection connection, PendingRequest request) {
        stats.answered(connection, request, nowMs, tree.lastProcessedZxid());
    }

    private void reply(ClientConnection connection, int xid, int err) {
        send(connection, Frames.reply(new ReplyHeader(xid, tree.lastProcessedZxid(), err), null));
    }

    private void closeConnection(ClientConnection connection, String reason) {
        effects.close(connection.connectionId, reason);
        forget(connection);
    }

    /** Drops what belonged to a connection; its session lives on until it expires or is closed. */
    private void forget(ClientConnection connection) {
        connections.remove(connection.connectionId);
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
                Invariants.check(connections.containsKey(request.connectionId) || (request.write && request.proposed()),
                        "request %d of closed connection %d in session %x is not a proposed write", request.xid,
                        request.connectionId, session.sessionId);
            }
        }
        int held = 0;
        for (ClientConnection connection : connections.values()) {
            held += connection.heldFrames.size();
            int own = byConnection.getOrDefault(connection.connectionId, 0) + connection.heldFrames.size();
            Invariants.check(connection.outstanding == own, "connection %d counts %d outstanding requests, holds %d",
                    connection.connectionId, connection.outstanding, own);
        }
        Invariants.check(outstanding == queued + held, "outstanding %d, but %d queued and %d held", outstanding, queued, held);
    }

    /** Counts a request as no longer outstanding; returns its connection if that is still open. */
    private ClientConnection dequeued(PendingRequest request) {
        outstanding--;
        Invariants.check(outstanding >= 0, "more requests answered than received");
        ClientConnection connection = connections.get(request.connectionId);
        if (connection != null) {
            connection.outstanding--;
        }
        return connection;
    }
}
