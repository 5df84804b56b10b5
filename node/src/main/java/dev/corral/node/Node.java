package dev.corral.node;

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
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Frames;
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
 * This class keeps the events and the client pipeline (frames to requests, per-session queues, reads,
 * applying committed txns and replying); the rest lives in one class per concept: session bookkeeping in
 * {@link Sessions}, the open connections and their request counts in {@link Connections}, how a
 * connection gets its session in {@link SessionHandshake}, auth packets in {@link Authentication}, the
 * counters of the four-letter words in {@link NodeStats}, what waits for a txn in {@link Waiters}, the
 * driving of the Peer in {@link PeerPump}, the leader's making of txns in {@link Proposer}, its ordering
 * of what learners forward in {@link ForwardedRequests}, and a learner's forwarding to the leader in
 * {@link LearnerForwarding}.
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
    /** A snapshot's bytes for a znode beyond its path and data: its Stat (68 bytes), ACL reference and framing. */
    static final int SNAPSHOT_BYTES_PER_ZNODE = 90;
    private final NodeConfig config;
    private final NodeSecurity security;
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
    private SessionHandshake handshake;
    private PeerPump peerPump;
    // Whether the Peer last said this server serves clients, and whether as the established leader.
    private boolean serving;
    // After this server stops serving: until when it holds its client connections and their requests,
    // waiting for a new leader (-1 when it does not hold them). Bounded by one tick, half the shortest
    // session timeout, so a client whose server cannot rejoin still has time to move elsewhere.
    private long holdUntilMs = -1;
    // Serving again after a hold: the commit point to apply before the held requests are judged (-1 otherwise).
    private long resumeAtZxid = -1;
    // How many times this server stopped serving; requests carry the generation they were queued in.
    private long generation;
    private boolean leading;
    // The zxid of an admin restore being made durable, -1 when none: serving and leading are off meanwhile.
    private long adminRestoreZxid = -1;
    // Sees each output of the Peer once it was carried out (the simulator's checkers); nothing by default.
    private java.util.function.Consumer<dev.corral.zab.Output> observer = output -> { };
    private final Sessions sessions;
    private final Connections connections;
    private final Authentication authentication;
    private final Auditor auditor;
    private final Waiters waiters = new Waiters();
    private final Effects effects = new Effects();
    private final NodeStats stats = new NodeStats();
    private final ReplicationLatencies replicationLatencies;
    private double snapshotSizeFactor;
    private long nowMs;
    private final SnapshotSchedule snapshots;
    // A snapshot came due while this server did not serve; it is taken when it serves.
    private boolean snapshotDue;
    private final ReadOnlyMode readOnly;
    // The ensemble's configuration as /zookeeper/config shows it (ZooKeeper's QuorumVerifier text); null alone.
    private byte[] ensembleConfig;

    /** A Node holding an empty tree; it serves nothing until {@link #start}. */
    public Node(NodeConfig config) {
        this(config, NodeSecurity.NONE);
    }

    /** A Node with these authentication settings (x509, enforced authentication). */
    public Node(NodeConfig config, NodeSecurity security) {
        this.config = config;
        this.security = security;
        this.applier = new TxnApplier(tree, sessionTable, watches);
        this.reads = new ReadProcessor(tree, watches, config.watchesPerSessionMax());
        this.sessions = new Sessions(config);
        this.connections = new Connections(sessions, watches, tree, effects, stats);
        this.authentication = new Authentication(config.superDigest(), security, connections);
        this.auditor = new Auditor(security.auditEnabled(), effects);
        this.nowMs = config.bootWallMs();
        this.snapshots = new SnapshotSchedule(config);
        this.readOnly = new ReadOnlyMode(config.readOnlyModeEnabled(), config.tickMs());
        this.replicationLatencies = new ReplicationLatencies(config.serverId());
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
        peer = peers.apply(new StateSource() {
            @Override
            public Snapshot snapshot() {
                return new Snapshot(tree.lastProcessedZxid(), tree.snapshot(sessionTable));
            }

            @Override
            public long diffBytesLimit() {
                return (long) (snapshotSizeFactor * (tree.approximateDataSize() + SNAPSHOT_BYTES_PER_ZNODE * (long) tree.nodeCount()));
            }
        });
        proposer = new Proposer(peer, new TxnPreparer(tree, config.extendedTypesEnabled(), security.registeredSchemes()),
                new ContainerReaper(config), tree, config, sessions, waiters, () -> nowMs);
        forwardedRequests = new ForwardedRequests(peer, sessions, proposer, () -> nowMs);
        learner = new LearnerForwarding(peer, sessions, waiters, connections);
        handshake = new SessionHandshake(config, tree, sessions, connections, proposer, learner, this::serverState,
                this::readHeldFrames, readOnly);
        replicationLatencies.setReplicated(!peer.alone());
        peerPump = new PeerPump(peer, config.durableLog(), effects, this::carryOut, output -> {
            replicationLatencies.onOutput(output, serving, nowMs);
            observer.accept(output);
        }, seq -> replicationLatencies.onPersisted(seq, peer.state(), nowMs));
        peer.setTouchSource(learner::takeTouches);
        peer.tick();
        pump();
        return effects.drain();
    }

    /** Whether this server serves clients now: an established leader, or a learner in sync with one. */
    public boolean serving() {
        return serving;
    }

    /** Whether this server serves read-only clients now, cut off from its quorum ({@link ReadOnlyMode}). */
    public boolean readOnly() {
        return readOnly.active();
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

    /** How long each stage of a replicated write took (ZooKeeper's per-stage summaries for mntr). */
    public ReplicationLatencies replicationLatencies() {
        return replicationLatencies;
    }

    /** Latency of answered requests since the last {@link #resetStats()}. */
    public LatencySummary latency() {
        return stats.latency();
    }

    /**
     * Percentiles of the latency of the requests answered since the last call, which starts the next interval
     * (the console's charts call it once per sample).
     */
    public IntervalHistogram.Percentiles takeLatencyInterval() {
        return stats.latencyInterval().takeInterval();
    }

    /** Latency of answered requests per opcode since start (never reset: Prometheus counters only grow). */
    public Map<Integer, LatencySummary> latencyByOpcode() {
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

    /**
     * The connection's TLS handshake verified a client certificate with this subject; the shell reports it
     * before any frame of the connection (see {@link Authentication#onClientCertificate}).
     */
    public List<Output> onClientCertificate(long connectionId, String subject, long wallMs) {
        nowMs = wallMs;
        ClientConnection connection = connections.get(connectionId);
        if (connection != null) {
            authentication.onClientCertificate(connection, subject);
        }
        return effects.drain();
    }

    /** A complete frame from a connection, without its 4-byte length prefix. */
    public List<Output> onFrame(long connectionId, byte[] frame, long wallMs) {
        nowMs = wallMs;
        ClientConnection connection = connections.get(connectionId);
        if (connection != null && !serving && holdUntilMs < 0 && !readOnly.active()) {
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
            if (!connection.connectReceived && readOnly.active()) {
                handshake.onConnectReadOnly(connection, ConnectRequest.read(in));
            } else if (!connection.connectReceived) {
                handshake.onConnect(connection, ConnectRequest.read(in), leading);
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

    /**
     * Makes and checks session passwords with {@code passwords} (see {@link SessionPasswords}); the shell
     * calls it once it has read the installation's secret, before {@link #restore} and {@link #start}.
     */
    public void usePasswords(SessionPasswords passwords) {
        Invariants.check(peer == null, "session passwords changed after the node started");
        sessions.usePasswords(passwords);
    }

    /**
     * ZooKeeper's {@code zookeeper.snapshotSizeFactor} for this leader's choice between DIFF and SNAP: a
     * learner more than 500 txns behind gets a DIFF only while those txns' bytes stay within this factor of
     * the size of a snapshot of the tree (negative: never; 0, the default here: always). The snapshot's
     * size is estimated from the tree, as {@link #SNAPSHOT_BYTES_PER_ZNODE} beyond each znode's path and data.
     */
    public void useSnapshotSizeFactor(double factor) {
        Invariants.check(peer == null, "snapshotSizeFactor set after the node started");
        snapshotSizeFactor = factor;
    }

    /** Answers sasl packets with {@code authenticator} (ZooKeeper's SASL server; see {@link SaslAuthenticator}). */
    public void useSasl(SaslAuthenticator authenticator) {
        Invariants.check(peer == null, "SASL configured after the node started");
        authentication.useSasl(authenticator);
    }

    /** Restores the state a snapshot holds, at start, before {@link #start}. */
    public void restore(long zxid, List<dev.corral.tree.Znode> nodes, Map<Long, Integer> sessions, long digest) {
        Invariants.check(peer == null, "restore after the node started");
        tree.load(zxid, nodes, digest);
        restoreSessions(sessions);
    }

    /**
     * The first half of {@link #restore} for a snapshot still being read: its nodes go to the returned
     * loader as they come, then {@link #restored} takes the rest. A read that fails abandons the loader,
     * which leaves the tree as a new one.
     */
    public dev.corral.tree.DataTree.Loader restoring(int expectedNodes) {
        Invariants.check(peer == null, "restore after the node started");
        return tree.loader(expectedNodes);
    }

    /** The second half of {@link #restore}: the snapshot's nodes are all in {@code loader}. */
    public void restored(dev.corral.tree.DataTree.Loader loader, long zxid, Map<Long, Integer> sessions, long digest) {
        Invariants.check(peer == null, "restore after the node started");
        loader.finish(zxid, digest);
        restoreSessions(sessions);
    }

    private void restoreSessions(Map<Long, Integer> sessions) {
        sessionTable.load(sessions);
        this.sessions.replaceAll(sessionTable);
    }

    /**
     * The ensemble's configuration, which /zookeeper/config (getConfig) shows from now on and after every
     * snapshot from a leader, as ZooKeeper's initConfigInZKDatabase; a standalone server has none.
     */
    public void initEnsembleConfig(byte[] text) {
        ensembleConfig = text.clone();
        tree.initConfig(ensembleConfig, 0);
    }

    /** An image of the whole state now, e.g. to snapshot right after recovery. */
    public dev.corral.tree.TreeSnapshot snapshot() {
        return tree.snapshot(sessionTable);
    }

    /** Every persist output numbered up to {@code seq} is durable: what waited for it goes on. */
    public List<Output> onPersisted(long seq, long wallMs) {
        nowMs = wallMs;
        replicationLatencies.onPersisted(seq, peer.state(), nowMs);
        peer.onPersisted(seq);
        pump();
        return effects.drain();
    }

    /** A quorum message from server {@code from}. */
    public List<Output> onPeerMessage(long from, dev.corral.zab.Message message, long wallMs) {
        nowMs = wallMs;
        replicationLatencies.onMessage(from, message, peer.state(), serving, nowMs);
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
        maybeStopHolding();
        peer.tick();
        pump();
        maybeStartReadOnly();
        return effects.drain();
    }

    /**
     * One tick of the tick clock: on the leader, sessions expire and containers and TTL nodes are reaped.
     * Other servers keep their session clock going; the leader tracks every session again from the
     * moment it leads, with its whole timeout, as ZooKeeper's new leader does.
     */
    public List<Output> onTick(long wallMs) {
        nowMs = wallMs;
        maybeStopHolding();
        List<Session> expired = sessions.tick();
        if (leading) {
            proposer.proposeTickTxns(expired, sessions.currentTick(), wallMs);
        } else if (readOnly.active()) {
            for (Session session : expired) {
                if (readOnly.isLocal(session.sessionId)) {
                    readOnly.forget(session.sessionId);
                    effects.add(new Output.SessionExpired(session.sessionId, session.timeoutMs));
                    endSession(session, "session expired");
                }
            }
        }
        pump();
        return effects.drain();
    }

    private void onRequest(ClientConnection connection, byte[] frame, JuteInput in) {
        RequestHeader header = RequestHeader.read(in);
        Session session = sessions.get(connection.sessionId);
        if (session == null || session.connectionId != connection.connectionId) {
            connections.close(connection, "request on a connection without a live session");
            return;
        }
        sessions.touch(session);
        if (readOnly.active()) {
            onReadOnlyRequest(connection, session, header, in, frame);
            return;
        }
        if (!leading) {
            learner.touched(session);
        }
        if (leading && session.movedFrom(config.serverId(), header.type())) {
            // The session was resumed through another server since: this connection is stale. ZooKeeper's
            // leader checks the owner of every request but a closeSession (SessionTrackerImpl#checkSession)
            // and closes the connection of one that fails it, without a reply; the client sees a connection
            // loss. A closeSession ends the session, and its owner closes its connection when it applies that.
            connections.close(connection, "session 0x" + Long.toHexString(session.sessionId) + " moved to server " + session.owner);
            return;
        }
        if (authentication.maybeAuthenticate(connection, header, in) || !authentication.enforce(connection, header)) {
            return;
        }
        if (!Requests.isKnown(header.type())) {
            connections.reply(connection, header.xid(), ErrorCode.UNIMPLEMENTED);
            connections.close(connection, "unsupported opcode " + header.type());
            return;
        }
        int bodyOffset = in.position();
        Object body = Requests.decode(header.type(), in);
        PendingRequest last = session.queue.peekLast();
        if (session.closing || last != null && last.type == OpCode.CLOSE_SESSION) {
            // Behind a closeSession or an expiry that is still waiting for its txn (or for the writes before
            // it), an answer now would overtake theirs: the request is dropped, and the connection closes
            // when the session ends, as ZooKeeper's does after the closeSession. Found by the simulator
            // (a SESSIONEXPIRED overtook the reply to a closeSession waiting for its fsync; and a
            // closeSession queued while its server held its clients through an election was followed by
            // requests queued behind it).
            // Once one is dropped, so is every later request of the connection, which an answer would put
            // out of order (found by the simulator's session thief, seed 66: a client that resumed its session
            // while another server's close of it was under way had a create dropped, then a later one
            // answered SESSIONEXPIRED).
            if (session.queue.isEmpty() && !connection.droppingBehindClose) {
                connections.reply(connection, header.xid(), ErrorCode.SESSIONEXPIRED);
            } else {
                connection.droppingBehindClose = true;
            }
            return;
        }
        // A learner forwards a sync to the leader and answers it in its place in the queue once the leader
        // answered it, as it does a write.
        boolean ordered = Requests.isWrite(header.type()) || header.type() == OpCode.SYNC && !leading;
        PendingRequest request = new PendingRequest(connection.connectionId, header.xid(), header.type(), body, ordered, nowMs, frame,
                bodyOffset);
        request.generation = generation;
        session.queue.addLast(request);
        connections.queued(connection);
        drain(session);
    }

    /**
     * A request of a local session on a read-only server: auth and reads are served from this server's tree,
     * closeSession ends the session here, anything that would change the state (or sync with a leader) is
     * answered NOTREADONLY, as ZooKeeper's ReadOnlyRequestProcessor does. Nothing waits in a read-only session's
     * queue (no write is ever queued), so answering at once keeps the order of its replies.
     */
    private void onReadOnlyRequest(ClientConnection connection, Session session, RequestHeader header, JuteInput in,
            byte[] frame) {
        Invariants.check(session.queue.isEmpty() && readOnly.isLocal(session.sessionId),
                "a read-only server's session %x is local and has nothing queued", session.sessionId);
        if (authentication.maybeAuthenticate(connection, header, in)) {
            return;
        }
        if (!Requests.isKnown(header.type())) {
            connections.reply(connection, header.xid(), ErrorCode.UNIMPLEMENTED);
            connections.close(connection, "unsupported opcode " + header.type());
        } else if (header.type() == OpCode.CLOSE_SESSION) {
            connections.reply(connection, header.xid(), ErrorCode.OK);
            readOnly.forget(session.sessionId);
            endSession(session, Output.Close.CLIENT_CLOSED);
        } else if (ReadOnlyMode.refuses(header.type())) {
            connections.reply(connection, header.xid(), ErrorCode.NOTREADONLY);
        } else {
            int bodyOffset = in.position();
            Object body = Requests.decode(header.type(), in);
            session.queue.addLast(new PendingRequest(connection.connectionId, header.xid(), header.type(), body, false, nowMs,
                    frame, bodyOffset));
            connections.queued(connection);
            drain(session);
        }
    }

    /**
     * The server has looked for a quorum for the grace period in vain: with read-only mode enabled it now
     * serves read-only clients (ZooKeeper starts its ReadOnlyZooKeeperServer). Not while it still holds the
     * connections of its last quorum, which it closes first.
     */
    private void maybeStartReadOnly() {
        if (!serving && holdUntilMs < 0 && readOnly.due(nowMs)) {
            readOnly.start();
            effects.add(new Output.ReadOnlyChanged(true, "no quorum found for " + readOnly.graceMs()
                    + " ms (readonlymode.enabled): serving read-only clients"));
        }
    }

    /** Read-only mode ends: its clients' connections close and their sessions, local to it, are gone. */
    private void endReadOnly(String reason) {
        for (long sessionId : readOnly.takeLocalSessions()) {
            Session session = sessions.get(sessionId);
            if (session != null) {
                connections.dropQueued(session);
                sessions.remove(session);
            }
        }
        release("read-only mode ended: " + reason);
        effects.add(new Output.ReadOnlyChanged(false, reason));
    }

    /** Answers or proposes the requests at the front of a session's queue, in order. */
    private void drain(Session session) {
        drain(session, false);
    }

    /**
     * {@code afterOwnWrite}: the session's write at the head was just applied. A server outside a
     * synchronized quorum answers nothing and proposes nothing, with one exception: while a leader's commits
     * are applied during synchronization, a read the session sent between two of its writes is answered
     * right after the first, from the committed state then, or it could never be answered in its place.
     */
    private void drain(Session session, boolean afterOwnWrite) {
        if (!session.established || !serving && !readOnly.active() && !afterOwnWrite) {
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
        if (!serving) {
            return;
        }
        // Every write in the queue is proposed at once, past the reads between them, so a session's
        // writes share log syncs as ZooKeeper's pipeline lets them. A read still waits at its place: it is
        // served when the write before it is applied, before the write after it is (apply applies one
        // txn, then drains), so it sees exactly the writes sent before it.
        for (PendingRequest request : session.queue) {
            if (request.write && !request.proposed()) {
                if (leading ? !proposer.canPropose() : !learner.forward(session, request)) {
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

    /** Carries out what the Peer asked for, until it asks for nothing more (see {@link PeerPump}). */
    private void pump() {
        if (peerPump != null) {
            peerPump.pump();
        }
    }

    /**
     * An output of the Peer that concerns the Node: a committed txn goes to the tree, a snapshot from the
     * leader replaces the state, a role change starts or stops serving, and client traffic forwarded
     * between leader and learners goes on.
     */
    private void carryOut(dev.corral.zab.Output output) {
        if (output instanceof dev.corral.zab.Output.Deliver deliver) {
            apply(deliver.entry());
        } else if (output instanceof dev.corral.zab.Output.Restore restore) {
            restoreImage((dev.corral.tree.TreeSnapshot) restore.snapshot().image());
        } else if (output instanceof dev.corral.zab.Output.RoleChanged changed) {
            onRoleChanged(changed);
        } else if (output instanceof dev.corral.zab.Output.Forwarded forwarded) {
            onForwarded(forwarded.from(), forwarded.message());
        } else if (output instanceof dev.corral.zab.Output.SyncDone) {
            drain(learner.onSyncDone().session());
        } else if (output instanceof dev.corral.zab.Output.WriteSharedSecret adopted) {
            // A learner takes its leader's secret, before it serves: every member derives the same passwords.
            sessions.rekey(sessions.passwords().withSharedForm(adopted.secret().value()));
        }
    }

    /** Client traffic another server forwarded to this leader, or the leader's answer to this learner. */
    private void onForwarded(long from, dev.corral.zab.Message.Learner message) {
        if (message instanceof dev.corral.zab.Message.RevalidateReply reply) {
            handshake.onRevalidated(reply.sessionId(), reply.valid());
        } else if (leading) {
            forwardedRequests.onLearnerMessage(from, message);
        }
        // Else this server no longer leads: the Peer hands learners' traffic only to a leader, and a role
        // change overtook it.
    }

    /**
     * Applies a committed txn, then sends its notifications and the reply of whatever waits for it here.
     * A txn nobody here waits for (another server's, or one recovered from the log) is applied without a
     * reply; the sessions it creates or closes are held or let go all the same.
     */
    private void apply(LogEntry logged) {
        TxnEntry entry = proposer.committed(logged);
        Waiter waiter = waiters.onCommitted(entry);
        List<WatchEvent> events = new ArrayList<>();
        // A result's Stats are read only by the reply to its waiter: another server's txn or a replayed one has none.
        TxnResult result = applier.apply(entry, events, waiter != null);
        proposer.retire(entry.zxid());
        connections.notify(events);
        if (entry.txn() instanceof Txn.CloseSession close) {
            auditor.onSessionClosed(close);
        }
        if (waiter != null) {
            onApplied(waiter, entry, result);
        } else if (entry.txn() instanceof Txn.CreateSession create) {
            sessions.adopt(create.sessionId(), create.timeoutMs()).established = true;
        } else if (entry.txn() instanceof Txn.CloseSession) {
            Session session = sessions.get(entry.sessionId());
            if (session != null) {
                // Closed through another server (or expired) while writes this server forwarded wait: the
                // leader orders those after the close, as errors nobody here answers now. Found by the
                // simulator (seed 701423: a client's creates forwarded by a follower reached the leader after
                // the client had resumed on the leader and closed its session there).
                connections.dropQueued(session);
                waiters.removeClosedSession(session.sessionId);
                endSession(session, "session closed");
            }
        }
        if (snapshots.onApplied()) {
            if (serving) {
                effects.snapshot(tree.snapshot(sessionTable));
            } else {
                // Applying a recovered log or a leader's diff: the snapshot waits until this server serves, so
                // that writing it does not take CPU from the recovery that clients wait for (issue 16).
                snapshotDue = true;
            }
        }
        maybeResume();
    }

    /**
     * Whether {@link #restoreByAdmin} may run now: this server is the serving leader and every write it
     * proposed is applied (the caller may try again later when not).
     */
    public boolean canRestoreByAdmin() {
        return serving && leading && proposer.canPropose() && waiters.size() == 0 && peer.lastDelivered() == peer.lastLoggedZxid();
    }

    /**
     * Replaces the whole state of this standalone server with the nodes and sessions of {@code image} (the
     * admin restore command; its zxid is not used), as the txn at the next zxid: the image is given that zxid,
     * made durable in place of the log, and then loaded (see {@link dev.corral.zab.Peer#restoreAsLeader}), and
     * {@link Output.Restored} says so. Every client connection is closed now, with its watches: its session goes
     * on after the restore only if the image holds it, and a client that reconnects sets its watches again.
     * Until the image is loaded this server does not serve (a new connection is closed at its first frame).
     * Only when {@link #canRestoreByAdmin}.
     */
    public List<Output> restoreByAdmin(dev.corral.tree.TreeSnapshot image, long wallMs) {
        nowMs = wallMs;
        Invariants.check(canRestoreByAdmin(), "an admin restore while writes are in flight or this server does not lead");
        long zxid = peer.nextZxid();
        release("this server's state is being replaced by a restored snapshot");
        serving = false;
        leading = false;
        adminRestoreZxid = zxid;
        peer.restoreAsLeader(new dev.corral.zab.Snapshot(zxid,
                new dev.corral.tree.TreeSnapshot(zxid, image.nodes(), image.sessions(), image.digest())));
        pump();
        return effects.drain();
    }

    /** Replaces the whole state with a snapshot the leader sent, or the admin restore command's; no client is served meanwhile. */
    private void restoreImage(dev.corral.tree.TreeSnapshot image) {
        String reason = "this server's state is replaced by " + (adminRestoreZxid >= 0 ? "a restored snapshot" : "its leader's snapshot");
        if (holdUntilMs >= 0) {
            release(reason);
        } else if (!connections.isEmpty()) {
            // Connections accepted while this server did not serve and silent since (the first frame would have
            // closed them): they hold no session and nothing waits for them, but they go with the old state.
            // Found by a compat run (EnsembleSnapCatchUpTest: a client's connection to the rejoining follower).
            Invariants.check(waiters.size() == 0, "txns waited for while not serving and not holding clients");
            connections.closeAll(reason);
        }
        Invariants.check(connections.isEmpty() && waiters.size() == 0, "state replaced while serving");
        // A snapshot that was due of the state being replaced is not taken.
        snapshotDue = false;
        List<dev.corral.tree.Znode> nodes = new ArrayList<>(image.nodeCount());
        image.forEach(nodes::add);
        tree.load(image.zxid(), nodes, image.digest());
        if (ensembleConfig != null) {
            tree.initConfig(ensembleConfig, 0);
        }
        restoreSessions(image.sessions());
        proposer.discardPending();
        if (adminRestoreZxid >= 0) {
            Invariants.check(image.zxid() == adminRestoreZxid, "restored %s, the admin restore was at %s", dev.corral.tree.Zxid.hex(image.zxid()),
                    dev.corral.tree.Zxid.hex(adminRestoreZxid));
            adminRestoreZxid = -1;
            serving = true;
            leading = true;
            // The restored sessions expire as recovered ones do, unless their clients come back in time.
            sessions.recover(sessionTable);
            effects.add(new Output.Restored(image.zxid()));
        }
    }

    private void onRoleChanged(dev.corral.zab.Output.RoleChanged changed) {
        effects.add(new Output.RoleChanged(changed.state(), changed.leader(), changed.epoch(), changed.serving(), changed.reason()));
        boolean wasServing = serving;
        serving = changed.serving();
        if (readOnly.onRoleChanged(changed.state(), serving, nowMs)) {
            endReadOnly("this server is " + changed.state() + " now: " + changed.reason());
        }
        leading = serving && changed.state() == ServerState.LEADING;
        if (wasServing && !serving) {
            stopServing(changed.state());
        }
        if (serving && snapshotDue) {
            snapshotDue = false;
            effects.snapshot(tree.snapshot(sessionTable));
        }
        if (leading) {
            sessions.recover(sessionTable);
        }
        if (serving && holdUntilMs >= 0) {
            resumeAtZxid = peer.commitZxid();
            maybeResume();
        }
    }

    /**
     * Leaves the synchronized quorum. Client connections are held for a short while (ZooKeeper closes them
     * at once): if this server serves again within the bound, its clients go on without reconnecting, and a
     * write they sent before is answered if the next leader committed it. Only when there is nothing to
     * hold, or the hold runs out, does it close them as ZooKeeper does.
     */
    private void stopServing(ServerState now) {
        long holdMs = config.tickMs();
        if (connections.isEmpty() || holdMs <= 0) {
            release("this server left its quorum: it is " + now);
            return;
        }
        generation++;
        holdUntilMs = nowMs + holdMs;
        resumeAtZxid = -1;
        connections.closeRevalidating("this server left its quorum while the session was being revalidated");
        waiters.orphanOwnProposals();
        proposer.clear();
        learner.clear();
    }

    private void maybeStopHolding() {
        if (!serving && holdUntilMs >= 0 && nowMs >= holdUntilMs) {
            release("this server did not rejoin a quorum within " + config.tickMs() + " ms: it is " + serverState());
        }
    }

    /**
     * Serving again after a hold, once everything the new leader had committed is applied here: a request
     * sent to the old leader and not applied by now was lost with it, so its connection is closed (the
     * client sees a connection loss, as it would have at once on ZooKeeper); the other sessions go on.
     */
    private void maybeResume() {
        if (resumeAtZxid < 0 || !serving || tree.lastProcessedZxid() < resumeAtZxid) {
            return;
        }
        holdUntilMs = -1;
        resumeAtZxid = -1;
        for (Session session : new ArrayList<>(sessions.all())) {
            boolean lost = false;
            boolean closeQueued = false;
            for (PendingRequest request : session.queue) {
                lost |= request.proposed() && request.generation < generation;
                closeQueued |= request.type == OpCode.CLOSE_SESSION;
            }
            if (lost || !session.established && waiters.removeSession(session.sessionId) > 0) {
                loseRequests(session);
            } else if (!session.established && session.connectionId == Session.NO_CONNECTION) {
                // Adopted as leader for a learner's createSession that the next leader did not commit: there
                // is no such session.
                sessions.remove(session);
            } else if (session.closing && !closeQueued) {
                // A close this server ordered as leader (another server's closeSession, or an expiry) that the
                // next leader did not commit: the session lives on, may be resumed, and expires as any other.
                // Its connection here closes: requests it sent meanwhile were dropped, or answered
                // SESSIONEXPIRED, behind the close that never came; the client resumes on a new one.
                session.closing = false;
                sessions.touch(session);
                ClientConnection connection = connections.get(session.connectionId);
                if (connection != null) {
                    connections.close(connection, "the close of session 0x" + Long.toHexString(session.sessionId)
                            + " was lost with the leadership that ordered it");
                }
            }
        }
        for (Session session : new ArrayList<>(sessions.all())) {
            drain(session);
        }
    }

    /**
     * Leaves the synchronized quorum: every client connection is closed (clients reconnect elsewhere or
     * later, as from a ZooKeeper server that stops running), and whatever waited for a txn is forgotten,
     * since the txn may never commit; if it does, it is applied as another server's.
     */
    /**
     * A request of the session went to a leader that is gone and will never be answered: its connection is
     * closed (the client sees a connection loss and retries, as it would on ZooKeeper at once) and what it
     * had queued is dropped; the session itself lives on.
     */
    private void loseRequests(Session session) {
        ClientConnection connection = connections.get(session.connectionId);
        if (connection != null) {
            connections.close(connection, "a request of session 0x" + Long.toHexString(session.sessionId)
                    + " was lost with the leader it went to");
        }
        connections.dropQueued(session);
        waiters.removeSession(session.sessionId);
        session.closing = false;
        if (!session.established) {
            sessions.remove(session);
        }
    }

    /** Closes every client connection and forgets what waited, as ZooKeeper does when it stops serving. */
    private void release(String reason) {
        holdUntilMs = -1;
        resumeAtZxid = -1;
        connections.closeAll(reason);
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
            PendingRequest head = session.queue.peekFirst();
            if (head != write.request() && head != null && head.proposed() && head.generation < generation) {
                // Ahead of this write is a request of an earlier leader whose answer was lost with it (a sync):
                // the write is applied, but nothing after the lost request can be answered in order.
                loseRequests(session);
                return;
            }
            PendingRequest request = session.queue.pollFirst();
            Invariants.check(request == write.request(), "reply out of order in session %x", session.sessionId);
            ClientConnection connection = connections.dequeued(request);
            if (connection != null && entry.txn() instanceof Txn.Error error && error.err() == ErrorCode.SESSIONMOVED) {
                // The leader found the session owned by another server: as ZooKeeper's FinalRequestProcessor,
                // close this stale connection rather than answer it.
                connections.close(connection, "session 0x" + Long.toHexString(session.sessionId) + " moved to another server");
                return;
            }
            auditor.onClientWrite(session.sessionId, connection, request, entry.txn(), result);
            if (connection != null) {
                connections.send(connection, Frames.reply(
                        new ReplyHeader(request.xid, tree.lastProcessedZxid(), WriteReplies.headerErr(entry.txn(), result)),
                        WriteReplies.body(request.type, request.body, entry.txn(), result)));
                connections.answered(connection, request, nowMs);
            }
            if (request.type == OpCode.CLOSE_SESSION) {
                endSession(session, Output.Close.CLIENT_CLOSED);
            } else {
                drain(session, true);
            }
        } else if (waiter instanceof Waiter.CreateSession create) {
            Session session = create.session();
            session.established = true;
            ClientConnection connection = connections.get(session.connectionId);
            if (connection != null) {
                handshake.sendConnectResponse(session, connection);
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
