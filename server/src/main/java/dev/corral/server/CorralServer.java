package dev.corral.server;

import dev.corral.node.Node;
import dev.corral.node.NodeConfig;
import dev.corral.node.Output;
import dev.corral.storage.OverlappedSnapshotRead;
import dev.corral.storage.SnapshotFile;
import dev.corral.storage.Snapshots;
import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.storage.EpochFiles;
import dev.corral.tree.DataTree;
import dev.corral.tree.Znode;
import dev.corral.tree.Zxid;
import dev.corral.zab.DurableState;
import dev.corral.zab.LogEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production shell around one {@link Node}: the client ports' I/O threads (the plain port on NIO,
 * {@link NioClientPort}; the TLS ones on Netty), one loop thread that owns and drives the Node, and the
 * system clock that emits its ticks. Everything the Node decides arrives here as {@link Output}s,
 * carried out in order.
 *
 * <p>Threads: the I/O threads decode frames and hand them to the node loop ({@link ClientEvents}); only
 * the node loop touches the Node. The per-IP connection count is checked on accept, before the Node hears of the
 * connection, as ZooKeeper's {@code maxClientCnxns} check is.
 *
 * <p>Bounds on what one client can hold (issue 9), all applied here, outside the Node: the time to send
 * a first frame ({@code zookeeper.nio.sessionlessCnxnTimeout}); requests in flight, over all sessions
 * (globalOutstandingLimit) and per connection (connection.requestsMax), and reply bytes queued
 * (connection.outgoingBytesHigh), each of which stops the reading of a connection through its
 * {@link ReadGate}; and a hard bound on queued reply bytes (connection.outgoingBytesMax) that closes it.
 * Failed accepts back off, as {@link AcceptBackoff} has it.
 */
public final class CorralServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CorralServer.class);
    /** The consensus core's own tick: elections and leader liveness in tens of milliseconds, not tickTime. */
    static final long PEER_TICK_MS = 20;
    /** How long a start may take to elect, write its epoch and apply its log before it gives up. */
    private static final long SERVING_WAIT_S = 600;
    public static final String VERSION = "3.9.5-corral-0.1.0";
    /** I/O threads of the plain client port, as many as the Netty ports' event loops. */
    private static final int CLIENT_IO_THREADS = 2;

    private final ServerConfig config;
    // The Node's boot time: the high bits of every session id this server makes carry it.
    private final long bootWallMs = System.currentTimeMillis();
    private final NodeConfig nodeConfig;
    private final Node node;
    // The warm-up, started once the client port is open and the server serves (warmup.requests); null when it
    // is off or not started yet. Guarded by warmUpLock, with warmUpClosed: a close starts none after it.
    private final Object warmUpLock = new Object();
    private WarmUp warmUp;
    private boolean warmUpClosed;
    private final EventLoop nodeLoop = new DefaultEventLoop(new DefaultThreadFactory("corral-node"));
    private final NioEventLoopGroup acceptGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("corral-accept"));
    private final NioEventLoopGroup ioGroup = new NioEventLoopGroup(CLIENT_IO_THREADS, new DefaultThreadFactory("corral-io"));
    private final Map<Long, ClientChannel> channels = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> connectionsPerIp = new ConcurrentHashMap<>();
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong framesSent = new AtomicLong();
    private final java.util.function.Consumer<RuntimeException> onFatal;
    // Volatile: the console reads it from HTTP handler threads (consoleConnectString).
    // The plain client port: on NIO (NioClientPort), or on Netty with client.portUnification (TLS sniffed on it).
    private volatile NioClientPort plainPort;
    private volatile Channel serverChannel;
    // The TLS-only client port (secureClientPort), or null; and the TLS context of every TLS client connection.
    private Channel secureServerChannel;
    private dev.corral.server.tls.ReloadingTlsContext clientTls;
    // SASL DIGEST-MD5 from the JAAS Server section, or null.
    private JaasSaslAuthenticator sasl;
    // SASL between members, when quorum.auth.enableSasl; null otherwise.
    private dev.corral.server.quorum.QuorumSasl quorumSasl;
    private DataDirLock dataLock;
    // Run by start() once the data directory is locked and a standalone server's client port bound, before the
    // data is read: a test holds the recovery there. Nothing otherwise.
    private volatile Runnable beforeRecovery = () -> { };
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private DiskWorker diskWorker;
    // An ensemble member's peer transports; null for a standalone server.
    private dev.corral.server.quorum.ElectionTransport electionTransport;
    private dev.corral.server.quorum.LearnerTransport learnerTransport;
    // Completed on the node loop the first time the Node serves; start() binds the client port after it.
    private final java.util.concurrent.CompletableFuture<Void> firstServing = new java.util.concurrent.CompletableFuture<>();
    private SnapshotWorker snapshotWorker;
    private final FourLetterReport report;
    private final ServerMetrics metrics = new ServerMetrics();
    private final AuditLog auditLog;
    private final QuorumMetrics quorum = new QuorumMetrics(System.nanoTime());
    private final AdminEndpoints endpoints;
    private final AdminAuthentication adminAuthentication;
    // The admin restore under way, completed with its zxid when the Node loaded it; null when none. Node loop only.
    private java.util.concurrent.CompletableFuture<Long> restored;
    private HttpServer adminServer;
    // The web console's logins, each a ZooKeeper session on the client port; null while the console is off.
    private ConsoleSessions consoleSessions;
    private final ConsoleHistory consoleHistory = new ConsoleHistory();
    private HttpServer metricsServer;
    private volatile boolean serving;
    public static final String LOG_DIR = "corral-wal";
    public static final String SNAPSHOT_DIR = "corral-snap";
    /** A log segment is closed for a new one past this size (and after each snapshot). */
    private static final long SEGMENT_BYTES = 64L << 20;
    // Channels whose reads are paused because too many requests are outstanding over all sessions; node loop only.
    private final Set<ClientChannel> paused = new LinkedHashSet<>();
    // Channels whose reads are paused because too many of their own requests are in flight; node loop only.
    private final Set<ClientChannel> requestsPaused = new LinkedHashSet<>();

    public CorralServer(ServerConfig config) {
        this(config, error -> Runtime.getRuntime().halt(70));
    }

    /**
     * A server whose state-machine bugs go to {@code onFatal} instead of halting the process; tests use it
     * to fail on such a bug without killing their JVM.
     */
    /** ZooKeeper's {@code zookeeper.snapshotSizeFactor}: how many txn bytes, as a share of a snapshot, a DIFF may carry. */
    public static final String SNAPSHOT_SIZE_FACTOR_PROPERTY = "zookeeper.snapshotSizeFactor";
    /**
     * Corral's default is 1, not ZooKeeper's 0.33, since they weigh different things: ZooKeeper the log files
     * that hold the gap against its last snapshot file (no limit before its first snapshot), Corral the
     * missing txns themselves against an estimate of a snapshot of its tree; it sends whichever is smaller.
     */
    static final double DEFAULT_SNAPSHOT_SIZE_FACTOR = 1.0;

    /** ZooKeeper's {@code zookeeper.leader.ackLoggingFrequency}: which acks the leader's ack_latency samples. */
    public static final String ACK_LOGGING_FREQUENCY_PROPERTY = "zookeeper.leader.ackLoggingFrequency";

    public CorralServer(ServerConfig config, java.util.function.Consumer<RuntimeException> onFatal) {
        this.config = config;
        this.auditLog = new AuditLog(config.security().authentication().auditEnabled());
        this.onFatal = error -> {
            firstServing.completeExceptionally(error);
            onFatal.accept(error);
        };

        this.nodeConfig = new NodeConfig(config.serverId(), config.tickMs(), config.minSessionTimeoutMs(),
                config.maxSessionTimeoutMs(), config.extendedTypesEnabled(), config.containerCheckIntervalMs(),
                config.containerMaxPerMinute(), config.superDigest(), config.reconfigEnabled(), bootWallMs, true,
                config.snapCount(), config.connectionLimits().watchesPerSessionMax(),
                config.ensemble().isDistributed() && config.ensemble().readOnlyModeEnabled());
        this.node = new Node(nodeConfig, config.security().authentication());
        // A JVM property, as ZooKeeper's Leader reads it: one txn in this many feeds the leader's ack_latency.
        node.replicationLatencies().sampleAcksEvery(Integer.getInteger(ACK_LOGGING_FREQUENCY_PROPERTY, 1000));
        node.useSnapshotSizeFactor(snapshotSizeFactor(System.getProperty(SNAPSHOT_SIZE_FACTOR_PROPERTY)));
        this.report = new FourLetterReport(config, node, this::addressOf, System.currentTimeMillis(), quorum);
        // Ready only while the client port is open and the Node serves: in a synchronized quorum, not merely up.
        this.adminAuthentication = new AdminAuthentication(config.superDigest(), config.security().authentication(), clientTrust(config));
        this.endpoints = new AdminEndpoints(config, node, report, this::callOnNodeLoop, () -> serving && quorum.serving(), metrics,
                quorum, adminAuthentication,
                () -> snapshotWorker.writeNow(callOnNodeLoop(node::snapshot), 60), this::restore, consoleHistory);
    }

    /**
     * The client port's trust store, against which an admin request's certificate is checked (ZooKeeper's
     * X509AuthenticationProvider reads ssl.trustStore.*); null without one, or, logged, when it cannot be read.
     */
    private static javax.net.ssl.X509TrustManager clientTrust(ServerConfig config) {
        var tls = config.security().clientTls();
        if (tls == null || tls.trustStore() == null) {
            return null;
        }
        try {
            return dev.corral.server.tls.TlsContexts.trustManager(tls.trustStore());
        } catch (java.security.GeneralSecurityException | IOException e) {
            LOG.error("x509 on the admin server is off: cannot read the trust store {}: {}", tls.trustStore().location(), e.toString());
            return null;
        }
    }

    /** The factor as ZooKeeper's ZKDatabase reads it (with Corral's default): the default when absent, unreadable or above 1. */
    static double snapshotSizeFactor(String value) {
        if (value == null) {
            return DEFAULT_SNAPSHOT_SIZE_FACTOR;
        }
        try {
            double factor = Double.parseDouble(value.trim());
            if (factor > 1) {
                LOG.warn("{}={} is above 1; using the default {}", SNAPSHOT_SIZE_FACTOR_PROPERTY, value, DEFAULT_SNAPSHOT_SIZE_FACTOR);
                return DEFAULT_SNAPSHOT_SIZE_FACTOR;
            }
            return factor;
        } catch (NumberFormatException e) {
            LOG.warn("{}={} is not a number; using the default {}", SNAPSHOT_SIZE_FACTOR_PROPERTY, value, DEFAULT_SNAPSHOT_SIZE_FACTOR);
            return DEFAULT_SNAPSHOT_SIZE_FACTOR;
        }
    }

    /**
     * The admin restore command's work: hands the image to the Node on its loop and waits (bounded) until the
     * Node says it is durable and loaded; -1 when the Node cannot take it now (writes in flight).
     */
    private long restore(dev.corral.tree.TreeSnapshot image) throws Exception {
        java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
        boolean started = callOnNodeLoop(() -> {
            if (!node.canRestoreByAdmin() || restored != null) {
                return false;
            }
            List<Output> outputs = node.restoreByAdmin(image, System.currentTimeMillis());
            // Set only once the Node took the image: its Restored output comes later, after the snapshot is durable.
            restored = done;
            carryOut(outputs);
            return true;
        });
        return started ? done.get(60, TimeUnit.SECONDS) : -1;
    }

    private <T> T callOnNodeLoop(java.util.concurrent.Callable<T> work) {
        try {
            return nodeLoop.submit(work).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the node loop did not answer within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The admin HTTP server's port, or -1 if it is off. */
    public int adminPort() {
        return adminServer == null ? -1 : adminServer.port();
    }

    /** The Prometheus HTTP server's port, or -1 if it is off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /** Starts the admin and metrics HTTP servers; one that cannot start is logged and left off, as in ZooKeeper. */
    private void startHttp() {
        // The console's charts and the scrape's percentile summaries both read these samples.
        if (config.admin() != null || config.metrics() != null) {
            nodeLoop.scheduleAtFixedRate(this::sampleForConsole, 0, ConsoleHistory.INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
        if (config.admin() != null) {
            if (config.console().enabled()) {
                startConsole();
            }
            try {
                AdminTls tls = config.security().adminTls();
                adminServer = HttpServer.start("admin", config.admin(), tls.mode(),
                        tls.settings() == null ? null : dev.corral.server.tls.ReloadingTlsContext.open(tls.settings()), endpoints::admin,
                        new HttpServer.LargeBodies(AdminEndpoints::isRestore, config.restore().bytesMax()));
                LOG.info("Admin server on {}:{} (/commands, /health/live, /health/ready), {}", config.admin().address(), adminServer.port(),
                        switch (tls.mode()) {
                            case PLAIN -> "plain HTTP";
                            case UNIFIED -> "HTTPS and plain HTTP (admin.portUnification)";
                            case FORCED -> "HTTPS only (admin.forceHttps)";
                        });
            } catch (IOException e) {
                LOG.warn("Admin server not started: {}", e.getMessage());
            }
        }
        if (config.metrics() != null) {
            try {
                metricsServer = HttpServer.start("metrics", config.metrics(), endpoints::scrape);
                LOG.info("Prometheus metrics on {}:{}/metrics", config.metrics().address(), metricsServer.port());
            } catch (IOException e) {
                LOG.warn("Metrics server not started: {}", e.getMessage());
            }
        }
    }

    /**
     * Where the console's logins connect: the plain client port, on loopback when it listens on every address.
     * The admin port opens first, so this is asked at each login; a server with only a TLS client port has no
     * plain port for the console (its logins are refused, and the log says why).
     */
    private String consoleConnectString() {
        InetSocketAddress client = plainPortAddress();
        if (client == null) {
            throw new IllegalStateException("the console needs the plain client port, and this server has "
                    + (serving ? "only a TLS client port (secureClientPort)" : "not opened it yet"));
        }
        String host = client.getAddress().isAnyLocalAddress() ? "127.0.0.1" : client.getAddress().getHostAddress();
        return EnsembleConfig.bracketed(host) + ":" + client.getPort();
    }

    /**
     * Serves the web console on the admin port: its logins connect to this server's own client port (on
     * loopback when the port listens on every address), and its charts sample the server's counters.
     */
    private void startConsole() {
        consoleSessions = new ConsoleSessions(this::consoleConnectString, this::grantConsoleCertificate);
        EnsembleMembers members = new EnsembleMembers(config.ensemble(), node, PEER_TICK_MS);
        ConsoleApi.ServerView view = new ConsoleApi.ServerView() {
            @Override
            public Map<String, String> kinds(List<String> paths) {
                return callOnNodeLoop(() -> {
                    Map<String, String> kinds = new LinkedHashMap<>();
                    for (String path : paths) {
                        dev.corral.tree.Znode znode = node.tree().node(path);
                        if (znode != null) {
                            kinds.put(path, znode.kind().name().toLowerCase(java.util.Locale.ROOT));
                        }
                    }
                    return kinds;
                });
            }

            @Override
            public Map<String, Object> command(String name) {
                return endpoints.commandAnswer(name);
            }

            @Override
            public Map<String, Object> members() {
                return callOnNodeLoop(members::view);
            }

            @Override
            public ConsoleApi.LocalChildren children(String path, long knownPzxid) {
                return callOnNodeLoop(() -> {
                    dev.corral.tree.Znode znode = node.tree().node(path);
                    if (znode == null) {
                        return new ConsoleApi.LocalChildren(false, 0, null);
                    }
                    return new ConsoleApi.LocalChildren(true, znode.pzxid(), znode.pzxid() == knownPzxid ? null : znode.childNames());
                });
            }
        };
        endpoints.useConsole(new ConsoleApi(config.console(), consoleSessions, view, consoleHistory, adminAuthentication::x509Subject));
        LOG.info("Web console on the admin port at / ({})", config.console().writable() ? "writable: admin.console.writable=true"
                : "read-only; admin.console.writable=true allows changes");
    }

    /**
     * Gives a console login's connection the x509 identity of its browser's certificate, as the TLS handler
     * gives a client's (see {@link ConsoleCertificateGrant} for why only the console's own connection can match):
     * on the node loop, the connection must come from {@code consoleSide} and carry session {@code sessionId}.
     */
    java.util.concurrent.CompletableFuture<Boolean> grantConsoleCertificate(InetSocketAddress consoleSide, long sessionId,
            String subject) {
        java.util.concurrent.CompletableFuture<Boolean> granted = new java.util.concurrent.CompletableFuture<>();
        nodeLoop.execute(() -> {
            long id = 0;
            for (ClientChannel client : channels.values()) {
                if (consoleSide.equals(client.link().remoteAddress())) {
                    id = client.connectionId();
                }
            }
            long connectionId = id;
            boolean found = connectionId != 0 && node.connectionViews().stream()
                    .anyMatch(c -> c.connectionId() == connectionId && c.sessionId() == sessionId);
            if (found) {
                onNode(() -> node.onClientCertificate(connectionId, subject, System.currentTimeMillis()));
            }
            granted.complete(found);
        });
        return granted;
    }

    /** Closes the client connections of session {@code sessionId}, as a network fault would (a test's way). */
    void dropConnectionsOf(long sessionId) {
        callOnNodeLoop(() -> {
            node.connectionViews().stream().filter(c -> c.sessionId() == sessionId).map(c -> channels.get(c.connectionId()))
                    .filter(java.util.Objects::nonNull).forEach(c -> c.link().close());
            return null;
        });
    }

    // On the node loop: the interval histograms are the loop's (latency) or locked (fsync).
    private ConsoleHistory.Sample sampleForConsole() {
        return consoleHistory.record(new ConsoleHistory.Reading(System.currentTimeMillis(), node.framesReceived(),
                node.latency().count(), node.latency().total(), metrics.fsyncCount.get(), metrics.fsyncTotalMicros.get(),
                node.outstandingRequests(), node.tree().nodeCount() + 1, node.connectionCount(), node.takeLatencyInterval(),
                metrics.takeFsyncInterval()));
    }

    /** Takes a console sample now, as the periodic one does, and returns it (a test's way to end an interval). */
    ConsoleHistory.Sample sampleConsoleNow() {
        return callOnNodeLoop(this::sampleForConsole);
    }

    /** The console's chart series as its API gives them (a test's view). */
    java.util.Map<String, Object> consoleHistorySamples() {
        return consoleHistory.samples();
    }

    /** A connection's remote address as ZooKeeper's stat commands print it: "/ip:port". */
    private String addressOf(long connectionId) {
        ClientChannel client = channels.get(connectionId);
        return client == null ? "/unknown" : String.valueOf(client.link().remoteAddress());
    }

    /**
     * Recovers the state the log holds and starts the disk worker, in the data directory start() has locked,
     * with the session passwords and secret made meanwhile ({@link SessionSecretTask}). An unwritable
     * directory or a log that cannot be trusted stops the start with an error that names the directory and
     * the cause.
     */
    private void recover(SessionSecretTask.Made passwordSecret) throws IOException {
        long start = System.nanoTime();
        Path snapshotDir = config.dataDir().resolve(SNAPSHOT_DIR);
        Path logDir = config.dataLogDir().resolve(LOG_DIR);
        node.usePasswords(passwordSecret.passwords());
        Optional<SessionSecretFile.Secret> sharedSecret = config.ensemble().isDistributed() ? Optional.of(passwordSecret.secret()) : Optional.empty();
        long snapshotZxid = 0;
        Optional<SnapshotFile.Header> snapshot = Optional.empty();
        List<Path> snapshots = Snapshots.list(snapshotDir);
        // The log is opened and read from the newest snapshot's zxid on a thread of its own while the
        // snapshot loads; if that snapshot is refused, it is read again from the one taken instead.
        long newestZxid = snapshots.isEmpty() ? 0 : SnapshotFile.zxidOf(snapshots.get(0).getFileName().toString());
        LogReadAhead readAhead = LogReadAhead.start(logDir,
                new TxnLog.Options(SEGMENT_BYTES, config.preAllocBytes(), config.forceSync()), newestZxid);
        TxnLog log;
        List<LogEntry> logged;
        long snapshotLoadedNanos;
        long logReadNanos;
        try {
            // The newest snapshot that reads back whole and restores to its digest; a damaged one is skipped
            // for the one before it (the log still holds what the skipped one summarised), and the tree it
            // was partly loaded into is left as a new one. The file is decoded on a thread of its own while
            // this one builds the tree.
            for (Path file : snapshots) {
                DataTree.Loader[] loader = {null};
                try {
                    SnapshotFile.Header header = OverlappedSnapshotRead.read(file, new SnapshotFile.NodeSink() {
                        @Override
                        public void expect(int nodeCount) {
                            loader[0] = node.restoring(nodeCount);
                        }

                        @Override
                        public void node(Znode znode) {
                            loader[0].add(znode);
                        }

                        @Override
                        public void nodes(Znode[] znodes, int count) {
                            loader[0].addAll(znodes, count);
                        }
                    });
                    node.restored(loader[0], header.zxid(), header.sessions(), header.digest());
                    snapshot = Optional.of(header);
                    snapshotZxid = header.zxid();
                    break;
                } catch (StorageException | IllegalStateException e) {
                    if (loader[0] != null) {
                        loader[0].abandon();
                    }
                    LOG.warn("Skipping snapshot {}: {}", file, e.getMessage());
                }
            }
            snapshotLoadedNanos = System.nanoTime();
            log = readAhead.log();
            // A log that starts after the txn following the snapshot is refused by replay, naming the log
            // directory, the snapshot's zxid and the zxid found; one that ends before the snapshot is refused here.
            if (snapshot.isPresent() && log.lastZxid() < snapshotZxid) {
                throw new StorageException("the log in " + logDir + " ends at zxid 0x" + Long.toHexString(log.lastZxid())
                        + ", before snapshot " + snapshot.get().file() + "; refusing to start with a log that lost txns");
            }
            // The txns after the snapshot go to the consensus core, which hands them to the tree once it knows
            // them committed: a standalone server's own log is all committed, an ensemble member's may end in
            // txns its next leader truncates.
            logged = readAhead.entriesAfter(snapshotZxid);
            logReadNanos = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            // A start that fails here leaves no log open behind it.
            readAhead.close();
            throw e;
        }
        EpochFiles.Epochs epochs = EpochFiles.load(snapshotDir, Math.max(snapshotZxid, log.lastZxid()));
        DurableState durable = new DurableState(epochs.acceptedEpoch(), epochs.currentEpoch(), snapshotZxid, logged,
                sharedSecret.map(secret -> new dev.corral.zab.SharedSecret(secret.passwords(Set.of()).sharedForm()))
                        .orElse(dev.corral.zab.SharedSecret.NONE));
        diskWorker = new DiskWorker(log, snapshotDir, snapshotDir, config.dataDir(), seq -> nodeLoop.execute(() -> onNode(() -> node.onPersisted(seq,
                System.currentTimeMillis()))), onFatal, metrics, config.fsyncWarningThresholdMs());
        diskWorker.start();
        snapshotWorker = new SnapshotWorker(snapshotDir, metrics);
        long incarnation = (System.currentTimeMillis() / 1000) & 0x7fffffffL;
        EnsembleConfig ensemble = config.ensemble();
        java.util.function.Function<dev.corral.zab.StateSource, dev.corral.zab.Peer> peers;
        if (ensemble.isDistributed()) {
            dev.corral.zab.PeerConfig peerConfig = ensemble.peerConfig(incarnation, (int) PEER_TICK_MS);
            peers = state -> new dev.corral.zab.Peer(peerConfig, durable, state);
            startQuorumTransports(ensemble);
        } else {
            peers = Node.soloPeer(config.serverId(), durable, incarnation);
        }
        callOnNodeLoop(() -> {
            if (config.ensemble().isDistributed()) {
                node.initEnsembleConfig(config.ensemble().dynamicConfigText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            carryOut(node.start(peers, System.currentTimeMillis()));
            return null;
        });
        nodeLoop.scheduleAtFixedRate(() -> onNode(() -> node.onPeerTick(System.currentTimeMillis())), PEER_TICK_MS, PEER_TICK_MS,
                TimeUnit.MILLISECONDS);
        if (!ensemble.isDistributed()) {
            // A standalone server elects itself and applies its log before it takes clients; an ensemble
            // member listens at once and closes clients' connections until it serves, as ZooKeeper's does.
            awaitServing(start);
        }
        long end = System.nanoTime();
        LOG.info("Recovered {} znodes at zxid 0x{} ({}, then {} txns from {}) in {} ms (the snapshot loaded after {} ms, the log read"
                        + " after {} ms), epoch {}; {} sessions to be revalidated",
                node.tree().nodeCount(), Long.toHexString(node.tree().lastProcessedZxid()),
                snapshot.map(s -> "snapshot " + s.file().getFileName()).orElse("no snapshot"), logged.size(), logDir,
                (end - start) / 1_000_000, (snapshotLoadedNanos - start) / 1_000_000, (logReadNanos - start) / 1_000_000,
                Zxid.epoch(node.tree().lastProcessedZxid()), node.sessionTable().size());
        if (config.purgeIntervalHours() > 0) {
            nodeLoop.scheduleAtFixedRate(() -> purge(snapshotDir, logDir), config.purgeIntervalHours(), config.purgeIntervalHours(),
                    TimeUnit.HOURS);
        }
    }

    /**
     * Waits until the consensus core serves: for a standalone server, once it has elected itself, made
     * its new epoch durable and applied its log. Bounded, so a disk that never answers stops the start.
     */
    private void awaitServing(long startNanos) throws IOException {
        long leftNanos = startNanos + TimeUnit.SECONDS.toNanos(SERVING_WAIT_S) - System.nanoTime();
        try {
            firstServing.get(Math.max(0, leftNanos), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the server did not start serving within " + SERVING_WAIT_S + " s: " + callOnNodeLoop(node::describeRole));
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("the server stopped while starting: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting");
        }
    }

    /** Whether a directory of the data holds no file (or does not exist yet): a server's first start. */
    private static boolean holdsNoState(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return true;
        }
        try (var files = Files.list(directory)) {
            return files.findAny().isEmpty();
        }
    }

    /**
     * Hands an event from another server to the Node on the node loop. The transports listen before the
     * Node's consensus core exists (node.start runs next, and its first notifications need the transports),
     * so what arrives before that is dropped: the Node had no peer to take it and stopped the server with a
     * NullPointerException. Nothing is lost that matters: election notifications and learner infos are
     * sent again, and a disconnect of a connection that predates the core concerns no state of it.
     */
    private void onPeerEvent(java.util.function.Supplier<List<Output>> event) {
        nodeLoop.execute(() -> {
            if (node.peer() != null) {
                onNode(event);
            }
        });
    }

    /**
     * Starts the election and quorum ports of an ensemble member; what arrives goes to the Node on the
     * node loop, in the order each transport received it.
     */
    private void startQuorumTransports(EnsembleConfig ensemble) throws IOException {
        dev.corral.server.quorum.QuorumTls quorumTls = config.security().quorumTls() == null ? null
                : dev.corral.server.quorum.QuorumTls.of(config.security().quorumTls());
        if (quorumTls != null) {
            LOG.info("The quorum and election ports speak TLS (sslQuorum, ssl.quorum.clientAuth={})",
                    config.security().quorumTls().clientAuth());
        }
        // ZooKeeper's QuorumPeer#initialize: a Kerberos member must be of a host of the server.N lines.
        java.util.Set<String> hosts = new java.util.HashSet<>();
        ensemble.members().values().forEach(member -> hosts.add(member.host()));
        quorumSasl = dev.corral.server.quorum.QuorumSasl.load(config.security().quorumAuth(),
                System.getProperty(dev.corral.server.sasl.JaasFile.PROPERTY), hosts, System.getProperties());
        if (quorumSasl != null) {
            LOG.info("Members authenticate each other on the quorum and election ports: {}", quorumSasl);
        }
        try {
            electionTransport = dev.corral.server.quorum.ElectionTransport.start(ensemble.electionTransportConfig(),
                    (serverId, notification) -> onPeerEvent(() -> node.onPeerMessage(serverId, notification,
                            System.currentTimeMillis())), quorumTls, quorumSasl);
            learnerTransport = dev.corral.server.quorum.LearnerTransport.start(
                    ensemble.learnerTransportConfig(new TreeImageCodec(), config.maxBufferBytes()),
                    new dev.corral.server.quorum.LearnerTransport.Receiver() {
                        @Override
                        public void onMessage(long serverId, dev.corral.zab.Message.Learner message) {
                            onPeerEvent(() -> node.onPeerMessage(serverId, message, System.currentTimeMillis()));
                        }

                        @Override
                        public void onDisconnected(long serverId, long connection) {
                            // A leader's socket that closed is a leader gone: look for another now, not after syncLimit.
                            onPeerEvent(() -> node.onPeerDisconnected(serverId, connection, System.currentTimeMillis()));
                        }
                    }, quorumTls, quorumSasl);
        } catch (RuntimeException e) {
            throw new IOException("cannot open the quorum ports of server " + ensemble.myId() + ": " + e.getMessage(), e);
        }
        LOG.info("Server {} of an ensemble of {} voters and {} observers: election port {}, quorum port {}", ensemble.myId(),
                ensemble.voters().size(), ensemble.observers().size(), electionTransport.localAddress(), learnerTransport.localAddress());
    }

    /** ZooKeeper's autopurge: keep the newest snapRetainCount snapshots and the logs they need. */
    private void purge(Path snapshotDir, Path logDir) {
        Thread purger = new Thread(() -> {
            try {
                var deleted = Snapshots.purge(snapshotDir, logDir, config.snapRetainCount());
                LOG.info("Autopurge deleted {} files", deleted.size());
            } catch (StorageException e) {
                LOG.error("Autopurge failed: {}", e.getMessage());
            }
        }, "corral-purge");
        purger.setDaemon(true);
        purger.start();
    }

    /** Binds the client port (and the secure client port, if one is configured) and starts ticking. */
    public void start() throws IOException, InterruptedException {
        try {
            listen();
        } catch (IOException | RuntimeException e) {
            auditLog.serverStarted(false);
            throw e;
        }
        auditLog.serverStarted(true);
    }

    private void listen() throws IOException, InterruptedException {
        sasl = JaasSaslAuthenticator.load(System.getProperties()).orElse(null);
        if (sasl != null) {
            node.useSasl(sasl);
        }
        dataLock = DataDirLock.acquire(config.dataDir());
        SessionSecretTask secret = SessionSecretTask.start(config.dataDir(), config.ensemble().isDistributed(),
                holdsNoState(config.dataDir().resolve(SNAPSHOT_DIR)) && holdsNoState(config.dataLogDir().resolve(LOG_DIR)), bootWallMs);
        // A standalone server binds its client port before it reads its data, as ZooKeeperServerMain does, but
        // accepts nothing until it serves: a client that connects while the data loads waits in the listen
        // backlog and has its session the moment the server serves, where a refused one retries after its
        // client's pause (up to a second for ZooKeeper's Java client). An ensemble member binds once it has
        // recovered, so that a client refused meanwhile tries another member at once.
        // The TLS-only port is bound once the server serves, so that a TCP connection to it still means the
        // server serves (the start script's probe of a server without a plain port).
        if (!config.ensemble().isDistributed() && config.clientPort() != ServerConfig.NO_CLIENT_PORT) {
            try {
                openPlainPort(false);
            } catch (IOException | InterruptedException | RuntimeException e) {
                try {
                    secret.await();
                } catch (IOException | RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
                throw e;
            }
        }
        try {
            beforeRecovery.run();
            recover(secret.await());
        } catch (IOException | RuntimeException e) {
            // The port and the data directory go at once, not when the caller closes: a held port that never
            // answers would keep clients waiting, and another server may take the directory.
            close();
            throw e;
        }
        if (config.security().clientTls() != null) {
            try {
                clientTls = dev.corral.server.tls.ReloadingTlsContext.open(config.security().clientTls());
            } catch (IOException e) {
                close();
                throw e;
            }
        }
        // Before the client port accepts, as ZooKeeperServerMain starts its admin server: whoever waits for an
        // answer on the client port (a start script, a test) then finds the admin port up too.
        startHttp();
        if (plainPort != null) {
            plainPort.accepting(true);
        } else if (serverChannel != null) {
            serverChannel.config().setAutoRead(true);
        } else if (config.clientPort() != ServerConfig.NO_CLIENT_PORT) {
            openPlainPort(true);
        }
        if (config.security().secureClientPort() != SecurityConfig.NO_PORT) {
            secureServerChannel = bindClientPort(config.security().secureClientPortAddress(), config.security().secureClientPort(), true,
                    true);
            LOG.info("Listening for TLS clients on {} (ssl.clientAuth={})", secureServerChannel.localAddress(),
                    config.security().clientTls().clientAuth());
        }
        serving = true;
        nodeLoop.scheduleAtFixedRate(() -> onNode(() -> node.onTick(System.currentTimeMillis())),
                config.tickMs(), config.tickMs(), TimeUnit.MILLISECONDS);
        LOG.info("Corral {} listening for clients on {} ({}, tickTime={} ms, sessions {}..{} ms, maxClientCnxns={})",
                VERSION, plainPortAddress() == null ? "no plain port (secureClientPort only)" : plainPortAddress(),
                config.ensemble().isDistributed() ? "server " + config.ensemble().myId()
                        + " of an ensemble" : "standalone", config.tickMs(), config.minSessionTimeoutMs(),
                config.maxSessionTimeoutMs(), config.maxClientCnxns());
        if (config.warmUpRequests() > 0) {
            // A standalone server serves already; an ensemble member warms up once it first does, not while it
            // elects and synchronizes.
            firstServing.thenRun(this::startWarmUp);
        }
    }

    private void startWarmUp() {
        synchronized (warmUpLock) {
            if (!warmUpClosed) {
                warmUp = WarmUp.start(config, nodeConfig, WarmUp.TIME_MAX_MS, framesReceived::get);
            }
        }
    }

    /** Runs {@code hook} in start() right before the data is read (a test's hold on the recovery). */
    void beforeRecovery(Runnable hook) {
        beforeRecovery = hook;
    }

    /** The warm-up this start ran or runs, or null when {@code warmup.requests=0} or it has not started (a test's view). */
    WarmUp warmUp() {
        synchronized (warmUpLock) {
            return warmUp;
        }
    }

    /** The plain client port, or {@link ServerConfig#NO_CLIENT_PORT} when only the secure one is open. */
    public int port() {
        InetSocketAddress address = plainPortAddress();
        return address == null ? ServerConfig.NO_CLIENT_PORT : address.getPort();
    }

    private InetSocketAddress plainPortAddress() {
        NioClientPort nio = plainPort;
        if (nio != null) {
            return nio.localAddress();
        }
        Channel channel = serverChannel;
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    /**
     * Opens the plain client port: on NIO, or on Netty with client.portUnification, where a TLS client
     * is told from a plain one by its first bytes. A port not {@code accepting} leaves connections in the
     * listen backlog until it is told to accept.
     */
    private void openPlainPort(boolean accepting) throws IOException, InterruptedException {
        if (config.security().portUnification()) {
            serverChannel = bindClientPort(config.clientPortAddress(), config.clientPort(), false, accepting);
            return;
        }
        InetSocketAddress address = new InetSocketAddress(config.clientPortAddress(), config.clientPort());
        try {
            plainPort = new NioClientPort(address, "corral-client", CLIENT_IO_THREADS, config.maxBufferBytes(),
                    config.connectionLimits().outgoingBytesHigh() / 2, config.connectionLimits().outgoingBytesHigh(),
                    metrics.acceptFailures, ClientEvents::new);
        } catch (IOException | RuntimeException e) {
            close();
            throw new IOException("cannot listen on " + config.clientPortAddress() + ":" + config.clientPort() + ": " + e.getMessage(), e);
        }
        plainPort.accepting(accepting);
    }

    /** The secure client port, or -1 if there is none. */
    public int securePort() {
        return secureServerChannel == null ? -1 : ((InetSocketAddress) secureServerChannel.localAddress()).getPort();
    }

    /**
     * Listens for clients on one port. {@code secure}: the port speaks only TLS; otherwise it is plain, or
     * with client.portUnification takes both ({@link dev.corral.server.tls.TlsSniffer}). Both kinds of
     * connection then go through the same frame decoder and handler. A port not {@code accepting} leaves
     * connections in the listen backlog until its channel's autoRead is turned on.
     */
    private Channel bindClientPort(String address, int port, boolean secure, boolean accepting) throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, accepting)
                .handler(new AcceptBackoff(metrics.acceptFailures))
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A four-letter word's sender may shut its output down right after the word, as ZooKeeper's
                // FourLetterWordMain does (zkServer.sh status, the client's search for a read-write server):
                // the answer must still go out, so the end of input no longer closes the channel by itself;
                // ClientEvents closes every other connection whose input ends, as ZooKeeper does.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // Above the high mark the channel turns unwritable and ClientEvents stops reading it; it is
                // read again once the queue has drained under half of the mark.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        config.connectionLimits().outgoingBytesHigh() / 2, config.connectionLimits().outgoingBytesHigh()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (secure) {
                            channel.pipeline().addLast("tls", clientTls.newHandler(channel.alloc()));
                        } else if (config.security().portUnification()) {
                            channel.pipeline().addLast("tls-sniffer", new dev.corral.server.tls.TlsSniffer(clientTls));
                        }
                        channel.pipeline().addLast(new ClientFrameDecoder(config.maxBufferBytes()), new ClientHandler());
                    }
                });
        try {
            return bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
        } catch (Exception e) {
            close();
            throw new IOException("cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // Once: a start that fails closes the server itself, and its caller's close comes after.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (serving) {
            auditLog.serverStopping();
        }
        serving = false;
        WarmUp started;
        synchronized (warmUpLock) {
            warmUpClosed = true;
            started = warmUp;
        }
        if (started != null) {
            started.close();
        }
        if (adminServer != null) {
            adminServer.close();
        }
        if (consoleSessions != null) {
            consoleSessions.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (plainPort != null) {
            plainPort.close();
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (secureServerChannel != null) {
            secureServerChannel.close().syncUninterruptibly();
        }
        for (ClientChannel client : channels.values()) {
            client.link().close();
        }
        if (learnerTransport != null) {
            learnerTransport.close();
        }
        if (sasl != null) {
            sasl.close();
        }
        if (quorumSasl != null) {
            quorumSasl.close();
        }
        if (electionTransport != null) {
            electionTransport.close();
        }
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        nodeLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (snapshotWorker != null) {
            snapshotWorker.close();
        }
        try {
            if (diskWorker != null) {
                diskWorker.close();
            }
        } catch (IOException e) {
            LOG.error("Closing the log failed: {}", e.getMessage());
        }
        if (dataLock != null) {
            dataLock.close();
        }
    }

    /**
     * Runs one Node event on the node loop and carries out its outputs. An exception from the Node is a
     * bug that may have left its state half-changed, so the process stops rather than serve from it.
     */
    private void onNode(java.util.function.Supplier<List<Output>> event) {
        List<Output> outputs;
        try {
            outputs = event.get();
        } catch (RuntimeException e) {
            LOG.error("Internal error in the state machine; stopping so no client is served from a broken state", e);
            onFatal.accept(e);
            return;
        }
        carryOut(outputs);
        dev.corral.zab.Peer peer = node.peer();
        if (peer != null && peer.state() == dev.corral.zab.ServerState.LEADING) {
            quorum.onLeaderProgress(peer.lastLoggedZxid(), peer.commitZxid(), System.nanoTime());
        }
        if (!paused.isEmpty() && node.outstandingRequests() <= config.globalOutstandingLimit()) {
            paused.forEach(client -> client.gate().resume(ReadGate.Reason.GLOBAL_OUTSTANDING));
            paused.clear();
        }
        maybeResumeRequests();
    }

    /**
     * ZooKeeper's globalOutstandingLimit: above it, a connection that has requests outstanding is not read
     * from until the count is back at or under the limit, so a burst queues in the clients, not in our heap.
     * Corral's connection.requestsMax does the same for one connection's own requests in flight.
     */
    private void throttle(ClientChannel client) {
        if (node.outstandingRequests() > config.globalOutstandingLimit() && node.hasOutstandingRequests(client.connectionId())
                && paused.add(client)) {
            client.gate().pause(ReadGate.Reason.GLOBAL_OUTSTANDING);
            metrics.readPauses.incrementAndGet();
        }
        if (requestsInFlight(client) > config.connectionLimits().requestsMax()) {
            pauseForRequests(client);
        }
    }

    /** Requests of the connection decoded and not yet answered: those queued for the Node and those it holds. */
    private int requestsInFlight(ClientChannel client) {
        return client.framesQueued().get() + node.outstandingRequests(client.connectionId());
    }

    /**
     * Stops reading the connection until its requests in flight are back within connection.requestsMax.
     * Called from the I/O loop and the node loop; the node loop then watches the connection, checking at
     * once since its requests may all have been answered by the time it gets there.
     */
    private void pauseForRequests(ClientChannel client) {
        if (client.gate().pause(ReadGate.Reason.CONNECTION_REQUESTS)) {
            metrics.requestsPauses.incrementAndGet();
            nodeLoop.execute(() -> {
                requestsPaused.add(client);
                maybeResumeRequests();
            });
        }
    }

    private void maybeResumeRequests() {
        if (requestsPaused.isEmpty()) {
            return;
        }
        for (var it = requestsPaused.iterator(); it.hasNext();) {
            ClientChannel client = it.next();
            if (requestsInFlight(client) <= config.connectionLimits().requestsMax()) {
                client.gate().resume(ReadGate.Reason.CONNECTION_REQUESTS);
                it.remove();
            }
        }
    }

    /**
     * Runs on the node loop: sends frames and closes connections, in order per connection. The frames for
     * one channel go out as one buffer in one task on the channel's I/O loop, written and flushed once,
     * rather than a task per frame; a close goes after the frames queued before it.
     */
    private void carryOut(List<Output> outputs) {
        Map<ClientChannel, List<byte[]>> batches = new LinkedHashMap<>();
        for (Output output : outputs) {
            if (output instanceof Output.Send send) {
                ClientChannel client = channels.get(send.connectionId());
                if (client != null) {
                    batches.computeIfAbsent(client, c -> new ArrayList<>(2)).add(send.frame());
                }
            } else if (output instanceof Output.Persist persist) {
                diskWorker.persist(persist.change(), node.tree().lastProcessedZxid());
            } else if (output instanceof Output.RoleChanged changed) {
                onRoleChanged(changed);
            } else if (output instanceof Output.ReadOnlyChanged changed) {
                LOG.info("Read-only mode {}: {}", changed.active() ? "started" : "ended", changed.reason());
            } else if (output instanceof Output.PeerSend send) {
                if (send.message() instanceof dev.corral.zab.Message.Notification notification) {
                    electionTransport.send(send.serverId(), notification);
                } else {
                    learnerTransport.send(send.serverId(), (dev.corral.zab.Message.Learner) send.message());
                }
            } else if (output instanceof Output.Snapshot snapshot) {
                if (snapshotWorker.submit(snapshot.snapshot())) {
                    diskWorker.rollAtNextAppend();
                }
            } else if (output instanceof Output.Close close) {
                ClientChannel client = channels.get(close.connectionId());
                if (client != null) {
                    LOG.atLevel(close.routine() ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO)
                            .log("Closing connection {} from {}: {}", close.connectionId(), client.link().remoteAddress(), close.reason());
                    send(client, batches.remove(client));
                    client.link().closeAfterWrites();
                    paused.remove(client);
                    requestsPaused.remove(client);
                }
            } else if (output instanceof Output.Restored done) {
                restored.complete(done.zxid());
                restored = null;
            } else if (output instanceof Output.Audit audit) {
                auditLog.write(audit.event());
            } else if (output instanceof Output.SessionExpired expired) {
                LOG.info("Expiring session 0x{}, timeout of {}ms exceeded", Long.toHexString(expired.sessionId()),
                        expired.timeoutMs());
            }
        }
        batches.forEach(this::send);
    }

    /**
     * Logs a role change with the consensus core's reason, and how long the election took when it ends in
     * serving: an operator reading the log sees each change and why, as ZooKeeper's "Peer state changed"
     * lines show each state but not the cause.
     */
    private void onRoleChanged(Output.RoleChanged changed) {
        quorum.onRoleChanged(changed.state(), changed.serving(), System.nanoTime(), System.currentTimeMillis());
        if (changed.serving()) {
            firstServing.complete(null);
        }
        LOG.info("Now {}{} in epoch {}; {}: {}{}", changed.state(), changed.leader() >= 0 ? " (leader " + changed.leader() + ")" : "",
                changed.epoch(), changed.serving() ? "serving clients" : "not serving clients", changed.reason(),
                changed.serving() ? " (" + quorum.lastElectionMs() + " ms after it stopped serving or started)" : "");
    }

    /**
     * Hands a connection's frames to its link. A connection whose queued reply bytes would pass
     * connection.outgoingBytesMax is closed instead: its client is not reading, and its reads have been
     * stopped since the queue passed connection.outgoingBytesHigh, so only replies to requests read before
     * that can have brought it here.
     */
    private void send(ClientChannel client, List<byte[]> frames) {
        if (frames == null) {
            return;
        }
        long bytes = 0;
        for (byte[] frame : frames) {
            bytes += frame.length;
        }
        long queued = client.outgoingBytes().addAndGet(bytes);
        if (queued > config.connectionLimits().outgoingBytesMax()) {
            client.outgoingBytes().addAndGet(-bytes);
            // Out of the map first, so the rest of this batch and later replies are dropped, and logged once.
            if (channels.remove(client.connectionId(), client)) {
                LOG.warn("Closing connection {} from {}: {} reply bytes are queued and not read by the client, more than"
                        + " connection.outgoingBytesMax={}", client.connectionId(), client.link().remoteAddress(),
                        queued, config.connectionLimits().outgoingBytesMax());
                metrics.outgoingBytesCloses.incrementAndGet();
                client.link().close();
            }
            return;
        }
        metrics.bytesSent.addAndGet(bytes);
        framesSent.addAndGet(frames.size());
        long written = bytes;
        client.link().write(frames, () -> client.outgoingBytes().addAndGet(-written));
    }

    /** A connection's frames as one buffer over their arrays, without a copy (a Netty port's write, {@link ClientLink.Netty}). */
    static ByteBuf oneBuffer(List<byte[]> frames) {
        return frames.size() == 1 ? Unpooled.wrappedBuffer(frames.get(0)) : Unpooled.wrappedBuffer(frames.size(), frames.toArray(new byte[0][]));
    }

    /** The answer to a four-letter word as a client on the port would get it (whitelist applied). */
    String fourLetterWord(String word) {
        return callOnNodeLoop(() -> fourLetterAnswer(word));
    }

    private String fourLetterAnswer(String word) {
        if (!config.fourLetterWords().contains(word)) {
            return FourLetterWords.refusal(word);
        }
        return report.answer(word);
    }

    /**
     * One per client connection, on either port: hands its events to the node loop, and applies the
     * bounds that need no Node: the per-IP count, the time to send a first frame, and reading only while
     * the replies are being read. Its methods run on the connection's I/O thread.
     */
    private final class ClientEvents implements NioClientPort.Listener {
        private long connectionId;
        private String remoteIp;
        private ClientChannel client;
        private ClientLink link;
        // Cancels the close of a connection that sends no whole first frame in time; null once one came.
        private Runnable handshakeTimer;
        // A four-letter word arrived: its answer closes the connection, and the end of input must not first.
        private boolean answeringFourLetterWord;

        @Override
        public void onActive(NioClientPort.Link link) {
            open(link);
        }

        void open(ClientLink opened) {
            link = opened;
            remoteIp = ((InetSocketAddress) opened.remoteAddress()).getAddress().getHostAddress();
            int count = connectionsPerIp.computeIfAbsent(remoteIp, ip -> new AtomicInteger()).incrementAndGet();
            if (config.maxClientCnxns() > 0 && count > config.maxClientCnxns()) {
                LOG.warn("Too many connections from {} - max is {}", remoteIp, config.maxClientCnxns());
                opened.close();
                return;
            }
            long id = nextConnectionId.getAndIncrement();
            connectionId = id;
            client = new ClientChannel(id, opened);
            channels.put(id, client);
            if (sasl != null) {
                sasl.prepare(id);
            }
            int timeoutMs = config.connectionLimits().handshakeTimeoutMs();
            handshakeTimer = opened.scheduleOnLoop(() -> {
                // Debug, as ZooKeeper logs these closes: a client opening many connections must not flood the log.
                LOG.debug("Closing connection {} from {}: no connect request within {} ms (zookeeper.nio.sessionlessCnxnTimeout)",
                        id, opened.remoteAddress(), timeoutMs);
                metrics.handshakeTimeouts.incrementAndGet();
                opened.close();
            }, timeoutMs);
            nodeLoop.execute(() -> onNode(() -> node.onConnectionOpened(id, remoteIp, System.currentTimeMillis())));
        }

        long connectionId() {
            return connectionId;
        }

        private void handshakeReceived() {
            if (handshakeTimer != null) {
                handshakeTimer.run();
                handshakeTimer = null;
            }
        }

        @Override
        public void onWritable(boolean writable) {
            if (client != null) {
                if (writable) {
                    client.gate().resume(ReadGate.Reason.OUTGOING_BYTES);
                } else if (client.gate().pause(ReadGate.Reason.OUTGOING_BYTES)) {
                    metrics.outgoingPauses.incrementAndGet();
                }
            }
        }

        @Override
        public void onFrame(byte[] frame) {
            long id = connectionId;
            if (id == 0) {
                return;
            }
            handshakeReceived();
            metrics.bytesReceived.addAndGet(frame.length + 4L);
            framesReceived.incrementAndGet();
            ClientChannel sender = client;
            if (sender.framesQueued().incrementAndGet() > config.connectionLimits().requestsMax()) {
                pauseForRequests(sender);
            }
            nodeLoop.execute(() -> {
                onNode(() -> node.onFrame(id, frame, System.currentTimeMillis()));
                sender.framesQueued().decrementAndGet();
                throttle(sender);
            });
        }

        @Override
        public void onFourLetterWord(String word) {
            if (connectionId == 0) {
                return;
            }
            handshakeReceived();
            answeringFourLetterWord = true;
            ClientLink answered = link;
            nodeLoop.execute(() -> {
                try {
                    answered.write(List.of(fourLetterAnswer(word).getBytes(StandardCharsets.US_ASCII)), () -> { });
                    answered.closeAfterWrites();
                } catch (RuntimeException e) {
                    // The end of input no longer closes this connection (half-closure): close it here.
                    answered.close();
                    throw e;
                }
            });
        }

        @Override
        public void onInputEnded() {
            if (!answeringFourLetterWord) {
                link.close();
            }
        }

        @Override
        public void onInactive() {
            handshakeReceived();
            if (remoteIp != null) {
                connectionsPerIp.computeIfPresent(remoteIp, (ip, count) -> count.decrementAndGet() <= 0 ? null : count);
            }
            long id = connectionId;
            if (id != 0 && sasl != null) {
                sasl.forget(id);
            }
            if (id != 0) {
                channels.remove(id);
                ClientChannel closed = client;
                nodeLoop.execute(() -> {
                    paused.remove(closed);
                    requestsPaused.remove(closed);
                    onNode(() -> node.onConnectionClosed(id, System.currentTimeMillis()));
                });
            }
        }
    }

    /** A connection of a Netty port (the TLS ones, and the plain one with client.portUnification): its events to {@link ClientEvents}. */
    private final class ClientHandler extends ChannelInboundHandlerAdapter {
        private final ClientEvents events = new ClientEvents();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            events.open(new ClientLink.Netty(ctx.channel()));
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            events.onWritable(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof byte[] frame) {
                events.onFrame(frame);
            } else if (message instanceof ClientFrameDecoder.FourLetterWord command) {
                events.onFourLetterWord(command.word());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.onInactive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                events.onInputEnded();
            } else if (event instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent handshake) {
                if (!handshake.isSuccess()) {
                    // The TLS handler closes the connection; ZooKeeper logs these as "Unsuccessful handshake".
                    LOG.info("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), handshake.cause().toString());
                } else if (events.connectionId() != 0) {
                    onHandshake(ctx);
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        /**
         * A TLS handshake succeeded: the client certificate it verified, if one was asked for and sent, names
         * the connection in the x509 scheme (NettyServerCnxnFactory's CertificateVerifier). It reaches the node
         * loop before any frame of the connection, which can only be read after the handshake.
         */
        private void onHandshake(ChannelHandlerContext ctx) {
            javax.net.ssl.SSLEngine engine = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine();
            if (!engine.getNeedClientAuth() && !engine.getWantClientAuth()) {
                return;
            }
            java.security.cert.Certificate[] chain;
            try {
                chain = engine.getSession().getPeerCertificates();
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                return; // ssl.clientAuth=want and the client sent none: it stays unauthenticated
            }
            if (chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate certificate) {
                String subject = certificate.getSubjectX500Principal().getName();
                long id = events.connectionId();
                nodeLoop.execute(() -> onNode(() -> node.onClientCertificate(id, subject, System.currentTimeMillis())));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Connection {} from {} failed: {}", events.connectionId(), ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
