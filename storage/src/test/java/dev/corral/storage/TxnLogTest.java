package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.NodeKind;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.Zxid;
import dev.corral.wire.Acl;
import dev.corral.wire.OpCode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TxnLogTest {
    private static final TxnLog.Options SMALL = new TxnLog.Options(4096, 4096, true);
    private static final TxnLog.Options ONE_SEGMENT = new TxnLog.Options(1 << 20, 1 << 20, true);

    @TempDir
    Path dir;

    static TxnEntry entry(long zxid) {
        Txn txn = switch ((int) (zxid % 4)) {
            case 0 -> new Txn.Create(OpCode.CREATE, "/n" + zxid, ("data" + zxid).getBytes(), Acl.OPEN_ACL_UNSAFE,
                    NodeKind.PERSISTENT, 0, 0, (int) zxid);
            case 1 -> new Txn.SetData("/n" + zxid, new byte[(int) (zxid % 7)], (int) zxid);
            case 2 -> new Txn.Multi(List.of(new Txn.Delete("/a" + zxid), new Txn.Check("/b", 3)));
            default -> new Txn.CloseSession(zxid * 31, List.of("/e1", "/e2"));
        };
        return new TxnEntry(zxid, 1_700_000_000_000L + zxid, zxid * 17, (int) zxid, txn);
    }

    private List<TxnEntry> write(int count, TxnLog.Options options) throws IOException {
        List<TxnEntry> written = new ArrayList<>();
        try (TxnLog log = TxnLog.open(dir, options)) {
            for (long zxid = 1; zxid <= count; zxid++) {
                log.append(entry(zxid));
                written.add(entry(zxid));
                if (zxid % 3 == 0) {
                    log.sync();
                }
            }
        }
        return written;
    }

    private List<TxnEntry> readAll(TxnLog.Options options) throws IOException {
        List<TxnEntry> read = new ArrayList<>();
        try (TxnLog log = TxnLog.open(dir, options)) {
            log.replay(0, read::add);
        }
        return read;
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> segments = files.filter(p -> p.getFileName().toString().endsWith(".wal")).sorted().toList();
            assertThat(segments).hasSize(1);
            return segments.get(0);
        }
    }

    @Test
    void everyEntryWrittenAndSyncedIsReadBackInOrderAcrossSegments() throws IOException {
        List<TxnEntry> written = write(200, SMALL);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).as("segments rolled by size").isGreaterThan(3);
        }
        assertThat(readAll(SMALL)).isEqualTo(written);
    }

    @Test
    void replayFromAZxidSkipsWhatASnapshotAlreadyHolds() throws IOException {
        write(100, SMALL);
        List<TxnEntry> after = new ArrayList<>();
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.replay(57, after::add);
            assertThat(log.lastZxid()).isEqualTo(100);
        }
        assertThat(after).extracting(TxnEntry::zxid).containsExactlyElementsOf(IntStream.rangeClosed(58, 100).asLongStream().boxed().toList());
    }

    @Test
    void appendingAfterReopenContinuesTheLog() throws IOException {
        write(10, ONE_SEGMENT);
        try (TxnLog log = TxnLog.open(dir, ONE_SEGMENT)) {
            assertThat(log.lastZxid()).isEqualTo(10);
            log.append(entry(11));
            log.sync();
        }
        assertThat(readAll(ONE_SEGMENT)).extracting(TxnEntry::zxid).endsWith(10L, 11L);
    }

    @Test
    void aGapOnAppendIsRefused() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.append(entry(1));
            assertThatThrownBy(() -> log.append(entry(3))).isInstanceOf(StorageException.class).hasMessageContaining("gap");
        }
    }

    @Test
    void aNewEpochMayStartItsCounterAfresh() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.append(entry(Zxid.of(1, 1)));
            log.append(entry(Zxid.of(1, 2)));
            log.append(entry(Zxid.of(2, 1)));
            log.sync();
        }
        assertThat(readAll(SMALL)).extracting(TxnEntry::zxid).containsExactly(Zxid.of(1, 1), Zxid.of(1, 2), Zxid.of(2, 1));
    }

    /** Record layout offsets relative to a record's start: length 0-3, crc 4-7, payload 8-. */
    record Flip(String region, int offsetInRecord) {}

    static Stream<Flip> regions() {
        return Stream.of(new Flip("length high byte", 0), new Flip("length low byte", 3), new Flip("crc", 5),
                new Flip("payload zxid", 8 + 7), new Flip("payload txn tag", 8 + 28 + 3), new Flip("payload last byte", -1));
    }

    @ParameterizedTest
    @MethodSource("regions")
    void aBitFlipInTheLastRecordTruncatesTheLogJustBeforeIt(Flip flip) throws IOException {
        List<TxnEntry> written = write(5, ONE_SEGMENT);
        Path segment = onlySegment();
        long lastRecordStart = recordStarts(segment).get(4);
        long recordEnd = recordStarts(segment).get(5);
        long target = flip.offsetInRecord() >= 0 ? lastRecordStart + flip.offsetInRecord() : recordEnd - 1;
        flipBit(segment, target);

        List<TxnEntry> read = readAll(ONE_SEGMENT);
        assertThat(read).isEqualTo(written.subList(0, 4));
        // The repair sticks: the next open finds a clean log and appends after the last valid record.
        try (TxnLog log = TxnLog.open(dir, ONE_SEGMENT)) {
            assertThat(log.lastZxid()).isEqualTo(4);
            log.append(entry(5));
            log.sync();
        }
        assertThat(readAll(ONE_SEGMENT)).isEqualTo(written);
    }

    @Test
    void aTornWriteCutAnywhereInTheLastRecordLosesOnlyThatRecord() throws IOException {
        List<TxnEntry> written = write(5, ONE_SEGMENT);
        Path segment = onlySegment();
        byte[] original = Files.readAllBytes(segment);
        long start = recordStarts(segment).get(4);
        long end = recordStarts(segment).get(5);
        for (long cut = start + 1; cut < end; cut++) {
            byte[] torn = original.clone();
            java.util.Arrays.fill(torn, (int) cut, torn.length, (byte) 0);
            Files.write(segment, torn);
            assertThat(readAll(ONE_SEGMENT)).as("cut at %d", cut).isEqualTo(written.subList(0, 4));
        }
    }

    @Test
    void garbageAfterTheEndMarkerIsTreatedAsATornTail() throws IOException {
        List<TxnEntry> written = write(3, ONE_SEGMENT);
        Path segment = onlySegment();
        long end = recordStarts(segment).get(3);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(end + 100);
            file.write(new byte[] {1, 2, 3});
        }
        assertThat(readAll(ONE_SEGMENT)).isEqualTo(written);
        assertThat(Files.readAllBytes(segment)[(int) end + 101]).as("garbage zeroed").isZero();
    }

    @Test
    void corruptionInAnEarlierSegmentIsRefusedNotSkipped() throws IOException {
        write(200, SMALL);
        Path first;
        try (Stream<Path> files = Files.list(dir)) {
            first = files.sorted().findFirst().orElseThrow();
        }
        flipBit(first, LogRecords.HEADER_BYTES + 10);
        assertThatThrownBy(() -> TxnLog.open(dir, SMALL)).isInstanceOf(StorageException.class)
                .hasMessageContaining(first.toString()).hasMessageContaining("offset").hasMessageContaining("refusing");
    }

    @Test
    void aMissingMiddleSegmentIsAGapAndRefused() throws IOException {
        write(200, SMALL);
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.sorted().toList();
        }
        Files.delete(segments.get(1));
        assertThatThrownBy(() -> TxnLog.open(dir, SMALL)).isInstanceOf(StorageException.class).hasMessageContaining("gap");
    }

    @Test
    void aLastSegmentWithABrokenHeaderIsRemovedAndTheLogGoesOn() throws IOException {
        List<TxnEntry> written = write(200, SMALL);
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.sorted().toList();
        }
        Path last = segments.get(segments.size() - 1);
        long firstOfLast = LogSegment.parseFirstZxid(last.getFileName().toString());
        flipBit(last, 1);
        assertThat(readAll(SMALL)).isEqualTo(written.subList(0, (int) firstOfLast - 1));
        assertThat(last).doesNotExist();
    }

    /** Offsets where each record starts, plus the end of the last one, read from the length fields. */
    private static List<Long> recordStarts(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        List<Long> starts = new ArrayList<>();
        int offset = LogRecords.HEADER_BYTES;
        while (true) {
            starts.add((long) offset);
            int length = buffer.getInt(offset);
            if (length == 0) {
                return starts;
            }
            offset += LogRecords.RECORD_OVERHEAD + length;
        }
    }

    private static void flipBit(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int value = raf.read();
            raf.seek(offset);
            raf.write(value ^ 0x10);
        }
    }
}
