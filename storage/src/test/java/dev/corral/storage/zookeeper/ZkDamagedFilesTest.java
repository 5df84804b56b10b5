package dev.corral.storage.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.zookeeper.server.persistence.SnapStream.StreamMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged ZooKeeper files, cut short or with a flipped bit, as ZooKeeper 3.9.5 wrote them: each gives an
 * error that names the file and the offset, except a log cut inside its last record, which is what a
 * crash leaves and ends the replay there as ZooKeeper's does.
 */
class ZkDamagedFilesTest {
    @TempDir
    static Path shared;
    private static Path zooKeeperDir;

    @TempDir
    Path temp;

    @BeforeAll
    static void writeWithZooKeeper() throws Exception {
        zooKeeperDir = shared.resolve("zk");
        ZooKeeperDataDir.write(zooKeeperDir, 100, StreamMode.CHECKED);
    }

    /** A damage to a file's bytes and the words its error must hold besides the file name. */
    record Case(String name, Function<byte[], byte[]> damage, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> snapshotDamages() {
        return Stream.of(
                // Cut short: inside the header, inside the nodes, inside the last seal.
                new Case("cut in the header", bytes -> Arrays.copyOf(bytes, 10), "truncated at offset 10"),
                new Case("cut in the middle", bytes -> Arrays.copyOf(bytes, bytes.length / 2), "truncated at offset " + "%half"),
                new Case("cut in the last seal", bytes -> Arrays.copyOf(bytes, bytes.length - 3), "truncated at offset"),
                // Flipped bits: the magic, a byte of node data or stat (caught by the seal), a seal itself.
                new Case("flipped magic", bytes -> flip(bytes, 1), "corrupt at offset 0: magic"),
                new Case("flipped node byte", bytes -> flip(bytes, bytes.length - 200), "corrupt at offset"),
                new Case("flipped last seal", bytes -> flip(bytes, bytes.length - 8), "Adler32 checksum mismatch"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snapshotDamages")
    void damagedSnapshotIsAnErrorNamingFileAndOffset(Case damage) throws Exception {
        Path original = ZkFiles.snapshots(zooKeeperDir.resolve("version-2")).get(0);
        byte[] bytes = Files.readAllBytes(original);
        Path file = temp.resolve(original.getFileName());
        Files.write(file, damage.damage().apply(bytes));
        String expected = damage.expected().replace("%half", Integer.toString(bytes.length / 2));

        assertThatThrownBy(() -> ZkSnapshotReader.read(file)).isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(expected);
    }

    @Test
    void flippedBitInALogRecordIsAnErrorNamingFileAndRecordOffset() throws Exception {
        Path log = copyOfLongestLog();
        List<Long> offsets = recordOffsets(Files.readAllBytes(log));
        byte[] bytes = Files.readAllBytes(log);
        int target = (int) (long) offsets.get(1);
        Files.write(log, flip(bytes, target + 12 + 9));

        assertThatThrownBy(() -> ZkLogReader.read(log, 0, record -> { })).isInstanceOf(StorageException.class)
                .hasMessageContaining(log.toString()).hasMessageContaining("offset " + target).hasMessageContaining("Adler32");
    }

    @Test
    void flippedBitInARecordLengthIsAnErrorNotATornTail() throws Exception {
        Path log = copyOfLongestLog();
        byte[] bytes = Files.readAllBytes(log);
        int target = (int) (long) recordOffsets(bytes).get(1);
        // The low bit of the length: the record reads one byte short or long, and its end marker is missing.
        Files.write(log, flipBit(bytes, target + 11, 0x01));

        assertThatThrownBy(() -> ZkLogReader.read(log, 0, record -> { })).isInstanceOf(StorageException.class)
                .hasMessageContaining(log.toString()).hasMessageContaining("offset " + target).hasMessageContaining("end marker");
    }

    @Test
    void flippedMagicOfALogIsAnError() throws Exception {
        Path log = copyOfLongestLog();
        Files.write(log, flip(Files.readAllBytes(log), 0));

        assertThatThrownBy(() -> ZkLogReader.read(log, 0, record -> { })).hasMessageContaining(log.toString())
                .hasMessageContaining("not ZKLG");
    }

    @Test
    void logCutInsideItsLastRecordEndsThereAsAfterACrash() throws Exception {
        Path log = copyOfLongestLog();
        byte[] bytes = Files.readAllBytes(log);
        List<Long> offsets = recordOffsets(bytes);
        long last = offsets.get(offsets.size() - 1);
        Files.write(log, Arrays.copyOf(bytes, (int) last + 15));

        List<Long> zxids = new ArrayList<>();
        ZkLogReader.End end = ZkLogReader.read(log, 0, record -> zxids.add(record.entry().zxid()));
        assertThat(end.tornAt()).isEqualTo(last);
        assertThat(zxids).hasSize(offsets.size() - 1);
    }

    @Test
    void damagedNewestSnapshotFallsBackToTheOneBeforeAsZooKeeperDoes() throws Exception {
        Path dir = temp.resolve("zk");
        copyTree(zooKeeperDir, dir);
        Path newest = ZkFiles.snapshots(dir.resolve("version-2")).get(0);
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, flip(bytes, bytes.length / 2));

        ZooKeeperImport.Result result = ZooKeeperImport.read(dir, null);
        assertThat(result.snapshotFile()).isNotEqualTo(newest);
        assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning).contains(newest.toString()).contains("offset"));
        ZooKeeperImportTest.assertSameState(result.snapshot(), ZooKeeperDataDir.restore(zooKeeperDir));
    }

    @Test
    void snappySnapshotWithoutTheLibraryIsRefusedByItsMethodName() {
        Path file = temp.resolve("snapshot.10.snappy");

        assertThatThrownBy(() -> ZkSnapshotReader.snappy(java.io.InputStream.nullInputStream(), file, "org.example.NoSnappyHere"))
                .isInstanceOf(StorageException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("zookeeper.snapshot.compression.method=snappy").hasMessageContaining("org.example.NoSnappyHere");
    }

    /** A copy of the log with the most records (which log that is depends on when ZooKeeper snapshotted). */
    private Path copyOfLongestLog() throws Exception {
        Path original = null;
        int most = -1;
        for (Path log : ZkFiles.logsFrom(zooKeeperDir.resolve("version-2"), 0)) {
            int records = recordOffsets(Files.readAllBytes(log)).size();
            if (records > most) {
                most = records;
                original = log;
            }
        }
        assertThat(most).as("records in the longest log, " + original).isGreaterThan(2);
        Path copy = temp.resolve(original.getFileName());
        Files.copy(original, copy);
        return copy;
    }

    /** Where each record of a log starts: after the 16-byte header, checksum:long length:int bytes 0x42. */
    private static List<Long> recordOffsets(byte[] log) {
        ByteBuffer buffer = ByteBuffer.wrap(log);
        List<Long> offsets = new ArrayList<>();
        int at = 16;
        while (at + 12 <= log.length && buffer.getInt(at + 8) > 0) {
            offsets.add((long) at);
            at += 12 + buffer.getInt(at + 8) + 1;
        }
        return offsets;
    }

    private static byte[] flip(byte[] bytes, int at) {
        return flipBit(bytes, at, 0x10);
    }

    private static byte[] flipBit(byte[] bytes, int at, int mask) {
        byte[] copy = bytes.clone();
        copy[at] ^= (byte) mask;
        return copy;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
