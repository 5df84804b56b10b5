package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCommandTest {
    private static final long ALICE = 0x100000000000001L;
    private static final long BOB = 0x100000000000002L;

    @TempDir
    Path dataDir;
    private Path older;
    private Path newest;

    @BeforeEach
    void writeSnapshots() throws IOException {
        try (DataDirBuilder data = new DataDirBuilder(dataDir)) {
            data.createSession(ALICE, 30_000);
            data.create(ALICE, "/app", "v1");
            older = data.snapshot();                       // at 0x2
            data.createSession(BOB, 10_000);
            data.create(ALICE, "/app/config", "0123456789");
            data.createEphemeral(BOB, "/app/bob-1");
            data.createEphemeral(BOB, "/app/bob-2");
            data.create(ALICE, "/app-other", "");
            data.setData(ALICE, "/app", "v2");
            newest = data.snapshot();                      // at 0x8
        }
    }

    @Test
    void summaryGivesZxidCountsDigestAndSessionsWithTheirEphemerals() {
        Cli.Run run = Cli.run("snapshot", "--data-dir", dataDir.toString(), "--summary");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.lines()).containsExactly(
                "Snapshot   " + newest,
                "zxid       0x8",
                "znodes     9",
                "data       12 bytes",
                run.lines().get(4),
                "sessions   2",
                "  SESSION             TIMEOUT_MS  EPHEMERALS",
                "  0x100000000000001        30000           0",
                "  0x100000000000002        10000           2");
        assertThat(run.lines().get(4)).startsWith("digest     ok (0x");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void dumpWalksTheSubtreeDepthFirstWithStatAndAcl() {
        Cli.Run run = Cli.run("snapshot", "--data-dir", dataDir.toString(), "--path", "/app");

        assertThat(run.exit()).as(run.toString()).isZero();
        List<String> paths = run.lines().stream().filter(line -> line.startsWith("/")).toList();
        assertThat(paths).containsExactly("/app", "/app/bob-1", "/app/bob-2", "/app/config");
        String out = run.out();
        assertThat(out).contains("ZNode Details (subtree /app):");
        assertThat(out).contains("----\n/app\n  cZxid = 0x2\n  ctime = 2023-11-14T22:13:22.000Z\n  mZxid = 0x8\n"
                + "  mtime = 2023-11-14T22:13:28.000Z\n  pZxid = 0x6\n  cversion = 3\n  dataVersion = 1\n  aclVersion = 0\n"
                + "  ephemeralOwner = 0x0\n  dataLength = 2\n  numChildren = 3\n  kind = persistent\n  acl = world:anyone:cdrwa\n");
        assertThat(out).contains("/app/bob-1\n").contains("  ephemeralOwner = 0x100000000000002\n  dataLength = 0\n  numChildren = 0\n"
                + "  kind = ephemeral\n");
        assertThat(out).doesNotContain("/app-other");
    }

    @Test
    void dumpOfTheWholeTreeStartsAtTheRootAndCountsEveryNode() {
        Cli.Run run = Cli.run("snapshot", newest.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("ZNode Details (count=9):\n----\n/\n");
        assertThat(run.lines().stream().filter(line -> line.equals("----"))).hasSize(9);
        assertThat(run.lines().stream().filter(line -> line.startsWith("/")))
                .containsExactly("/", "/app", "/app/bob-1", "/app/bob-2", "/app/config", "/app-other", "/zookeeper",
                        "/zookeeper/config", "/zookeeper/quota");
    }

    @Test
    void jsonIsOneDocumentWithTheSummaryAndTheZnodes() {
        Cli.Run run = Cli.run("snapshot", "--data-dir", dataDir.toString(), "--json", "--path", "/app/config");

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("file").asText()).isEqualTo(newest.toString());
        assertThat(json.get("zxid").asText()).isEqualTo("0x8");
        assertThat(json.get("nodeCount").asInt()).isEqualTo(9);
        assertThat(json.get("dataBytes").asLong()).isEqualTo(12);
        assertThat(json.get("digest").get("ok").asBoolean()).isTrue();
        assertThat(json.get("digest").get("stored").asText()).isEqualTo(json.get("digest").get("computed").asText());
        assertThat(json.get("sessions")).hasSize(2);
        assertThat(json.get("sessions").get(1).get("sessionId").asText()).isEqualTo("0x100000000000002");
        assertThat(json.get("sessions").get(1).get("timeoutMs").asInt()).isEqualTo(10_000);
        assertThat(json.get("sessions").get(1).get("ephemerals").asInt()).isEqualTo(2);
        assertThat(json.get("path").asText()).isEqualTo("/app/config");
        JsonNode config = json.get("znodes").get(0);
        assertThat(json.get("znodes")).hasSize(1);
        assertThat(config.get("path").asText()).isEqualTo("/app/config");
        assertThat(config.get("czxid").asText()).isEqualTo("0x4");
        assertThat(config.get("ctime").asText()).isEqualTo("2023-11-14T22:13:24.000Z");
        assertThat(config.get("version").asInt()).isZero();
        assertThat(config.get("dataLength").asInt()).isEqualTo(10);
        assertThat(config.get("kind").asText()).isEqualTo("persistent");
        assertThat(config.get("acl").get(0).get("scheme").asText()).isEqualTo("world");
        assertThat(config.get("acl").get(0).get("id").asText()).isEqualTo("anyone");
        assertThat(config.get("acl").get(0).get("perms").asText()).isEqualTo("cdrwa");
    }

    @Test
    void jsonSummaryLeavesOutTheZnodes() {
        Cli.Run run = Cli.run("snapshot", older.toString(), "--json", "--summary");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.json().get("zxid").asText()).isEqualTo("0x2");
        assertThat(run.json().has("znodes")).isFalse();
    }

    @Test
    void byDefaultTheNewestSnapshotThatReadsBackIsShownAndDamagedOnesAreNoted() throws IOException {
        truncate(newest, 40);

        Cli.Run run = Cli.run("snapshot", "--data-dir", dataDir.toString(), "--summary", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.json().get("file").asText()).isEqualTo(older.toString());
        assertThat(run.err()).contains("note: skipping " + newest).contains("truncated");
    }

    @Test
    void aDamagedFileNamedOnTheCommandLineFailsWithOneLineNamingIt() throws IOException {
        // A flipped bit in the trailer: every byte before it reads, only the CRC tells.
        try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
            file.seek(file.length() - 1);
            int last = file.readByte();
            file.seek(file.length() - 1);
            file.write(last ^ 1);
        }

        Cli.Run run = Cli.run("snapshot", newest.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("corral snapshot: snapshot " + newest + " fails its CRC check\n");
    }

    @Test
    void aDigestMismatchIsShownInTheSummaryAndFails() throws IOException {
        Path bad;
        try (DataDirBuilder data = new DataDirBuilder(dataDir.resolve("other"))) {
            data.create(0, "/x", "y");
            bad = data.snapshotWithWrongDigest();
        }

        Cli.Run run = Cli.run("snapshot", bad.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("digest     MISMATCH: stored 0x").doesNotContain("ZNode Details");
        assertThat(run.err()).startsWith("corral snapshot: snapshot " + bad + " fails its digest check");
    }

    @Test
    void aPathNotInTheSnapshotFails() {
        Cli.Run run = Cli.run("snapshot", newest.toString(), "--path", "/nope");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("corral snapshot: snapshot " + newest + " has no znode /nope\n");
    }

    @Test
    void aDirectoryWithoutSnapshotsFails() throws IOException {
        Path empty = Files.createDirectories(dataDir.resolve("empty/corral-snap"));

        Cli.Run run = Cli.run("snapshot", "--data-dir", empty.getParent().toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("corral snapshot: no snapshot in " + empty + "\n");
    }

    @Test
    void aMalformedPathOrTwoSourcesIsBadUsage() {
        assertThat(Cli.run("snapshot", newest.toString(), "--path", "app").exit()).isEqualTo(2);
        assertThat(Cli.run("snapshot", newest.toString(), "--path", "/app/").exit()).isEqualTo(2);
        assertThat(Cli.run("snapshot", newest.toString(), "--data-dir", dataDir.toString()).exit()).isEqualTo(2);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }
}
