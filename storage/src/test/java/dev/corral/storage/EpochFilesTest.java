package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The epoch files, as ZooKeeper 3.9.5 writes and loads them ({@code QuorumPeer#writeLongToFile},
 * {@code readLongFromFile}, {@code loadDataBase}): their exact bytes, an atomic replace that leaves
 * the old value when the write is torn, and the start rules for missing, stale and corrupt files.
 */
class EpochFilesTest {
    @TempDir
    Path dir;

    private void put(String name, String content) throws IOException {
        if (content != null) {
            Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aWrittenEpochIsTheDecimalNumberAloneAsZooKeeperWritesIt() throws IOException {
        EpochFiles.writeAcceptedEpoch(dir, 7);
        EpochFiles.writeCurrentEpoch(dir, 0x1_0000_0000L);

        assertThat(Files.readString(dir.resolve("acceptedEpoch"))).isEqualTo("7");
        assertThat(Files.readString(dir.resolve("currentEpoch"))).isEqualTo("4294967296");
        assertThat(dir.resolve("currentEpoch.tmp")).doesNotExist();
        assertThat(EpochFiles.read(dir, EpochFiles.ACCEPTED_EPOCH)).hasValue(7);
    }

    /**
     * Byte for byte with ZooKeeper 3.9.5's own code: a {@code QuorumPeer} keeps its epoch files in its
     * snapshot directory ({@code <dir>/version-2}); what it writes we read, and what we write it reads.
     */
    @Test
    void zooKeepersQuorumPeerReadsWhatWeWriteAndWritesWhatWeRead() throws Exception {
        QuorumPeer peer = new QuorumPeer();
        peer.setTxnFactory(new FileTxnSnapLog(dir.toFile(), dir.toFile()));
        Path snapDir = dir.resolve("version-2");

        peer.setAcceptedEpoch(0x7fff_fffeL);
        peer.setCurrentEpoch(12);
        assertThat(EpochFiles.read(snapDir, EpochFiles.ACCEPTED_EPOCH)).hasValue(0x7fff_fffeL);
        assertThat(EpochFiles.read(snapDir, EpochFiles.CURRENT_EPOCH)).hasValue(12);
        byte[] theirs = Files.readAllBytes(snapDir.resolve("currentEpoch"));

        EpochFiles.writeCurrentEpoch(snapDir, 12);
        assertThat(Files.readAllBytes(snapDir.resolve("currentEpoch"))).isEqualTo(theirs);
        EpochFiles.writeAcceptedEpoch(snapDir, 13);
        EpochFiles.writeCurrentEpoch(snapDir, 13);
        QuorumPeer restarted = new QuorumPeer();
        restarted.setTxnFactory(new FileTxnSnapLog(dir.toFile(), dir.toFile()));
        assertThat(restarted.getAcceptedEpoch()).isEqualTo(13);
        assertThat(restarted.getCurrentEpoch()).isEqualTo(13);
    }

    /** ZooKeeper reads the first line, so a file another tool wrote with a newline reads the same. */
    @Test
    void aTrailingNewlineIsReadAsZooKeeperReadsIt() throws IOException {
        put(EpochFiles.CURRENT_EPOCH, "12\n");

        assertThat(EpochFiles.read(dir, EpochFiles.CURRENT_EPOCH)).hasValue(12);
    }

    /**
     * A crash while writing leaves a torn {@code .tmp} beside the file: the file keeps its old value,
     * and the next write goes through, replacing the torn temporary file.
     */
    @Test
    void aTornTemporaryFileLeavesTheOldValueAndTheNextWriteReplacesIt() throws IOException {
        EpochFiles.writeCurrentEpoch(dir, 5);
        put("currentEpoch.tmp", "");
        assertThat(EpochFiles.read(dir, EpochFiles.CURRENT_EPOCH)).hasValue(5);
        put("currentEpoch.tmp", "6666666");
        assertThat(EpochFiles.read(dir, EpochFiles.CURRENT_EPOCH)).hasValue(5);

        EpochFiles.writeCurrentEpoch(dir, 6);

        assertThat(EpochFiles.read(dir, EpochFiles.CURRENT_EPOCH)).hasValue(6);
        assertThat(dir.resolve("currentEpoch.tmp")).doesNotExist();
    }

    @Test
    void aMissingFileReadsAsNoValue() throws IOException {
        assertThat(EpochFiles.read(dir, EpochFiles.ACCEPTED_EPOCH)).isEqualTo(OptionalLong.empty());
    }

    /** The files at start, the last zxid recovered, and the epochs loaded, or the words of the refusal. */
    record Start(String name, String current, String accepted, String currentTmp, long lastZxid, EpochFiles.Epochs loaded,
            String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Start loads(String name, String current, String accepted, String currentTmp, long lastZxid, long acceptedEpoch,
            long currentEpoch) {
        return new Start(name, current, accepted, currentTmp, lastZxid, new EpochFiles.Epochs(acceptedEpoch, currentEpoch), null);
    }

    static Start refuses(String name, String current, String accepted, String currentTmp, long lastZxid, String refusal) {
        return new Start(name, current, accepted, currentTmp, lastZxid, null, refusal);
    }

    static Stream<Start> starts() {
        long zxidOfEpoch3 = Zxid.of(3, 9);
        return Stream.of(
                // Both files present and consistent.
                loads("both present", "3", "4", null, zxidOfEpoch3, 4, 3),
                loads("equal epochs", "3", "3", null, zxidOfEpoch3, 3, 3),
                loads("the txns are older than the epoch", "5", "5", null, zxidOfEpoch3, 5, 5),
                loads("a torn tmp beside a good file is ignored", "3", "3", "", zxidOfEpoch3, 3, 3),
                // Missing files: an upgrade from a version without them; they start at the last zxid's epoch.
                loads("a new data directory", null, null, null, 0, 0, 0),
                loads("both missing, an upgrade", null, null, null, zxidOfEpoch3, 3, 3),
                loads("acceptedEpoch missing", "2", null, null, Zxid.of(2, 1), 2, 2),
                refuses("acceptedEpoch missing below a newer currentEpoch", "5", null, null, zxidOfEpoch3,
                        "accepted epoch in " + "ACCEPTED" + ", 3, is less than the current epoch, 5"),
                // currentEpoch older than the txns: a crash between the txns (or snapshot) and the epoch's rename.
                loads("a whole currentEpoch.tmp repairs it (ZOOKEEPER-1653)", "2", "3", "3", zxidOfEpoch3, 3, 3),
                refuses("no currentEpoch.tmp to repair it", "2", "3", null, zxidOfEpoch3, "is older than the epoch of the last zxid, 0x300000009"),
                refuses("a torn, empty currentEpoch.tmp", "2", "3", "", zxidOfEpoch3, "holds '', not an epoch"),
                refuses("a torn currentEpoch.tmp older still", "2", "3", "1", zxidOfEpoch3, "holds 1, older still"),
                // The accepted epoch may never be below the current one.
                refuses("acceptedEpoch below currentEpoch", "4", "3", null, zxidOfEpoch3, "is less than the current epoch, 4"),
                // Contents that are not one decimal number.
                refuses("currentEpoch empty", "", "3", null, zxidOfEpoch3, "holds '', not an epoch"),
                refuses("acceptedEpoch not a number", "3", "three", null, zxidOfEpoch3, "holds 'three', not an epoch"),
                refuses("a space after the number", "3 ", "3", null, zxidOfEpoch3, "holds '3 ', not an epoch"),
                refuses("far too long", "3".repeat(100), "3", null, zxidOfEpoch3, "bytes, not one decimal number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("starts")
    void loadAppliesZooKeepersStartRules(Start start) throws IOException {
        put(EpochFiles.CURRENT_EPOCH, start.current());
        put(EpochFiles.ACCEPTED_EPOCH, start.accepted());
        put("currentEpoch.tmp", start.currentTmp());

        if (start.refusal() == null) {
            assertThat(EpochFiles.load(dir, start.lastZxid())).isEqualTo(start.loaded());
            assertThat(EpochFiles.read(dir, EpochFiles.CURRENT_EPOCH)).as("written back").hasValue(start.loaded().currentEpoch());
            assertThat(EpochFiles.read(dir, EpochFiles.ACCEPTED_EPOCH)).as("written back").hasValue(start.loaded().acceptedEpoch());
        } else {
            String refusal = start.refusal().replace("ACCEPTED", dir.resolve(EpochFiles.ACCEPTED_EPOCH).toString());
            assertThatThrownBy(() -> EpochFiles.load(dir, start.lastZxid())).isInstanceOf(StorageException.class)
                    .hasMessageContaining(refusal).hasMessageContaining(dir.toString());
        }
    }
}
