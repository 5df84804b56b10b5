package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.NodeKind;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.Zxid;
import dev.corral.wire.Acl;
import dev.corral.wire.OpCode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
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
            default -> new Txn.CloseSession(zxid * 17, List.of("/e1", "/e2"));
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
    void eachRecordPayloadIsExactlyTheTxnCodecsEncoding() throws IOException {
        List<TxnEntry> written = write(8, ONE_SEGMENT);
        Path segment = onlySegment();
        byte[] bytes = Files.readAllBytes(segment);
        List<Long> starts = recordStarts(segment);

        for (int i = 0; i < written.size(); i++) {
            int payload = (int) (long) starts.get(i) + LogRecords.RECORD_OVERHEAD;
            int length = (int) (starts.get(i + 1) - payload);
            assertThat(Arrays.copyOfRange(bytes, payload, payload + length)).as("record %d", i)
                    .isEqualTo(TxnCodec.encode(written.get(i)));
        }
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

    /**
     * One byte of a record to damage, by its offset from the record's start: the record is
     * length(4) crc(4) payload, and the payload starts with the entry header zxid(8) timeMs(8)
     * sessionId(8) cxid(4), then the txn tag(4) and the txn body (see TxnCodec). A negative offset
     * counts from the record's end.
     */
    record Flip(String region, int offsetInRecord) {
        @Override
        public String toString() {
            return region;
        }
    }

    static Stream<Flip> regions() {
        return Stream.of(
                // The record frame.
                new Flip("length high byte", 0), new Flip("length low byte", 3), new Flip("crc first byte", 4),
                new Flip("crc last byte", 7),
                // The entry header inside the payload.
                new Flip("zxid high byte", 8), new Flip("zxid low byte", 8 + 7), new Flip("timeMs", 8 + 8 + 5),
                new Flip("sessionId", 8 + 16 + 7), new Flip("cxid", 8 + 24 + 3), new Flip("txn tag", 8 + 28 + 3),
                // The txn body.
                new Flip("body first byte", 8 + 32), new Flip("body last byte", -1));
    }

    /** Each of the 8 bits of the chosen byte of the last record, flipped one at a time. */
    @ParameterizedTest
    @MethodSource("regions")
    void aBitFlipInTheLastRecordTruncatesTheLogJustBeforeIt(Flip flip) throws IOException {
        List<TxnEntry> written = write(5, ONE_SEGMENT);
        Path segment = onlySegment();
        byte[] original = Files.readAllBytes(segment);
        long lastRecordStart = recordStarts(segment).get(4);
        long recordEnd = recordStarts(segment).get(5);
        int target = (int) (flip.offsetInRecord() >= 0 ? lastRecordStart + flip.offsetInRecord() : recordEnd + flip.offsetInRecord());
        assertThat(target).as("target inside the last record").isBetween((int) lastRecordStart, (int) recordEnd - 1);
        for (int bit = 0; bit < 8; bit++) {
            byte[] damaged = original.clone();
            damaged[target] ^= (byte) (1 << bit);
            Files.write(segment, damaged);
            assertThat(readAll(ONE_SEGMENT)).as("bit %d", bit).isEqualTo(written.subList(0, 4));
        }
        assertTheRepairSticks(4, written);
    }

    /**
     * The next open of a repaired log finds it clean, ending at {@code lastKept}; the entries after it
     * are appended again and the log reads back as {@code written}.
     */
    private void assertTheRepairSticks(long lastKept, List<TxnEntry> written) throws IOException {
        try (TxnLog log = TxnLog.open(dir, ONE_SEGMENT)) {
            assertThat(log.lastZxid()).isEqualTo(lastKept);
            for (TxnEntry entry : written.subList((int) lastKept, written.size())) {
                log.append(entry);
            }
            log.sync();
        }
        assertThat(readAll(ONE_SEGMENT)).isEqualTo(written);
    }

    /**
     * A file cut short at any offset, as a file system may leave it after a crash (no zeros after the
     * cut, unlike a torn write into the preallocated tail): the records wholly before the cut are kept,
     * a cut that leaves no whole record leaves no segment, and the log takes appends again at once.
     */
    @Test
    void aSegmentCutShortAnywhereKeepsTheRecordsWhollyBeforeTheCut() throws IOException {
        List<TxnEntry> written = write(3, ONE_SEGMENT);
        Path segment = onlySegment();
        byte[] original = Files.readAllBytes(segment);
        List<Long> starts = recordStarts(segment);
        for (int cut = 0; cut <= starts.get(3); cut++) {
            Files.write(segment, Arrays.copyOf(original, cut));
            int whole = 0;
            while (whole < 3 && starts.get(whole + 1) <= cut) {
                whole++;
            }
            assertThat(readAll(ONE_SEGMENT)).as("cut at %d", cut).isEqualTo(written.subList(0, whole));
            assertThat(segment.toFile().exists()).as("segment kept after a cut at %d", cut).isEqualTo(whole > 0);
            Files.deleteIfExists(segment);
        }
        // A cut in the middle of the last record: the log goes on from the record before it.
        Files.write(segment, Arrays.copyOf(original, (int) (starts.get(2) + 11)));
        assertTheRepairSticks(2, written);
    }

    /**
     * The public encoding the server's warm-up uses is the one the log writes: the records of a batch are,
     * byte for byte, what follows the segment's header once that batch is synced.
     */
    @Test
    void recordsEncodesABatchAsTheLogWritesIt() throws IOException {
        List<byte[]> payloads = LongStream.rangeClosed(1, 5).mapToObj(zxid -> TxnCodec.encode(entry(zxid))).toList();
        try (TxnLog log = TxnLog.open(dir, ONE_SEGMENT)) {
            for (long zxid = 1; zxid <= 5; zxid++) {
                log.append(zxid, payloads.get((int) zxid - 1));
            }
            log.sync();
        }
        java.nio.ByteBuffer records = LogRecords.records(payloads);
        byte[] encoded = new byte[records.remaining()];
        records.get(encoded);
        byte[] file = Files.readAllBytes(onlySegment());
        assertThat(Arrays.copyOfRange(file, LogRecords.HEADER_BYTES, LogRecords.HEADER_BYTES + encoded.length)).isEqualTo(encoded);
        assertThat(file[LogRecords.HEADER_BYTES + encoded.length]).as("nothing after them").isZero();
    }

    /**
     * A segment is preallocated: its file is longer than its records and the rest is zeros, which read
     * as the end of the log, not as records and not as damage; appends after a reopen go right after the
     * last record, inside the same preallocation.
     */
    @Test
    void theZeroFilledPreallocatedTailReadsAsTheEndOfTheLog() throws IOException {
        TxnLog.Options options = new TxnLog.Options(1 << 20, 64 * 1024, true);
        List<TxnEntry> written = write(3, options);
        Path segment = onlySegment();
        byte[] bytes = Files.readAllBytes(segment);
        List<Long> before = recordStarts(segment);
        long end = before.get(3);
        assertThat(bytes.length).as("header, then the preallocation").isEqualTo(LogRecords.HEADER_BYTES + 64 * 1024);
        assertThat(Arrays.copyOfRange(bytes, (int) end, bytes.length)).as("tail").containsOnly(0);
        assertThat(readAll(options)).isEqualTo(written);

        try (TxnLog log = TxnLog.open(dir, options)) {
            assertThat(log.lastZxid()).isEqualTo(3);
            log.append(entry(4));
            log.sync();
        }
        assertThat(Files.size(segment)).as("no growth within the preallocation").isEqualTo(bytes.length);
        assertThat(recordStarts(segment)).as("the new record starts where the old ones ended").hasSize(5)
                .startsWith(before.toArray(Long[]::new));
        assertThat(readAll(options)).extracting(TxnEntry::zxid).containsExactly(1L, 2L, 3L, 4L);
    }

    /** A crash after a segment was created but before its first record was written leaves a header and zeros. */
    @Test
    void aSegmentHoldingOnlyItsHeaderAndZerosIsAnEmptyLogThatTakesAppends() throws IOException {
        write(3, ONE_SEGMENT);
        Path segment = onlySegment();
        byte[] bytes = Files.readAllBytes(segment);
        Arrays.fill(bytes, LogRecords.HEADER_BYTES, bytes.length, (byte) 0);
        Files.write(segment, bytes);

        try (TxnLog log = TxnLog.open(dir, ONE_SEGMENT)) {
            assertThat(log.lastZxid()).isZero();
            List<TxnEntry> read = new ArrayList<>();
            log.replay(0, read::add);
            assertThat(read).isEmpty();
            log.append(entry(1));
            log.sync();
        }
        assertThat(readAll(ONE_SEGMENT)).containsExactly(entry(1));
        assertThat(onlySegment()).isEqualTo(segment);
    }

    /**
     * A crash right after a roll leaves a segment named for the zxid that was to come next, holding only its
     * header. Under ZAB the next append after a restart may be another zxid (a new leader's first txn of a
     * new epoch), which must not land in a file whose name promises a different first zxid.
     */
    @Test
    void anEmptySegmentLeftByARollTakesNoAppendOfAnotherZxid() throws IOException {
        write(5, ONE_SEGMENT);
        Path empty = dir.resolve(LogSegment.fileName(6));
        byte[] header = new byte[LogRecords.HEADER_BYTES + 4096];
        LogRecords.header(6).get(header, 0, LogRecords.HEADER_BYTES);
        Files.write(empty, header);

        try (TxnLog log = TxnLog.open(dir, ONE_SEGMENT)) {
            assertThat(log.lastZxid()).isEqualTo(5);
            log.append(entry(Zxid.of(2, 1)));
        }

        assertThat(readAll(ONE_SEGMENT)).extracting(TxnEntry::zxid).containsExactly(1L, 2L, 3L, 4L, 5L, Zxid.of(2, 1));
    }

    /** Whether one zxid may be appended right after another: the log's one continuity rule. */
    record Order(String name, long previous, long next, boolean accepted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Order> orders() {
        return Stream.of(
                // Within an epoch the counter goes up by one.
                new Order("next counter", Zxid.of(1, 5), Zxid.of(1, 6), true),
                new Order("a counter skipped", Zxid.of(1, 5), Zxid.of(1, 7), false),
                new Order("the same zxid again", Zxid.of(1, 5), Zxid.of(1, 5), false),
                new Order("an older zxid", Zxid.of(1, 5), Zxid.of(1, 4), false),
                // A later epoch starts at counter 1, whatever the previous epoch reached; epochs may skip.
                new Order("counter 1 of the next epoch", Zxid.of(1, 5), Zxid.of(2, 1), true),
                new Order("counter 1 of a later epoch", Zxid.of(1, 5), Zxid.of(4, 1), true),
                new Order("a later epoch not at counter 1", Zxid.of(1, 5), Zxid.of(2, 2), false),
                new Order("a later epoch at counter 0", Zxid.of(1, 5), Zxid.of(2, 0), false),
                new Order("an earlier epoch", Zxid.of(2, 1), Zxid.of(1, 6), false));
    }

    @ParameterizedTest
    @MethodSource("orders")
    void appendsFollowTheContinuityRule(Order order) throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.append(entry(order.previous()));
            if (order.accepted()) {
                log.append(entry(order.next()));
                assertThat(log.lastZxid()).isEqualTo(order.next());
            } else {
                assertThatThrownBy(() -> log.append(entry(order.next()))).isInstanceOf(StorageException.class)
                        .hasMessageContaining("gap").hasMessageContaining(Zxid.hex(order.next()));
                assertThat(log.lastZxid()).isEqualTo(order.previous());
            }
        }
    }

    /** Opening the log checks segments against each other by the same rule, a new epoch included. */
    @Test
    void aSegmentThatStartsAnEpochAtACounterAbove1IsAGapOnOpen() throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            log.append(entry(Zxid.of(1, 1)));
            log.append(entry(Zxid.of(1, 2)));
        }
        Path other = dir.resolve("other");
        try (TxnLog log = TxnLog.open(other, SMALL)) {
            log.append(entry(Zxid.of(2, 3)));
        }
        Path later = other.resolve(LogSegment.fileName(Zxid.of(2, 3)));
        Files.move(later, dir.resolve(later.getFileName()));
        assertThatThrownBy(() -> TxnLog.open(dir, SMALL)).isInstanceOf(StorageException.class).hasMessageContaining("gap")
                .hasMessageContaining(later.getFileName().toString());
    }

    /**
     * Replay after a snapshot at {@code afterZxid}: the zxids in the log, and what replay hands over, or
     * null when it must refuse because the log does not continue the snapshot (txns between are lost).
     */
    record Continuation(String name, List<Long> logged, long afterZxid, List<Long> replayed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    static Stream<Continuation> continuations() {
        return Stream.of(
                // The log continues the snapshot, or holds nothing after it.
                new Continuation("no snapshot, the log from the first txn", range(1, 5), 0, range(1, 5)),
                new Continuation("snapshot inside the log", range(1, 5), 3, range(4, 5)),
                new Continuation("snapshot at the log's last txn", range(1, 5), 5, List.of()),
                new Continuation("snapshot beyond the log", range(1, 5), 9, List.of()),
                new Continuation("log purged up to the snapshot", range(20, 25), 19, range(20, 25)),
                new Continuation("across rolled segments, the earlier ones skipped", range(20, 200), 150, range(151, 200)),
                new Continuation("an empty log", List.of(), 7, List.of()),
                // The log starts after the txn that follows the snapshot.
                new Continuation("a gap after the snapshot", range(20, 25), 10, null),
                new Continuation("no snapshot and a log that starts at 20", range(20, 25), 0, null),
                new Continuation("a gap across rolled segments", range(120, 200), 100, null),
                // Epochs: a later epoch continues at counter 1, whatever the snapshot's epoch reached.
                new Continuation("new epoch inside the log", List.of(Zxid.of(1, 1), Zxid.of(1, 2), Zxid.of(2, 1), Zxid.of(2, 2)),
                        Zxid.of(1, 2), List.of(Zxid.of(2, 1), Zxid.of(2, 2))),
                new Continuation("log starts at a later epoch's first txn", List.of(Zxid.of(2, 1), Zxid.of(2, 2)), Zxid.of(1, 7),
                        List.of(Zxid.of(2, 1), Zxid.of(2, 2))),
                new Continuation("no snapshot, log starts at epoch 1", List.of(Zxid.of(1, 1), Zxid.of(1, 2)), 0,
                        List.of(Zxid.of(1, 1), Zxid.of(1, 2))),
                new Continuation("log starts inside a later epoch", List.of(Zxid.of(2, 3), Zxid.of(2, 4)), Zxid.of(1, 7), null),
                new Continuation("log of the same epoch after a gap", List.of(Zxid.of(2, 3), Zxid.of(2, 4)), Zxid.of(2, 1), null));
    }

    @ParameterizedTest
    @MethodSource("continuations")
    void replayHandsOverOnlyALogThatContinuesTheSnapshot(Continuation continuation) throws IOException {
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            for (long zxid : continuation.logged()) {
                log.append(entry(zxid));
            }
        }
        List<Long> replayed = new ArrayList<>();
        try (TxnLog log = TxnLog.open(dir, SMALL)) {
            if (continuation.replayed() != null) {
                log.replay(continuation.afterZxid(), entry -> replayed.add(entry.zxid()));
                assertThat(replayed).isEqualTo(continuation.replayed());
            } else {
                long first = continuation.logged().get(0);
                long expected = continuation.afterZxid() + 1;
                assertThatThrownBy(() -> log.replay(continuation.afterZxid(), entry -> replayed.add(entry.zxid())))
                        .isInstanceOf(StorageException.class).hasMessageContaining("gap").hasMessageContaining(dir.toString())
                        .hasMessageContaining("expected zxid " + Zxid.hex(expected) + " (").hasMessageContaining("found " + Zxid.hex(first) + " in");
                assertThat(replayed).as("nothing handed over before the refusal").isEmpty();
            }
        }
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

    @Test
    void aSegmentOfTheOldFormatVersionIsRefusedByNameAndKept() throws IOException {
        write(5, ONE_SEGMENT);
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.findFirst().orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
            raf.seek(4);
            raf.writeInt(1);
        }
        byte[] before = Files.readAllBytes(segment);

        assertThatThrownBy(() -> TxnLog.open(dir, ONE_SEGMENT)).isInstanceOf(StorageException.class)
                .hasMessageContaining(segment.toString()).hasMessageContaining("version 1")
                .hasMessageContaining("reads version " + LogRecords.VERSION);
        assertThat(Files.readAllBytes(segment)).as("the old log is left as it was").isEqualTo(before);
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
