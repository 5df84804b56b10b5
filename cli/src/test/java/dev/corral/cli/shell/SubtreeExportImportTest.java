package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.Stat;
import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code export} and {@code import}: a subtree survives the round trip through JSON with its data
 * (binary, empty and null alike), its ACLs, its ephemeral znodes and its sequential names; a file that
 * is not a valid export is refused before anything is written.
 */
class SubtreeExportImportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BINARY = {0, (byte) 0xff, (byte) 0xfe, 1, (byte) 0xc3};
    private static final String DIGEST_ID = ShellFixture.digest("user:pass");
    private static final List<Acl> SECRET_ACL = List.of(new Acl(Acl.ALL, new Id("digest", DIGEST_ID)), new Acl(Acl.READ, Id.ANYONE));

    @RegisterExtension
    static final ShellFixture fixture = new ShellFixture();

    @TempDir
    Path dir;

    @BeforeEach
    void emptyTree() throws Exception {
        fixture.wipe();
    }

    @Test
    void aSubtreeComesBackWithItsDataAclsEphemeralsAndSequentialNames() throws Exception {
        Path file = dir.resolve("app.json");
        Path again = dir.resolve("copy.json");
        try (CorralClient owner = fixture.client()) {
            createApp(owner);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            long importer;
            try (Shell shell = fixture.connectedShell(out, err)) {
                importer = shell.client().sessionId();
                assertThat(shell.run(List.of("addauth", "digest", "user:pass"))).isZero();
                assertThat(shell.run(List.of("export", "/app", file.toString()))).as(err.toString()).isZero();
                assertThat(out.toString()).contains("Exported 9 znodes under /app to " + file);

                JsonNode exported = JSON.readTree(file.toFile());
                assertThat(exported.get("format").asText()).isEqualTo("corral-export/1");
                assertThat(exported.get("path").asText()).isEqualTo("/app");
                JsonNode app = exported.get("znode");
                JsonNode children = app.get("children");
                assertThat(app.get("data").asText()).isEqualTo("config v1");
                assertThat(children.get("bin").has("data")).as("binary data is not text").isFalse();
                assertThat(Base64.getDecoder().decode(children.get("bin").get("dataBase64").asText())).isEqualTo(BINARY);
                assertThat(children.get("empty").get("data").asText()).isEmpty();
                assertThat(children.get("null").get("data").isNull()).isTrue();
                assertThat(children.get("secret").get("acl").get(0).get("id").asText()).isEqualTo(DIGEST_ID);
                assertThat(children.get("locks").get("children").get("lock-0000000000").get("ephemeral").asBoolean()).isTrue();
                assertThat(children.get("jobs").get("children").has("job-0000000000")).isTrue();
                assertThat(children.get("jobs").has("ephemeral")).isFalse();

                assertThat(shell.run(List.of("import", file.toString(), "/copy"))).as(err.toString()).isZero();
                assertThat(out.toString()).contains("Imported 9 znodes under /copy from " + file);
                assertThat(err.toString()).contains("note: 1 ephemeral znodes belong to this shell's session");
                assertThat(shell.run(List.of("export", "/copy", again.toString()))).as(err.toString()).isZero();
                assertThat(JSON.readTree(again.toFile()).get("znode")).as("the copy exports as the original did").isEqualTo(app);

                Stat lock = owner.exists("/copy/locks/lock-0000000000", false);
                assertThat(lock.ephemeralOwner()).as("an imported ephemeral belongs to the importing session").isEqualTo(importer);
                assertThat(owner.getData("/copy/bin", false).data()).isEqualTo(BINARY);
                assertThat(owner.getData("/copy/null", false).data()).isNull();

                out.getBuffer().setLength(0);
                err.getBuffer().setLength(0);
                assertThat(shell.run(List.of("import", file.toString(), "/copy"))).isEqualTo(1);
                assertThat(err.toString()).isEqualTo("import: stopped after 0 of 9 znodes\nNode already exists: /copy\n");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> owner.exists("/copy/locks/lock-0000000000", false) == null);
            assertThat(owner.exists("/copy/locks", false)).as("persistent znodes stay").isNotNull();
        }
    }

    @Test
    void importWithoutAPathRecreatesTheExportedPath() throws Exception {
        Path file = dir.resolve("same.json");
        fixture.ok("create", "/same", "v");
        fixture.ok("create", "/same/child", "c");
        assertThat(fixture.shell("export", "/same", file.toString()).exit()).isZero();
        fixture.ok("deleteall", "/same");
        ShellFixture.Run imported = fixture.shell("import", file.toString());
        assertThat(imported.exit()).as(imported.toString()).isZero();
        assertThat(imported.out()).isEqualTo("Imported 2 znodes under /same from " + file + "\n");
        assertThat(fixture.shell("get", "/same/child").out()).isEqualTo("c\n");
    }

    @Test
    void exportToDashPrintsTheJsonAndExportOfRootLeavesOutZookeeper() throws Exception {
        fixture.ok("create", "/a", "x");
        ShellFixture.Run run = fixture.shell("export", "/", "-");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode children = JSON.readTree(run.out()).get("znode").get("children");
        assertThat(children.fieldNames()).toIterable().containsExactly("a");
    }

    @Test
    void importFromDashReadsStdin() throws Exception {
        String document = "{\"format\":\"corral-export/1\",\"path\":\"/in\",\"znode\":{\"data\":\"v\","
                + "\"acl\":[{\"scheme\":\"world\",\"id\":\"anyone\",\"perms\":\"cdrwa\"}]}}";
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Shell shell = fixture.connectedShell(out, err)) {
            shell.stdin(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
            assertThat(shell.run(List.of("import", "-"))).as(err.toString()).isZero();
        }
        assertThat(fixture.shell("get", "/in").out()).isEqualTo("v\n");
    }

    @Test
    void exportRefusesADigestAclWhoseHashTheSessionCannotSee() throws Exception {
        try (CorralClient owner = fixture.client()) {
            owner.create("/locked", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            owner.create("/locked/secret", null, SECRET_ACL, CreateMode.PERSISTENT);
        }
        ShellFixture.Run run = fixture.shell("export", "/locked", dir.resolve("locked.json").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("cannot export the ACL of /locked/secret: the server hides the hash of its digest id user:x");
        assertThat(dir.resolve("locked.json")).doesNotExist();
    }

    /** A file that is not a valid export, and the message that names what is wrong with it. */
    record BadFile(String name, String content, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadFile> badFiles() {
        String acl = "\"acl\":[{\"scheme\":\"world\",\"id\":\"anyone\",\"perms\":\"cdrwa\"}]";
        return Stream.of(
                new BadFile("not JSON", "{oops", "is not JSON"),
                new BadFile("not an object", "[1]", "is not a Corral export (no JSON object)"),
                new BadFile("another format", "{\"format\":\"x\"}", "is not a Corral export (\"format\" is not \"corral-export/1\")"),
                new BadFile("a bad root path", "{\"format\":\"corral-export/1\",\"path\":\"rel\",\"znode\":{" + acl + "}}",
                        "bad root path: Path must start with / character"),
                new BadFile("no ACL", "{\"format\":\"corral-export/1\",\"path\":\"/b\",\"znode\":{\"data\":\"x\"}}",
                        "znode /b: \"acl\" must be a non-empty list"),
                new BadFile("an unknown permission", "{\"format\":\"corral-export/1\",\"path\":\"/b\",\"znode\":{\"acl\":"
                        + "[{\"scheme\":\"world\",\"id\":\"anyone\",\"perms\":\"rq\"}]}}", "znode /b: ACL entry 1: Unknown perm type: q"),
                new BadFile("bad base64 in a child", "{\"format\":\"corral-export/1\",\"path\":\"/b\",\"znode\":{" + acl
                        + ",\"children\":{\"c\":{\"dataBase64\":\"!!\"," + acl + "}}}}", "znode /b/c: \"dataBase64\" is not base64"),
                new BadFile("a child name with a slash", "{\"format\":\"corral-export/1\",\"path\":\"/b\",\"znode\":{" + acl
                        + ",\"children\":{\"c/d\":{" + acl + "}}}}", "znode /b: bad child name \"c/d\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void importRefusesABadFileBeforeWritingAnything(BadFile bad) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, bad.content());
        ShellFixture.Run run = fixture.shell("import", file.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("import: " + file).contains(bad.message());
        assertThat(fixture.shell("ls", "/").out()).isEqualTo("[zookeeper]\n");
    }

    @Test
    void importOfAMissingFileSaysSo() {
        ShellFixture.Run run = fixture.shell("import", dir.resolve("nope.json").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("import: no such file: " + dir.resolve("nope.json") + "\n");
    }

    private static void createApp(CorralClient zk) throws Exception {
        zk.create("/app", bytes("config v1"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/app/bin", BINARY, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/app/empty", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/app/null", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/app/secret", bytes("s"), SECRET_ACL, CreateMode.PERSISTENT);
        zk.create("/app/locks", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(zk.create("/app/locks/lock-", bytes("holder"), Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL).path())
                .isEqualTo("/app/locks/lock-0000000000");
        zk.create("/app/jobs", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(zk.create("/app/jobs/job-", bytes("j"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL).path()).isEqualTo("/app/jobs/job-0000000000");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
