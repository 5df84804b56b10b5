package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up a server runs once it serves ({@link WarmUp}): its scratch requests all succeed, it changes
 * nothing a client or an operator can see of the server, it yields to clients, a close stops it within a
 * bound, and {@code warmup.requests=0} turns it off.
 */
class WarmUpTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** Longer than any warm-up of these tests takes, so that only what a test means to end one ends it. */
    private static final long NO_TIME_BOUND_MS = BOUND.toMillis();

    @TempDir
    Path dir;

    private static ServerConfig config(int requests) {
        return ServerConfig.defaults().withWarmUpRequests(requests);
    }

    private static NodeConfig serverNode() {
        return NodeConfig.standalone(2000, System.currentTimeMillis()).withDurableLog(true);
    }

    private static WarmUp.Result result(WarmUp warmUp) throws Exception {
        return warmUp.done().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void everyRequestOfTheWarmUpGetsASuccessfulReplyUntilItsCount() throws Exception {
        WarmUp.Result result = result(WarmUp.start(config(3_000), serverNode(), NO_TIME_BOUND_MS, () -> 0));
        assertThat(result.failure()).isNull();
        assertThat(result.end()).isEqualTo(WarmUp.End.COUNT);
        assertThat(result.requests()).as("the count, passed by at most one window and a session's start")
                .isBetween(3_000L, 3_000L + ScratchClient.WINDOW + 2);
    }

    /**
     * The script checks every reply, so an error from the scratch Node ends the warm-up naming it: here a
     * Node that allows one watch per session answers the script's second exists-with-watch QUOTAEXCEEDED.
     */
    @Test
    void anErrorReplyEndsTheScriptNamingIt() throws Exception {
        NodeConfig oneWatch = new NodeConfig(0, 2000, 4000, 40000, false, 60_000, 10_000, null, false, System.currentTimeMillis(), true, 0, 1,
                false);
        ServerConfig server = config(1);
        try (ScratchShell shell = ScratchShell.open(oneWatch, server.connectionLimits(), server.maxBufferBytes())) {
            ScratchClient client = new ScratchClient(shell.address());
            assertThatThrownBy(() -> client.session(0, () -> true)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("with error " + dev.corral.wire.ErrorCode.QUOTAEXCEEDED);
        }
    }

    /** While the server's clients send frames the warm-up sends nothing, until its time is up. */
    @Test
    void theWarmUpSendsNothingWhileClientsAreActive() throws Exception {
        AtomicLong busyClients = new AtomicLong();
        WarmUp.Result result = result(WarmUp.start(config(3_000), serverNode(), 1_000, busyClients::incrementAndGet));
        assertThat(result.failure()).isNull();
        assertThat(result.end()).isEqualTo(WarmUp.End.TIME);
        assertThat(result.requests()).isZero();
        assertThat(result.waitedMs()).isGreaterThanOrEqualTo(900);
    }

    @Test
    void aCloseDuringTheWarmUpStopsItWithinABound() throws Exception {
        WarmUp warmUp = WarmUp.start(config(Integer.MAX_VALUE), serverNode(), NO_TIME_BOUND_MS, () -> 0);
        await().atMost(BOUND).until(() -> warmUp.progress() > 2 * ScratchClient.WINDOW);
        long start = System.nanoTime();
        warmUp.close();
        WarmUp.Result result = result(warmUp);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("ms to close").isLessThan(3_000);
        assertThat(result.failure()).isNull();
        assertThat(result.end()).isEqualTo(WarmUp.End.CLOSED);
        await().atMost(BOUND).until(() -> warmUpThreads() == 0);
    }

    /**
     * A close does not wait out a read: a session waiting for a reply that never comes (here from a port
     * that accepts and never answers) ends as soon as it is aborted, not after its read timeout.
     */
    @Test
    void anAbortEndsASessionWaitingForAReplyAtOnce() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ScratchClient client = new ScratchClient(new java.net.InetSocketAddress(silent.getInetAddress(), silent.getLocalPort()));
            java.util.concurrent.CompletableFuture<Throwable> ended = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    client.session(0, () -> true);
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            try (java.net.Socket accepted = silent.accept()) {
                accepted.getInputStream().readNBytes(4);
                long start = System.nanoTime();
                client.abort();
                assertThat(ended.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("ms to end after the abort").isLessThan(1_000);
            }
        }
    }

    /**
     * A server's warm-up leaves nothing behind that a client or an operator can see: after it, the server
     * answers srvr and mntr as a twin started without one does (zxid, znodes, packets, sessions, watches),
     * and its Prometheus scrape holds the same server figures.
     */
    @Test
    void aServersZxidZnodesAndCountersAreTheSameAfterItsWarmUp() throws Exception {
        try (CorralServer warmed = started("warmed", 5_000); CorralServer twin = started("twin", 0)) {
            WarmUp.Result result = result(warmed.warmUp());
            assertThat(result.failure()).isNull();
            // On a busy machine the 2 s bound may end it first; what matters is that it ran.
            assertThat(result.requests()).isPositive();
            assertThat(twin.warmUp()).isNull();

            Map<String, String> srvr = fields(warmed.fourLetterWord("srvr"), ": ");
            assertThat(srvr).containsEntry("Received", "0").containsEntry("Sent", "0");
            assertThat(srvr).isEqualTo(fields(twin.fourLetterWord("srvr"), ": "));
            assertThat(fields(warmed.fourLetterWord("mntr"), "\t")).isEqualTo(fields(twin.fourLetterWord("mntr"), "\t"));
            assertThat(scrape(warmed)).isEqualTo(scrape(twin));
        }
    }

    @Test
    void aServersCloseStopsItsWarmUp() throws Exception {
        CorralServer server = started("closed", Integer.MAX_VALUE);
        WarmUp warmUp = server.warmUp();
        server.close();
        assertThat(result(warmUp).end()).as("the close ended it, before its time bound").isEqualTo(WarmUp.End.CLOSED);
        await().atMost(BOUND).until(() -> warmUpThreads() == 0);
    }

    /**
     * An ensemble member warms up too, once it serves (so a follower that becomes leader after a failover
     * has compiled code), and afterwards the members agree on the zxid and the znodes and count no packets.
     */
    @Test
    void everyMemberOfAnEnsembleWarmsUpOnceItServesAndChangesNothing() throws Exception {
        // The build turns the warm-up off for the servers of the other tests (server/pom.xml); these get the default.
        String off = System.clearProperty(ServerConfig.WARMUP_REQUESTS_PROPERTY);
        Map<Integer, CorralServer> servers;
        try {
            servers = InProcessEnsemble.start(dir, BOUND);
        } finally {
            if (off != null) {
                System.setProperty(ServerConfig.WARMUP_REQUESTS_PROPERTY, off);
            }
        }
        try {
            Map<String, String> leader = fields(servers.get(InProcessEnsemble.leaderId(servers)).fourLetterWord("srvr"), ": ");
            for (CorralServer server : servers.values()) {
                await().atMost(BOUND).until(() -> server.warmUp() != null);
                WarmUp.Result result = result(server.warmUp());
                assertThat(result.failure()).isNull();
                assertThat(result.requests()).isPositive();
                Map<String, String> srvr = fields(server.fourLetterWord("srvr"), ": ");
                assertThat(srvr).containsEntry("Received", "0").containsEntry("Sent", "0")
                        .containsEntry("Zxid", leader.get("Zxid")).containsEntry("Node count", leader.get("Node count"));
            }
        } finally {
            servers.values().forEach(CorralServer::close);
        }
    }

    @Test
    void warmupRequestsZeroStartsNoWarmUp() throws Exception {
        try (CorralServer server = started("off", 0)) {
            assertThat(server.warmUp()).isNull();
        }
        try (CorralServer server = started("on", 1)) {
            assertThat(server.warmUp()).as("the same server with warmup.requests=1").isNotNull();
        }
    }

    private CorralServer started(String name, int warmUpRequests) throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty("4lw.commands.whitelist", "*");
        cfg.setProperty("warmup.requests", Integer.toString(warmUpRequests));
        return StartedServer.withMetrics(cfg, Files.createDirectories(dir.resolve(name)));
    }

    /** The lines of a four-letter word's answer as key and value, without those that differ between any two servers. */
    private static Map<String, String> fields(String answer, String separator) {
        Map<String, String> fields = new TreeMap<>();
        for (String line : answer.split("\n")) {
            int at = line.indexOf(separator);
            if (at > 0 && !line.matches("(?i).*(uptime|file_descriptor|jvm|memory|version).*")) {
                fields.put(line.substring(0, at).trim(), line.substring(at + separator.length()).trim());
            }
        }
        return fields;
    }

    /**
     * The server's own figures of its Prometheus scrape: not the JVM's or the process's, nor the durations of
     * the start's own election and fsyncs, which differ between any two starts.
     */
    private static Map<String, String> scrape(CorralServer server) throws Exception {
        Map<String, String> figures = new TreeMap<>();
        for (String line : AdminHttpTest.get(server.metricsPort(), "/metrics").body().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank() && !line.matches("(?i)^(jvm|process)_.*|.*(uptime|file_descriptor|election_time|fsync_time_seconds_(sum|max)|fsynctime_sum).*")) {
                int space = line.lastIndexOf(' ');
                figures.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return figures;
    }

    private static long warmUpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("corral-warmup")).count();
    }
}
