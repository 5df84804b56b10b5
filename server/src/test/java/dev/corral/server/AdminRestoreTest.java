package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.tree.Acls;
import dev.corral.testkit.AdminSnapshotClient;
import dev.corral.testkit.HttpProbe;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ZooKeeper 3.9.5's restore admin command (Commands.RestoreCommand) on Corral: the POST body is what the
 * snapshot command streamed; the tree comes back, durably; a malformed upload changes nothing; the answers
 * for missing or insufficient credentials, the rate limit, a disabled command and an upload past its bound.
 * The root's ACL grants ALL to digest admin:secret only.
 */
class AdminRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin:secret";
    // A body the command refuses before it reads it.
    private static final byte[] NOT_READ = "a body that is not read".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    // No rate limit: the tests that restore more than once.
    static CorralServer unlimited;
    // ZooKeeper's default rate limit (five minutes) and a small upload bound.
    static CorralServer limited;
    static CorralServer disabled;

    @BeforeAll
    static void start() throws Exception {
        unlimited = start(Map.of("admin.rateLimiterIntervalInMS", "0"), dir.resolve("unlimited"));
        limited = start(Map.of("admin.restore.bytesMax", "4096"), dir.resolve("limited"));
        disabled = start(Map.of("admin.restore.enabled", "false"), dir.resolve("disabled"));
        for (CorralServer server : List.of(unlimited, limited, disabled)) {
            ZooKeeper zk = client(server);
            zk.create("/kept", "one".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            // A mutable list: the client asks it whether it contains null, which List.of refuses to answer.
            zk.setACL("/", new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", Acls.digest(ADMIN))))), -1);
            zk.close();
        }
    }

    private static CorralServer start(Map<String, String> settings, Path data) throws Exception {
        Properties cfg = new Properties();
        cfg.putAll(settings);
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, data)
                .withHttp(new ServerConfig.HttpEndpoint("127.0.0.1", 0), new ServerConfig.HttpEndpoint("127.0.0.1", 0));
        CorralServer server = new CorralServer(config, e -> { });
        server.start();
        return server;
    }

    private static ZooKeeper client(CorralServer server) throws Exception {
        ZooKeeper zk = Connected.zk(server.port());
        zk.addAuthInfo("digest", ADMIN.getBytes(StandardCharsets.UTF_8));
        return zk;
    }

    @AfterAll
    static void stop() {
        for (CorralServer server : new CorralServer[] {unlimited, limited, disabled}) {
            if (server != null) {
                server.close();
            }
        }
    }

    private static byte[] snapshot(CorralServer server) throws Exception {
        HttpResponse<byte[]> answer = AdminSnapshotClient.snapshot(server.adminPort(), "digest " + ADMIN);
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    private static HttpResponse<String> restore(CorralServer server, byte[] body, String authorization) throws Exception {
        return AdminSnapshotClient.restore(server.adminPort(), "restore", body, authorization);
    }

    /** The value of a metric without labels in the Prometheus scrape. */
    private static double metric(CorralServer server, String name) throws Exception {
        String scrape = HttpProbe.send(HttpProbe.Transport.PLAIN, server.metricsPort(), "GET", "/metrics", null).body();
        return scrape.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no metric " + name + " in " + scrape));
    }

    private static String data(ZooKeeper zk, String path) throws Exception {
        return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
    }

    @Test
    void aRestoredSnapshotBringsTheTreeBackAndStaysAfterARestart() throws Exception {
        ZooKeeper zk = client(unlimited);
        zk.create("/restore", "before".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/restore/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        byte[] snapshot = snapshot(unlimited);
        zk.setData("/restore", "after".getBytes(StandardCharsets.UTF_8), -1);
        zk.delete("/restore/child", -1);
        zk.create("/restore/added", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        long zxidBefore = zk.exists("/restore/added", false).getMzxid();
        zk.close();

        HttpResponse<String> answer = restore(unlimited, snapshot, "digest " + ADMIN);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("command").asText()).isEqualTo("restore");
        assertThat(body.get("error").isNull()).isTrue();
        long lastZxid = body.get("last_zxid").asLong();
        assertThat(lastZxid).as("the restored state takes the next zxid").isGreaterThan(zxidBefore);
        assertRestored(unlimited, lastZxid);

        // Durable: the snapshot written by the restore is loaded, and the txns before it are not replayed on it.
        Path data = dir.resolve("unlimited");
        unlimited.close();
        unlimited = start(Map.of("admin.rateLimiterIntervalInMS", "0"), data);
        assertRestored(unlimited, lastZxid);
    }

    private static void assertRestored(CorralServer server, long lastZxid) throws Exception {
        ZooKeeper zk = client(server);
        try {
            assertThat(data(zk, "/restore")).isEqualTo("before");
            assertThat(zk.exists("/restore/child", false)).isNotNull();
            assertThat(zk.exists("/restore/added", false)).isNull();
            // A write after the restore follows it.
            zk.create("/restore/next", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            assertThat(zk.exists("/restore/next", false).getCzxid()).isGreaterThan(lastZxid);
        } finally {
            zk.close();
        }
    }

    record Upload(String name, java.util.function.UnaryOperator<byte[]> damage) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Upload> malformed() {
        return Stream.of(
                new Upload("an empty body", bytes -> new byte[0]),
                new Upload("text", bytes -> "not a snapshot".getBytes(StandardCharsets.UTF_8)),
                new Upload("truncated by its last 10 bytes", bytes -> Arrays.copyOf(bytes, bytes.length - 10)),
                new Upload("cut in half", bytes -> Arrays.copyOf(bytes, bytes.length / 2)),
                new Upload("one byte flipped in the middle", bytes -> {
                    byte[] copy = bytes.clone();
                    copy[copy.length / 2] ^= 0x40;
                    return copy;
                }),
                new Upload("a byte more", bytes -> Arrays.copyOf(bytes, bytes.length + 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedUploadIsRefusedAndChangesNothing(Upload upload) throws Exception {
        ZooKeeper zk = client(unlimited);
        try {
            String path = "/malformed-" + Math.abs(upload.name().hashCode());
            zk.create(path, "kept".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            byte[] snapshot = snapshot(unlimited);
            zk.setData(path, "changed".getBytes(StandardCharsets.UTF_8), -1);

            double errors = metric(unlimited, "restore_error_count");
            HttpResponse<String> answer = restore(unlimited, upload.damage().apply(snapshot), "digest " + ADMIN);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
            assertThat(metric(unlimited, "restore_error_count")).isEqualTo(errors + 1);
            assertThat(JSON.readTree(answer.body()).get("error").asText()).startsWith("not a snapshot this server can restore");
            assertThat(data(zk, path)).as("the session goes on, on the same tree").isEqualTo("changed");
        } finally {
            zk.close();
        }
    }

    record Refusal(String name, String authorization, int status, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("no Authorization header", null, 401, "Auth info is missing for the command"),
                new Refusal("digest without credentials", "digest", 401, "Not authenticated"),
                new Refusal("a digest the root's ACL does not name", "digest bob:secret", 403, "Not authorized"),
                new Refusal("ip, which the ACL does not name", "ip", 403, "Not authorized"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aRestoreWithoutAllOnTheRootIsRefusedAsZooKeeperRefusesIt(Refusal refusal) throws Exception {
        // The disabled server: ZooKeeper checks the identity before whether the command is on, and both before the body.
        HttpResponse<String> answer = restore(disabled, NOT_READ, refusal.authorization());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(refusal.status());
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("error").asText()).isEqualTo(refusal.error());
        assertThat(body.get("command").asText()).isEqualTo("restore");
    }

    @Test
    void aDisabledRestoreAnswers503() throws Exception {
        HttpResponse<String> answer = restore(disabled, NOT_READ, "digest " + ADMIN);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.body()).contains("admin.restore.enabled=false");
    }

    @Test
    void aGetIsNotARestore() throws Exception {
        HttpProbe.Answer answer = HttpProbe.send(HttpProbe.Transport.PLAIN, unlimited.adminPort(), "GET", "/commands/rest", "digest " + ADMIN);
        assertThat(answer.status()).as(answer.body()).isEqualTo(405);
    }

    @Test
    void onlyOneRestorePerRateLimitInterval() throws Exception {
        byte[] snapshot = snapshot(limited);
        HttpResponse<String> first = restore(limited, snapshot, "digest " + ADMIN);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        HttpResponse<String> second = restore(limited, snapshot, "digest " + ADMIN);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
        assertThat(metric(limited, "restore_time_count")).isEqualTo(1);
        assertThat(metric(limited, "restore_rate_limited_count")).isEqualTo(1);
    }

    @Test
    void anUploadPastItsBoundIsRefusedBeforeItIsRead() throws Exception {
        HttpResponse<String> answer = restore(limited, new byte[4097], "digest " + ADMIN);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
        // Other admin requests go on being served.
        assertThat(HttpProbe.send(HttpProbe.Transport.PLAIN, limited.adminPort(), "GET", "/commands/ruok", null).status()).isEqualTo(200);
    }

    /**
     * An anonymous upload is answered 401 from its headers, before a byte of its body: it neither waits for
     * the body (the old order held the one upload slot, and heap, for a caller with no credentials) nor
     * keeps the slot, so an authorised upload after it is judged on its own (413 for its size, not 503).
     */
    @Test
    void anAnonymousUploadIsRefusedFromItsHeadersAndHoldsNoSlot() throws Exception {
        String anonymous = raw(unlimited, "POST /commands/rest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n");
        assertThat(anonymous).startsWith("HTTP/1.1 401").contains("\"error\":\"Auth info is missing for the command\"")
                .contains("\"command\":\"rest\"");

        String oversized = raw(unlimited, "POST /commands/restore HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: digest " + ADMIN
                + "\r\nContent-Length: " + (1L << 40) + "\r\n\r\n");
        assertThat(oversized).startsWith("HTTP/1.1 413");
    }

    /** Sends {@code head} and no body; returns all the server answers before it closes (bounded: 10 s). */
    private static String raw(CorralServer server, String head) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.adminPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
