package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * globalOutstandingLimit, and Corral's connection.requestsMax for one connection: a burst of pipelined
 * writes larger than the limit pauses the reading of the connection that sent it (counted in
 * {@code client_read_pauses_total}, {@code client_request_pauses_total}), and every request is still
 * answered, in order; a burst within the limits never pauses anything.
 */
class OutstandingLimitTest {
    private static final int BURST = 500;

    record Case(String key, int limit, String counter, boolean pauses) {}

    static Stream<Case> limits() {
        return Stream.of(
                // Over all sessions (ZooKeeper's throttle).
                new Case("globalOutstandingLimit", 2, "client_read_pauses_total", true),
                new Case("globalOutstandingLimit", 1000, "client_read_pauses_total", false),
                // One connection's own requests in flight.
                new Case("connection.requestsMax", 2, "client_request_pauses_total", true),
                new Case("connection.requestsMax", 1000, "client_request_pauses_total", false));
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("limits")
    void aBurstAboveTheLimitPausesReadsAndIsStillAnsweredInOrder(Case c) throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty(c.key(), Integer.toString(c.limit()));
        ServerConfig.HttpEndpoint loopback = new ServerConfig.HttpEndpoint("127.0.0.1", 0);
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir)
                .withHttp(null, loopback);
        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.start();
            ZooKeeper zk = Connected.zk(server.port());
            List<String> answered = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                CompletableFuture<Integer> result = new CompletableFuture<>();
                results.add(result);
                zk.create(String.format("/n%04d", i), new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> {
                            answered.add(path);
                            result.complete(rc);
                        }, null);
            }
            for (CompletableFuture<Integer> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(KeeperException.Code.OK.intValue());
            }
            assertThat(answered).as("answered in the order sent").isSorted().hasSize(BURST);
            assertThat(zk.getChildren("/", false)).filteredOn(name -> name.startsWith("n")).hasSize(BURST);
            zk.close();

            HttpResponse<String> scrape = AdminHttpTest.get(server.metricsPort(), "/metrics");
            Matcher matcher = Pattern.compile("(?m)^" + c.counter() + " (\\S+)$").matcher(scrape.body());
            assertThat(matcher.find()).as(scrape.body()).isTrue();
            double count = Double.parseDouble(matcher.group(1));
            if (c.pauses()) {
                assertThat(count).as("reads paused at least once").isPositive();
            } else {
                assertThat(count).as("a burst within the limit").isZero();
            }
        }
    }
}
