package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin HTTP endpoints and the Prometheus scrape of a running server. */
class AdminHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;

    static CorralServer server;
    static ZooKeeper zk;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig.HttpEndpoint loopback = new ServerConfig.HttpEndpoint("127.0.0.1", 0);
        server = new CorralServer(ServerConfig.defaults().listeningOn(0, dir).withHttp(loopback, loopback), e -> { });
        server.start();
        zk = Connected.zk(server.port());
        zk.create("/admin-e", new byte[] {1, 2, 3}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.getData("/admin-e", true, null);
    }

    @AfterAll
    static void stop() throws Exception {
        zk.close();
        server.close();
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one unlabelled sample of the server's Prometheus scrape. */
    static double metric(CorralServer server, String name) throws Exception {
        String body = get(server.metricsPort(), "/metrics").body();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(body);
        assertThat(matcher.find()).as("%s in %s", name, body).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    static JsonNode command(String name) throws Exception {
        HttpResponse<String> response = get(server.adminPort(), "/commands/" + name);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("error").isNull()).as(response.body()).isTrue();
        return json;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ruok", "srvr", "server_stats", "stat", "stats", "cons", "connections", "conf", "configuration",
            "envi", "environment", "mntr", "monitor", "dump", "wchs", "watch_summary", "wchc", "watches", "wchp",
            "watches_by_path", "dirs", "isro", "is_read_only", "hash"})
    void everyZooKeeperCommandThatOnlyReadsAnswersJsonNamingItsCommandByGet(String name) throws Exception {
        JsonNode json = command(name);
        assertThat(json.get("command").asText()).isNotBlank();
    }

    @Test
    void commandsCarryTheFiguresTheirFourLetterWordsShow() throws Exception {
        zk.getData("/admin-e", true, null);
        assertThat(command("monitor").get("server_state").asText()).isEqualTo("standalone");
        assertThat(command("monitor").get("ephemerals_count").asInt()).isEqualTo(1);
        assertThat(command("dump").get("session_id_to_ephemeral_paths").toString()).contains("/admin-e");
        assertThat(command("watches_by_path").get("path_to_session_ids").has("/admin-e")).isTrue();
        assertThat(command("watch_summary").get("num_total_watches").asInt()).isEqualTo(1);
        assertThat(command("is_read_only").get("read_only").asBoolean()).isFalse();
    }

    /** ZooKeeper's ensemble commands on a server that is no QuorumZooKeeperServer: empty views, leader an error. */
    @Test
    void ensembleCommandsOnAStandaloneServerAnswerAsZooKeepersStandaloneDoes() throws Exception {
        assertThat(command("voting_view").get("current_config").size()).isZero();
        assertThat(command("obsr").get("synced_observers").asInt()).isZero();
        assertThat(command("observers").get("observers").size()).isZero();
        HttpResponse<String> lead = get(server.adminPort(), "/commands/lead");
        assertThat(JSON.readTree(lead.body()).get("command").asText()).isEqualTo("leader");
        assertThat(JSON.readTree(lead.body()).get("error").asText()).isEqualTo("server is not initialized");
        String scrape = get(server.metricsPort(), "/metrics").body();
        assertThat(scrape).contains("quorum_role{role=\"standalone\"} 1\n", "quorum_role{role=\"leader\"} 0\n",
                "quorum_serving 1\n", "quorum_majority 1\n");
    }

    @Test
    void unknownCommandIs404WithAnError() throws Exception {
        HttpResponse<String> response = get(server.adminPort(), "/commands/nonsense");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("nonsense");
    }

    @Test
    void healthEndpointsSayLiveAndReadyWhileServing() throws Exception {
        assertThat(get(server.adminPort(), "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(server.adminPort(), "/health/ready").statusCode()).isEqualTo(200);
    }

    /** One sample line of Prometheus' text format 0.0.4. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\")*)\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");

    @Test
    void scrapeParsesAsPrometheusTextWithEveryFamilyTyped() throws Exception {
        zk.setData("/admin-e", new byte[] {4}, -1);
        HttpResponse<String> response = get(server.metricsPort(), "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, String> types = new HashMap<>();
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertThat(List.of("gauge", "counter", "summary")).contains(parts[3]);
                assertThat(types.put(parts[2], parts[3])).as("family %s typed twice", parts[2]).isNull();
            } else if (!line.startsWith("# HELP ")) {
                Matcher matcher = SAMPLE.matcher(line);
                assertThat(matcher.matches()).as("sample line '%s'", line).isTrue();
                String family = matcher.group(1).replaceAll("_(sum|count)$", "");
                assertThat(types).as("family of '%s' typed before its samples", line).containsKey(
                        types.containsKey(matcher.group(1)) ? matcher.group(1) : family);
                samples.put(matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)), Double.parseDouble(matcher.group(4)));
            }
        }
        assertThat(samples).containsKeys("znode_count", "num_alive_connections", "outstanding_requests", "watch_count",
                "fsync_time_seconds_count", "snapshot_time_seconds_count", "client_bytes_received_total", "jvm_threads_current",
                "quorum_role{role=\"standalone\"}", "requests_total{op=\"SETD\"}", "request_latency_ms_count{op=\"SETD\"}");
        assertThat(samples.get("fsync_time_seconds_count")).isGreaterThan(0);
        assertThat(samples.get("requests_total{op=\"SETD\"}")).isGreaterThanOrEqualTo(1);
    }

    /**
     * The scrape's requestlatency and fsynctime summaries (fsynctime is ZooKeeper 3.9.5's name) carry the
     * percentiles of the console's last interval, in ms, and the cumulative _sum and _count. The periodic sample
     * may end an interval between the test's sample and its scrape: then the scrape shows another interval, and
     * the test takes a new one (at most a few times: the period is ten seconds).
     */
    @Test
    void scrapeExportsTheConsolesLatencyAndFsyncPercentilesAsSummaries() throws Exception {
        Map<String, Double> scraped = Map.of();
        ConsoleHistory.Sample sample = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            for (int i = 0; i < 20; i++) {
                zk.setData("/admin-e", new byte[] {(byte) i}, -1);
            }
            sample = server.sampleConsoleNow();
            scraped = quantiles(get(server.metricsPort(), "/metrics").body());
            if (scraped.get("requestlatency{quantile=\"1\"}") == sample.latencyMs().max()) {
                break;
            }
        }
        assertThat(sample.fsyncMicros().count()).isGreaterThanOrEqualTo(1);
        String[] quantiles = {"0.5", "0.9", "0.99", "0.999", "1"};
        long[] latency = {sample.latencyMs().p50(), sample.latencyMs().p90(), sample.latencyMs().p99(), sample.latencyMs().p999(),
                sample.latencyMs().max()};
        var f = sample.fsyncMicros();
        long[] fsync = {f.p50(), f.p90(), f.p99(), f.p999(), f.max()};
        for (int i = 0; i < quantiles.length; i++) {
            assertThat(scraped).containsEntry("requestlatency{quantile=\"" + quantiles[i] + "\"}", (double) latency[i]);
            assertThat(scraped).containsEntry("fsynctime{quantile=\"" + quantiles[i] + "\"}", fsync[i] / 1000.0);
        }
        assertThat(scraped.get("fsynctime_count")).isEqualTo(scraped.get("fsync_time_seconds_count"));
        assertThat(scraped.get("fsynctime_sum")).isCloseTo(scraped.get("fsync_time_seconds_sum") * 1000, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(scraped.get("requestlatency_count")).isGreaterThanOrEqualTo(20);
    }

    /** The scrape's unlabelled samples and those labelled only by quantile, by name with their labels. */
    private static Map<String, Double> quantiles(String body) {
        Map<String, Double> samples = new HashMap<>();
        Matcher matcher = Pattern.compile("(?m)^([a-z_]+(?:\\{quantile=\"[0-9.]+\"\\})?) (\\S+)$").matcher(body);
        while (matcher.find()) {
            samples.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return samples;
    }
}
