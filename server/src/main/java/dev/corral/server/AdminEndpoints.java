package dev.corral.server;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.node.ConnectionView;
import dev.corral.node.LatencySummary;
import dev.corral.node.Node;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * What the admin HTTP server and the Prometheus scrape answer. The admin commands are ZooKeeper 3.9's
 * ({@code server/admin/Commands.java}: the same names and aliases under /commands/, JSON with
 * "command" and "error" fields); Corral adds /health/live, /health/ready (serving, not merely up) and a
 * log_level command that changes a logger's level without a restart. Every answer that reads the Node
 * is computed on the node loop. Commands that change state (log_level, stat_reset,
 * connection_stat_reset) are off unless {@code admin.enableStateChangingCommands=true}, and then served
 * by POST only: ZooKeeper 3.9 serves its reset commands by GET to anyone, which any web page can do.
 *
 * <p>While authentication is enforced ({@link Disclosure}), the commands that list sessions and their
 * ephemerals or watches, or change state, answer only a request whose Authorization header proves an
 * identity with ALL on "/" ({@link AdminAuthentication}, the check ZooKeeper 3.9.5 makes for its snapshot
 * and restore commands, with its answers: 401 "Auth info is missing for the command" without the header,
 * 401 "Not authenticated" when it proves nothing, 403 "Not authorized" when the ACL refuses); environment,
 * configuration and stats leave out what {@link Disclosure#HIDDEN_KEYS} names unless the request proves one.
 * The snapshot and restore commands ask for that identity always, as ZooKeeper's do.
 */
final class AdminEndpoints {
    /** Made at the first answer, not at start: building an ObjectMapper loads some 300 classes, about 0.15 s of a start. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
    private final ServerConfig config;
    private final Node node;
    private final FourLetterReport report;
    private final NodeLoop loop;
    private final BooleanSupplier ready;
    private final ServerMetrics metrics;
    private final QuorumMetrics quorum;
    private final AdminAuthentication authentication;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    // The sampled intervals whose percentiles the scrape exports, as the console charts them.
    private final ConsoleHistory history;
    // The web console at "/" and under /console/, or null while it is off.
    private volatile ConsoleApi console;

    /** Who may see a command's whole answer while authentication is enforced (without enforcement: anyone). */
    enum Protection {
        /** Anyone. */
        OPEN,
        /** Only an identity with ALL on "/"; anyone else is refused. */
        ADMIN,
        /** Anyone, but the {@link Disclosure#HIDDEN_KEYS} only to an identity with ALL on "/". */
        REDACTED,
        /** Only an identity with ALL on "/", whether or not authentication is enforced: ZooKeeper's snapshot command. */
        ALWAYS_ADMIN
    }

    /** Writes a snapshot of the tree as it is now and returns its file (SnapshotWorker#writeNow). */
    interface Snapshotter {
        java.nio.file.Path take() throws Exception;
    }

    /**
     * ZooKeeper 3.9.5's SnapshotCommand allows one snapshot per zookeeper.admin.rateLimiterIntervalInMS (300000)
     * read as microseconds (its RateLimiter is built with TimeUnit.MICROSECONDS): one per 300 ms by default.
     */
    private final long snapshotIntervalNs;
    private final Snapshotter snapshotter;
    private final java.util.concurrent.atomic.AtomicLong lastSnapshotNs;

    /**
     * Replaces the server's state with a checked image and returns the zxid of the state after it, once that
     * state is durable and loaded; -1, with nothing changed, while writes are in flight (CorralServer: Node#restoreByAdmin).
     */
    interface Restorer {
        long restore(dev.corral.tree.TreeSnapshot image) throws Exception;
    }

    private final Restorer restorer;
    // ZooKeeper 3.9.5's RateLimiter(1, rateLimiterIntervalInMS, MILLISECONDS) of its RestoreCommand: one token,
    // given back when more than the interval passed since the last time it was given back (at first, the start).
    private long restoreTokenResetNs = System.nanoTime();
    private boolean restoreTokenLeft = true;

    /** What a command that needs an admin identity asks of it: ZooKeeper's AuthRequest of its snapshot command. */
    static final AdminAuthentication.Required ADMIN_IDENTITY = new AdminAuthentication.Required(dev.corral.wire.Acl.ALL, "/");

    /** Runs a computation on the node loop and waits (bounded) for its result. */
    interface NodeLoop {
        <T> T call(Callable<T> work);
    }

    /**
     * An admin command; one that {@code changesState} is served only by POST, without an Origin header, and
     * only when zoo.cfg has {@code admin.enableStateChangingCommands=true}. One that {@code needsServing}
     * answers, while the server does not serve, only ZooKeeper's error for that (its CommandBase#isServerRequired).
     */
    private record Command(String name, List<String> aliases, boolean changesState, boolean needsServing, Protection protection,
            Function<Map<String, List<String>>, Map<String, Object>> run) {}

    /** ZooKeeper's admin answer, with status 200, to a command that needs a serving server. */
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests";

    AdminEndpoints(ServerConfig config, Node node, FourLetterReport report, NodeLoop loop, BooleanSupplier ready,
            ServerMetrics metrics, QuorumMetrics quorum, AdminAuthentication authentication, Snapshotter snapshotter,
            Restorer restorer, ConsoleHistory history) {
        this.config = config;
        this.history = history;
        this.snapshotter = snapshotter;
        this.restorer = restorer;
        this.snapshotIntervalNs = config.restore().intervalMs() * 1_000L;
        this.lastSnapshotNs = new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - snapshotIntervalNs);
        this.authentication = authentication;
        this.node = node;
        this.report = report;
        this.loop = loop;
        this.ready = ready;
        this.metrics = metrics;
        this.quorum = quorum;
        add("ruok", List.of(), q -> new LinkedHashMap<>());
        add("server_stats", List.of("srvr"), q -> serverStats());
        add("stats", List.of("stat"), Protection.REDACTED, q -> {
            Map<String, Object> m = serverStats();
            m.put("connections", connections());
            return m;
        });
        add("connections", List.of("cons"), Protection.ADMIN, q -> map("connections", connections(), "secure_connections", List.of()));
        add("configuration", List.of("conf", "config"), Protection.REDACTED, q -> new LinkedHashMap<>(report.conf()));
        put(new Command("environment", List.of("env", "envi"), false, false, Protection.REDACTED,
                q -> new LinkedHashMap<>(FourLetterReport.environment())));
        put(new Command("monitor", List.of("mntr"), false, false, Protection.OPEN, q -> {
            Map<String, Object> m = new LinkedHashMap<>();
            report.monitor().forEach((key, value) -> m.put(key.startsWith("zk_") ? key.substring(3) : key, value));
            return m;
        }));
        EnsembleCommands ensemble = new EnsembleCommands(config.ensemble(), node,
                EnsembleConfig.bracketed(config.clientPortAddress()) + ":" + config.clientPort());
        add("leader", List.of("lead"), q -> ensemble.leader());
        add("voting_view", List.of(), q -> ensemble.votingView());
        add("observers", List.of("obsr"), q -> ensemble.observers());
        // ZooKeeper's ZabStateCommand runs without a serving server: it is how an operator sees an election.
        put(new Command("zabstate", List.of(), false, false, Protection.OPEN, q -> ensemble.zabState()));
        add("dump", List.of(), Protection.ADMIN, q -> {
            Map<String, Object> ephemerals = new LinkedHashMap<>();
            node.tree().ephemeralsBySession().forEach((id, paths) -> ephemerals.put("0x" + Long.toHexString(id), List.copyOf(paths)));
            Map<String, Object> sessions = new LinkedHashMap<>();
            node.sessionTable().all().forEach((id, timeout) -> sessions.put("0x" + Long.toHexString(id), timeout));
            return map("session_id_to_timeout_ms", sessions, "session_id_to_ephemeral_paths", ephemerals);
        });
        add("watch_summary", List.of("wchs"), q -> {
            var byPath = node.watches().watchersByPath();
            long connections = byPath.values().stream().flatMap(java.util.Set::stream).distinct().count();
            int total = byPath.values().stream().mapToInt(java.util.Set::size).sum();
            return map("num_connections", connections, "num_paths", byPath.size(), "num_total_watches", total);
        });
        add("watches", List.of("wchc"), Protection.ADMIN, q -> {
            Map<String, Object> bySession = new LinkedHashMap<>();
            for (ConnectionView c : node.connectionViews()) {
                var paths = node.watches().pathsOf(c.connectionId());
                if (!paths.isEmpty()) {
                    bySession.put("0x" + Long.toHexString(c.sessionId()), List.copyOf(paths));
                }
            }
            return map("session_id_to_watched_paths", bySession);
        });
        add("watches_by_path", List.of("wchp"), Protection.ADMIN, q -> {
            Map<Long, Long> sessionOf = new LinkedHashMap<>();
            node.connectionViews().forEach(c -> sessionOf.put(c.connectionId(), c.sessionId()));
            Map<String, Object> byPath = new java.util.TreeMap<>();
            node.watches().watchersByPath().forEach((path, watchers) -> byPath.put(path,
                    watchers.stream().map(w -> "0x" + Long.toHexString(sessionOf.getOrDefault(w, 0L))).toList()));
            return map("path_to_session_ids", byPath);
        });
        add("dirs", List.of(), q -> {
            String[] lines = report.answer("dirs").split("\n");
            return map("datadir_size", Long.parseLong(lines[0].split(": ")[1]), "logdir_size", Long.parseLong(lines[1].split(": ")[1]));
        });
        add("is_read_only", List.of("isro"), q -> map("read_only", node.readOnly()));
        addStateChanging("stat_reset", List.of("srst"), q -> {
            node.resetStats();
            return new LinkedHashMap<>();
        });
        addStateChanging("connection_stat_reset", List.of("crst"), q -> {
            node.resetConnectionStats();
            return new LinkedHashMap<>();
        });
        add("hash", List.of(), q -> map("digests", List.of(map("zxid", node.tree().lastProcessedZxid(),
                "digest", Long.toUnsignedString(node.tree().digest())))));
        put(new Command("log_level", List.of(), true, false, Protection.ADMIN, this::logLevel));
        // Answered by snapshot(), which streams a file: this map is never computed.
        put(new Command("snapshot", List.of("snap"), false, true, Protection.ALWAYS_ADMIN, q -> {
            throw new IllegalStateException("the snapshot command is answered by AdminEndpoints#snapshot");
        }));
        // Answered by restore(), which takes the request's body.
        put(new Command("restore", List.of("rest"), false, true, Protection.ALWAYS_ADMIN, q -> {
            throw new IllegalStateException("the restore command is answered by AdminEndpoints#restore");
        }));
    }

    private void add(String name, List<String> aliases, Function<Map<String, List<String>>, Map<String, Object>> run) {
        add(name, aliases, Protection.OPEN, run);
    }

    private void add(String name, List<String> aliases, Protection protection, Function<Map<String, List<String>>, Map<String, Object>> run) {
        put(new Command(name, aliases, false, true, protection, run));
    }

    private void addStateChanging(String name, List<String> aliases, Function<Map<String, List<String>>, Map<String, Object>> run) {
        put(new Command(name, aliases, true, true, Protection.ADMIN, run));
    }

    private void put(Command command) {
        commands.put(command.name(), command);
        command.aliases().forEach(alias -> commands.put(alias, command));
    }

    /**
     * Why a state-changing command is refused, or null if it may run. Off by default; a GET is refused so
     * that a link or an image on a web page cannot run it, and a request with an Origin header (which
     * browsers add to every cross-site POST, forms included) so that a page's form cannot either.
     */
    private HttpServer.Response refusal(Command command, HttpServer.Request request) {
        if (!config.adminStateChangingCommandsEnabled()) {
            return HttpServer.Response.json(403, write(map("command", command.name(), "error", "the command " + command.name()
                    + " changes the server's state and is off; set admin.enableStateChangingCommands=true in zoo.cfg to allow it")));
        }
        if (!request.method().equals("POST")) {
            return HttpServer.Response.json(405, write(map("command", command.name(), "error", "the command " + command.name()
                    + " changes the server's state and is served by POST only")));
        }
        if (request.origin() != null) {
            return HttpServer.Response.json(403, write(map("command", command.name(), "error", "the command " + command.name()
                    + " is not served to a request from a web page (Origin " + request.origin() + ")")));
        }
        return null;
    }

    /** Serves the web console on the admin port from now on. */
    void useConsole(ConsoleApi api) {
        this.console = api;
    }

    /** A command's answer as /commands/{name} gives it, for the console's panels. */
    Map<String, Object> commandAnswer(String name) {
        Command command = commands.get(name);
        if (command.needsServing() && !quorum.serving()) {
            return map("command", command.name(), "error", NOT_SERVING);
        }
        Map<String, Object> result = loop.call(() -> command.run().apply(Map.of()));
        result.putIfAbsent("error", null);
        result.put("command", command.name());
        return result;
    }

    /** The admin server's routes. */
    HttpServer.Response admin(HttpServer.Request request) {
        String path = request.path();
        ConsoleApi api = console;
        if (api != null && ConsoleApi.serves(path)) {
            return api.handle(request);
        }
        if (path.equals("/health/live")) {
            return HttpServer.Response.json(200, write(map("status", "live")));
        }
        if (path.equals("/health/ready")) {
            boolean serving = ready.getAsBoolean();
            return HttpServer.Response.json(serving ? 200 : 503, write(map("status", serving ? "ready" : "not serving")));
        }
        if (path.equals("/commands") || path.equals("/commands/")) {
            List<String> names = new ArrayList<>();
            commands.values().stream().distinct().forEach(c -> names.add(c.name()));
            return HttpServer.Response.json(200, write(map("commands", names)));
        }
        if (!path.startsWith("/commands/")) {
            return HttpServer.Response.json(404, write(map("error", "no such resource: " + path)));
        }
        String name = path.substring("/commands/".length());
        Command command = commands.get(name);
        if (command == null) {
            return HttpServer.Response.json(404, write(map("command", name, "error", "Unknown command: " + name)));
        }
        if (command.changesState()) {
            HttpServer.Response refused = refusal(command, request);
            if (refused != null) {
                return refused;
            }
        }
        if (command.needsServing() && !quorum.serving()) {
            return HttpServer.Response.json(200, write(map("command", command.name(), "error", NOT_SERVING)));
        }
        boolean protectedHere = command.protection() == Protection.ALWAYS_ADMIN
                || command.protection() != Protection.OPEN && config.security().authentication().enforced();
        List<dev.corral.wire.Id> ids = protectedHere ? authentication.authenticate(request) : List.of();
        boolean admin = protectedHere && !ids.isEmpty() && loop.call(() -> holds(ids, ADMIN_IDENTITY));
        if (protectedHere && command.protection() != Protection.REDACTED && !admin) {
            // ZooKeeper's answers, named with the command as asked for (Commands#runCommand).
            if (request.authorization() == null) {
                return HttpServer.Response.json(401, write(map("command", name, "error", "Auth info is missing for the command")));
            }
            return ids.isEmpty() ? HttpServer.Response.json(401, write(map("command", name, "error", "Not authenticated")))
                    : HttpServer.Response.json(403, write(map("command", name, "error", "Not authorized")));
        }
        boolean redact = protectedHere && command.protection() == Protection.REDACTED && !admin;
        Map<String, List<String>> parameters = request.uri().parameters();
        if (command.name().equals("snapshot")) {
            return snapshot(parameters);
        }
        if (command.name().equals("restore")) {
            return restore(request);
        }
        Map<String, Object> computed = loop.call(() -> command.run().apply(parameters));
        Map<String, Object> result = redact ? Disclosure.redacted(computed) : computed;
        int status = result.containsKey("error") && result.get("error") != null ? 400 : 200;
        result.putIfAbsent("error", null);
        result.put("command", command.name());
        return HttpServer.Response.json(status, write(result));
    }

    /**
     * ZooKeeper 3.9.5's SnapshotCommand: writes a snapshot now and answers with its zxid and size as the header
     * fields last_zxid ("0x" and hex) and snapshot_size, and, unless {@code streaming=false}, the file itself as
     * application/octet-stream (Corral's snapshot format, not ZooKeeper's). More than one within
     * {@link #snapshotIntervalNs} is 429; a failed one 500, as in ZooKeeper.
     */
    private HttpServer.Response snapshot(Map<String, List<String>> parameters) {
        long now = System.nanoTime();
        long last = lastSnapshotNs.get();
        if (now - last < snapshotIntervalNs || !lastSnapshotNs.compareAndSet(last, now)) {
            return HttpServer.Response.json(429, write(map("command", "snapshot", "error", null)));
        }
        boolean streaming = !"false".equalsIgnoreCase(first(parameters, "streaming", "true"));
        try {
            java.nio.file.Path file = snapshotter.take();
            long zxid = dev.corral.storage.SnapshotFile.zxidOf(file.getFileName().toString());
            Map<String, String> headers = Map.of("last_zxid", "0x" + Long.toHexString(zxid),
                    "snapshot_size", Long.toString(java.nio.file.Files.size(file)));
            if (streaming) {
                return HttpServer.Response.file(file, headers);
            }
            return new HttpServer.Response(200, "application/json",
                    write(map("command", "snapshot", "error", null)).getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(AdminEndpoints.class).warn("The snapshot admin command failed: {}", e.toString());
            return HttpServer.Response.json(500, write(map("command", "snapshot", "error", null)));
        }
    }

    /** Whether {@code path} is the restore command's, whose body may be as large as admin.restore.bytesMax. */
    static boolean isRestore(String path) {
        return path.equals("/commands/restore") || path.equals("/commands/rest");
    }

    /**
     * ZooKeeper 3.9.5's RestoreCommand (Commands.java), on a request that already proved ALL on "/": the POST's
     * body is a snapshot as the snapshot command streams it (Corral's format: the bytes of a snapshot file,
     * CRC-checked, then its tree checked against its digest before anything changes) and replaces the state.
     * The answers, in ZooKeeper's order: 503 while admin.restore.enabled=false, 429 past the rate limit (the
     * token is spent by a failed restore too), 500 when the snapshot is refused or the restore fails, and 200
     * with last_zxid, the zxid of the restored state, as a number. ZooKeeper leaves "error" null in all of them;
     * Corral says what was wrong. Corral's own refusals: a GET (405), a request with an Origin header (403),
     * an ensemble member (409 naming its role and the leader, see {@link #ensembleRefusal}: ZooKeeper restores only
     * the member asked, which then differs from the others),
     * and writes in flight (503, nothing spent). ZooKeeper keeps the zxid of the snapshot; Corral gives the
     * restored state the next zxid, so the log goes on forward and clients that saw later zxids can reconnect.
     */
    /**
     * The error of the 409 an ensemble member answers a restore: what this member is and which server leads
     * (none while it elects), and why none restores. Loading the image on the leader at once and resynchronizing
     * the learners after would apply a state no quorum holds yet: a leader that crashed before a quorum had it
     * and came back as a follower would be told to TRUNC below what it already applied; the restore has to reach
     * the members through the log instead, which Corral does not do yet.
     */
    private String ensembleRefusal() {
        dev.corral.zab.Peer peer = node.peer();
        String role = peer == null ? "starting" : peer.state().toString().toLowerCase(java.util.Locale.ROOT);
        long leader = peer == null ? -1 : peer.leader();
        String leaderText;
        if (peer != null && peer.state() == dev.corral.zab.ServerState.LEADING) {
            leaderText = "this server (" + config.ensemble().myId() + ") leads";
        } else if (leader >= 0) {
            var member = config.ensemble().members().get(leader);
            leaderText = "the leader is server " + leader + (member == null ? "" : " (" + member.host() + ")");
        } else {
            leaderText = "no server leads (an election is under way)";
        }
        return "the restore command replaces the state of a standalone server only: on an ensemble it would have to reach every member"
                + " through the leader's log, which Corral does not do (ZooKeeper restores only the member asked, which then differs from"
                + " the others); this member is " + role + ", " + leaderText;
    }

    private HttpServer.Response restore(HttpServer.Request request) {
        if (!request.method().equals("POST")) {
            return restoreAnswer(405, "the restore command takes a snapshot as the body of a POST");
        }
        if (request.origin() != null) {
            return restoreAnswer(403, "the restore command is not served to a request from a web page (Origin " + request.origin() + ")");
        }
        if (!config.restore().enabled()) {
            return restoreAnswer(503, "the restore command is off (admin.restore.enabled=false)");
        }
        if (config.ensemble().isDistributed()) {
            return restoreAnswer(409, ensembleRefusal());
        }
        if (!takeRestoreToken()) {
            metrics.restoreRateLimited.incrementAndGet();
            return restoreAnswer(429, "one restore per admin.rateLimiterIntervalInMS (" + config.restore().intervalMs() + " ms)");
        }
        var log = LoggerFactory.getLogger(AdminEndpoints.class);
        long start = System.nanoTime();
        dev.corral.tree.TreeSnapshot image;
        try {
            image = checkedImage(request.body());
        } catch (dev.corral.storage.StorageException | IllegalStateException e) {
            metrics.restoreErrors.incrementAndGet();
            log.warn("Refused the snapshot of a restore command ({} bytes): {}", request.body().length, e.getMessage());
            return restoreAnswer(500, "not a snapshot this server can restore: " + e.getMessage());
        }
        try {
            long zxid = restorer.restore(image);
            if (zxid < 0) {
                return restoreAnswer(503, "writes are in flight; try again");
            }
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            metrics.restore(tookMs);
            log.info("Restored a snapshot of {} znodes and {} sessions (zxid 0x{} where it was taken) as zxid 0x{} in {} ms", image.nodeCount(),
                    image.sessions().size(), Long.toHexString(image.zxid()), Long.toHexString(zxid), tookMs);
            Map<String, Object> answer = map("command", "restore", "error", null, "last_zxid", zxid);
            return HttpServer.Response.json(200, write(answer));
        } catch (Exception e) {
            metrics.restoreErrors.incrementAndGet();
            log.warn("The restore admin command failed: {}", e.toString());
            return restoreAnswer(500, "the restore failed: " + e.getMessage());
        }
    }

    private synchronized boolean takeRestoreToken() {
        long now = System.nanoTime();
        if (now - restoreTokenResetNs > config.restore().intervalMs() * 1_000_000L) {
            restoreTokenLeft = true;
            restoreTokenResetNs = now;
        }
        boolean taken = restoreTokenLeft;
        restoreTokenLeft = false;
        return taken;
    }

    /**
     * The image {@code bytes} hold, checked as a snapshot file is (CRC, then the tree it builds: every parent
     * there, the digest it was written with), without touching this server's tree.
     */
    static dev.corral.tree.TreeSnapshot checkedImage(byte[] bytes) throws dev.corral.storage.StorageException {
        dev.corral.storage.SnapshotFile.Loaded loaded = dev.corral.storage.SnapshotFile.decode(bytes);
        dev.corral.tree.DataTree scratch = new dev.corral.tree.DataTree();
        scratch.load(loaded.zxid(), loaded.nodes(), loaded.digest());
        return new dev.corral.tree.TreeSnapshot(loaded.zxid(), loaded.nodes().toArray(new dev.corral.tree.Znode[0]), loaded.sessions(), loaded.digest());
    }

    private HttpServer.Response restoreAnswer(int status, String error) {
        return HttpServer.Response.json(status, write(map("command", "restore", "error", error)));
    }

    /** Whether the ACL of {@code required}'s path grants its permission to {@code ids}; on the node loop. */
    private boolean holds(List<dev.corral.wire.Id> ids, AdminAuthentication.Required required) {
        dev.corral.tree.Znode znode = node.tree().node(required.path());
        return znode != null && AdminAuthentication.authorized(znode.acl(), required.perms(), ids);
    }

    /** The Prometheus scrape. */
    HttpServer.Response scrape(HttpServer.Request request) {
        if (!request.path().equals("/metrics")) {
            return new HttpServer.Response(404, "text/plain", "only /metrics is served here\n");
        }
        return new HttpServer.Response(200, "text/plain; version=0.0.4", loop.call(this::prometheusText));
    }

    private String prometheusText() {
        PrometheusText text = new PrometheusText();
        report.monitor().forEach((key, value) -> {
            if (value instanceof Number number) {
                String name = key.startsWith("zk_") ? key.substring(3) : key;
                text.gauge(name, "ZooKeeper's mntr " + key, number.doubleValue());
            }
        });
        quorumGauges(text);
        int sessionWatchesMax = 0;
        for (ConnectionView c : node.connectionViews()) {
            sessionWatchesMax = Math.max(sessionWatchesMax, node.watches().countOf(c.connectionId()));
        }
        text.gauge("session_watches_max", "Most watches held by one session (session.watchesMax bounds it when set)",
                sessionWatchesMax);
        text.header("requests_total", "counter", "Requests answered, by operation");
        Map<Integer, LatencySummary> byOp = node.latencyByOpcode();
        byOp.forEach((opcode, stats) -> text.sample("requests_total", stats.count(), "op", OpNames.of(opcode)));
        text.header("request_latency_ms", "summary", "Request latency in milliseconds, by operation");
        long requests = 0;
        long requestsTotalMs = 0;
        for (var entry : byOp.entrySet()) {
            String op = OpNames.of(entry.getKey());
            text.sample("request_latency_ms_sum", entry.getValue().total(), "op", op);
            text.sample("request_latency_ms_count", entry.getValue().count(), "op", op);
            requests += entry.getValue().count();
            requestsTotalMs += entry.getValue().total();
        }
        metrics.write(text);
        PercentileSummaries.write(text, history.latest(), new PercentileSummaries.Totals(requests, requestsTotalMs,
                metrics.fsyncCount.get(), metrics.fsyncTotalMicros.get()));
        if (config.exportJvmInfo()) {
            jvm(text);
        }
        return text.toString();
    }

    /**
     * The role as a gauge per role (1 for this server's, 0 for the others, so that an alert can ask for
     * "leader == 1"), the majority a quorum needs, learner synchronizations by kind, and on the leader each learner's
     * lag in txns behind the last proposal.
     */
    private void quorumGauges(PrometheusText text) {
        String mode = report.mode();
        text.header("quorum_role", "gauge", "1 for this server's role in its ensemble, 0 for the others");
        for (String role : List.of("standalone", "leader", "follower", "observer", "read-only", "looking")) {
            text.sample("quorum_role", role.equals(mode) ? 1 : 0, "role", role);
        }
        text.gauge("quorum_serving", "1 while this server serves clients: an established leader or a synchronized learner",
                quorum.serving() ? 1 : 0);
        // quorum_size itself comes from mntr's zk_quorum_size: the voters, as ZooKeeper counts it.
        int voters = config.ensemble().isDistributed() ? config.ensemble().voters().size() : 1;
        text.gauge("quorum_majority", "Voters whose acks make a quorum: a majority of the voters", voters / 2 + 1);
        dev.corral.zab.Peer peer = node.peer();
        if (peer == null) {
            return;
        }
        text.header("learner_syncs_total", "counter", "Learners this server synchronized as leader, by kind");
        text.sample("learner_syncs_total", peer.diffSyncs(), "kind", "diff");
        text.sample("learner_syncs_total", peer.truncSyncs(), "kind", "trunc");
        text.sample("learner_syncs_total", peer.snapSyncs(), "kind", "snap");
        text.header("learner_lag_txns", "gauge", "On the leader: txns each synchronized learner is behind the last proposal");
        peer.learnerLags().forEach((serverId, lag) -> text.sample("learner_lag_txns", lag, "server_id", Long.toString(serverId)));
        quorum.write(text);
    }

    private static void jvm(PrometheusText text) {
        var memory = ManagementFactory.getMemoryMXBean();
        text.gauge("jvm_memory_bytes_used", "JVM memory in use", memory.getHeapMemoryUsage().getUsed(), "area", "heap");
        text.sample("jvm_memory_bytes_used", memory.getNonHeapMemoryUsage().getUsed(), "area", "nonheap");
        text.gauge("jvm_threads_current", "JVM threads", ManagementFactory.getThreadMXBean().getThreadCount());
        text.header("jvm_gc_collection_seconds", "summary", "Time spent in garbage collection");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            text.sample("jvm_gc_collection_seconds_sum", gc.getCollectionTime() / 1000.0, "gc", gc.getName());
            text.sample("jvm_gc_collection_seconds_count", gc.getCollectionCount(), "gc", gc.getName());
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            text.gauge("process_cpu_seconds_total", "Process CPU time", os.getProcessCpuTime() / 1e9);
        }
    }

    private Map<String, Object> serverStats() {
        var latency = node.latency();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("packets_sent", node.framesSent());
        stats.put("packets_received", node.framesReceived());
        stats.put("avg_latency", latency.avg());
        stats.put("min_latency", latency.min());
        stats.put("max_latency", latency.max());
        stats.put("outstanding_requests", node.outstandingRequests());
        stats.put("num_alive_client_connections", node.connectionCount());
        stats.put("server_state", report.mode());
        stats.put("last_processed_zxid", node.tree().lastProcessedZxid());
        stats.put("data_dir_size", 0);
        Map<String, Object> result = map("version", CorralServer.VERSION, "read_only", false, "server_stats", stats);
        dev.corral.zab.Peer.ProposalSizes sizes = node.peer() == null ? null : node.peer().proposalSizes();
        if (sizes != null && config.ensemble().isDistributed()) {
            // ZooKeeper's SrvrCommand adds the leader's BufferStats, its getters in snake case.
            result.put("proposal_stats", map("last_buffer_size", sizes.last(), "min_buffer_size", sizes.min(),
                    "max_buffer_size", sizes.max()));
        }
        result.put("node_count", node.tree().nodeCount() + 1);
        return result;
    }

    private List<Map<String, Object>> connections() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ConnectionView c : node.connectionViews()) {
            list.add(map("remote_socket_address", c.connectionId(), "session_id", "0x" + Long.toHexString(c.sessionId()),
                    "outstanding_requests", c.queued(), "packets_received", c.received(), "packets_sent", c.sent(),
                    "last_operation", OpNames.of(c.lastOpcode()), "session_timeout", c.timeoutMs(),
                    "last_cxid", "0x" + Integer.toHexString(c.lastCxid()), "last_zxid", "0x" + Long.toHexString(c.lastZxid()),
                    "last_latency", c.lastLatencyMs(), "min_latency", c.minLatencyMs(), "avg_latency", c.avgLatencyMs(),
                    "max_latency", c.maxLatencyMs()));
        }
        return list;
    }

    /**
     * Reads or sets the level of a logger that exists. An unknown name is refused rather than created, since
     * logback keeps every logger it creates for the life of the process (a request per name would grow the
     * heap without bound).
     */
    private Map<String, Object> logLevel(Map<String, List<String>> query) {
        String loggerName = first(query, "logger", org.slf4j.Logger.ROOT_LOGGER_NAME);
        String level = first(query, "level", null);
        var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        var logger = context.exists(loggerName);
        if (logger == null) {
            return map("logger", loggerName, "error", "no logger named " + loggerName
                    + "; name a class or package of the server (or ROOT)");
        }
        if (level != null) {
            Level parsed = Level.toLevel(level, null);
            if (parsed == null) {
                return map("logger", loggerName, "error", "unknown level " + level + "; use TRACE, DEBUG, INFO, WARN or ERROR");
            }
            logger.setLevel(parsed);
        }
        return map("logger", loggerName, "level", String.valueOf(logger.getEffectiveLevel()));
    }

    private static String first(Map<String, List<String>> query, String key, String fallback) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
