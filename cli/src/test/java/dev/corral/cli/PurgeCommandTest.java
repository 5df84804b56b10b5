package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.storage.TxnLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PurgeCommandTest {
    @TempDir
    Path dataDir;

    /**
     * Six snapshots, at zxids 1..6, each followed by a log roll, then a seventh txn: segments log.1 .. log.7
     * hold one txn each, as a server's log would after a snapshot per txn.
     */
    @BeforeEach
    void writeSnapshotsAndSegments() throws IOException {
        try (DataDirBuilder data = new DataDirBuilder(dataDir)) {
            for (int i = 1; i <= 6; i++) {
                data.create(0, "/n" + i, "x");
                data.snapshot();
            }
            data.create(0, "/n7", "x");
        }
    }

    /** With COUNT kept, the snapshots and segments left: a recovery from the oldest kept snapshot reads all it needs. */
    record Case(String what, List<String> args, List<Integer> snapshotsLeft, List<Integer> segmentsLeft) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> retention() {
        return Stream.of(
                // The default, ZooKeeper's snapRetainCount of 3: snapshots 4..6 and the txns after 4.
                new Case("default keeps 3", List.of(), List.of(6, 5, 4), List.of(5, 6, 7)),
                new Case("-n 4", List.of("-n", "4"), List.of(6, 5, 4, 3), List.of(4, 5, 6, 7)),
                new Case("--count 5", List.of("--count", "5"), List.of(6, 5, 4, 3, 2), List.of(3, 4, 5, 6, 7)),
                // Nothing to do: no more snapshots than kept.
                new Case("-n 6", List.of("-n", "6"), List.of(6, 5, 4, 3, 2, 1), List.of(1, 2, 3, 4, 5, 6, 7)),
                new Case("-n 10", List.of("-n", "10"), List.of(6, 5, 4, 3, 2, 1), List.of(1, 2, 3, 4, 5, 6, 7)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("retention")
    void keepsTheNewestSnapshotsAndTheLogFilesTheyNeed(Case retention) throws IOException {
        List<Path> before = files();

        Cli.Run run = Cli.run(Stream.concat(Stream.of("purge", "--data-dir", dataDir.toString()), retention.args().stream())
                .toArray(String[]::new));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(snapshotZxids()).containsExactlyElementsOf(retention.snapshotsLeft().stream().map(Long::valueOf).toList());
        assertThat(segmentZxids()).containsExactlyElementsOf(retention.segmentsLeft().stream().map(Long::valueOf).toList());
        List<Path> gone = before.stream().filter(file -> !Files.exists(file)).toList();
        assertThat(run.lines().subList(0, gone.size())).containsExactlyInAnyOrderElementsOf(
                gone.stream().map(file -> "deleted " + file).toList());
        assertThat(run.lines()).hasSize(gone.size() + 1);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void reportsWhatItDeletedAndWhatItKept() {
        Cli.Run run = Cli.run("purge", "--data-dir", dataDir.toString());

        assertThat(run.lines()).contains(
                "deleted " + dataDir.resolve("corral-snap/snapshot.0000000000000001.snap"),
                "deleted " + dataDir.resolve("corral-wal/log.0000000000000004.wal"),
                "deleted 3 snapshots and 4 log files; kept the newest 3 snapshots and the log files they need");
    }

    @Test
    void saysSoWhenThereIsNothingToDelete() {
        Cli.Run run = Cli.run("purge", "--data-dir", dataDir.toString(), "-n", "7");

        assertThat(run.out()).isEqualTo("nothing to delete: 6 snapshots in " + dataDir.resolve("corral-snap") + ", keeping up to 7\n");
    }

    @Test
    void theLogToolStillReadsEveryTxnAfterTheOldestKeptSnapshot() {
        Cli.run("purge", "--data-dir", dataDir.toString());

        Cli.Run run = Cli.run("log", "--data-log-dir", dataDir.toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.jsonLines()).extracting(txn -> txn.get("zxid").asText()).containsExactly("0x5", "0x6", "0x7");
    }

    @Test
    void theConfigGivesDirectoriesAndRetainCount() throws IOException {
        Path config = dataDir.resolve("zoo.cfg");
        Files.writeString(config, "dataDir=" + dataDir + "\nautopurge.snapRetainCount=5\n");

        Cli.Run run = Cli.run("purge", "--config", config.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(snapshotZxids()).containsExactly(6L, 5L, 4L, 3L, 2L);
    }

    @Test
    void aSeparateDataLogDirIsPurgedToo() throws IOException {
        Path logs = Files.createDirectories(dataDir.resolve("logs"));
        Files.move(dataDir.resolve("corral-wal"), logs.resolve("corral-wal"));

        Cli.Run run = Cli.run("purge", "--data-dir", dataDir.toString(), "--data-log-dir", logs.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        try (Stream<Path> files = Files.list(logs.resolve("corral-wal"))) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted()).containsExactly(
                    "log.0000000000000005.wal", "log.0000000000000006.wal", "log.0000000000000007.wal");
        }
    }

    @Test
    void aDamagedSnapshotAmongThoseKeptStopsThePurgeBeforeItDeletesAnything() throws IOException {
        Path newest = dataDir.resolve("corral-snap/snapshot.0000000000000006.snap");
        try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
            file.setLength(file.length() - 1);
        }
        List<Path> before = files();

        Cli.Run run = Cli.run("purge", "--data-dir", dataDir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(files()).containsExactlyElementsOf(before);
        assertThat(run.err()).startsWith("corral purge: snapshot " + newest).contains("nothing deleted");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void aLockHeldInThisProcessGetsANoteAndThePurgeGoesOn() throws IOException {
        try (FileChannel channel = FileChannel.open(dataDir.resolve("corral.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.lock();
            assertThat(lock.isValid()).isTrue();

            Cli.Run run = Cli.run("purge", "--data-dir", dataDir.toString());

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.err()).startsWith("corral purge: note: a running server holds " + dataDir.resolve("corral.lock"));
            assertThat(snapshotZxids()).containsExactly(6L, 5L, 4L);
        }
    }

    @Test
    void aLockHeldByAnotherProcessGetsANoteAndThePurgeGoesOn() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                dataDir.resolve("corral.lock").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(CompletableFuture.supplyAsync(() -> readLine(output)).get(30, TimeUnit.SECONDS)).isEqualTo("locked");

            Cli.Run run = Cli.run("purge", "--data-dir", dataDir.toString());

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.err()).startsWith("corral purge: note: a running server holds");
            assertThat(snapshotZxids()).containsExactly(6L, 5L, 4L);
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(10, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
    }

    @Test
    void aFreeLockFileGetsNoNote() throws IOException {
        Files.createFile(dataDir.resolve("corral.lock"));

        Cli.Run run = Cli.run("purge", "--data-dir", dataDir.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void fewerThanThreeOrConflictingSourcesIsBadUsageAndDeletesNothing() throws IOException {
        List<Path> before = files();

        assertThat(Cli.run("purge", "--data-dir", dataDir.toString(), "-n", "2").err()).contains("-n COUNT must be at least 3, was 2");
        assertThat(Cli.run("purge", "--data-dir", dataDir.toString(), "-n", "2").exit()).isEqualTo(2);
        assertThat(Cli.run("purge", "--config", "zoo.cfg", "--data-dir", dataDir.toString()).exit()).isEqualTo(2);
        assertThat(Cli.run("purge", "--data-log-dir", dataDir.toString()).exit()).isEqualTo(2);
        assertThat(files()).containsExactlyElementsOf(before);
    }

    @Test
    void aMissingDataDirFailsNamingIt() {
        Path missing = dataDir.resolve("missing");

        Cli.Run run = Cli.run("purge", "--data-dir", missing.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("corral purge: data directory " + missing + " does not exist\n");
    }

    @Test
    void anUnreadableConfigIsBadUsageNamingTheFile() {
        Path missing = dataDir.resolve("zoo.cfg");

        Cli.Run run = Cli.run("purge", "--config", missing.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("corral purge: cannot read config file " + missing);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.list(dataDir.resolve("corral-snap")), Files.list(dataDir.resolve("corral-wal")))) {
            return files.sorted().toList();
        }
    }

    private List<Long> snapshotZxids() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("corral-snap"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".snap"))
                    .map(n -> Long.parseLong(n.substring("snapshot.".length(), n.length() - ".snap".length()), 16))
                    .sorted((a, b) -> Long.compare(b, a)).toList();
        }
    }

    private List<Long> segmentZxids() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("corral-wal"))) {
            return files.map(f -> TxnLog.firstZxidOfSegment(f.getFileName().toString())).filter(z -> z >= 0).sorted().toList();
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
