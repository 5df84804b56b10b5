package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.DataTree;
import dev.corral.tree.SessionTable;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The snapshot files of a data directory: which one recovery loads when some are damaged, and which
 * snapshots and log segments autopurge deletes (ZooKeeper 3.9's {@code PurgeTxnLog}: keep the newest N
 * snapshots and every log file a recovery from the oldest of them reads, and nothing else).
 */
class SnapshotsTest {
    @TempDir
    Path snapshotDir;

    @TempDir
    Path logDir;

    /** A real snapshot file of an empty tree at {@code zxid}. */
    Path snapshotAt(long zxid) throws StorageException {
        TreeSnapshot empty = new DataTree().snapshot(new SessionTable());
        return SnapshotFile.write(snapshotDir, new TreeSnapshot(zxid, empty.nodes(), empty.sessions(), empty.digest()));
    }

    /** What happened to one snapshot file on disk. */
    enum FileState { WHOLE, BIT_FLIPPED, CUT_SHORT, EMPTY, LEFT_AS_TMP }

    record Load(String name, List<Long> zxids, List<FileState> states, long expectedZxid) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Load> loads() {
        var whole = FileState.WHOLE;
        return Stream.of(
                // The newest whole snapshot wins.
                new Load("newest of several", List.of(10L, 30L, 20L), List.of(whole, whole, whole), 30),
                new Load("no snapshot at all", List.of(), List.of(), -1),
                // A damaged newest snapshot is skipped for the one before it, whatever the damage.
                new Load("newest bit-flipped", List.of(10L, 20L), List.of(whole, FileState.BIT_FLIPPED), 10),
                new Load("newest cut short", List.of(10L, 20L), List.of(whole, FileState.CUT_SHORT), 10),
                new Load("newest zero-length", List.of(10L, 20L), List.of(whole, FileState.EMPTY), 10),
                new Load("two newest damaged", List.of(10L, 20L, 30L), List.of(whole, FileState.CUT_SHORT, FileState.BIT_FLIPPED), 10),
                new Load("every snapshot damaged", List.of(10L, 20L), List.of(FileState.EMPTY, FileState.BIT_FLIPPED), -1),
                // A crash while a snapshot was written leaves only its .tmp file, which is never read.
                new Load("newer snapshot left as .tmp", List.of(10L, 20L), List.of(whole, FileState.LEFT_AS_TMP), 10),
                new Load("epochs order snapshots", List.of(Zxid.of(1, 900), Zxid.of(2, 1)), List.of(whole, whole), Zxid.of(2, 1)));
    }

    @ParameterizedTest
    @MethodSource("loads")
    void recoveryLoadsTheNewestSnapshotThatReadsBackWhole(Load load) throws IOException {
        for (int i = 0; i < load.zxids().size(); i++) {
            Path file = snapshotAt(load.zxids().get(i));
            byte[] content = Files.readAllBytes(file);
            switch (load.states().get(i)) {
                case WHOLE -> { }
                case BIT_FLIPPED -> {
                    content[content.length / 2] ^= 0x04;
                    Files.write(file, content);
                }
                case CUT_SHORT -> Files.write(file, Arrays.copyOf(content, content.length - 5));
                case EMPTY -> Files.write(file, new byte[0]);
                case LEFT_AS_TMP -> Files.move(file, file.resolveSibling(file.getFileName() + ".tmp"));
            }
        }
        Optional<SnapshotFile.Loaded> loaded = Snapshots.loadNewestValid(snapshotDir);
        assertThat(loaded.map(SnapshotFile.Loaded::zxid).orElse(-1L)).isEqualTo(load.expectedZxid());
    }

    @Test
    void listNamesOnlySnapshotFilesNewestFirst() throws IOException {
        snapshotAt(5);
        snapshotAt(0x20);
        snapshotAt(0x3);
        Files.writeString(snapshotDir.resolve(SnapshotFile.fileName(0x40) + ".tmp"), "partial");
        Files.writeString(snapshotDir.resolve("corral.lock"), "");
        Files.writeString(snapshotDir.resolve("notes.txt"), "");
        assertThat(Snapshots.list(snapshotDir)).extracting(p -> p.getFileName().toString())
                .containsExactly(SnapshotFile.fileName(0x20), SnapshotFile.fileName(5), SnapshotFile.fileName(3));
        assertThat(Snapshots.list(snapshotDir.resolve("missing"))).isEmpty();
    }

    /**
     * One purge: the snapshot zxids and log segment first zxids on disk, how many snapshots to keep,
     * and what must be left. Segment i holds the txns from its first zxid to just before segment i+1's.
     */
    record Purge(String name, List<Long> snapshots, List<Long> segments, int retain, List<Long> keptSnapshots,
            List<Long> keptSegments) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Purge> purges() {
        return Stream.of(
                // Too few snapshots to purge anything.
                new Purge("fewer snapshots than kept", List.of(10L, 20L), List.of(1L, 15L), 3, List.of(10L, 20L), List.of(1L, 15L)),
                new Purge("exactly as many as kept", List.of(10L, 20L, 30L), List.of(1L, 15L, 25L), 3, List.of(10L, 20L, 30L),
                        List.of(1L, 15L, 25L)),
                // Segments wholly at or below the oldest kept snapshot (20) go; the one holding 21 stays.
                new Purge("segments up to the oldest kept go", List.of(10L, 20L, 30L, 40L), List.of(1L, 12L, 21L, 35L), 3,
                        List.of(20L, 30L, 40L), List.of(21L, 35L)),
                new Purge("segment holding the next txn stays", List.of(10L, 20L, 30L, 40L), List.of(1L, 12L, 22L), 3,
                        List.of(20L, 30L, 40L), List.of(12L, 22L)),
                new Purge("segment ending exactly at the snapshot goes", List.of(10L, 20L, 30L, 40L), List.of(1L, 11L, 21L), 3,
                        List.of(20L, 30L, 40L), List.of(21L)),
                // The segment being written is never deleted, even when the snapshot covers all of it.
                new Purge("last segment always stays", List.of(10L, 20L, 30L, 40L), List.of(1L, 12L, 22L), 1, List.of(40L),
                        List.of(22L)),
                new Purge("one segment only", List.of(10L, 20L, 30L, 40L), List.of(1L), 1, List.of(40L), List.of(1L)),
                new Purge("no segments", List.of(10L, 20L), List.of(), 1, List.of(20L), List.of()),
                // Epoch boundaries: segments and snapshots compare by the whole zxid.
                new Purge("across epochs", List.of(Zxid.of(1, 10), Zxid.of(2, 5)), List.of(Zxid.of(1, 1), Zxid.of(2, 1), Zxid.of(2, 4)), 1,
                        List.of(Zxid.of(2, 5)), List.of(Zxid.of(2, 4))));
    }

    @ParameterizedTest
    @MethodSource("purges")
    void purgeKeepsTheNewestSnapshotsAndExactlyTheSegmentsTheyNeed(Purge purge) throws IOException {
        for (long zxid : purge.snapshots()) {
            snapshotAt(zxid);
        }
        for (long zxid : purge.segments()) {
            Files.writeString(logDir.resolve(LogSegment.fileName(zxid)), "");
        }
        Files.writeString(snapshotDir.resolve(SnapshotFile.fileName(1) + ".tmp"), "");
        Files.writeString(logDir.resolve("corral.lock"), "");

        List<Path> deleted = Snapshots.purge(snapshotDir, logDir, purge.retain());

        assertThat(zxidsOf(snapshotDir, SnapshotFile::zxidOf)).containsExactlyInAnyOrderElementsOf(purge.keptSnapshots());
        assertThat(zxidsOf(logDir, LogSegment::parseFirstZxid)).containsExactlyInAnyOrderElementsOf(purge.keptSegments());
        assertThat(deleted).hasSize(purge.snapshots().size() + purge.segments().size() - purge.keptSnapshots().size()
                - purge.keptSegments().size());
        assertThat(snapshotDir.resolve(SnapshotFile.fileName(1) + ".tmp")).as("other files are left alone").exists();
        assertThat(logDir.resolve("corral.lock")).exists();
    }

    @Test
    void purgeRefusesToKeepNoSnapshot() {
        assertThatThrownBy(() -> Snapshots.purge(snapshotDir, logDir, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapRetainCount");
    }

    /**
     * ZooKeeper 3.9's PurgeTxnLog keeps the newest N <em>valid</em> snapshots
     * ({@code FileTxnSnapLog#findNValidSnapshots}); counting a damaged one among the N leaves fewer
     * snapshots a recovery can use than the operator asked for, and with N damaged ones none at all. A
     * damaged snapshot newer than the oldest kept one is left where it is.
     */
    @Test
    void purgeKeepsTheNewestSnapshotsThatReadBackWhole() throws IOException {
        snapshotAt(5);
        snapshotAt(10);
        snapshotAt(20);
        Path damaged = snapshotAt(30);
        Files.write(damaged, new byte[0]);
        for (long first : List.of(1L, 8L, 15L, 25L)) {
            Files.writeString(logDir.resolve(LogSegment.fileName(first)), "");
        }

        List<Path> deleted = Snapshots.purge(snapshotDir, logDir, 2);

        assertThat(zxidsOf(snapshotDir, SnapshotFile::zxidOf)).as("two valid snapshots kept").containsExactlyInAnyOrder(10L, 20L, 30L);
        assertThat(zxidsOf(logDir, LogSegment::parseFirstZxid)).as("the logs a recovery from 10 reads").containsExactlyInAnyOrder(8L, 15L,
                25L);
        assertThat(deleted).containsExactlyInAnyOrder(snapshotDir.resolve(SnapshotFile.fileName(5)), logDir.resolve(LogSegment.fileName(1)));
        assertThat(Snapshots.loadNewestValid(snapshotDir)).map(SnapshotFile.Loaded::zxid).contains(20L);
    }

    /** With fewer valid snapshots than are to be kept, purge deletes nothing: each is one a recovery may need. */
    @Test
    void purgeDeletesNothingWhenFewerSnapshotsThanKeptReadBackWhole() throws IOException {
        snapshotAt(10);
        snapshotAt(20);
        Files.write(snapshotAt(30), new byte[0]);
        Path cut = snapshotAt(40);
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(cut), 20));
        Files.writeString(logDir.resolve(LogSegment.fileName(1)), "");
        Files.writeString(logDir.resolve(LogSegment.fileName(15)), "");

        assertThat(Snapshots.purge(snapshotDir, logDir, 3)).isEmpty();
        assertThat(zxidsOf(snapshotDir, SnapshotFile::zxidOf)).containsExactlyInAnyOrder(10L, 20L, 30L, 40L);
        assertThat(zxidsOf(logDir, LogSegment::parseFirstZxid)).containsExactlyInAnyOrder(1L, 15L);
    }

    static List<Long> zxidsOf(Path dir, java.util.function.ToLongFunction<String> parse) throws IOException {
        List<Long> zxids = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> {
                long zxid = parse.applyAsLong(file.getFileName().toString());
                if (zxid >= 0) {
                    zxids.add(zxid);
                }
            });
        }
        return zxids;
    }
}
