package dev.corral.node;

import dev.corral.tree.Acls;
import dev.corral.tree.DataTree;
import dev.corral.tree.Invariants;
import dev.corral.tree.SessionTable;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.TxnCodec;
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
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.WatcherEvent;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Peer;
import dev.corral.zab.PeerConfig;
import dev.corral.zab.DurableState;
import dev.corral.zab.ServerState;
import dev.corral.zab.Snapshot;
import dev.corral.zab.StateSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One Corral server's state machine: the tree, the sessions, the watches and the request pipeline of
 * DESIGN.md (admission, drain, propose, apply, reply) over the consensus core, a {@link Peer} the shell
 * builds and hands to {@link #start}. It is single-threaded and owns no thread, socket, file or clock: the
 * shell feeds it events (a connection opened, a frame arrived, a connection closed, a change persisted,
 * a quorum message, a tick) with the wall time, and carries out the {@link Output}s each event returns.
 * Session bookkeeping lives in {@link Sessions}, the counters of the four-letter words in
 * {@link NodeStats}, and what waits for a txn in {@link Waiters}.
 *
 * <p>A standalone server is an ensemble of one voter ({@link #soloPeer}): the same Peer elects itself,
 * writes its epochs and commits a txn once its own log has it, so there is one path for every size.
 * Leader-only work (preparing txns and giving them zxids, creating and expiring sessions, reaping
 * containers) happens only while this server is an established leader; every server applies what the
 * Peer delivers, and serves clients only while the Peer says it is in a synchronized quorum.
 *
 * <p>Invariants: txns are proposed and applied in increasing zxid order; a session's replies leave in
 * the order of its requests, after the notifications of every txn applied before them; nothing is
 * proposed unless the Peer can take it.
 */
public final class Node {
    private final NodeConfig config;
    private final DataTree tree = new DataTree();
    private final SessionTable sessionTable = new SessionTable();
    private final WatchTable watches = new WatchTable();
    private final TxnPreparer preparer;
    private final TxnApplier applier;
    private final ReadProcessor reads;
    // The consensus core; null until start.
    private Peer peer;
    // Whether the Peer last said this server serves clients, and whether as the established leader.
    private boolean serving;
    private boolean leading;
    // An in-memory Node counts its persist outputs durable at once: the last one asked for and the last
    // one reported. Invariant: persistedSeq <= askedSeq; both stay 0 with a durable log.
    private long askedSeq;
    private long persistedSeq;
    // This server's own proposals not yet applied, in zxid order: applying one needs no decoding.
    private final ArrayDeque<TxnEntry> ownProposals = new ArrayDeque<>();
    // On a learner: the syncs forwarded to the leader and not answered yet, in the order sent.
    private final ArrayDeque<Waiter.ClientWrite> forwardedSyncs = new ArrayDeque<>();
    // On a learner: the connections resuming a session, waiting for the leader to revalidate it.
    private final Map<Long, List<ClientConnection>> revalidating = new HashMap<>();
    // On a learner: sessions its clients kept alive since its last ping to the leader, with their timeouts.
    private Map<Long, Integer> touchedSinceLastPing = new HashMap<>();
    private java.util.function.Consumer<dev.corral.zab.Output> observer = output -> { };
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
    private long nowMs;
    private final SnapshotSchedule snapshots;

    /** A Node holding an empty tree; it serves nothing until {@link #start}. */
    public Node(NodeConfig config) {
        this.config = config;
        this.preparer = new TxnPreparer(tree, config.extendedTypesEnabled());
        this.applier = new TxnApplier(tree, sessionTable, watches);
        this.reads = new ReadProcessor(tree, watches, config.watchesPerSessionMax());
        this.sessions = new Sessions(config);
        this.reaper = new ContainerReaper(config);
        this.nowMs = config.bootWallMs();
        this.snapshots = new SnapshotSchedule(config);
    }

    /**
     * The Peer of a standalone server: the only voter of its ensemble, with the durable state its data
     * directory holds. {@code incarnation} grows with each start (the boot time in seconds will do).
     */
    public static Function<StateSource, Peer> soloPeer(long serverId, DurableState recovered, long incarnation) {
        PeerConfig peerConfig = PeerConfig.of(serverId, Set.of(serverId), Set.of(), incarnation);
        return state -> new Peer(peerConfig, recovered, state);
    }

    /** An in-memory standalone Node, started and serving (tests, and tools that need a tree with a pipeline). */
    public static Node startedAlone(NodeConfig config) {
        Invariants.check(!config.durableLog(), "a Node with a durable log needs a shell to persist its start");
        Node node = new Node(config);
        node.start(soloPeer(config.serverId(), DurableState.empty(), 1), config.bootWallMs());
        Invariants.check(node.serving, "a standalone in-memory Node did not start serving: %s", node.peer.describeRole());
        return node;
    }

    /**
     * Starts the consensus core over the state restored so far (an empty tree, or the snapshot given to
     * {@link #restore}): the Peer is built with an image source of this Node's state, and elects. The txns
     * the Peer recovered after the snapshot reach the tree once it knows them committed.
     */
    public List<Output> start(Function<StateSource, Peer> peers, long wallMs) {
        nowMs = wallMs;
        Invariants.check(peer == null, "the node started twice");
        peer = peers.apply(() -> new Snapshot(tree.lastProcessedZxid(), tree.snapshot(sessionTable)));
        peer.setTouchSource(() -> {
            Map<Long, Integer> touched = touchedSinceLastPing;
            touchedSinceLastPing = new HashMap<>();
            return touched;
        });
        peer.tick();
        pump();
        return effects.drain();
    }

    /** Whether this server serves clients now: an established leader, or a learner in sync with one. */
    public boolean serving() {
        return serving;
    }

    /** The server's state in the ensemble (LOOKING before start). */
    public ServerState serverState() {
        return peer == null ? ServerState.LOOKING : peer.state();
    }

    /** The consensus core, for checkers that read its state (the simulator's); nothing else calls into it. */
    public Peer peer() {
        return peer;
    }

    /**
     * Has {@code observer} see every output of the Peer after the Node carried it out (a delivered txn
     * is in the tree then), so that a simulator can check each step against the committed history.
     */
    public void observe(java.util.function.Consumer<dev.corral.zab.Output> observer) {
        this.observer = observer;
    }

    /** The Peer's state in one line, for logs and tests. */
    public String describeRole() {
        return peer == null ? "not started" : peer.describeRole();
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
        if (connection != null && !serving) {
            // ZooKeeper closes a client's connection while its server is not running in a quorum
            // ("ZooKeeperServer not running"); the client tries another server.
            closeConnection(connection, "this server is not serving: it is " + serverState() + " without a synchronized quorum");
        } else if (connection != null) {
            stats.frameReceived(connection);
            if (sessions.awaitsCreation(connection) || connection.resumingTimeoutMs > 0) {
                connection.heldFrames.addLast(frame);
                outstanding++;
                connection.outstanding++;
            } else {
                read(connection, frame);
            }
            pump();
        }
        return effects.drain();
    }

    private void read(ClientConnection connection, byte[] frame) {
        try {
            JuteInput in = new JuteInput(frame);
            if (!connection.connectReceived) {
                onConnect(connection, ConnectRequest.read(in));
            } else {
                onRequest(connection, frame, in);
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
        pump();
        return effects.drain();
    }

    /** Restores the state a snapshot holds, at start, before {@link #start}. */
    public void restore(long zxid, List<String> paths, List<dev.corral.tree.Znode> nodes, Map<Long, Integer> sessions, long digest) {
        Invariants.check(peer == null, "restore after the node started");
        tree.load(zxid, paths, nodes, digest);
        sessionTable.load(sessions);
        this.sessions.replaceAll(sessionTable);
    }

    /** An image of the whole state now, e.g. to snapshot right after recovery. */
    public dev.corral.tree.TreeSnapshot snapshot() {
        return tree.snapshot(sessionTable);
    }

    /** Every persist output numbered up to {@code seq} is durable: what waited for it goes on. */
    public List<Output> onPersisted(long seq, long wallMs) {
        nowMs = wallMs;
        peer.onPersisted(seq);
        pump();
        return effects.drain();
    }

    /** A quorum message from server {@code from}. */
    public List<Output> onPeerMessage(long from, dev.corral.zab.Message message, long wallMs) {
        nowMs = wallMs;
        peer.step(from, message);
        pump();
        return effects.drain();
    }

    /** The transport lost learner connection {@code connection} with server {@code serverId}. */
    public List<Output> onPeerDisconnected(long serverId, long connection, long wallMs) {
        nowMs = wallMs;
        peer.onDisconnected(serverId, connection);
        pump();
        return effects.drain();
    }

    /** One tick of the Peer's own short clock (elections, resends, syncLimit), apart from the session tick. */
    public List<Output> onPeerTick(long wallMs) {
        nowMs = wallMs;
        peer.tick();
        pump();
        return effects.drain();
    }

    /**
     * One tick of the tick clock: on the leader, sessions expire and containers and TTL nodes are reaped.
     * Other servers keep their session clock going; the leader tracks every session again from the
     * moment it leads, with its whole timeout, as ZooKeeper's new leader does.
     */
    public List<Output> onTick(long wallMs) {
        nowMs = wallMs;
        List<Session> expired = sessions.tick();
        if (leading) {
            for (Session session : expired) {
                if (!canPropose()) {
                    break;
                }
                session.closing = true;
                long zxid = peer.nextZxid();
                propose(new Waiter.ExpireSession(session, zxid), preparer.prepareCloseSession(session.sessionId, zxid));
            }
            for (String path : reaper.candidates(sessions.currentTick(), tree, wallMs)) {
                if (!canPropose()) {
                    break;
                }
                long zxid = peer.nextZxid();
                propose(new Waiter.ServerOwn(zxid),
                        preparer.prepare(OpCode.DELETE_CONTAINER, path, Waiter.ServerOwn.SESSION_ID, List.of(), zxid));
            }
        }
        pump();
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
            if (leading && canPropose()) {
                Session session = sessions.create(connection, timeoutMs);
                session.owner = serverId();
                propose(new Waiter.CreateSession(session, peer.nextZxid()), new Txn.CreateSession(session.sessionId, timeoutMs));
                return;
            }
            // A learner makes the session id (its server id in the top byte keeps it unique) and has the
            // leader order the creation, as ZooKeeper's LearnerSessionTracker does.
            Session session = sessions.create(connection, timeoutMs);
            JuteOutput timeout = new JuteOutput(4);
            timeout.writeInt(timeoutMs);
            if (leading || !peer.forwardRequest(session.sessionId, Waiter.SERVER_CXID, OpCode.CREATE_SESSION, timeout.toByteArray(),
                    List.of())) {
                sessions.remove(session);
                closeConnection(connection, "this server cannot create sessions now: it is " + serverState());
                return;
            }
            waiters.add(new Waiter.CreateSession(session, 0));
            return;
        }
        Session session = sessions.resumable(request);
        if (session == null) {
            refuseSession(connection, request.sessionId());
            return;
        }
        if (leading) {
            session.owner = serverId();
            resume(session, connection, timeoutMs);
            return;
        }
        // Only the leader knows whether the session is still alive; the connection waits for its answer.
        if (!peer.revalidate(session.sessionId, timeoutMs)) {
            closeConnection(connection, "this server cannot revalidate sessions now: it is " + serverState());
            return;
        }
        connection.resumingTimeoutMs = timeoutMs;
        connection.sessionId = session.sessionId;
        revalidating.computeIfAbsent(session.sessionId, id -> new ArrayList<>()).add(connection);
    }

    private void refuseSession(ClientConnection connection, long sessionId) {
        send(connection, Frames.frame(out ->
                new ConnectResponse(0, 0, 0, new byte[16], false).write(out, connection.readOnlyPresent)));
        closeConnection(connection, "invalid session 0x" + Long.toHexString(sessionId) + ", probably expired");
    }

    private void resume(Session session, ClientConnection connection, int timeoutMs) {
        // Before the session moves, so that forgetting the previous connection drops its unproposed requests.
        ClientConnection previous = connections.get(session.connectionId);
        if (previous != null && previous != connection) {
            closeConnection(previous, "session 0x" + Long.toHexString(session.sessionId) + " moved to another connection");
        }
        sessions.resume(session, connection, timeoutMs);
        sendConnectResponse(session, connection);
    }

    /** On a learner: the leader answered whether a session resumed here is alive. */
    private void onRevalidated(long sessionId, boolean valid) {
        List<ClientConnection> waiting = revalidating.remove(sessionId);
        if (waiting == null) {
            return;
        }
        for (ClientConnection connection : waiting) {
            if (connections.get(connection.connectionId) != connection) {
                continue; // closed meanwhile
            }
            Session session = sessions.get(sessionId);
            if (!valid || session == null || session.closing) {
                refuseSession(connection, sessionId);
                continue;
            }
            int timeoutMs = connection.resumingTimeoutMs;
            connection.resumingTimeoutMs = 0;
            resume(session, connection, timeoutMs);
            readHeldFrames(connection);
        }
    }

    private long serverId() {
        return config.serverId();
    }

    private void sendConnectResponse(Session session, ClientConnection connection) {
        send(connection, Frames.frame(out ->
                new ConnectResponse(0, session.timeoutMs, session.sessionId, session.password, false)
                        .write(out, connection.readOnlyPresent)));
    }

    private void onRequest(ClientConnection connection, byte[] frame, JuteInput in) {
        RequestHeader header = RequestHeader.read(in);
        Session session = sessions.get(connection.sessionId);
        if (session == null || session.connectionId != connection.connectionId) {
            closeConnection(connection, "request on a connection without a live session");
            return;
        }
        sessions.touch(session);
        if (!leading && !session.closing) {
            touchedSinceLastPing.put(session.sessionId, session.timeoutMs);
        }
        if (leading && session.owner != serverId() && session.owner != Session.UNKNOWN_OWNER) {
            // The session was resumed through another server since: this connection is stale. ZooKeeper's
            // leader checks the owner of every request (SessionTrackerImpl#checkSession) and closes the
            // connection of one that fails it, without a reply; the client sees a connection loss.
            closeConnection(connection, "session 0x" + Long.toHexString(session.sessionId) + " moved to server " + session.owner);
            return;
        }
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
        int bodyOffset = in.position();
        Object body = Requests.decode(header.type(), in);
        if (session.closing) {
            // Behind a closeSession or an expiry that is still waiting for its txn (or for the writes before
            // it), an answer now would overtake theirs: the request is dropped, and the connection closes
            // when the session ends, as ZooKeeper's does after the closeSession. Found by the simulator
            // (a SESSIONEXPIRED overtook the reply to a closeSession waiting for its fsync).
            if (session.queue.isEmpty()) {
                reply(connection, header.xid(), ErrorCode.SESSIONEXPIRED);
            }
            return;
        }
        // A learner forwards a sync to the leader and answers it in its place in the queue once the leader
        // answered it, as it does a write.
        boolean ordered = Requests.isWrite(header.type()) || header.type() == OpCode.SYNC && !leading;
        session.queue.addLast(new PendingRequest(connection.connectionId, header.xid(), header.type(), body, ordered, nowMs, frame,
                bodyOffset));
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
            if (head.write && !head.synced) {
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
                if (leading ? !canPropose() : !forward(session, request)) {
                    break;
                }
                if (leading) {
                    proposeWrite(session, request);
                }
            }
            if (request.type == OpCode.CLOSE_SESSION) {
                break;
            }
        }
    }

    private void proposeWrite(Session session, PendingRequest request) {
        long zxid = peer.nextZxid();
        if (request.type == OpCode.CLOSE_SESSION) {
            session.closing = true;
            sessions.stopTracking(session);
        }
        ClientConnection connection = connections.get(request.connectionId);
        Txn txn = prepare(session, request.type, request.body, connection == null ? List.of() : connection.authIds, zxid);
        request.zxid = zxid;
        propose(new Waiter.ClientWrite(session, request), txn);
    }

    /** The txn the leader makes of a session's write or closeSession, given its decoded request record. */
    private Txn prepare(Session session, int type, Object body, List<Id> auth, long zxid) {
        if (type == OpCode.CLOSE_SESSION) {
            return preparer.prepareCloseSession(session.sessionId, zxid);
        } else if (body == Requests.UNDECODABLE) {
            return new Txn.Error(ErrorCode.MARSHALLINGERROR);
        } else if (type == OpCode.RECONFIG) {
            // Corral has no dynamic reconfiguration (ZooKeeper: RECONFIGDISABLED unless reconfigEnabled,
            // then UNIMPLEMENTED here); like ZooKeeper's, the refusal takes a zxid.
            return new Txn.Error(config.reconfigEnabled() ? ErrorCode.UNIMPLEMENTED : ErrorCode.RECONFIGDISABLED);
        }
        return preparer.prepare(type, body, session.sessionId, auth, zxid);
    }

    /**
     * On a learner: sends a write, closeSession or sync to the leader, which orders it; the reply goes out
     * when its txn is applied here (a sync: when the leader answered it). False when there is no leader
     * to send it to; the request then waits, and goes when this server stops serving.
     */
    private boolean forward(Session session, PendingRequest request) {
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

    /** Whether the Peer takes a proposal now: this server is the established leader and its counter is not used up. */
    private boolean canPropose() {
        return peer != null && peer.canPropose();
    }

    /** Proposes a txn this server prepared; its header carries the waiter's (sessionId, cxid), by which it is found. */
    private void propose(Waiter waiter, Txn txn) {
        TxnEntry entry = new TxnEntry(waiter.zxid(), nowMs, waiter.sessionId(), waiter.cxid(), txn);
        waiters.add(waiter);
        ownProposals.addLast(entry);
        peer.propose(new LogEntry(entry.zxid(), TxnCodec.encode(entry)));
    }

    /**
     * Carries out what the Peer asked for, until it asks for nothing more: persist outputs go to the shell
     * (or count as durable at once without a log), messages to the other servers, committed txns to the
     * tree, a snapshot from the leader replaces the state, and a role change starts or stops serving.
     */
    private void pump() {
        if (peer == null) {
            return;
        }
        while (true) {
            List<dev.corral.zab.Output> produced = peer.drainOutputs();
            if (produced.isEmpty()) {
                if (askedSeq == persistedSeq) {
                    return;
                }
                persistedSeq = askedSeq;
                peer.onPersisted(persistedSeq);
                continue;
            }
            for (dev.corral.zab.Output output : produced) {
                carryOut(output);
                observer.accept(output);
            }
        }
    }

    private void carryOut(dev.corral.zab.Output output) {
        if (output instanceof dev.corral.zab.Output.Deliver deliver) {
            apply(deliver.entry());
        } else if (output instanceof dev.corral.zab.Output.Persist persist) {
            if (config.durableLog()) {
                effects.add(new Output.Persist(persist));
            } else {
                askedSeq = persist.seq();
            }
        } else if (output instanceof dev.corral.zab.Output.Send send) {
            effects.add(new Output.PeerSend(send.to(), send.message()));
        } else if (output instanceof dev.corral.zab.Output.Restore restore) {
            restoreImage((dev.corral.tree.TreeSnapshot) restore.snapshot().image());
        } else if (output instanceof dev.corral.zab.Output.RoleChanged changed) {
            onRoleChanged(changed);
        } else if (output instanceof dev.corral.zab.Output.Forwarded forwarded) {
            onForwarded(forwarded.from(), forwarded.message());
        } else if (output instanceof dev.corral.zab.Output.SyncDone) {
            Waiter.ClientWrite sync = forwardedSyncs.pollFirst();
            Invariants.check(sync != null, "the leader answered a sync nobody here forwarded");
            sync.request().synced = true;
            drain(sync.session());
        }
    }

    /** Client traffic another server forwarded to this leader, or the leader's answer to this learner. */
    private void onForwarded(long from, dev.corral.zab.Message.Learner message) {
        if (message instanceof dev.corral.zab.Message.RevalidateReply reply) {
            onRevalidated(reply.sessionId(), reply.valid());
        } else if (!leading) {
            return; // the Peer hands learners' traffic only to a leader; a role change may have overtaken it
        } else if (message instanceof dev.corral.zab.Message.Request request) {
            onForwardedRequest(from, request);
        } else if (message instanceof dev.corral.zab.Message.Revalidate revalidate) {
            Session session = sessions.get(revalidate.sessionId());
            boolean valid = session != null && session.established && !session.closing;
            if (valid) {
                session.owner = from;
                session.timeoutMs = revalidate.timeoutMs();
                sessions.touch(session);
            }
            peer.answerRevalidate(from, revalidate.sessionId(), valid);
        } else if (message instanceof dev.corral.zab.Message.Ping ping) {
            ping.touches().forEach((sessionId, timeoutMs) -> {
                Session session = sessions.get(sessionId);
                if (session != null && session.established) {
                    sessions.touch(session);
                }
            });
        }
    }

    /**
     * Orders a request a learner forwarded, as ZooKeeper's leader does in PrepRequestProcessor: the
     * learner's own session creation, or a write or closeSession of a session that must be alive and
     * owned by that learner (else the txn is an error, SESSIONEXPIRED or SESSIONMOVED, which the learner
     * replies); a sync is answered once what is proposed now is committed. Nothing waits here: the
     * learner replies when it applies the txn.
     */
    private void onForwardedRequest(long from, dev.corral.zab.Message.Request request) {
        if (request.type() == OpCode.SYNC) {
            peer.answerSync(from);
            return;
        }
        if (!canPropose()) {
            return; // the learner's connection to us ends with our leadership, and its clients' requests with it
        }
        long zxid = peer.nextZxid();
        Session session = sessions.get(request.sessionId());
        Txn txn;
        if (request.type() == OpCode.CREATE_SESSION) {
            if (session != null || request.body().length != 4 || request.cxid() != Waiter.SERVER_CXID) {
                return; // a session id in use, or not a learner's createSession: nothing to order
            }
            int timeoutMs = sessions.grantedTimeoutMs(new JuteInput(request.body()).readInt());
            Session created = sessions.adopt(request.sessionId(), timeoutMs);
            created.established = false;
            created.owner = from;
            txn = new Txn.CreateSession(request.sessionId(), timeoutMs);
        } else if (session == null || !session.established || session.closing) {
            txn = new Txn.Error(ErrorCode.SESSIONEXPIRED);
        } else if (session.owner != from && session.owner != Session.UNKNOWN_OWNER) {
            txn = new Txn.Error(ErrorCode.SESSIONMOVED);
        } else if (!Requests.isWrite(request.type())) {
            txn = new Txn.Error(ErrorCode.MARSHALLINGERROR); // only writes and closeSession are forwarded
        } else {
            session.owner = from;
            sessions.touch(session);
            if (request.type() == OpCode.CLOSE_SESSION) {
                session.closing = true;
                sessions.stopTracking(session);
            }
            Object body;
            try {
                body = Requests.decode(request.type(), new JuteInput(request.body()));
            } catch (MalformedRecordException e) {
                body = Requests.UNDECODABLE;
            }
            txn = prepare(session, request.type(), body, request.authInfo(), zxid);
        }
        TxnEntry entry = new TxnEntry(zxid, nowMs, request.sessionId(), request.cxid(), txn);
        ownProposals.addLast(entry);
        peer.propose(new LogEntry(zxid, TxnCodec.encode(entry)));
    }

    /**
     * Applies a committed txn, then sends its notifications and the reply of whatever waits for it here.
     * A txn nobody here waits for (another server's, or one recovered from the log) is applied without a
     * reply; the sessions it creates or closes are held or let go all the same.
     */
    private void apply(LogEntry logged) {
        TxnEntry own = ownProposals.peekFirst();
        Invariants.check(own == null || own.zxid() >= logged.zxid(), "txn %s applied before this server's proposal %s",
                logged, Zxid.hex(own == null ? 0 : own.zxid()));
        TxnEntry entry = own != null && own.zxid() == logged.zxid() ? ownProposals.pollFirst() : TxnCodec.decode(logged.txn());
        List<WatchEvent> events = new ArrayList<>();
        TxnResult result = applier.apply(entry, events);
        preparer.retire(entry.zxid());
        notify(events);
        Waiter waiter = waiters.onCommitted(entry);
        if (waiter != null) {
            onApplied(waiter, entry, result);
        } else if (entry.txn() instanceof Txn.CreateSession create) {
            sessions.adopt(create.sessionId(), create.timeoutMs()).established = true;
        } else if (entry.txn() instanceof Txn.CloseSession) {
            Session session = sessions.get(entry.sessionId());
            if (session != null) {
                dropQueued(session);
                endSession(session, "session closed");
            }
        }
        if (snapshots.onApplied()) {
            effects.snapshot(tree.snapshot(sessionTable));
        }
    }

    /** Replaces the whole state with a snapshot the leader sent; no client is served meanwhile. */
    private void restoreImage(dev.corral.tree.TreeSnapshot image) {
        Invariants.check(connections.isEmpty() && waiters.size() == 0, "state replaced while serving");
        List<String> paths = new ArrayList<>(image.nodeCount());
        List<dev.corral.tree.Znode> nodes = new ArrayList<>(image.nodeCount());
        image.forEach((path, node) -> {
            paths.add(path);
            nodes.add(node);
        });
        tree.load(image.zxid(), paths, nodes, image.digest());
        sessionTable.load(image.sessions());
        sessions.replaceAll(sessionTable);
        preparer.discardPending();
    }

    private void onRoleChanged(dev.corral.zab.Output.RoleChanged changed) {
        effects.add(new Output.RoleChanged(changed.state(), changed.leader(), changed.epoch(), changed.serving()));
        boolean wasServing = serving;
        serving = changed.serving();
        leading = serving && changed.state() == ServerState.LEADING;
        if (wasServing && !serving) {
            stopServing(changed.state());
        }
        if (leading) {
            sessions.recover(sessionTable);
        }
    }

    /**
     * Leaves the synchronized quorum: every client connection is closed (clients reconnect elsewhere or
     * later, as from a ZooKeeper server that stops running), and whatever waited for a txn is forgotten,
     * since the txn may never commit; if it does, it is applied as another server's.
     */
    private void stopServing(ServerState now) {
        for (ClientConnection connection : new ArrayList<>(connections.values())) {
            closeConnection(connection, "this server left its quorum: it is " + now);
        }
        for (Session session : new ArrayList<>(sessions.all())) {
            dropQueued(session);
            session.closing = false;
            if (!session.established) {
                sessions.remove(session);
            }
        }
        waiters.clear();
        ownProposals.clear();
        forwardedSyncs.clear();
        revalidating.clear();
        touchedSinceLastPing = new HashMap<>();
        preparer.discardPending();
    }

    /** Forgets a session's queued requests, none of which will be answered. */
    private void dropQueued(Session session) {
        for (PendingRequest request : session.queue) {
            dequeued(request);
        }
        session.queue.clear();
    }

    private void onApplied(Waiter waiter, TxnEntry entry, TxnResult result) {
        if (waiter instanceof Waiter.ClientWrite write) {
            Session session = write.session();
            PendingRequest request = session.queue.pollFirst();
            Invariants.check(request == write.request(), "reply out of order in session %x", session.sessionId);
            ClientConnection connection = dequeued(request);
            if (connection != null && entry.txn() instanceof Txn.Error error && error.err() == ErrorCode.SESSIONMOVED) {
                // The leader found the session owned by another server: as ZooKeeper's FinalRequestProcessor,
                // close this stale connection rather than answer it.
                closeConnection(connection, "session 0x" + Long.toHexString(session.sessionId) + " moved to another server");
                return;
            }
            if (connection != null) {
                send(connection, Frames.reply(
                        new ReplyHeader(request.xid, tree.lastProcessedZxid(), WriteReplies.headerErr(entry.txn(), result)),
                        WriteReplies.body(request.type, request.body, entry.txn(), result)));
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
