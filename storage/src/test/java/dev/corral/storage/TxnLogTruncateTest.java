package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Truncating the log after a zxid (ZAB's TRUNC): what it keeps, what it refuses (a committed txn, a zxid
 * the log does not hold), that the log goes on from the cut, and that a crash at any step leaves either
 * the log before the truncate or the log after it.
 */
class TxnLogTruncateTest {
    private static final TxnLog.Options SMALL = new TxnLog.Options(4096, 4096, true);

    @TempDir
    Path dir;

    static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    private void write(List<Long> zxids) throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            for (long zxid : zxids) {
                log.append(TxnLogTest.entry(zxid));
            }
        }
    }

    /** The zxids the log holds after {@code afterZxid}, as recovery replays them. */
    private List<Long> replayed(long afterZxid) throws IOException {
        List<Long> zxids = new ArrayList<>();
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.replay(afterZxid, entry -> zxids.add(entry.zxid()));
        }
        return zxids;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The zxids logged, the cut, the last committed zxid, then the zxids kept and the next append (a zxid
     * that follows the cut), or the words of the refusal.
     */
    record Cut(String name, List<Long> logged, long afterZxid, long committedZxid, List<Long> kept, long next, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Cut keeps(String name, List<Long> logged, long afterZxid, long committedZxid, List<Long> kept, long next) {
        return new Cut(name, logged, afterZxid, committedZxid, kept, next, null);
    }

    static Cut refuses(String name, List<Long> logged, long afterZxid, long committedZxid, String refusal) {
        return new Cut(name, logged, afterZxid, committedZxid, null, 0, refusal);
    }

    static Stream<Cut> cuts() {
        List<Long> epochs = List.of(Zxid.of(1, 1), Zxid.of(1, 2), Zxid.of(1, 3), Zxid.of(3, 1), Zxid.of(3, 2));
        return Stream.of(
                // Uncommitted txns after the cut go, in the last segment and in whole later segments.
                keeps("inside the last segment", range(1, 300), 298, 200, range(1, 298), 299),
                keeps("across rolled segments", range(1, 300), 100, 100, range(1, 100), 101),
                keeps("all but the first txn", range(1, 300), 1, 1, range(1, 1), 2),
                keeps("everything", range(1, 300), 0, 0, List.of(), 1),
                keeps("nothing to cut", range(1, 30), 30, 20, range(1, 30), 31),
                // Epochs: the next append may be the next counter, or counter 1 of a later epoch.
                keeps("back into an earlier epoch", epochs, Zxid.of(1, 3), Zxid.of(1, 2), epochs.subList(0, 3), Zxid.of(4, 1)),
                keeps("back into an earlier epoch, continuing it", epochs, Zxid.of(1, 2), Zxid.of(1, 2), epochs.subList(0, 2),
                        Zxid.of(1, 3)),
                keeps("to the end of an epoch, then a new one", epochs, Zxid.of(3, 1), Zxid.of(1, 3), epochs.subList(0, 4),
                        Zxid.of(5, 1)),
                // A purged log: the cut at the snapshot it continues leaves an empty log with that base.
                keeps("a purged log, back to its snapshot", range(50, 80), 49, 49, List.of(), 50),
                // A committed txn is never cut (ZOOKEEPER-1154, -1156).
                refuses("below the committed zxid", range(1, 300), 99, 100, "txns up to 0x64 are committed"),
                refuses("everything, with txns committed", range(1, 30), 0, 1, "txns up to 0x1 are committed"),
                // The log must be able to end at the cut.
                refuses("after the end of the log", range(1, 30), 31, 20, "it ends before, at 0x1e"),
                refuses("a zxid of an epoch the log skips", epochs, Zxid.of(2, 7), Zxid.of(1, 1), "does not hold that zxid"),
                refuses("past the end of an epoch the log holds", epochs, Zxid.of(1, 5), Zxid.of(1, 1), "does not hold that zxid"),
                refuses("before a purged log's snapshot", range(50, 80), 30, 30, "does not hold that zxid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cuts")
    void truncateKeepsTheTxnsUpToTheCutAndTheLogGoesOnFromIt(Cut cut) throws IOException {
        write(cut.logged());
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            if (cut.refusal() != null) {
                List<String> before = files();
                assertThatThrownBy(() -> log.truncateAfter(cut.afterZxid(), cut.committedZxid())).isInstanceOf(StorageException.class)
                        .hasMessageContaining(cut.refusal()).hasMessageContaining(dir.toString());
                assertThat(files()).isEqualTo(before);
                assertThat(log.lastZxid()).isEqualTo(cut.logged().get(cut.logged().size() - 1));
                return;
            }
            log.truncateAfter(cut.afterZxid(), cut.committedZxid());
            assertThat(log.lastZxid()).isEqualTo(cut.afterZxid());
            assertThat(log.syncedZxid()).isEqualTo(cut.afterZxid());
        }
        assertThat(files()).noneMatch(name -> name.endsWith(".truncate"));
        long snapshotZxid = cut.kept().isEmpty() ? cut.afterZxid() : 0;
        assertThat(replayed(snapshotZxid)).isEqualTo(cut.kept());
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            assertThat(log.lastZxid()).as("after a reopen").isEqualTo(cut.afterZxid());
            log.append(TxnLogTest.entry(cut.next()));
        }
        List<Long> extended = new ArrayList<>(cut.kept());
        extended.add(cut.next());
        assertThat(replayed(snapshotZxid)).isEqualTo(extended);
    }

    /** The appends a log refuses after a cut are those that do not follow the cut. */
    @Test
    void afterATruncateAnAppendMustFollowTheCutNotTheOldEnd() throws IOException {
        write(range(1, 50));
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.truncateAfter(40, 30);
            assertThatThrownBy(() -> log.append(TxnLogTest.entry(51))).isInstanceOf(StorageException.class).hasMessageContaining("gap");
            assertThatThrownBy(() -> log.append(TxnLogTest.entry(42))).isInstanceOf(StorageException.class).hasMessageContaining("gap");
            log.append(TxnLogTest.entry(41));
        }
        assertThat(replayed(0)).isEqualTo(range(1, 41));
    }

    /** A log emptied by a truncate keeps its base: replay from an older snapshot is a gap, not an empty success. */
    @Test
    void anEmptiedLogRefusesReplayFromASnapshotBeforeItsBase() throws IOException {
        write(range(50, 80));
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.truncateAfter(49, 49);
        }
        assertThat(files()).containsExactly(LogSegment.markerName(49, LogSegment.BASE));
        assertThat(replayed(49)).isEmpty();
        assertThat(replayed(60)).isEmpty();
        assertThatThrownBy(() -> replayed(20)).isInstanceOf(StorageException.class).hasMessageContaining("continues from zxid 0x31")
                .hasMessageContaining("cannot continue zxid 0x14");
    }

    record CrashCase(String name, long afterZxid, double cutAt) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<CrashCase> crashes() {
        return Stream.of(
                new CrashCase("across segments, nothing of the last one cut", 100, 0),
                new CrashCase("across segments, half of the last one cut", 100, 0.5),
                new CrashCase("within the last segment, cut to one byte short", 298, 0.999),
                new CrashCase("everything, back to an empty log", 0, 0.3));
    }

    /**
     * A crash before each step of a truncate in turn (and, before shortening a file, with the file cut part
     * way): opening the log again gives the log before the truncate if the crash came before the marker
     * was durable, and the log after it from then on; never anything between, never a refusal.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("crashes")
    void aCrashAtAnyStepOfATruncateRecoversTheLogBeforeOrAfterIt(CrashCase crash) throws IOException {
        List<Long> before = range(1, 300);
        List<Long> after = range(1, crash.afterZxid());
        Path original = Files.createTempDirectory("truncate-original");
        write(before);
        Crashes.copy(dir, original);
        int steps = Integer.MAX_VALUE;
        for (int at = 0; at < steps; at++) {
            Crashes.copy(original, dir);
            List<String> seen = new ArrayList<>();
            TxnLog log = TxnLog.open(dir, SMALL);
            try {
                log.truncateAfter(crash.afterZxid(), 0, Crashes.crashAt(at, crash.cutAt(), seen));
                steps = at;
                log.close();
                continue;
            } catch (Crashes.Crash expected) {
                // The process is gone; only the files remain.
            }
            boolean markerDurable = at > 0;
            List<Long> recovered = replayed(0);
            assertThat(recovered).as("crash before step %d (%s)", at, seen.get(at)).isEqualTo(markerDurable ? after : before);
            assertThat(files()).as("crash before step %d", at).noneMatch(name -> name.endsWith(".truncate"));
        }
        assertThat(steps).as("steps of the truncate").isGreaterThan(2);
        Crashes.clear(original);
        Files.delete(original);
    }
}
