package dev.corral.bench;

import dev.corral.testkit.Directories;
import dev.corral.testkit.ServerProbe;
import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Recovery and footprint figures of one server: it starts fresh, gets {@code znodes} znodes of
 * {@link #VALUE_BYTES} bytes (created by one official client with a window of {@link #WINDOW}), and is
 * measured after a full GC (heap in use, resident memory); then it stops and restarts on the same data
 * directory, and the restart is timed up to the first session, and the znodes it recovered are counted.
 *
 * <p>The longest create latency while populating is reported as the longest write stall: ZooKeeper takes
 * a snapshot every snapCount (100,000 by default) transactions while writes go on. The creates that were
 * in flight while a snapshot was being written ({@link SnapshotWatch}) give the p99.9 of writes during a
 * snapshot; the p99.9 of all creates is reported beside it.
 */
final class Footprint {
    static final int VALUE_BYTES = 100;
    private static final int WINDOW = 256;
    private static final String PARENT = "/footprint";
    // Bounds that grow with the tree: ZooKeeper populated about 15,000 znodes a second here, and its
    // restart of a million took up to 9 s.
    private static final long POPULATE_MIN_BOUND_MS = 900_000;
    private static final double POPULATE_BOUND_MS_PER_ZNODE = 0.25;
    private static final long RESTART_MIN_BOUND_MS = 120_000;
    private static final double RESTART_BOUND_MS_PER_ZNODE = 0.05;

    /** The figures; bytes and milliseconds, -1 where unknown. */
    record Result(String server, int rep, int znodes, double populateSeconds, double populateOpsPerSecond,
            double longestWriteStallMs, double writeP999Ms, double snapshotWriteP999Ms, int snapshotsSeen,
            int writesDuringSnapshots, long heapBaselineBytes, long heapLoadedBytes, long residentBaselineBytes,
            long residentLoadedBytes, long dataDirBytes, long startMillis, long restartMillis, long recoveredZnodes,
            String failure) {

        double heapBytesPerZnode() {
            return heapBaselineBytes < 0 || heapLoadedBytes < 0 ? Double.NaN
                    : (heapLoadedBytes - heapBaselineBytes) / (double) znodes;
        }

        double residentBytesPerZnode() {
            return residentBaselineBytes < 0 || residentLoadedBytes < 0 ? Double.NaN
                    : (residentLoadedBytes - residentBaselineBytes) / (double) znodes;
        }

        static Result failed(String server, int rep, int znodes, String failure) {
            return new Result(server, rep, znodes, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, -1,
                    -1, -1, -1, -1, -1, -1, -1, -1, failure);
        }

        String toJson() {
            return new Json().field("server", server).field("rep", rep).field("znodes", znodes)
                    .field("populateSeconds", populateSeconds).field("populateOpsPerSecond", populateOpsPerSecond)
                    .field("longestWriteStallMs", longestWriteStallMs).field("writeP999Ms", writeP999Ms)
                    .field("snapshotWriteP999Ms", snapshotWriteP999Ms).field("snapshotsSeen", snapshotsSeen)
                    .field("writesDuringSnapshots", writesDuringSnapshots)
                    .field("heapBaselineBytes", heapBaselineBytes).field("heapLoadedBytes", heapLoadedBytes)
                    .field("heapBytesPerZnode", heapBytesPerZnode())
                    .field("residentBaselineBytes", residentBaselineBytes).field("residentLoadedBytes", residentLoadedBytes)
                    .field("residentBytesPerZnode", residentBytesPerZnode())
                    .field("dataDirBytes", dataDirBytes).field("startMillis", startMillis)
                    .field("restartMillis", restartMillis).field("recoveredZnodes", recoveredZnodes)
                    .field("failure", failure).toString();
        }

        String toHuman() {
            if (failure != null) {
                return String.format(Locale.ROOT, "%-9s footprint #%d FAILED: %s", server, rep, failure);
            }
            return String.format(Locale.ROOT,
                    "%-9s footprint #%d %d znodes: populate %.0f ops/s, longest write stall %.1f ms, p99.9 %.1f ms,"
                            + " p99.9 during %d snapshots %.1f ms (%d writes), heap %.0f B/znode,"
                            + " RSS %.0f B/znode, data dir %d MB, restart %d ms, recovered %d znodes",
                    server, rep, znodes, populateOpsPerSecond, longestWriteStallMs, writeP999Ms, snapshotsSeen,
                    snapshotWriteP999Ms, writesDuringSnapshots, heapBytesPerZnode(),
                    residentBytesPerZnode(), dataDirBytes >> 20, restartMillis, recoveredZnodes);
        }
    }

    private Footprint() {}

    /** Above this many znodes a footprint run sets a snapCount of its own (see {@link #zooCfgFor}). */
    static final int SNAP_COUNT_FROM_ZNODES = 2_000_000;

    /**
     * The zoo.cfg settings of a footprint run of {@code znodes}, the same for both servers: none up to
     * {@link #SNAP_COUNT_FROM_ZNODES}; beyond it a snapCount of a tenth of the znodes. With the default
     * 100,000 both servers would write about a hundred snapshots while populating ten million znodes, each
     * kept (neither purges by default), some 100 GB apiece: more than the machine's disk.
     */
    static Map<String, String> zooCfgFor(int znodes) {
        return znodes > SNAP_COUNT_FROM_ZNODES ? Map.of("snapCount", Integer.toString(znodes / 10)) : Map.of();
    }

    static Result measure(Target kind, ServerOptions options, int znodes, int rep) throws InterruptedException {
        Path home = null;
        try {
            home = ServerOptions.createHome(kind.id() + "-footprint");
            long startMillis;
            long heapBaseline;
            long heapLoaded;
            long residentBaseline;
            long residentLoaded;
            Populated populated;
            Map<String, String> cfg = zooCfgFor(znodes);
            try (ServerProcess server = options.start(kind, home, kind.id() + "-footprint-" + rep, ServerOptions.STARTUP_BOUND, cfg)) {
                startMillis = server.startMillis();
                ZooKeeper zk = Clients.connect(server.connectString());
                try {
                    awaitWarmUp(server);
                    ProcessStats.gc(server.pid());
                    heapBaseline = ProcessStats.heapUsedBytes(server.pid());
                    residentBaseline = ProcessStats.residentBytes(server.pid());
                    populated = populate(zk, znodes, home.resolve("data"));
                    writeTimeline(options, kind.id() + "-footprint-" + rep, populated.timeline(), server.port());
                } finally {
                    Clients.closeQuietly(zk);
                }
                ProcessStats.gc(server.pid());
                heapLoaded = ProcessStats.heapUsedBytes(server.pid());
                residentLoaded = ProcessStats.residentBytes(server.pid());
            }
            long dataDirBytes = sizeOf(home.resolve("data"));
            long restartMillis;
            long recovered;
            Duration restartBound = Duration.ofMillis(Math.max(RESTART_MIN_BOUND_MS, (long) (znodes * RESTART_BOUND_MS_PER_ZNODE)));
            try (ServerProcess server = options.start(kind, home, kind.id() + "-footprint-" + rep + "-restart", restartBound, cfg)) {
                restartMillis = server.startMillis();
                ZooKeeper zk = Clients.connect(server.connectString());
                try {
                    Stat stat = zk.exists(PARENT, false);
                    recovered = stat == null ? 0 : stat.getNumChildren();
                } finally {
                    Clients.closeQuietly(zk);
                }
            }
            return new Result(kind.id(), rep, znodes, populated.seconds(), znodes / populated.seconds(),
                    populated.longestMs(), populated.p999Ms(), populated.snapshotP999Ms(), populated.snapshots(),
                    populated.writesDuringSnapshots(), heapBaseline, heapLoaded, residentBaseline, residentLoaded, dataDirBytes,
                    startMillis, restartMillis, recovered, null);
        } catch (IOException | KeeperException | RuntimeException e) {
            return Result.failed(kind.id(), rep, znodes, e.toString());
        } finally {
            Directories.deleteRecursively(home);
        }
    }

    /** How long a footprint run waits for Corral's warm-up to end: its own bound (2 s) and then some. */
    private static final long WARM_UP_WAIT_MS = 5_000;

    /**
     * Waits, bounded, until Corral's log says its warm-up ended (ZooKeeper has none): while it runs, its
     * scratch Node is live and would count in the heap baseline (a few MB, some bytes per znode of a
     * million). The populate then begins after it, as it would on a server that finished starting.
     */
    private static void awaitWarmUp(ServerProcess server) throws IOException, InterruptedException {
        if (server.target() != Target.CORRAL) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARM_UP_WAIT_MS);
        while (!Files.readString(server.logFile(), java.nio.charset.StandardCharsets.UTF_8).contains("] WarmUp - Warm-up")) {
            if (System.nanoTime() >= deadline) {
                // Off (warmup.requests=0), or its line changed: the baseline may then hold the warm-up's state.
                System.err.println(server.label() + ": no warm-up line in its log after " + WARM_UP_WAIT_MS + " ms; its heap baseline is measured anyway");
                return;
            }
            Thread.sleep(20); // polling another process's log, not synchronising threads
        }
    }

    private record Populated(double seconds, double longestMs, double p999Ms, double snapshotP999Ms, int snapshots,
            int writesDuringSnapshots, String timeline) {}

    /**
     * Keeps the populate's timeline ({@link PopulateTimeline}) in the logs directory, with the server's own
     * {@code srvr} answer after it (its request latencies as it measured them), for lining up with its log.
     */
    private static void writeTimeline(ServerOptions options, String label, String timeline, int port) throws IOException {
        if (options.logsDirectory() == null) {
            return;
        }
        String srvr;
        try {
            srvr = ServerProbe.fourLetterWord(port, "srvr");
        } catch (IOException e) {
            srvr = "srvr failed: " + e + "\n";
        }
        Files.writeString(options.logsDirectory().resolve(label + "-timeline.txt"),
                timeline + "\nthe server's srvr after the populate:\n" + srvr, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Size in bytes of the files under {@code directory}. */
    private static long sizeOf(Path directory) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(directory)) {
            long total = 0;
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                total += Files.size(path);
            }
            return total;
        }
    }

    /**
     * Creates PARENT and {@code znodes} children of it, each holding VALUE_BYTES bytes, while watching
     * {@code dataDir} for the snapshots the server writes meanwhile.
     */
    private static Populated populate(ZooKeeper zk, int znodes, Path dataDir) throws IOException, InterruptedException, KeeperException {
        byte[] value = new byte[VALUE_BYTES];
        new SplittableRandom(1).nextBytes(value);
        zk.create(PARENT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Semaphore window = new Semaphore(WINDOW);
        AtomicLong longestNanos = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        long boundMs = Math.max(POPULATE_MIN_BOUND_MS, (long) (znodes * POPULATE_BOUND_MS_PER_ZNODE));
        long[] issuedNanos = new long[znodes];
        int[] latencyMicros = new int[znodes];
        SnapshotWatch snapshots = SnapshotWatch.start(dataDir);
        long startEpochMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(boundMs);
        for (int i = 0; i < znodes && failure.get() == null; i++) {
            if (!window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException("populating " + znodes + " znodes took longer than " + boundMs + " ms");
            }
            long issued = System.nanoTime();
            int index = i;
            issuedNanos[i] = issued;
            zk.create(PARENT + "/z-" + i, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, path, ctx, name) -> {
                long latency = System.nanoTime() - issued;
                longestNanos.accumulateAndGet(latency, Math::max);
                // Written before the window is released, read after every permit is back: the semaphore orders them.
                latencyMicros[index] = (int) Math.min(Integer.MAX_VALUE, latency / 1_000);
                if (rc != KeeperException.Code.OK.intValue()) {
                    failure.compareAndSet(null, "create " + path + ": " + KeeperException.Code.get(rc));
                }
                window.release();
            }, null);
        }
        if (!window.tryAcquire(WINDOW, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IOException("populating " + znodes + " znodes took longer than " + boundMs + " ms");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<SnapshotWatch.Window> windows = snapshots.windows();
        if (failure.get() != null) {
            throw new IOException("populating failed: " + failure.get());
        }
        int[] all = latencyMicros.clone();
        java.util.Arrays.sort(all);
        double p999 = all[Math.max(0, (int) Math.ceil(0.999 * znodes) - 1)] / 1000.0;
        int during = SnapshotWatch.duringWindows(windows, issuedNanos, latencyMicros, znodes).length;
        return new Populated(seconds, longestNanos.get() / 1e6, p999,
                SnapshotWatch.quantileDuring(windows, issuedNanos, latencyMicros, znodes, 0.999), windows.size(), during,
                PopulateTimeline.describe(start, startEpochMillis, issuedNanos, latencyMicros, znodes, windows));
    }
}
