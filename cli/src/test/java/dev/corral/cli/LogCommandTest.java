package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.tree.NodeKind;
import dev.corral.tree.Txn;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.OpCode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LogCommandTest {
    private static final long SESSION = 0x1000000abcd0001L;

    @TempDir
    Path dataDir;

    /** Nine txns over three segments (the log rolls at each snapshot), as a server writes them. */
    @BeforeEach
    void writeLog() throws IOException {
        try (DataDirBuilder data = new DataDirBuilder(dataDir)) {
            data.createSession(SESSION, 30_000);                                     // 0x1
            data.create(SESSION, "/app", "hello");                                    // 0x2
            data.snapshot();
            data.createEphemeral(SESSION, "/app/lock");                               // 0x3
            data.setData(SESSION, "/app", "hello, world");                            // 0x4
            data.multi(SESSION, data.createTxn("/app/a", "abc", NodeKind.PERSISTENT, 0, OpCode.CREATE),
                    new Txn.Check("/app", 1));                                        // 0x5
            data.snapshot();
            data.multi(SESSION, new Txn.Error(ErrorCode.OK), new Txn.Error(ErrorCode.NONODE)); // 0x6
            data.delete(SESSION, "/app/a");                                           // 0x7
            data.closeSession(SESSION);                                               // 0x8
            data.create(0, "/b", "");                                                 // 0x9
        }
    }

    @Test
    void textListsEveryTxnInFixedColumnsUnderAHeaderAndEndsWithACount() {
        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        List<String> lines = run.lines();
        assertThat(lines.get(0)).isEqualTo(TxnView.HEADER);
        assertThat(lines.get(1)).isEqualTo(
                "0x1                 2023-11-14T22:13:21.000Z  0x1000000abcd0001        0  createSession          -       "
                        + "36  timeoutMs=30000");
        assertThat(lines.get(2)).startsWith("0x2                 2023-11-14T22:13:22.000Z  0x1000000abcd0001        1  create")
                .contains("  5  ").endsWith("/app kind=persistent acl=world:anyone:cdrwa");
        assertThat(lines.get(3)).contains(" create2 ").contains("/app/lock kind=ephemeral ephemeralOwner=0x1000000abcd0001");
        assertThat(lines.get(4)).contains(" setData ").contains("  12  ").endsWith("/app version=1");
        assertThat(lines.get(5)).contains(" multi ").contains("2 ops: create /app/a kind=persistent acl=world:anyone:cdrwa; check /app version=1");
        assertThat(lines.get(6)).contains(" multi ").endsWith("2 ops: error err=0 error=OK; error err=-101 error=NONODE");
        assertThat(lines.get(7)).contains(" delete ").endsWith("/app/a");
        assertThat(lines.get(8)).contains(" closeSession ").endsWith("ephemerals=/app/lock");
        assertThat(lines.get(9)).startsWith("0x9 ").contains(" 0x0 ");
        assertThat(lines.get(10)).isEqualTo("9 transactions, 0x1 to 0x9, from 3 log files in " + dataDir.resolve("corral-wal"));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void jsonPrintsOneObjectPerTxnWithHexIdsIsoTimesPathsAndSizes() {
        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        List<JsonNode> txns = run.jsonLines();
        assertThat(txns).hasSize(9);
        JsonNode create = txns.get(1);
        assertThat(create.get("zxid").asText()).isEqualTo("0x2");
        assertThat(create.get("time").asText()).isEqualTo("2023-11-14T22:13:22.000Z");
        assertThat(create.get("timeMs").asLong()).isEqualTo(DataDirBuilder.START_MS + 2000);
        assertThat(create.get("sessionId").asText()).isEqualTo("0x1000000abcd0001");
        assertThat(create.get("cxid").asInt()).isEqualTo(1);
        assertThat(create.get("type").asText()).isEqualTo("create");
        assertThat(create.get("paths")).extracting(JsonNode::asText).containsExactly("/app");
        assertThat(create.get("dataBytes").asInt()).isEqualTo(5);
        assertThat(create.get("requestBytes").asInt()).isPositive();
        assertThat(create.get("kind").asText()).isEqualTo("persistent");

        JsonNode multi = txns.get(4);
        assertThat(multi.get("type").asText()).isEqualTo("multi");
        assertThat(multi.get("paths")).extracting(JsonNode::asText).containsExactly("/app/a", "/app");
        assertThat(multi.get("ops").get(0).get("type").asText()).isEqualTo("create");
        assertThat(multi.get("ops").get(0).get("dataBytes").asInt()).isEqualTo(3);
        assertThat(multi.get("ops").get(1).get("version").asInt()).isEqualTo(1);

        assertThat(txns.get(5).get("ops").get(1).get("error").asText()).isEqualTo("NONODE");
        assertThat(txns.get(0).get("timeoutMs").asInt()).isEqualTo(30_000);
        assertThat(txns.get(7).get("paths")).extracting(JsonNode::asText).containsExactly("/app/lock");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void fromAndLimitSelectAWindowAcrossSegments() {
        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString(), "--from", "0x4", "--limit", "3", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.jsonLines()).extracting(txn -> txn.get("zxid").asText()).containsExactly("0x4", "0x5", "0x6");
    }

    @Test
    void fromTakesDecimalToo() {
        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString(), "--from", "8", "--json");

        assertThat(run.jsonLines()).extracting(txn -> txn.get("zxid").asText()).containsExactly("0x8", "0x9");
    }

    @Test
    void oneSegmentFileCanBeNamed() throws IOException {
        Path first = segments().get(0);

        Cli.Run run = Cli.run("log", first.toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.jsonLines()).extracting(txn -> txn.get("zxid").asText()).containsExactly("0x1", "0x2");
    }

    @Test
    void configPointsAtTheDataLogDir() throws IOException {
        Path config = dataDir.resolve("zoo.cfg");
        Files.writeString(config, "dataDir=" + dataDir.resolve("elsewhere") + "\ndataLogDir=" + dataDir + "\n");

        Cli.Run run = Cli.run("log", "--config", config.toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.jsonLines()).hasSize(9);
    }

    @Test
    void aTornTailEndsTheListingWithANoteButSucceedsAndIsLeftAsItIs() throws IOException {
        Path last = segments().get(2);
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            // A record header whose payload never made it to disk, right after the last record.
            long offset = endOfRecords(file);
            file.seek(offset);
            file.writeInt(100);
            file.writeInt(12345);
        }
        byte[] torn = Files.readAllBytes(last);

        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.jsonLines()).hasSize(9);
        assertThat(run.err()).contains("note: the log ends early").contains(last.toString()).contains("CRC mismatch");
        assertThat(Files.readAllBytes(last)).as("the tool repairs nothing; the server truncates on its next start").isEqualTo(torn);
    }

    @Test
    void corruptionBeforeTheLastSegmentFailsNamingTheFileAndOffset() throws IOException {
        Path first = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
            file.seek(16 + 8 + 3); // a byte in the first record's payload
            file.write(file.readByte() ^ 0x40);
        }

        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().trim()).isEqualTo("corral log: log file " + first + " is corrupt at offset 16 (CRC mismatch)"
                + " and later log files exist");
    }

    @Test
    void aLogOfTheOldFormatVersionFailsNamingTheFileAndVersion() throws IOException {
        Path last = segments().get(segments().size() - 1);
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.seek(4);
            file.writeInt(1);
        }

        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().trim()).isEqualTo("corral log: log file " + last + " is in log format version 1 but this Corral"
                + " reads version 2 only (ZooKeeper's txn encoding); version 1 logs were written before Corral took that"
                + " encoding and cannot be read by it");
    }

    @Test
    void aMissingSegmentIsReportedAsAGap() throws IOException {
        Files.delete(segments().get(1));

        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString(), "--json");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.jsonLines()).hasSize(2);
        assertThat(run.err()).contains(segments().get(1).toString()).contains("after 0x2: a gap or reordering in the log");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void aMissingDirectoryFailsNamingIt() {
        Path missing = dataDir.resolve("nope");

        Cli.Run run = Cli.run("log", "--data-log-dir", missing.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().trim()).isEqualTo("corral log: log directory " + missing.resolve("corral-wal") + " does not exist");
    }

    /** A usage error: {@code args} after "log", with DIR standing for the data directory. */
    record Case(String what, List<String> args) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> badUsage() {
        return Stream.of(
                new Case("--from not a zxid", List.of("--data-log-dir", "DIR", "--from", "zxid-7")),
                new Case("--limit below 1", List.of("--data-log-dir", "DIR", "--limit", "0")),
                new Case("--limit not a number", List.of("--data-log-dir", "DIR", "--limit", "many")),
                new Case("unknown option", List.of("--data-log-dir", "DIR", "--unknown")),
                new Case("two sources", List.of("--config", "zoo.cfg", "--data-log-dir", "DIR")),
                new Case("file and a directory", List.of("log.0000000000000001.wal", "--data-log-dir", "DIR")),
                new Case("two files", List.of("a.wal", "b.wal")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUsage")
    void badUsageExitsWithTwoAndPrintsNothingOnStdout(Case usage) {
        String[] args = Stream.concat(Stream.of("log"), usage.args().stream().map(arg -> arg.equals("DIR") ? dataDir.toString() : arg))
                .toArray(String[]::new);

        Cli.Run run = Cli.run(args);

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isNotEmpty();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("corral-wal"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".wal")).sorted().toList();
        }
    }

    /** The offset of the end marker: walks length-prefixed records from the 16-byte header. */
    private static long endOfRecords(RandomAccessFile file) throws IOException {
        long offset = 16;
        while (true) {
            file.seek(offset);
            int length = file.readInt();
            if (length == 0) {
                return offset;
            }
            offset += 8 + length;
        }
    }
}
