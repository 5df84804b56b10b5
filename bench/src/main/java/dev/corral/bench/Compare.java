package dev.corral.bench;

import dev.corral.testkit.Directories;
import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The side-by-side runner: starts Apache ZooKeeper and Corral in the same shape and runs every load spec
 * on each, alternating (ZooKeeper, Corral, ZooKeeper, Corral ...) for the given number of pairs, so that
 * drift of a shared machine hits both alike; then measures footprint and recovery, and writes a results
 * folder: report.md (medians, Corral/ZooKeeper ratios, spread, machine and versions), runs.jsonl and
 * footprint.jsonl (every figure of every run), PNG charts, and the servers' logs. With {@code --ensemble N}
 * each target is an N-server loopback ensemble instead (the test kit's {@code Ensemble}): each run's sessions
 * are spread over the members and its server CPU is summed over them ({@link Servers}); footprint is skipped.
 * {@code tls-} workloads run on servers of their own that also listen on a TLS client port ({@link BenchTls}),
 * with certificates made for the comparison; the other workloads' servers have no TLS configured.
 *
 * <p>Bounded: each run is bounded by its spec; the whole comparison stops starting runs after
 * {@code --max-minutes} and says so in the report.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Measure Corral and Apache ZooKeeper side by side and write a report.")
final class Compare implements Callable<Integer> {
    private static final DateTimeFormatter FOLDER_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int LOG_BYTES_SCANNED = 4 << 20;

    @Option(names = "--profile", description = "quick (default), full, large (10,000,000 znodes of footprint) or smoke:"
            + " defaults for everything below")
    String profileName = "quick";

    @Option(names = {"-w", "--workload"}, description = "a load spec such as set, get:clients=1,outstanding=1 or tls-get"
            + " (repeatable; default: the profile's list)")
    List<String> specTexts;

    @Option(names = "--pairs", description = "runs per server and workload, alternating")
    Integer pairs;

    @Option(names = "--duration", description = "measured time per run, e.g. 10s")
    String duration;

    @Option(names = "--warmup", description = "unmeasured time before each run's window, e.g. 2s")
    String warmup;

    @Option(names = "--xmx", description = "-Xmx of both servers (default: the profile's, 1g but for large's 8g)")
    String heapMaxOption;

    @Option(names = "--footprint-znodes", description = "znodes of the footprint and recovery figures; 0 skips them")
    Integer footprintZnodes;

    @Option(names = "--footprint-runs", description = "footprint runs of each server, alternating (default: the profile's,"
            + " 1 but for large's 3)")
    Integer footprintRuns;

    @Option(names = "--reuse-servers", description = "one server of each kind for all runs (default: fresh per run)")
    Boolean reuseServers;

    @Option(names = "--results", description = "parent folder of the results folder (default ${DEFAULT-VALUE})")
    Path resultsParent = Path.of(System.getProperty("bench.results.dir", "bench/results"));

    @Option(names = "--jfr", description = "record both servers with Java Flight Recorder (profile settings) into logs/")
    boolean flightRecordings;

    @Option(names = "--ensemble", description = "servers per target: 1 (default) runs standalone servers; 3 or 5 runs"
            + " loopback ensembles with the clients spread over their members and the CPU of all members per operation")
    int ensembleSize = 1;

    @Option(names = "--tick-ms", description = "zoo.cfg tickTime of the ensemble members (default ${DEFAULT-VALUE}, as standalone)")
    int tickMs = 2000;

    @Option(names = "--max-minutes", description = "start no run after this many minutes (default ${DEFAULT-VALUE})")
    long maxMinutes = 180;

    /** The command line, as the report shows it. */
    String commandLine = "bench/run.sh compare";

    /** Where the last call wrote its results (for the smoke test). */
    Path resultsFolder;

    private final PrintStream out = System.out;
    private final List<LoadResult> results = new ArrayList<>();
    private final List<Report.Problem> problems = new ArrayList<>();
    private final List<Footprint.Result> footprints = new ArrayList<>();
    private String heapMax;
    private int footprintRunCount;

    @Override
    public Integer call() throws Exception {
        Profile profile = Profile.named(profileName);
        long durationMs = duration == null ? profile.durationMs() : LoadSpec.parseDurationMs(duration, "--duration");
        long warmupMs = warmup == null ? profile.warmupMs() : LoadSpec.parseDurationMs(warmup, "--warmup");
        List<LoadSpec> specs = new ArrayList<>();
        for (String text : specTexts != null ? specTexts : ensembleSize > 1 ? profile.ensembleSpecs() : profile.specs()) {
            specs.add(LoadSpec.parse(text, durationMs, warmupMs));
        }
        int pairCount = pairs == null ? profile.pairs() : pairs;
        // Footprint and recovery are figures of one server: measured in standalone comparisons only.
        int znodes = ensembleSize > 1 ? 0 : footprintZnodes == null ? profile.footprintZnodes() : footprintZnodes;
        boolean reuse = reuseServers == null ? profile.reuseServers() : reuseServers;
        footprintRunCount = footprintRuns == null ? profile.footprintPairs() : footprintRuns;
        heapMax = heapMaxOption == null ? profile.heapMax() : heapMaxOption;
        if (pairCount < 1 || znodes < 0 || footprintRunCount < 1) {
            throw new IllegalArgumentException("--pairs and --footprint-runs must be at least 1 and --footprint-znodes at least 0");
        }
        if (ensembleSize < 1 || ensembleSize > 9 || tickMs < 1) {
            throw new IllegalArgumentException("--ensemble must be 1 to 9 servers and --tick-ms positive");
        }
        if (ensembleSize > 1 && flightRecordings) {
            throw new IllegalArgumentException("--jfr records standalone servers only (ensemble members would share a file)");
        }
        if (ensembleSize > 1 && footprintZnodes != null && footprintZnodes > 0) {
            throw new IllegalArgumentException("--footprint-znodes measures one server; it cannot go with --ensemble");
        }
        boolean anyTls = specs.stream().anyMatch(LoadSpec::tls);
        if (ensembleSize > 1 && anyTls) {
            throw new IllegalArgumentException("tls- workloads run against standalone servers only, not with --ensemble");
        }

        Instant started = Instant.now();
        resultsFolder = Files.createDirectories(resultsParent.resolve(FOLDER_NAME.format(started)
                + (ensembleSize > 1 ? "-ensemble" + ensembleSize : "")));
        Path corralCopy = Files.createTempDirectory("corral-bench-lib-");
        BenchTls tls = anyTls ? BenchTls.create() : null;
        try {
            ServerOptions options = ServerOptions.fromSystemProperties(heapMax, resultsFolder.resolve("logs"), flightRecordings)
                    .withCorralCopiedTo(corralCopy);
            return compare(options, tls, profile, specs, pairCount, znodes, reuse, started);
        } finally {
            Directories.deleteRecursively(corralCopy);
            if (tls != null) {
                tls.close();
            }
        }
    }

    private int compare(ServerOptions options, BenchTls tls, Profile profile, List<LoadSpec> specs, int pairCount, int znodes,
            boolean reuse, Instant started) throws IOException, InterruptedException {
        Path repository = Path.of(System.getProperty("bench.repo.dir", "."));
        MachineInfo machine = MachineInfo.collect(options, repository);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(maxMinutes);
        long estimateSeconds = specs.stream().mapToLong(s -> s.durationMs() + s.warmupMs() + (reuse ? 1_000 : 4_000)).sum()
                * 2 * pairCount / 1000;
        out.printf(Locale.ROOT, "corral-bench: %d specs x %d pairs, results in %s, about %d min%n", specs.size(), pairCount,
                resultsFolder, estimateSeconds / 60 + 1);

        boolean timeUp = false;
        try (PrintWriter runsJson = writer(resultsFolder.resolve("runs.jsonl"));
                ServerPool pool = new ServerPool(options, tls, reuse, ensembleSize, tickMs)) {
            int runNumber = 0;
            for (LoadSpec spec : specs) {
                for (int rep = 1; rep <= pairCount && !timeUp; rep++) {
                    for (Target kind : Target.values()) {
                        if (System.nanoTime() > deadline) {
                            timeUp = true;
                            break;
                        }
                        LoadResult result = runWithRetry(pool, tls, kind, spec, rep, ++runNumber);
                        results.add(result);
                        out.println(result.toHuman());
                        runsJson.println(result.toJson());
                        runsJson.flush();
                    }
                }
            }
        }
        if (znodes > 0 && !timeUp) {
            try (PrintWriter footprintJson = writer(resultsFolder.resolve("footprint.jsonl"))) {
                for (int rep = 1; rep <= footprintRunCount; rep++) {
                    for (Target kind : Target.values()) {
                        Footprint.Result result = Footprint.measure(kind, options, znodes, rep);
                        footprints.add(result);
                        out.println(result.toHuman());
                        footprintJson.println(result.toJson());
                        if (result.failure() != null) {
                            problems.add(new Report.Problem(kind.id() + " footprint #" + rep, result.failure(), null));
                        }
                    }
                }
            }
        }
        if (timeUp) {
            problems.add(new Report.Problem("runner", "stopped starting runs after --max-minutes " + maxMinutes
                    + "; the report is incomplete", null));
        }

        List<String> charts = List.of();
        String chartsNote = null;
        try {
            charts = Charts.write(resultsFolder, Summary.of(results));
        } catch (Exception | Error e) { // a JDK without fonts fails in AWT with an Error
            chartsNote = "Charts were not drawn: " + e;
        }
        List<String> settings = settings(profile, pairCount, specs.get(0).durationMs(), specs.get(0).warmupMs(), reuse,
                options.corralClassArchive() != null, tls != null, started);
        if (!Footprint.zooCfgFor(znodes).isEmpty()) {
            settings.add("Footprint runs of both servers: zoo.cfg " + Footprint.zooCfgFor(znodes) + " (with the default 100,000 each"
                    + " would keep about a hundred snapshots of a tree this size, more than the disk holds)");
        }
        String report = Report.markdown(new Report.Input("Corral vs Apache ZooKeeper, " + FOLDER_NAME.format(started) + " UTC",
                commandLine, settings, machine, results, footprints, problems, charts, chartsNote));
        Files.writeString(resultsFolder.resolve("report.md"), report, StandardCharsets.UTF_8);
        out.println();
        out.println(report);
        out.println("report: " + resultsFolder.resolve("report.md"));
        return 0;
    }

    List<LoadResult> results() {
        return List.copyOf(results);
    }

    List<Footprint.Result> footprints() {
        return List.copyOf(footprints);
    }

    /** A run's result, and whether its server died (so that the run is worth one more try). */
    private record Attempt(LoadResult result, boolean serverDied) {}

    /**
     * Runs once, and once more if the server died: on a shared machine another process may stop it. Both
     * attempts are in the report's problems, so a server that crashes by itself is never hidden.
     */
    private LoadResult runWithRetry(ServerPool pool, BenchTls tls, Target kind, LoadSpec spec, int rep, int runNumber) {
        Attempt first = runOne(pool, tls, kind, spec, rep, runNumber, "");
        if (!first.serverDied()) {
            return first.result();
        }
        out.println(first.result().toHuman() + "  (server died; trying this run once more)");
        return runOne(pool, tls, kind, spec, rep, runNumber, "-retry").result();
    }

    private Attempt runOne(ServerPool pool, BenchTls tls, Target kind, LoadSpec spec, int rep, int runNumber, String suffix) {
        String label = String.format(Locale.ROOT, "%03d-%s-%s-%d%s", runNumber, kind.id(),
                spec.label().replaceAll("[^A-Za-z0-9=-]+", "_"), rep, suffix);
        String runName = kind.id() + " " + spec.label() + " #" + rep + suffix;
        String root = "/bench-" + runNumber;
        System.gc(); // the generator's garbage of the previous run should not be collected during this one
        Servers server = null;
        try {
            server = pool.acquire(kind, label, spec.tls());
            LoadResult result = spec.generator() == LoadSpec.Generator.RAW
                    ? RawFrameLoad.run(kind.id(), rep, server.ports(), spec, root, server::cpu)
                    : OfficialClientLoad.run(kind.id(), rep, server.connectStrings(spec.tls()), spec, root, server::cpu,
                            spec.tls() ? tls::clientConfig : Clients::config);
            if (!server.allAlive()) {
                problems.add(new Report.Problem(runName, "the server " + server.exitDescription() + " during the run",
                        Report.logExcerpt(server.logText(LOG_BYTES_SCANNED), 20, 20)));
                return new Attempt(result, true);
            } else if (!result.clean()) {
                problems.add(new Report.Problem(runName, String.format(Locale.ROOT,
                        "%d errors, %d stalls, %d unanswered; first: %s", result.errors(), result.stalls(),
                        result.unanswered(), result.firstError()), Report.logExcerpt(server.logText(LOG_BYTES_SCANNED), 20, 10)));
            } else {
                noteLoggedErrors(server, runName);
            }
            return new Attempt(result, false);
        } catch (IOException | RuntimeException e) {
            boolean died = server == null || !server.allAlive();
            problems.add(new Report.Problem(runName, "the run failed: " + e
                    + (server != null && died ? "; the server " + server.exitDescription() : ""),
                    server == null ? null : Report.logExcerpt(server.logText(LOG_BYTES_SCANNED), 20, 20)));
            return new Attempt(LoadResult.failed(kind.id(), rep, spec, e.toString()), died);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + runName, e);
        } finally {
            pool.release(server);
        }
    }

    /** A server that logged errors during a run that otherwise looked clean is worth a look too. */
    private void noteLoggedErrors(Servers server, String runName) {
        String log = server.logText(LOG_BYTES_SCANNED);
        long errors = log.lines().filter(line -> line.contains(" ERROR ")).count();
        if (errors > 0) {
            problems.add(new Report.Problem(runName, "the server logged " + errors + " ERROR lines",
                    Report.logExcerpt(log, 20, 0)));
        }
    }

    private List<String> settings(Profile profile, int pairCount, long durationMs, long warmupMs, boolean reuse, boolean classArchive,
            boolean tls, Instant started) {
        List<String> settings = new ArrayList<>();
        settings.add(String.format(Locale.ROOT, "Profile %s: %d pair(s) per workload, alternating ZooKeeper then Corral;"
                + " each run measures %.1f s after a %.1f s warm-up", profile.name(), pairCount, durationMs / 1e3,
                warmupMs / 1e3));
        if (ensembleSize > 1) {
            settings.add(String.format(Locale.ROOT, "A %d-server ensemble of each kind on 127.0.0.1 (zoo.cfg and myid per member,"
                    + " tickTime=%d, initLimit=10, syncLimit=5); session i of a run connects to member i mod %d only;"
                    + " server CPU per operation is summed over the %d members", ensembleSize, tickMs, ensembleSize, ensembleSize));
        }
        String what = ensembleSize > 1 ? "ensemble" : "server";
        settings.add(reuse ? "One " + what + " of each kind for all runs (each run in its own subtree)"
                : "A freshly started " + what + " with empty data directories for every run");
        settings.add("Both servers: -Xmx" + heapMax + " (each member), the JDK above; zoo.cfg tickTime=" + (ensembleSize > 1 ? tickMs : 2000) + ", forceSync=yes, "
                + "clientPortAddress=127.0.0.1, maxClientCnxns=0, admin.enableServer=false");
        settings.add(classArchive ? "Corral starts with the class-data-sharing archive of its training run (`corral cds-training`), as "
                + "`bin/corral server` starts with the one its build makes; ZooKeeper as `zkServer.sh` starts it (the JDK's own archive)"
                : "Corral starts without its class-data-sharing archive (its classpath holds class directories, which an archive"
                + " cannot cover): its empty start is slower than `bin/corral server`'s");
        if (tls) {
            settings.add("TLS (`tls-` workloads): their own " + (reuse ? "servers" : "fresh servers") + ", started with a TLS client port"
                    + " beside the plain one (zoo.cfg `secureClientPort` on 127.0.0.1, `ssl.keyStore.*` and `ssl.trustStore.*`: PKCS12"
                    + " stores of EC P-256 certificates the bench makes, `ssl.clientAuth` at its default `need`) and ZooKeeper's TLS"
                    + " defaults for protocol and suites (TLSv1.3; X509Util's suite list, which Corral copies), both on the JDK's TLS"
                    + " provider (ZooKeeper's `ssl.sslProvider` default `JDK`: its classpath holds netty-tcnative-boringssl-static, used"
                    + " only with `ssl.sslProvider=OPENSSL`; Corral's client port has no OpenSSL option). ZooKeeper with `serverCnxnFactory=NettyServerCnxnFactory`, which it needs for TLS (its plain runs keep"
                    + " its default NIO factory). The official client per session (ZKClientConfig): `zookeeper.client.secure=true`,"
                    + " `zookeeper.clientCnxnSocket=ClientCnxnSocketNetty`, `zookeeper.ssl.keyStore.*`/`trustStore.*`, to the TLS port;"
                    + " before its warm-up each run checks every session's channel for a completed TLS handshake and the server's"
                    + " whoAmI for the client certificate (x509), and fails otherwise");
        }
        if (flightRecordings) {
            settings.add("Both servers recorded with Java Flight Recorder (settings=profile): figures include its cost");
        }
        settings.add(String.format(Locale.ROOT, "Wall time %.1f min", (Instant.now().toEpochMilli() - started.toEpochMilli()) / 60e3));
        return settings;
    }

    private static PrintWriter writer(Path file) throws IOException {
        return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /**
     * Servers for runs: a fresh server or ensemble per run, deleted after it, or (reuse) one per kind for the
     * whole comparison.
     */
    private static final class ServerPool implements AutoCloseable {
        private final ServerOptions options;
        private final BenchTls tls;
        private final boolean reuse;
        private final int ensembleSize;
        private final int tickMs;
        // Invariant: a server in plain has no TLS port; one in withTls has one (they are started differently).
        private final Map<Target, Servers> plain = new EnumMap<>(Target.class);
        private final Map<Target, Servers> withTls = new EnumMap<>(Target.class);

        ServerPool(ServerOptions options, BenchTls tls, boolean reuse, int ensembleSize, int tickMs) {
            this.options = options;
            this.tls = tls;
            this.reuse = reuse;
            this.ensembleSize = ensembleSize;
            this.tickMs = tickMs;
        }

        /** A server of {@code kind} for one run; {@code overTls}: one that also listens on a TLS client port. */
        Servers acquire(Target kind, String label, boolean overTls) throws IOException, InterruptedException {
            Map<Target, Servers> shared = overTls ? withTls : plain;
            Servers existing = shared.get(kind);
            if (existing != null) {
                if (existing.allAlive()) {
                    return existing;
                }
                shared.remove(kind);
                existing.close();
            }
            String name = reuse ? kind.id() + (overTls ? "-shared-tls-" : "-shared-") + label : label;
            Servers servers = ensembleSize > 1 ? Servers.ensemble(options.startEnsemble(kind, ensembleSize, tickMs, name))
                    : startStandalone(kind, name, overTls);
            if (reuse) {
                shared.put(kind, servers);
            }
            return servers;
        }

        private Servers startStandalone(Target kind, String name, boolean overTls) throws IOException, InterruptedException {
            Path home = ServerOptions.createHome(kind.id());
            try {
                if (overTls) {
                    if (tls == null) {
                        throw new IllegalStateException("a TLS run without the comparison's certificates");
                    }
                    ServerProcess server = options.startWithTls(kind, home, name, tls);
                    return Servers.standaloneWithTls(server, home, BenchTls.securePort(server));
                }
                return Servers.standalone(options.start(kind, home, name), home);
            } catch (IOException | RuntimeException | InterruptedException e) {
                Directories.deleteRecursively(home);
                throw e;
            }
        }

        void release(Servers servers) {
            if (servers != null && !plain.containsValue(servers) && !withTls.containsValue(servers)) {
                servers.close();
            }
        }

        @Override
        public void close() {
            plain.values().forEach(Servers::close);
            plain.clear();
            withTls.values().forEach(Servers::close);
            withTls.clear();
        }
    }
}
