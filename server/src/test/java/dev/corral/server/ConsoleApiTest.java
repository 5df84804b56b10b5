package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The web console's API on a running server: its security checks, and each tree operation as a client of
 * the server, ZooKeeper's answers included (BadVersion, NoAuth, NotEmpty), checked through the official client.
 */
class ConsoleApiTest {
    @TempDir
    static Path writableDir;
    @TempDir
    static Path readOnlyDir;

    static CorralServer writable;
    static CorralServer readOnly;
    static ZooKeeper zk;

    @BeforeAll
    static void start() throws Exception {
        writable = started(writableDir, true);
        readOnly = started(readOnlyDir, false);
        zk = Connected.zk(writable.port());
    }

    static CorralServer started(Path dir, boolean consoleWritable) throws Exception {
        ServerConfig.HttpEndpoint loopback = new ServerConfig.HttpEndpoint("127.0.0.1", 0);
        java.util.Properties cfg = new java.util.Properties();
        // TTL znodes need ZooKeeper's extended types, as in ZooKeeper 3.9.
        cfg.setProperty("extendedTypesEnabled", "true");
        CorralServer server = new CorralServer(ServerConfig.parse(cfg, "test", Map.of(), new java.util.Properties())
                .listeningOn(0, dir).withHttp(loopback, null)
                .withConsole(new ServerConfig.Console(true, consoleWritable)), e -> { });
        server.start();
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        zk.close();
        writable.close();
        readOnly.close();
    }

    static ConsoleHttp console() throws Exception {
        return new ConsoleHttp(writable.adminPort()).open();
    }

    /** A request the console must refuse, and how. */
    record Refusal(String name, boolean cookie, boolean csrf, String origin, String method, String route, int status, String says) {}

    static Stream<Refusal> refusals() {
        return Stream.of(
                // No login cookie: nothing but the page and /session.
                new Refusal("no cookie, read", false, false, null, "GET", "children?path=/", 401, "no console login"),
                new Refusal("no cookie, write", false, true, null, "POST", "create", 401, "no console login"),
                // CSRF: a POST needs the login's token, and a browser's Origin must be this host.
                new Refusal("no CSRF token", true, false, null, "POST", "create", 403, "CSRF"),
                new Refusal("other origin", true, true, "http://evil.example", "POST", "create", 403, "another origin"),
                // Routes.
                new Refusal("unknown route", true, true, null, "GET", "nothing", 404, "no console API"),
                new Refusal("bad path", true, true, null, "GET", "znode?path=nope", 400, "Path must start with / character"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWhatABrowserMustNotDo(Refusal c) throws Exception {
        ConsoleHttp console = console();
        HttpRequest.Builder builder = console.request("/console/api/" + c.route());
        if (!c.cookie()) {
            builder = new ConsoleHttp(writable.adminPort()).request("/console/api/" + c.route());
        }
        if (c.csrf()) {
            builder.header("X-Corral-Csrf", console.csrf);
        }
        if (c.origin() != null) {
            builder.header("Origin", c.origin());
        }
        builder = c.method().equals("POST")
                ? builder.POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/refused\",\"data\":\"x\"}"))
                : builder.GET();
        ConsoleHttp.Answer answer = ConsoleHttp.send(builder.build());
        assertThat(answer.status()).as(answer.json().toString()).isEqualTo(c.status());
        assertThat(answer.error()).contains(c.says());
        assertThat(zk.exists("/refused", false)).isNull();
    }

    @Test
    void sessionCookieIsHttpOnlyAndStrictAndTheTokenIsNotInTheUrl() throws Exception {
        HttpResponse<String> response = ConsoleHttp.http().send(new ConsoleHttp(writable.adminPort()).request("/console/api/session")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        String cookie = response.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie).startsWith(ConsoleSessions.COOKIE + "_" + writable.adminPort() + "=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        JsonNode session = ConsoleHttp.JSON.readTree(response.body());
        assertThat(session.get("identity").asText()).isEqualTo("anyone");
        assertThat(session.get("writable").asBoolean()).isTrue();
        assertThat(session.get("csrf").asText()).hasSizeGreaterThan(40).isNotEqualTo(cookie.split("[=;]")[1]);
    }

    /**
     * Two consoles on one host (servers of an ensemble on one machine, as InProcessEnsemble runs them, or the two
     * servers here) keep their own logins in one browser: a browser keeps cookies by host, not by port, and sends
     * each server the other's cookies too, so a cookie name shared by both would let the second login replace
     * the first's, whose next request or event stream (the "live" badge) would then find no login.
     */
    @Test
    void twoConsolesOnOneHostKeepTheirOwnLoginsInOneBrowser() throws Exception {
        Map<String, String> jar = new java.util.LinkedHashMap<>();
        for (CorralServer server : List.of(writable, readOnly, writable)) {
            HttpResponse<String> response = ConsoleHttp.http().send(withJar(server, "/console/api/session", jar).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            for (String setCookie : response.headers().allValues("set-cookie")) {
                String[] nameValue = setCookie.split(";")[0].split("=", 2);
                jar.put(nameValue[0], nameValue[1]);
            }
        }
        for (CorralServer server : List.of(writable, readOnly)) {
            assertThat(ConsoleHttp.send(withJar(server, "/console/api/children?path=/", jar).GET().build()).status()).isEqualTo(200);
        }
    }

    private static HttpRequest.Builder withJar(CorralServer server, String path, Map<String, String> jar) {
        ConsoleHttp browser = new ConsoleHttp(server.adminPort());
        if (!jar.isEmpty()) {
            browser.cookie = jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining("; "));
        }
        return browser.request(path);
    }

    @Test
    void pageAndAssetsAreServedFromTheServerWithAContentSecurityPolicy() throws Exception {
        for (String path : List.of("/", "/console/app.js", "/console/app.css", "/console/charts.js")) {
            HttpResponse<String> response = ConsoleHttp.http().send(new ConsoleHttp(writable.adminPort()).request(path).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("content-security-policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        }
        assertThat(AdminHttpTest.get(writable.adminPort(), "/console/../pom.xml").statusCode()).isEqualTo(404);
        // The admin commands are still served beside the console.
        assertThat(AdminHttpTest.get(writable.adminPort(), "/commands/ruok").statusCode()).isEqualTo(200);
    }

    @Test
    void readOnlyConsoleReadsButRefusesEveryWrite() throws Exception {
        ConsoleHttp console = new ConsoleHttp(readOnly.adminPort()).open();
        assertThat(console.get("children", Map.of("path", "/")).status()).isEqualTo(200);
        for (var write : List.of(Map.entry("create", Map.of("path", "/ro", "data", "x")),
                Map.entry("set", Map.of("path", "/", "data", "x", "version", 0)),
                Map.entry("delete", Map.of("path", "/zookeeper", "version", -1)),
                Map.entry("acl", Map.of("path", "/", "acl", List.of(), "aversion", 0)),
                Map.entry("import", Map.of("document", Map.of())))) {
            ConsoleHttp.Answer answer = console.post(write.getKey(), write.getValue());
            assertThat(answer.status()).as(write.getKey()).isEqualTo(403);
            assertThat(answer.error()).contains("read-only").contains("admin.console.writable=true");
        }
    }

    @Test
    void createsEveryModeAndListsChildrenWithTheirKinds() throws Exception {
        ConsoleHttp console = console();
        assertThat(console.post("create", Map.of("path", "/kinds", "data", "parent")).status()).isEqualTo(200);
        record Made(String mode, String name, String kind, boolean sequential) {}
        List<Made> made = List.of(new Made("PERSISTENT", "p", "persistent", false), new Made("EPHEMERAL", "e", "ephemeral", false),
                new Made("CONTAINER", "c", "container", false), new Made("PERSISTENT_WITH_TTL", "t", "ttl", false),
                new Made("PERSISTENT_SEQUENTIAL", "s", "persistent", true));
        for (Made m : made) {
            Map<String, Object> body = new java.util.HashMap<>(Map.of("path", "/kinds/" + m.name(), "mode", m.mode(), "data", "d"));
            if (m.mode().contains("TTL")) {
                body.put("ttlMs", 60_000);
            }
            ConsoleHttp.Answer created = console.post("create", body);
            assertThat(created.status()).as(created.json().toString()).isEqualTo(200);
        }
        // A child under the container, so that the server's container check does not delete it meanwhile.
        zk.create("/kinds/c/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        JsonNode page = console.get("children", Map.of("path", "/kinds")).json();
        assertThat(page.get("total").asInt()).isEqualTo(made.size());
        for (Made m : made) {
            JsonNode row = Stream.of(page.get("children")).flatMap(rows -> java.util.stream.StreamSupport.stream(rows.spliterator(), false))
                    .filter(r -> r.get("name").asText().startsWith(m.name())).findFirst().orElseThrow();
            assertThat(row.get("kind").asText()).as(m.mode()).isEqualTo(m.kind());
            assertThat(row.get("sequential").asBoolean()).as(m.mode()).isEqualTo(m.sequential());
        }
        // The ephemeral belongs to the console's session, as zkCli's would to its own.
        assertThat(zk.exists("/kinds/e", false).getEphemeralOwner())
                .isEqualTo(Long.decode(console.get("session", Map.of()).json().get("sessionId").asText()));
    }

    @Test
    void pagesAndFiltersTheChildrenOfALargeParent() throws Exception {
        zk.create("/many", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 250; i++) {
            zk.create(String.format("/many/n%04d", i), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        ConsoleHttp console = console();
        JsonNode second = console.get("children", Map.of("path", "/many", "offset", "100", "limit", "100")).json();
        assertThat(second.get("total").asInt()).isEqualTo(250);
        assertThat(second.get("children").size()).isEqualTo(100);
        assertThat(second.get("children").get(0).get("name").asText()).isEqualTo("n0100");
        JsonNode filtered = console.get("children", Map.of("path", "/many", "filter", "N012")).json();
        assertThat(filtered.get("matched").asInt()).isEqualTo(10);
        assertThat(filtered.get("children").get(9).get("path").asText()).isEqualTo("/many/n0129");
        JsonNode capped = console.get("children", Map.of("path", "/many", "limit", "100000")).json();
        assertThat(capped.get("children").size()).isEqualTo(ConsoleChildren.PAGE_MAX > 250 ? 250 : ConsoleChildren.PAGE_MAX);
        JsonNode search = console.get("search", Map.of("prefix", "/many/n024")).json();
        assertThat(search.get("matched").asInt()).isEqualTo(10);
        assertThat(search.get("paths").get(0).asText()).isEqualTo("/many/n0240");
    }

    @Test
    void setAtAnOldVersionIsAConflictAndOverwritesNothing() throws Exception {
        zk.create("/conflict", "v0".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ConsoleHttp console = console();
        JsonNode read = console.get("znode", Map.of("path", "/conflict")).json();
        assertThat(read.get("text").asText()).isEqualTo("v0");
        assertThat(read.get("stat").get("version").asInt()).isZero();
        zk.setData("/conflict", "other".getBytes(StandardCharsets.UTF_8), 0);
        ConsoleHttp.Answer conflict = console.post("set", Map.of("path", "/conflict", "data", "mine", "version", 0));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("code").asText()).isEqualTo("BadVersion");
        assertThat(new String(zk.getData("/conflict", false, null), StandardCharsets.UTF_8)).isEqualTo("other");
        ConsoleHttp.Answer saved = console.post("set", Map.of("path", "/conflict", "data", "mine", "version", 1));
        assertThat(saved.json().get("stat").get("version").asInt()).isEqualTo(2);
        assertThat(new String(zk.getData("/conflict", false, null), StandardCharsets.UTF_8)).isEqualTo("mine");
    }

    @Test
    void znodeViewHasDataStatAndAclAsZooKeeperReportsThem() throws Exception {
        org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
        zk.create("/view", new byte[] {(byte) 0xff, 0, 1}, ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.getData("/view", false, stat);
        JsonNode view = console().get("znode", Map.of("path", "/view")).json();
        assertThat(view.get("encoding").asText()).isEqualTo("binary");
        assertThat(view.get("text").isNull()).isTrue();
        assertThat(view.get("dataBase64").asText()).isEqualTo("/wAB");
        assertThat(view.get("stat").get("czxid").asText()).isEqualTo("0x" + Long.toHexString(stat.getCzxid()));
        assertThat(view.get("stat").get("mtime").asLong()).isEqualTo(stat.getMtime());
        assertThat(view.get("acl").get(0).get("perms").asText()).isEqualTo("r");
        assertThat(view.get("acl").get(0).get("id").asText()).isEqualTo("anyone");
    }

    @Test
    void deleteSubtreeNeedsTheCountConfirmedAndDeletesLeavesFirst() throws Exception {
        zk.create("/sub", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/sub/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/sub/a/b", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/sub/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ConsoleHttp console = console();
        assertThat(console.get("count", Map.of("path", "/sub")).json().get("count").asInt()).isEqualTo(4);
        // A plain delete of a parent is ZooKeeper's NotEmpty.
        ConsoleHttp.Answer notEmpty = console.post("delete", Map.of("path", "/sub", "version", -1));
        assertThat(notEmpty.status()).isEqualTo(409);
        assertThat(notEmpty.json().get("code").asText()).isEqualTo("NotEmpty");
        ConsoleHttp.Answer stale = console.post("delete", Map.of("path", "/sub", "recursive", true, "count", 3));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.error()).contains("has 4 znodes now");
        assertThat(zk.exists("/sub/a/b", false)).isNotNull();
        ConsoleHttp.Answer deleted = console.post("delete", Map.of("path", "/sub", "recursive", true, "count", 4));
        assertThat(deleted.json().get("deleted").asInt()).isEqualTo(4);
        assertThat(zk.exists("/sub", false)).isNull();
        assertThat(console.post("delete", Map.of("path", "/", "recursive", true, "count", 1)).status()).isEqualTo(400);
    }

    @Test
    void aclsApplyToTheIdentityLoggedIn() throws Exception {
        String digest = DigestAuthenticationProvider.generateDigest("alice:secret");
        zk.create("/alice", "hers".getBytes(StandardCharsets.UTF_8), new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)))),
                CreateMode.PERSISTENT);
        ConsoleHttp console = console();
        ConsoleHttp.Answer anonymous = console.get("znode", Map.of("path", "/alice"));
        assertThat(anonymous.status()).isEqualTo(403);
        assertThat(anonymous.json().get("code").asText()).isEqualTo("NoAuth");
        // Its parent lists its name, but exists needs READ in ZooKeeper 3.9: the row says so and has no stat.
        JsonNode row = java.util.stream.StreamSupport.stream(console.get("children", Map.of("path", "/")).json().get("children")
                .spliterator(), false).filter(r -> r.get("path").asText().equals("/alice")).findFirst().orElseThrow();
        assertThat(row.get("readable").asBoolean()).isFalse();
        assertThat(row.has("numChildren")).isFalse();
        assertThat(console.login("alice", "wrong").status()).isEqualTo(200);
        assertThat(console.get("znode", Map.of("path", "/alice")).status()).isEqualTo(403);
        ConsoleHttp.Answer login = console.login("alice", "secret");
        assertThat(login.json().get("identity").asText()).isEqualTo("digest:alice");
        assertThat(console.get("znode", Map.of("path", "/alice")).json().get("text").asText()).isEqualTo("hers");
        // With ADMIN, the digest's hash is shown, as ZooKeeper shows it to such a session.
        assertThat(console.get("znode", Map.of("path", "/alice")).json().get("acl").get(0).get("id").asText()).isEqualTo(digest);
        ConsoleHttp.Answer acl = console.post("acl", Map.of("path", "/alice", "aversion", 0,
                "acl", List.of(Map.of("scheme", "world", "id", "anyone", "perms", "r"))));
        assertThat(acl.status()).as(acl.json().toString()).isEqualTo(200);
        assertThat(zk.getACL("/alice", null)).containsExactly(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        // The old cookie's login was closed with its ZooKeeper session.
        assertThat(ConsoleHttp.send(new ConsoleHttp(writable.adminPort()).request("/console/api/children?path=/").GET().build())
                .status()).isEqualTo(401);
    }

    @Test
    void exportThenImportRecreatesTheSubtree() throws Exception {
        ConsoleHttp console = console();
        zk.create("/exp", "root".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/exp/bin", new byte[] {(byte) 0xc3}, ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        JsonNode document = console.get("export", Map.of("path", "/exp")).json();
        assertThat(document.get("format").asText()).isEqualTo("corral-export/1");
        assertThat(document.at("/znode/children/bin/dataBase64").asText()).isEqualTo("ww==");
        ((com.fasterxml.jackson.databind.node.ObjectNode) document).put("path", "/imp");
        ConsoleHttp.Answer imported = console.post("import", Map.of("document", document));
        assertThat(imported.json().get("created").asInt()).isEqualTo(2);
        assertThat(zk.getData("/imp/bin", false, null)).containsExactly(0xc3);
        assertThat(zk.getACL("/imp/bin", null)).containsExactly(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        ConsoleHttp.Answer again = console.post("import", Map.of("document", document));
        assertThat(again.json().get("code").asText()).isEqualTo("NodeExists");
    }

    @Test
    void eventStreamTellsOfAnotherClientsChange() throws Exception {
        ConsoleHttp console = console();
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
        try (AutoCloseable stream = ConsoleHttp.streamLines(console.request("/console/api/events").GET().build(), lines)) {
            assertThat(poll(lines, "event: hello")).isTrue();
            zk.create("/live", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(poll(lines, "\"path\":\"/live\"")).isTrue();
            zk.setData("/live", new byte[] {1}, 0);
            assertThat(poll(lines, "NodeDataChanged")).isTrue();
        }
    }

    private static boolean poll(BlockingQueue<String> lines, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.contains(wanted)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sessionsAndServerPanelsCarryTheAdminCommands() throws Exception {
        ConsoleHttp console = console();
        zk.exists("/watched", true);
        JsonNode sessions = console.get("sessions", Map.of()).json();
        assertThat(sessions.get("cons").get("connections").size()).isGreaterThanOrEqualTo(2);
        assertThat(sessions.get("wchp").get("path_to_session_ids").has("/watched")).isTrue();
        assertThat(sessions.get("wchc").get("session_id_to_watched_paths").toString()).contains("/watched");
        JsonNode server = console.get("server", Map.of()).json();
        assertThat(server.get("srvr").get("server_stats").get("server_state").asText()).isEqualTo("standalone");
        assertThat(server.get("history").get("intervalMs").asLong()).isEqualTo(ConsoleHistory.INTERVAL_MS);
    }

    @Test
    void historyCarriesTheLatencyAndFsyncPercentilesOfEachInterval() throws Exception {
        int writes = 40;
        ConsoleHistory.Sample sample = null;
        // The periodic sample may end an interval amid the writes; then the interval is measured again (bounded).
        for (int attempt = 0; attempt < 3 && (sample == null || sample.latencyMs().count() < writes); attempt++) {
            writable.sampleConsoleNow();
            for (int i = 0; i < writes; i++) {
                zk.create("/percentiles-" + attempt + "-" + i, new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            }
            sample = writable.sampleConsoleNow();
        }
        IntervalHistogramView latency = new IntervalHistogramView(sample.latencyMs());
        // The interval's own requests: the writes, and at most a few pings of the client beside them.
        assertThat(sample.latencyMs().count()).isBetween((long) writes, writes + 10L);
        latency.assertOrdered();
        assertThat(sample.fsyncMicros().count()).as("each write was made durable by an fsync of its own or a group's").isPositive();
        assertThat(sample.fsyncMicros().max()).isPositive();
        new IntervalHistogramView(sample.fsyncMicros()).assertOrdered();

        JsonNode history = console().get("server", Map.of()).json().get("history");
        int index = -1;
        for (int i = 0; i < history.get("at").size(); i++) {
            index = history.get("at").get(i).asLong() == sample.atMs() ? i : index;
        }
        assertThat(index).as("the sample is in the console's history").isNotNegative();
        assertThat(history.get("latencyP50Ms").get(index).asLong()).isEqualTo(sample.latencyMs().p50());
        assertThat(history.get("latencyP99Ms").get(index).asLong()).isEqualTo(sample.latencyMs().p99());
        assertThat(history.get("latencyP999Ms").get(index).asLong()).isEqualTo(sample.latencyMs().p999());
        assertThat(history.get("latencyMaxMs").get(index).asLong()).isEqualTo(sample.latencyMs().max());
        assertThat(history.get("fsyncP99Ms").get(index).asDouble()).isEqualTo(sample.fsyncMicros().p99() / 1000.0);
        assertThat(history.get("fsyncMaxMs").get(index).asDouble()).isEqualTo(sample.fsyncMicros().max() / 1000.0).isPositive();
    }

    /** The ordering every interval's percentiles must have. */
    private record IntervalHistogramView(dev.corral.node.IntervalHistogram.Percentiles p) {
        void assertOrdered() {
            assertThat(p.p50()).isLessThanOrEqualTo(p.p99());
            assertThat(p.p99()).isLessThanOrEqualTo(p.p999());
            assertThat(p.p999()).isLessThanOrEqualTo(p.max());
        }
    }

    @Test
    void consoleIsOnByDefaultAndReadOnlyUnlessConfigured() throws Exception {
        ServerConfig defaults = ServerConfig.defaults();
        assertThat(defaults.console()).isEqualTo(new ServerConfig.Console(true, false));
        java.util.Properties cfg = new java.util.Properties();
        cfg.setProperty("admin.console.writable", "true");
        cfg.setProperty("admin.console.enabled", "false");
        ServerConfig parsed = ServerConfig.parse(cfg, "zoo.cfg", Map.of(), new java.util.Properties());
        assertThat(parsed.console()).isEqualTo(new ServerConfig.Console(false, true));
        assertThat(parsed.warnings()).noneMatch(w -> w.contains("admin.console"));
    }
}
