package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.Zxid;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
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
 * The read-only scanner: what a leader's DIFF reads from its log (every txn after the follower's last
 * zxid, up to a durable zxid, continuing it), on a live log too, and what the tools read.
 */
class LogScannerTest {
    private static final TxnLog.Options SMALL = new TxnLog.Options(4096, 4096, true);

    @TempDir
    Path dir;

    private void write(List<Long> zxids) throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            for (long zxid : zxids) {
                log.append(TxnLogTest.entry(zxid));
            }
        }
    }

    private List<Long> readCommitted(long afterZxid, long untilZxid) throws StorageException {
        List<Long> read = new ArrayList<>();
        long last = LogScanner.readCommitted(dir, afterZxid, untilZxid, record -> {
            assertThat(record.entry()).isEqualTo(TxnLogTest.entry(record.zxid()));
            read.add(record.zxid());
            return true;
        });
        assertThat(last).isEqualTo(read.isEmpty() ? afterZxid : read.get(read.size() - 1));
        return read;
    }

    static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    /** The zxids logged, the range asked for, and what is handed over, or the words of the refusal. */
    record Diff(String name, List<Long> logged, long afterZxid, long untilZxid, List<Long> read, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Diff> diffs() {
        List<Long> epochs = List.of(Zxid.of(1, 1), Zxid.of(1, 2), Zxid.of(1, 3), Zxid.of(3, 1), Zxid.of(3, 2));
        return Stream.of(
                // The follower's last zxid is in the log: everything after it, up to the durable zxid.
                new Diff("from the start", range(1, 300), 0, 300, range(1, 300), null),
                new Diff("from the middle of a rolled log", range(1, 300), 150, 300, range(151, 300), null),
                new Diff("up to a durable zxid before the end", range(1, 300), 150, 160, range(151, 160), null),
                new Diff("nothing to send", range(1, 300), 300, 300, List.of(), null),
                new Diff("across an epoch change", epochs, Zxid.of(1, 2), Zxid.of(3, 2), epochs.subList(2, 5), null),
                new Diff("from the end of an epoch", epochs, Zxid.of(1, 3), Zxid.of(3, 2), epochs.subList(3, 5), null),
                new Diff("a purged log that starts right after", range(50, 80), 49, 80, range(50, 80), null),
                // The log cannot serve it: the leader sends a SNAP instead.
                new Diff("the follower is behind a purged log", range(50, 80), 20, 80, null, "does not continue from zxid 0x14"),
                new Diff("the follower's zxid of an epoch the log skips", epochs, Zxid.of(2, 5), Zxid.of(3, 2), null,
                        "does not hold zxid 0x200000005"),
                new Diff("a zxid past the end of an epoch the log holds", epochs, Zxid.of(1, 9), Zxid.of(3, 2), null,
                        "does not hold zxid 0x100000009"),
                new Diff("no zxid before a purged log's epoch start", epochs.subList(3, 5), 0, Zxid.of(3, 2), null,
                        "does not hold zxid 0x0"),
                new Diff("the log ends before the durable zxid", range(1, 30), 10, 40, null, "ends at zxid 0x1e, before zxid 0x28"),
                new Diff("an empty log", List.of(), 0, 5, null, "ends at zxid 0x0, before zxid 0x5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("diffs")
    void readCommittedHandsOverExactlyTheTxnsAfterAZxidOrRefuses(Diff diff) throws IOException {
        write(diff.logged());

        if (diff.refusal() == null) {
            assertThat(readCommitted(diff.afterZxid(), diff.untilZxid())).isEqualTo(diff.read());
        } else {
            assertThatThrownBy(() -> readCommitted(diff.afterZxid(), diff.untilZxid())).isInstanceOf(StorageException.class)
                    .hasMessageContaining(diff.refusal()).hasMessageContaining(dir.toString());
        }
    }

    /**
     * A live log: records appended but not synced, and a record being written right now (torn) after
     * them, are never read when the scan stops at the synced zxid.
     */
    @Test
    void aLiveLogIsReadUpToTheDurableZxidAndNotBeyond() throws IOException {
        try (TxnLog log = TxnLog.open(dir, new TxnLog.Options(1 << 20, 1 << 20, true))) {
            for (long zxid = 1; zxid <= 10; zxid++) {
                log.append(TxnLogTest.entry(zxid));
            }
            long durable = log.sync();
            log.append(TxnLogTest.entry(11));
            Path segment = LogScanner.segmentsIn(dir).get(0);
            long end = endOfRecords(segment);
            try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
                file.seek(end);
                file.writeInt(400);
                file.writeInt(0x12345678);
                file.write(new byte[] {1, 2, 3});
            }

            assertThat(readCommitted(3, durable)).isEqualTo(range(4, 10));
            assertThat(LogScanner.segmentsIn(dir)).hasSize(1);
        }
    }

    @Test
    void theVisitorMayStopTheScan() throws IOException {
        write(range(1, 100));
        List<Long> read = new ArrayList<>();

        long last = LogScanner.readCommitted(dir, 0, 100, record -> {
            read.add(record.zxid());
            return read.size() < 5;
        });

        assertThat(read).isEqualTo(range(1, 5));
        assertThat(last).isEqualTo(5);
    }

    /** The tools' read: any segment files, a torn tail reported and not fatal, nothing changed. */
    @Test
    void readForToolsReportsATornTailOfTheLastSegmentAndChangesNothing() throws IOException {
        write(range(1, 300));
        List<Path> segments = LogScanner.segmentsIn(dir);
        Path last = segments.get(segments.size() - 1);
        long end = endOfRecords(last);
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.seek(end);
            file.writeInt(100);
        }
        byte[] before = Files.readAllBytes(last);
        List<Long> read = new ArrayList<>();

        LogScanner.End scanEnd = LogScanner.read(segments, 250, record -> read.add(record.zxid()));

        assertThat(read).isEqualTo(range(251, 300));
        assertThat(scanEnd.problem()).isEqualTo("CRC mismatch");
        assertThat(scanEnd.file()).isEqualTo(last);
        assertThat(scanEnd.offset()).isEqualTo(end);
        assertThat(Files.readAllBytes(last)).isEqualTo(before);
    }

    @Test
    void aFileNotNamedLikeASegmentIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");

        assertThatThrownBy(() -> LogScanner.read(List.of(file), 0, record -> true)).isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not named like a log segment");
    }

    /**
     * The scanner reads a record's zxid without decoding its txn, from where {@link TxnCodec} puts it;
     * if the txn encoding moves the zxid, this fails first and {@code LogRecords.zxidOf} must follow.
     */
    @Test
    void theZxidReadFromAPayloadIsTheZxidTheTxnCodecEncoded() {
        for (long zxid : List.of(1L, 0x7fL, Zxid.of(3, 1), Zxid.of(0x7fff_ffff, 0xffff_fffeL))) {
            TxnEntry entry = TxnLogTest.entry(zxid);
            byte[] payload = TxnCodec.encode(entry);
            assertThat(LogRecords.zxidOf(ByteBuffer.wrap(payload), 0, payload.length)).isEqualTo(zxid);
        }
    }

    /** The offset of the end marker of a segment: walks length-prefixed records from the header. */
    static long endOfRecords(Path segment) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
        int offset = LogRecords.HEADER_BYTES;
        for (int length = bytes.getInt(offset); length != 0; length = bytes.getInt(offset)) {
            offset += LogRecords.RECORD_OVERHEAD + length;
        }
        return offset;
    }
}
