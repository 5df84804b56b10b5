package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.HttpProbe;
import dev.corral.tree.Acls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Item 7 of issue 12: with authentication enforced, the admin commands that list sessions or change state
 * answer only an identity whose credentials (the Authorization header, as ZooKeeper 3.9.5's admin commands
 * read it) hold ALL on "/", with ZooKeeper's answers for a missing header, failed authentication and a
 * refusing ACL; environment, configuration and stats leave out paths and connections for anyone else; the
 * four-letter words of the same data are refused. Without enforcement everything answers anyone, as in
 * ZooKeeper. The root's ACL here grants ALL to digest admin:secret only.
 */
class AdminAuthenticationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin:secret";

    @TempDir
    static Path dir;
    static CorralServer enforced;
    static CorralServer open;
    static final List<ZooKeeper> clients = new java.util.ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Properties enforcing = new Properties();
        enforcing.setProperty("enforce.auth.enabled", "true");
        enforcing.setProperty("enforce.auth.schemes", "digest");
        enforcing.setProperty("admin.enableStateChangingCommands", "true");
        enforced = start(enforcing, dir.resolve("enforced"));
        open = start(new Properties(), dir.resolve("open"));
        for (CorralServer server : List.of(enforced, open)) {
            ZooKeeper zk = Connected.zk(server.port());
            clients.add(zk);
            zk.addAuthInfo("digest", ADMIN.getBytes(StandardCharsets.UTF_8));
            zk.create("/session-of-admin", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk.exists("/watched", true);
            // A mutable list: the client asks it whether it contains null, which List.of refuses to answer.
            zk.setACL("/", new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", Acls.digest(ADMIN))))), -1);
        }
    }

    private static CorralServer start(Properties cfg, Path data) throws Exception {
        cfg.setProperty("4lw.commands.whitelist", "*");
        Properties system = new Properties();
        system.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", Acls.digest("super:test"));
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), system).listeningOn(0, data)
                .withHttp(new ServerConfig.HttpEndpoint("127.0.0.1", 0), null);
        CorralServer server = new CorralServer(config, e -> { });
        server.start();
        return server;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (ZooKeeper zk : clients) {
            zk.close();
        }
        enforced.close();
        open.close();
    }

    /**
     * A request and what it must get: the status, the error text (null: none), and a field that must be
     * present or absent in the answer (null: not checked).
     */
    record Case(String name, boolean enforcing, String method, String command, String authorization, int status, String error,
            String field, boolean fieldPresent) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> requests() {
        String missing = "Auth info is missing for the command";
        return Stream.of(
                // Without enforcement: ZooKeeper 3.9.5's admin answers these to anyone.
                new Case("open: dump", false, "GET", "dump", null, 200, null, "session_id_to_ephemeral_paths", true),
                new Case("open: envi shows the class path", false, "GET", "envi", null, 200, null, "java.class.path", true),
                // Enforced: ZooKeeper's three refusals (Commands#runCommand), named with the command as asked for.
                new Case("no header", true, "GET", "dump", null, 401, missing, null, false),
                new Case("alias, no header", true, "GET", "cons", null, 401, missing, null, false),
                new Case("digest without credentials", true, "GET", "wchc", "digest", 401, "Not authenticated", null, false),
                new Case("three parts", true, "GET", "wchp", "digest " + ADMIN + " more", 401, "Not authenticated", null, false),
                new Case("sasl has no HTTP form", true, "GET", "connections", "sasl admin", 401, "Not authenticated", null, false),
                new Case("unknown scheme", true, "GET", "watches", "basic YWRtaW46c2VjcmV0", 401, "Not authenticated", null, false),
                new Case("x509 without a certificate", true, "GET", "dump", "x509", 401, "Not authenticated", null, false),
                new Case("digest the ACL does not name", true, "GET", "dump", "digest bob:secret", 403, "Not authorized", null, false),
                new Case("ip the ACL does not name", true, "GET", "dump", "ip", 403, "Not authorized", null, false),
                new Case("wrong password", true, "GET", "watches_by_path", "digest admin:guess", 403, "Not authorized", null, false),
                new Case("the ACL's digest", true, "GET", "dump", "digest " + ADMIN, 200, null, "session_id_to_ephemeral_paths", true),
                new Case("the super digest", true, "GET", "wchp", "digest super:test", 200, null, "path_to_session_ids", true),
                new Case("state changing, anonymous", true, "POST", "srst", null, 401, missing, null, false),
                new Case("state changing, admin", true, "POST", "srst", "digest " + ADMIN, 200, null, null, false),
                // Enforced: answered to anyone, without what an anonymous caller must not see.
                new Case("ruok", true, "GET", "ruok", null, 200, null, null, false),
                new Case("anonymous envi", true, "GET", "envi", null, 200, null, "java.class.path", false),
                new Case("anonymous envi keeps the version", true, "GET", "envi", null, 200, null, "java.version", true),
                new Case("anonymous conf", true, "GET", "conf", null, 200, null, "dataDir", false),
                new Case("anonymous stats", true, "GET", "stats", "digest bob:secret", 200, null, "connections", false),
                new Case("admin envi", true, "GET", "envi", "digest " + ADMIN, 200, null, "java.class.path", true),
                new Case("admin conf", true, "GET", "conf", "digest " + ADMIN, 200, null, "dataDir", true),
                new Case("admin stats", true, "GET", "stats", "digest " + ADMIN, 200, null, "connections", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void anAdminCommandAnswersWhatTheCallersIdentityMaySee(Case c) throws Exception {
        CorralServer server = c.enforcing() ? enforced : open;
        HttpProbe.Answer answer = HttpProbe.send(HttpProbe.Transport.PLAIN, server.adminPort(), c.method(), "/commands/" + c.command(),
                c.authorization());
        assertThat(answer.status()).as(answer.body()).isEqualTo(c.status());
        JsonNode body = JSON.readTree(answer.body());
        if (c.error() == null) {
            assertThat(body.get("error").isNull()).as(answer.body()).isTrue();
        } else {
            assertThat(body.get("error").asText()).isEqualTo(c.error());
            assertThat(body.get("command").asText()).isEqualTo(c.command());
        }
        if (c.field() != null) {
            assertThat(body.has(c.field())).as(answer.body()).isEqualTo(c.fieldPresent());
        }
    }

    /** ZooKeeper's SnapshotCommand streams the file unless streaming=false; Corral's is its own snapshot format. */
    @org.junit.jupiter.api.Test
    void theSnapshotCommandStreamsTheSnapshotItWroteToTheRootsOwner() throws Exception {
        HttpProbe.Answer answer = HttpProbe.send(HttpProbe.Transport.PLAIN, open.adminPort(), "GET", "/commands/snapshot",
                "digest " + ADMIN);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).containsEntry("content-type", "application/octet-stream");
        assertThat(answer.headers().get("last_zxid")).matches("0x[0-9a-f]+");
        assertThat(Long.parseLong(answer.headers().get("snapshot_size"))).isPositive();
        assertThat(answer.body()).isNotEmpty();
        assertThat(HttpProbe.send(HttpProbe.Transport.PLAIN, open.adminPort(), "GET", "/commands/snapshot", null).status())
                .as("without credentials, enforcement or not").isEqualTo(401);
    }

    record Word(String word, boolean enforcing, String contains, String lacks) {}

    static Stream<Word> fourLetterWords() {
        return Stream.of(
                new Word("dump", true, "is not executed because authentication is enforced", "0x"),
                new Word("cons", true, "is not executed because authentication is enforced", "sid="),
                new Word("wchc", true, "is not executed because authentication is enforced", "/watched"),
                new Word("wchp", true, "is not executed because authentication is enforced", "/watched"),
                new Word("crst", true, "is not executed because authentication is enforced", "reset"),
                new Word("envi", true, "java.version=", "java.class.path="),
                new Word("conf", true, "tickTime=", "dataDir="),
                new Word("wchp", false, "/watched", "authentication is enforced"),
                new Word("envi", false, "java.class.path=", "authentication is enforced"));
    }

    @ParameterizedTest(name = "{0} enforced={1}")
    @MethodSource("fourLetterWords")
    void aFourLetterWordShowsNothingOfOtherClientsWhileAuthenticationIsEnforced(Word w) {
        String answer = (w.enforcing() ? enforced : open).fourLetterWord(w.word());
        assertThat(answer).contains(w.contains()).doesNotContain(w.lacks());
    }
}
