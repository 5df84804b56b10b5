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
import dev.corral.zab.LogEntry;
import dev.corral.zab.Peer;
import dev.corral.zab.PeerConfig;
import dev.corral.zab.DurableState;
import dev.corral.zab.ServerState;
import dev.corral.zab.Snapshot;
import dev.corral.zab.StateSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * Session bookkeeping lives in {@link Sessions}, the open connections and their request counts in
 * {@link Connections}, the counters of the four-letter words in {@link NodeStats}, and what waits for a
 * txn in {@link Waiters}. The leader's making of txns is {@link Proposer}, its ordering of what learners
 * forward {@link ForwardedRequests}, and a learner's forwarding to the leader {@link LearnerForwarding}.
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
    private final TxnApplier applier;
    private final ReadProcessor reads;
    // The consensus core, and the parts of the pipeline that talk to it; null until start.
    private Peer peer;
    private Proposer proposer;
    private ForwardedRequests forwardedRequests;
    private LearnerForwarding learner;
    // Whether the Peer last said this server serves clients, and whether as the established leader.
    private boolean serving;
    private boolean leading;
    // An in-memory Node counts its persist outputs durable at once: the last one asked for and the last
    // one reported. Invariant: persistedSeq <= askedSeq; both stay 0 with a durable log.
    private long askedSeq;
    private long persistedSeq;
    private java.util.function.Consumer<dev.corral.zab.Output> observer = output -> { };
    private final Sessions sessions;
    private final Connections connections;
    private final Waiters waiters = new Waiters();
    private final Effects effects = new Effects();
    private final NodeStats stats = new NodeStats();
    private long nowMs;
    private final SnapshotSchedule snapshots;

    /** A Node holding an empty tree; it serves nothing until {@link #start}. */
    public Node(NodeConfig config) {
        this.config = config;
        this.applier = new TxnApplier(tree, sessionTable, watches);
        this.reads = new ReadProcessor(tree, watches, config.watchesPerSessionMax());
        this.sessions = new Sessions(config);
        this.connections = new Connections(sessions, watches, tree, effects, stats);
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
        proposer = new Proposer(peer, new TxnPreparer(tree, config.extendedTypesEnabled()), new ContainerReaper(config), tree,
                config, sessions, waiters, () -> nowMs);
        forwardedRequests = new ForwardedRequests(peer, sessions, proposer, () -> nowMs);
        learner = new LearnerForwarding(peer, sessions, waiters, connections);
        peer.setTouchSource(learner::takeTouches);
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
        return connections.outstanding();
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
        NodeStats.resetConnections(connections.all());
    }

    /** What cons shows of each open connection, in connection order. */
    public List<ConnectionView> connectionViews() {
        return NodeStats.views(connections.all(), sessions);
    }

    public List<Output> onConnectionOpened(long connectionId, String remoteAddress, long wallMs) {
        nowMs = wallMs;
        connections.open(connectionId, remoteAddress, wallMs);
        return effects.drain();
    }

    /** A complete frame from a connection, without its 4-byte length prefix. */
    public List<Output> onFrame(long connectionId, byte[] frame, long wallMs) {
        nowMs = wallMs;
        ClientConnection connection = connections.get(connectionId);
        if (connection != null && !serving) {
            // ZooKeeper closes a client's connection while its server is not running in a quorum
            // ("ZooKeeperServer not running"); the client tries another server.
            connections.close(connection, "this server is not serving: it is " + serverState() + " without a synchronized quorum");
        } else if (connection != null) {
            stats.frameReceived(connection);
            if (sessions.awaitsCreation(connection) || connection.resumingTimeoutMs > 0) {
                connections.hold(connection, frame);
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
            connections.close(connection, "malformed request: " + e.getMessage());
        }
    }

    /** Reads, in order, the frames held while the connection's session was being created. */
    private void readHeldFrames(ClientConnection connection) {
        for (byte[] frame = connections.nextHeldFrame(connection); frame != null; frame = connections.nextHeldFrame(connection)) {
            read(connection, frame);
        }
    }

    public List<Output> onConnectionClosed(long connectionId, long wallMs) {
        nowMs = wallMs;
        ClientConnection connection = connections.get(connectionId);
        if (connection != null) {
            connections.forget(connection);
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
            proposer.proposeTickTxns(expired, sessions.currentTick(), wallMs);
        }
        pump();
        return effects.drain();
    }

    private void onConnect(ClientConnection connection, ConnectRequest request) {
        connection.connectReceived = true;
        connection.readOnlyPresent = request.readOnlyPresent();
        if (request.lastZxidSeen() > tree.lastProcessedZxid()) {
            connections.close(connection, "client has seen zxid " + Zxid.hex(request.lastZxidSeen()) + " but our last zxid is "
                    + Zxid.hex(tree.lastProcessedZxid()));
            return;
        }
        int timeoutMs = sessions.grantedTimeoutMs(request.timeOut());
        if (request.sessionId() == 0) {
            if (leading && canPropose()) {
                Session session = sessions.create(connection, timeoutMs);
                session.owner = serverId();
                proposer.proposeCreateSession(session, timeoutMs);
                return;
            }
            // A learner makes the session id and has the leader order the creation.
            Session session = sessions.create(connection, timeoutMs);
            if (leading || !learner.forwardCreateSession(session, timeoutMs)) {
                sessions.remove(session);
                connections.close(connection, "this server cannot create sessions now: it is " + serverState());
            }
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
        if (!learner.revalidate(connection, session, timeoutMs)) {
            connections.close(connection, "this server cannot revalidate sessions now: it is " + serverState());
        }
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

    /** On a learner: the leader answered whether a session resumed here is alive. */
    private void onRevalidated(long sessionId, boolean valid) {
        for (ClientConnection connection : learner.onRevalidated(sessionId)) {
            if (!connections.isOpen(connection)) {
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
        connections.send(connection, Frames.frame(out ->
                new ConnectResponse(0, session.timeoutMs, session.sessionId, session.password, false)
                        .write(out, connection.readOnlyPresent)));
    }

    private void onRequest(ClientConnection connection, byte[] frame, JuteInput in) {
        RequestHeader header = RequestHeader.read(in);
        Session session = sessions.get(connection.sessionId);
        if (session == null || session.connectionId != connection.connectionId) {
            connections.close(connection, "request on a connection without a live session");
            return;
        }
        sessions.touch(session);
        if (!leading) {
            learner.touched(session);
        }
        if (leading && session.owner != serverId() && session.owner != Session.UNKNOWN_OWNER) {
            // The session was resumed through another server since: this connection is stale
            // (ZooKeeper's leader checks the owner of every request, SessionTrackerImpl#checkSession).
            connections.reply(connection, header.xid(), ErrorCode.SESSIONMOVED);
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
            connections.send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.OK),
                    new SetSASLResponse(null)::write));
            return;
        }
        if (!Requests.isKnown(header.type())) {
            connections.reply(connection, header.xid(), ErrorCode.UNIMPLEMENTED);
            connections.close(connection, "unsupported opcode " + header.type());
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
                connections.reply(connection, header.xid(), ErrorCode.SESSIONEXPIRED);
            }
            return;
        }
        // A learner forwards a sync to the leader and answers it in its place in the queue once the leader
        // answered it, as it does a write.
        boolean ordered = Requests.isWrite(header.type()) || header.type() == OpCode.SYNC && !leading;
        session.queue.addLast(new PendingRequest(connection.connectionId, header.xid(), header.type(), body, ordered, nowMs, frame,
                bodyOffset));
        connections.queued(connection);
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
            connections.send(connection,
                    Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.AUTHFAILED), null));
            connections.close(connection, "authentication with unknown scheme " + scheme + " failed");
            return;
        }
        connections.send(connection, Frames.reply(new ReplyHeader(header.xid(), 0, ErrorCode.OK), null));
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
            ClientConnection connection = connections.dequeued(head);
            if (connection != null) {
                List<WatchEvent> events = new ArrayList<>();
                byte[] reply = reads.serve(head, connection, events);
                connections.notify(events);
                connections.send(connection, reply);
                connections.answered(connection, head, nowMs);
            }
        }
        // Every write in the queue is proposed at once, past the reads between them, so a session's
        // writes share log syncs as ZooKeeper's pipeline lets them. A read still waits at its place: it is
        // served when the write before it is applied, before the write after it is (applyCommitted applies
        // one txn, then drains), so it sees exactly the writes sent before it.
        for (PendingRequest request : session.queue) {
            if (request.write && !request.proposed()) {
                if (leading ? !canPropose() : !learner.forward(session, request)) {
                    break;
                }
                if (leading) {
                    ClientConnection connection = connections.get(request.connectionId);
                    proposer.proposeWrite(session, request, connection == null ? List.of() : connection.authIds);
                }
            }
            if (request.type == OpCode.CLOSE_SESSION) {
                break;
            }
        }
    }

    /** Whether the Peer takes a proposal now: this server is the established leader and its counter is not used up. */
    private boolean canPropose() {
        return proposer != null && proposer.canPropose();
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
            drain(learner.onSyncDone().session());
        }
    }

    /** Client traffic another server forwarded to this leader, or the leader's answer to this learner. */
    private void onForwarded(long from, dev.corral.zab.Message.Learner message) {
        if (message instanceof dev.corral.zab.Message.RevalidateReply reply) {
            onRevalidated(reply.sessionId(), reply.valid());
        } else if (leading) {
            forwardedRequests.onLearnerMessage(from, message);
        }
        // Else the Peer handed learners' traffic to a leader, and a role change overtook it: dropped.
    }

    /**
     * Applies a committed txn, then sends its notifications and the reply of whatever waits for it here.
     * A txn nobody here waits for (another server's, or one recovered from the log) is applied without a
     * reply; the sessions it creates or closes are held or let go all the same.
     */
    private void apply(LogEntry logged) {
        TxnEntry entry = proposer.committed(logged);
        List<WatchEvent> events = new ArrayList<>();
        TxnResult result = applier.apply(entry, events);
        proposer.retire(entry.zxid());
        connections.notify(events);
        Waiter waiter = waiters.onCommitted(entry);
        if (waiter != null) {
            onApplied(waiter, entry, result);
        } else if (entry.txn() instanceof Txn.CreateSession create) {
            sessions.adopt(create.sessionId(), create.timeoutMs()).established = true;
        } else if (entry.txn() instanceof Txn.CloseSession) {
            Session session = sessions.get(entry.sessionId());
            if (session != null) {
                connections.dropQueued(session);
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
        proposer.discardPending();
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
        connections.closeAll("this server left its quorum: it is " + now);
        for (Session session : new ArrayList<>(sessions.all())) {
            connections.dropQueued(session);
            session.closing = false;
            if (!session.established) {
                sessions.remove(session);
            }
        }
        waiters.clear();
        proposer.clear();
        learner.clear();
    }

    private void onApplied(Waiter waiter, TxnEntry entry, TxnResult result) {
        if (waiter instanceof Waiter.ClientWrite write) {
            Session session = write.session();
            PendingRequest request = session.queue.pollFirst();
            Invariants.check(request == write.request(), "reply out of order in session %x", session.sessionId);
            ClientConnection connection = connections.dequeued(request);
            if (connection != null) {
                connections.send(connection, Frames.reply(
                        new ReplyHeader(request.xid, tree.lastProcessedZxid(), WriteReplies.headerErr(entry.txn(), result)),
                        WriteReplies.body(request.type, request.body, entry.txn(), result)));
                connections.answered(connection, request, nowMs);
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
            connections.close(connection, reason);
        }
    }

    /** Checks the whole request accounting (see {@link Connections#checkOutstanding}); tests call it after each event. */
    void checkOutstanding() {
        connections.checkOutstanding();
    }
}
