package dev.corral.bench;

import dev.corral.testkit.Directories;
import dev.corral.testkit.Ensemble;
import dev.corral.testkit.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The failover workload of issue 11: a loopback ensemble of each target, both running at once; in every
 * round the leader of ZooKeeper's ensemble and then the leader of Corral's is killed with SIGKILL, and the
 * runner measures how long until every survivor serves again ({@code srvr} polled every 20 ms by the test
 * kit, "Mode: leader|follower" with exactly one leader) and until a create through an official client
 * connected to one survivor alone is acknowledged; then it restarts the killed server and waits until it
 * has rejoined. Alternating the two targets round by round lets drift of a shared machine hit both alike.
 * It writes failover.jsonl (every round), report.md (min, median and max of each figure, Corral/ZooKeeper
 * ratios) and the members' logs.
 *
 * <p>Bounded: {@code --rounds} kills per target (at most {@value #ROUNDS_MAX}), each wait for a leader or a
 * write bounded by {@link #STEP_BOUND} and each restart by the bench's startup bound, at most
 * {@value #WRITE_ATTEMPTS_MAX} creates per round, and no round starts after {@code --max-minutes}.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Kill the leader of a Corral and of a ZooKeeper ensemble repeatedly and report how fast each serves again.")
final class Failover implements Callable<Integer> {
    private static final DateTimeFormatter FOLDER_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int ROUNDS_MAX = 100;
    private static final Duration STEP_BOUND = Duration.ofSeconds(60);
    private static final int WRITE_ATTEMPTS_MAX = 20;
    private static final int LOG_BYTES_SCANNED = 1 << 20;
    private static final String ROOT = "/bench-failover";

    @Option(names = "--rounds", description = "leader kills per target (default ${DEFAULT-VALUE})")
    int roundCount = 5;

    @Option(names = "--ensemble", description = "servers per ensemble (default ${DEFAULT-VALUE})")
    int ensembleSize = 3;

    @Option(names = "--tick-ms", description = "zoo.cfg tickTime; initLimit=10, syncLimit=5 (default ${DEFAULT-VALUE},"
            + " as compat's EnsembleFailoverTest)")
    int tickMs = 500;

    @Option(names = "--xmx", description = "-Xmx of every member (default ${DEFAULT-VALUE})")
    String heapMax = "512m";

    @Option(names = "--results", description = "parent folder of the results folder (default ${DEFAULT-VALUE})")
    Path resultsParent = Path.of(System.getProperty("bench.results.dir", "bench/results"));

    @Option(names = "--max-minutes", description = "start no round after this many minutes (default ${DEFAULT-VALUE})")
    long maxMinutes = 30;

    /** The command line, as the report shows it. */
    String commandLine = "bench/run.sh failover";

    /** Where the last call wrote its results (for the smoke test). */
    Path resultsFolder;

    private final PrintStream out = System.out;
    private final List<FailoverRound> results = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (roundCount < 1 || roundCount > ROUNDS_MAX || ensembleSize < 3 || ensembleSize > 9 || tickMs < 1) {
            throw new IllegalArgumentException("--rounds must be 1 to " + ROUNDS_MAX + ", --ensemble 3 to 9 (a leader"
                    + " killed from fewer than 3 servers leaves no quorum) and --tick-ms positive");
        }
        Instant started = Instant.now();
        resultsFolder = Files.createDirectories(resultsParent.resolve(FOLDER_NAME.format(started) + "-failover"));
        Path corralCopy = Files.createTempDirectory("corral-bench-lib-");
        Map<Target, Ensemble> ensembles = new EnumMap<>(Target.class);
        try {
            ServerOptions options = ServerOptions.fromSystemProperties(heapMax, resultsFolder.resolve("logs"), false)
                    .withCorralCopiedTo(corralCopy);
            MachineInfo machine = MachineInfo.collect(options, Path.of(System.getProperty("bench.repo.dir", ".")));
            for (Target kind : Target.values()) {
                ensembles.put(kind, options.startEnsemble(kind, ensembleSize, tickMs, kind.id() + "-failover"));
            }
            List<String> problems = runRounds(ensembles);
            String report = FailoverReport.markdown("Failover: Corral vs Apache ZooKeeper, " + FOLDER_NAME.format(started)
                    + " UTC", commandLine, settings(started), machine, results, problems);
            Files.writeString(resultsFolder.resolve("report.md"), report, StandardCharsets.UTF_8);
            out.println();
            out.println(report);
            out.println("report: " + resultsFolder.resolve("report.md"));
            return 0;
        } finally {
            ensembles.values().forEach(Ensemble::close);
            Directories.deleteRecursively(corralCopy);
        }
    }

    List<FailoverRound> rounds() {
        return List.copyOf(results);
    }

    private List<String> runRounds(Map<Target, Ensemble> ensembles) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(maxMinutes);
        try (PrintWriter json = new PrintWriter(Files.newBufferedWriter(resultsFolder.resolve("failover.jsonl"), StandardCharsets.UTF_8))) {
            for (int round = 1; round <= roundCount; round++) {
                if (System.nanoTime() > deadline) {
                    problems.add("stopped starting rounds after --max-minutes " + maxMinutes + "; the report is incomplete");
                    break;
                }
                for (Target kind : Target.values()) {
                    FailoverRound result = killLeaderOnce(kind, ensembles.get(kind), round);
                    results.add(result);
                    out.println(result.toHuman());
                    json.println(result.toJson());
                    json.flush();
                    if (result.failure() != null) {
                        problems.add(kind.id() + " round " + round + ": " + result.failure());
                    }
                }
            }
        }
        return problems;
    }

    /**
     * One round on one ensemble: a client on the lowest-numbered survivor-to-be, the kill, both figures, the
     * restart. A failure (a bound passed, a member that died) ends the round with what was measured.
     */
    private FailoverRound killLeaderOnce(Target kind, Ensemble ensemble, int round) throws InterruptedException {
        int leader = -1;
        int survivor = -1;
        int newLeader = -1;
        long servingMs = -1;
        long firstWriteMs = -1;
        long rejoinMs = -1;
        int[] attempts = {0};
        double load = Double.NaN;
        ZooKeeper client = null;
        try {
            leader = ensemble.awaitLeader(STEP_BOUND);
            int killed = leader;
            survivor = ensemble.members().stream().mapToInt(Ensemble.Member::serverId).filter(id -> id != killed).min().orElseThrow();
            client = Clients.connect(ensemble.member(survivor).connectString());
            ensureRoot(client);
            ZooKeeper writer = client;
            load = ProcessStats.loadAverage();
            long killedAt = System.nanoTime();
            ensemble.kill(leader);
            CompletableFuture<Long> firstWrite = CompletableFuture.supplyAsync(
                    () -> writeUntilAcknowledged(writer, kind, round, killedAt, attempts));
            newLeader = ensemble.awaitLeader(STEP_BOUND);
            servingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            firstWriteMs = firstWrite.get(STEP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            long restartedAt = System.nanoTime();
            ensemble.restart(leader);
            ensemble.awaitLeader(STEP_BOUND);
            rejoinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
            return new FailoverRound(kind.id(), round, leader, newLeader, survivor, servingMs, firstWriteMs, attempts[0],
                    rejoinMs, load, null);
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            String failure = e + "; modes " + ensemble.modes();
            restartIfDown(ensemble, leader);
            return new FailoverRound(kind.id(), round, leader, newLeader, survivor, servingMs, firstWriteMs, attempts[0],
                    rejoinMs, load, failure + logNote(ensemble));
        } finally {
            Clients.closeQuietly(client);
        }
    }

    private static void ensureRoot(ZooKeeper zk) throws IOException, InterruptedException {
        try {
            zk.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // made in an earlier round
        } catch (KeeperException e) {
            throw new IOException("create " + ROOT + " before the kill failed", e);
        }
    }

    /**
     * Milliseconds from the kill until a create through {@code zk} is acknowledged. A create that fails with
     * connection loss (a ZooKeeper survivor closes its clients' connections while it has no leader) is
     * retried; one sent while the client reconnects waits in the client's queue.
     */
    private static long writeUntilAcknowledged(ZooKeeper zk, Target kind, int round, long killedAt, int[] attempts) {
        for (int attempt = 1; attempt <= WRITE_ATTEMPTS_MAX; attempt++) {
            attempts[0] = attempt;
            String path = String.format(Locale.ROOT, "%s/%s-%d-%d", ROOT, kind.id(), round, attempt);
            try {
                zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            } catch (KeeperException.ConnectionLossException e) {
                // uncertain; the next create tells
            } catch (KeeperException e) {
                throw new IllegalStateException("create " + path + " through a survivor failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(WRITE_ATTEMPTS_MAX + " creates through a survivor lost their connection");
    }

    /** Leaves the ensemble whole for the next round, or says why it could not. */
    private static void restartIfDown(Ensemble ensemble, int serverId) throws InterruptedException {
        if (serverId < 0 || ensemble.process(serverId).isAlive()) {
            return;
        }
        try {
            ensemble.restart(serverId);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not restart server " + serverId + ": " + e);
        }
    }

    private static String logNote(Ensemble ensemble) {
        StringBuilder note = new StringBuilder();
        for (Ensemble.Member member : ensemble.members()) {
            String log = ensemble.process(member.serverId()).logText(LOG_BYTES_SCANNED);
            long errors = log.lines().filter(line -> line.contains(" ERROR ")).count();
            if (errors > 0) {
                note.append("; server ").append(member.serverId()).append(" logged ").append(errors).append(" ERROR lines");
            }
        }
        return note.toString();
    }

    private List<String> settings(Instant started) {
        return List.of(
                String.format(Locale.ROOT, "A %d-server ensemble of each kind on 127.0.0.1, both running throughout;"
                        + " zoo.cfg tickTime=%d, initLimit=10, syncLimit=5, forceSync=yes; -Xmx%s per member", ensembleSize,
                        tickMs, heapMax),
                String.format(Locale.ROOT, "%d round(s), alternating: kill ZooKeeper's leader, measure, restart it; then"
                        + " the same on Corral", roundCount),
                "Serving again: from the SIGKILL until every survivor's srvr says Mode: leader or follower with exactly"
                        + " one leader (the test kit polls each member every 20 ms, one after another)",
                "First write: from the SIGKILL until a create through an official 3.9.5 client connected to the"
                        + " lowest-numbered survivor alone is acknowledged (connection losses retried; the client's"
                        + " own reconnect delay of up to about 1 s after a closed connection is part of it)",
                String.format(Locale.ROOT, "Wall time %.1f min", (Instant.now().toEpochMilli() - started.toEpochMilli()) / 60e3));
    }
}
