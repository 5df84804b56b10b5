package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.DataTree;
import dev.corral.tree.SessionTable;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.WatchTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Installing a snapshot received from a leader: the data directory then holds exactly the leader's state
 * and a log that continues from it, and a crash at any step recovers the old state or the new one.
 *
 * <p>The old state: 60 txns of one history, snapshots at 40 and 55, the log rolled; the new one: the
 * leader's state at zxid 50 of another history (another seed), so that a mix of the two is visible.
 */
class SnapshotInstallTest {
    private static final TxnLog.Options SMALL = new TxnLog.Options(8 * 1024, 4 * 1024, true);
    private static final long NEW_ZXID = 50;

    @TempDir
    Path snapshotDir;

    @TempDir
    Path logDir;

    private TreeImage oldImage;
    private AppliedState leader;

    @BeforeEach
    void writeOldStateAndTheLeaders() throws IOException {
        try (TxnLog log = TxnLog.open(logDir, SMALL)) {
            AppliedState state = new AppliedState(RecoveryTest.appendingTo(log, () -> false));
            RecoveryTest.Workload workload = new RecoveryTest.Workload(state, new Random(1));
            while (state.zxid() < 60) {
                workload.step();
                if (state.zxid() == 40 || state.zxid() == 55) {
                    SnapshotFile.write(snapshotDir, state.tree.snapshot(state.sessions));
                    log.rollAtNextAppend();
                }
            }
            oldImage = state.image();
        }
        leader = new AppliedState();
        RecoveryTest.Workload workload = new RecoveryTest.Workload(leader, new Random(2));
        while (leader.zxid() < NEW_ZXID) {
            workload.step();
        }
        assertThat(recover()).as("the old state recovers before the install").isEqualTo(oldImage);
    }

    private TreeSnapshot leadersSnapshot() {
        return leader.tree.snapshot(leader.sessions);
    }

    /** Recovery as the server does it, with the install's own recovery first. */
    private TreeImage recover() throws IOException {
        SnapshotInstall.recover(snapshotDir, logDir);
        DataTree tree = new DataTree();
        SessionTable sessions = new SessionTable();
        long after = 0;
        var snapshot = Snapshots.loadNewestValid(snapshotDir);
        if (snapshot.isPresent()) {
            tree.load(snapshot.get().zxid(), snapshot.get().nodes(), snapshot.get().digest());
            sessions.load(snapshot.get().sessions());
            after = snapshot.get().zxid();
        }
        TxnApplier applier = new TxnApplier(tree, sessions, new WatchTable());
        try (TxnLog log = TxnLog.open(logDir, SMALL)) {
            log.replay(after, entry -> applier.apply(entry, new ArrayList<>()));
            assertThat(log.lastZxid()).as("the log ends where the state does").isEqualTo(tree.lastProcessedZxid());
        }
        return TreeImage.of(tree, sessions);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anInstalledSnapshotIsTheWholeStateAndTheLogContinuesFromIt() throws IOException {
        TxnLog log = TxnLog.open(logDir, SMALL);
        try (TxnLog installed = SnapshotInstall.install(log, snapshotDir, leadersSnapshot(), 40)) {
            assertThat(installed.lastZxid()).isEqualTo(NEW_ZXID);
            assertThatThrownBy(() -> installed.append(TxnLogTest.entry(61))).isInstanceOf(StorageException.class).hasMessageContaining("gap");
        }

        assertThat(names(logDir)).containsExactly(LogSegment.markerName(NEW_ZXID, LogSegment.BASE));
        assertThat(names(snapshotDir)).as("the older snapshot stays, the newer one goes")
                .containsExactly(SnapshotFile.fileName(40), SnapshotFile.fileName(NEW_ZXID));
        assertThat(recover()).isEqualTo(leader.image());

        // The leader's next txns append after the snapshot and recover on top of it.
        try (TxnLog log2 = TxnLog.open(logDir, SMALL)) {
            leader = withSink(leader, log2);
        }
        assertThat(recover()).isEqualTo(leader.image());
    }

    /** The leader's state five txns on (its workload again, from the start), the five appended to {@code log}. */
    private AppliedState withSink(AppliedState state, TxnLog log) throws IOException {
        var appending = RecoveryTest.appendingTo(log, () -> true);
        AppliedState next = new AppliedState(entry -> {
            if (entry.zxid() > state.zxid()) {
                appending.accept(entry);
            }
        });
        RecoveryTest.Workload replay = new RecoveryTest.Workload(next, new Random(2));
        while (next.zxid() < NEW_ZXID + 5) {
            replay.step();
        }
        log.sync();
        List<Long> logged = new ArrayList<>();
        LogScanner.readCommitted(logDir, NEW_ZXID, next.zxid(), record -> logged.add(record.zxid()));
        assertThat(logged).containsExactly(51L, 52L, 53L, 54L, 55L);
        return next;
    }

    /** After an install the log's history starts at the snapshot: a TRUNC may cut back to it, never below. */
    @Test
    void aTruncateAfterAnInstallCutsBackToTheSnapshotAndNoFurther() throws IOException {
        try (TxnLog log = SnapshotInstall.install(TxnLog.open(logDir, SMALL), snapshotDir, leadersSnapshot(), 40)) {
            for (long zxid = NEW_ZXID + 1; zxid <= NEW_ZXID + 3; zxid++) {
                log.append(TxnLogTest.entry(zxid));
            }
            log.truncateAfter(NEW_ZXID + 1, NEW_ZXID);
            assertThat(log.lastZxid()).isEqualTo(NEW_ZXID + 1);
            log.truncateAfter(NEW_ZXID, NEW_ZXID);
            assertThat(log.lastZxid()).isEqualTo(NEW_ZXID);
            assertThat(names(logDir)).containsExactly(LogSegment.markerName(NEW_ZXID, LogSegment.BASE));
            assertThatThrownBy(() -> log.truncateAfter(NEW_ZXID - 1, 0)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("continues from a snapshot at 0x32");
        }
        assertThat(recover()).isEqualTo(leader.image());
    }

    /** A snapshot of the same zxid already there (the same state, or one a bug wrote) is replaced by the leader's. */
    @Test
    void anInstallReplacesASnapshotOfTheSameZxid() throws IOException {
        AppliedState other = new AppliedState();
        RecoveryTest.Workload workload = new RecoveryTest.Workload(other, new Random(3));
        while (other.zxid() < NEW_ZXID) {
            workload.step();
        }
        SnapshotFile.write(snapshotDir, other.tree.snapshot(other.sessions));

        SnapshotInstall.install(TxnLog.open(logDir, SMALL), snapshotDir, leadersSnapshot(), 40).close();

        assertThat(recover()).isEqualTo(leader.image());
    }

    @Test
    void aSnapshotOlderThanTheCommittedZxidIsRefusedAndChangesNothing() throws IOException {
        List<String> logBefore = names(logDir);
        List<String> snapshotsBefore = names(snapshotDir);
        try (TxnLog log = TxnLog.open(logDir, SMALL)) {
            assertThatThrownBy(() -> SnapshotInstall.install(log, snapshotDir, leadersSnapshot(), 55)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("txns up to 0x37 are committed");
        }
        assertThat(names(logDir)).isEqualTo(logBefore);
        assertThat(names(snapshotDir)).isEqualTo(snapshotsBefore);
        assertThat(recover()).isEqualTo(oldImage);
    }

    /** A server that does not run the install's recovery cannot start on a half-installed directory. */
    @Test
    void theLogRefusesToOpenWhileAnInstallIsUnfinished() throws IOException {
        TxnLog log = TxnLog.open(logDir, SMALL);
        assertThatThrownBy(() -> SnapshotInstall.install(log, snapshotDir, leadersSnapshot(), 0, Crashes.crashAt(2, 1, new ArrayList<>())))
                .isInstanceOf(Crashes.Crash.class);

        assertThatThrownBy(() -> TxnLog.open(logDir, SMALL)).isInstanceOf(StorageException.class).hasMessageContaining("unfinished snapshot install")
                .hasMessageContaining(LogSegment.markerName(NEW_ZXID, LogSegment.INSTALL));
        assertThat(recover()).isEqualTo(leader.image());
    }

    /**
     * A crash before each step of the install in turn, the snapshot file torn when the crash comes right
     * after its write: recovery gives the old state until the marker is durable, the new one from then on,
     * and leaves no file of the install behind.
     */
    @ParameterizedTest(name = "snapshot cut at {0} of its length")
    @ValueSource(doubles = {0, 0.5, 1})
    void aCrashAtAnyStepOfAnInstallRecoversTheOldStateOrTheNew(double cutAt) throws IOException {
        Path originalSnapshots = Files.createTempDirectory("install-snapshots");
        Path originalLog = Files.createTempDirectory("install-log");
        Crashes.copy(snapshotDir, originalSnapshots);
        Crashes.copy(logDir, originalLog);
        int steps = Integer.MAX_VALUE;
        for (int at = 0; at < steps; at++) {
            Crashes.copy(originalSnapshots, snapshotDir);
            Crashes.copy(originalLog, logDir);
            List<String> seen = new ArrayList<>();
            TxnLog log = TxnLog.open(logDir, SMALL);
            try {
                SnapshotInstall.install(log, snapshotDir, leadersSnapshot(), 40, Crashes.crashAt(at, cutAt, seen)).close();
                steps = at;
                continue;
            } catch (Crashes.Crash expected) {
                // The process is gone; only the files remain.
            }
            // Steps 0 and 1 come before the marker: the snapshot's write, then the marker's creation.
            boolean committed = at > 1;
            assertThat(recover()).as("crash before step %d (%s)", at, seen.get(at)).isEqualTo(committed ? leader.image() : oldImage);
            assertThat(names(snapshotDir)).as("crash before step %d", at).noneMatch(name -> name.endsWith(".install"));
            assertThat(names(logDir)).as("crash before step %d", at).noneMatch(name -> name.endsWith(".install"));
        }
        assertThat(steps).as("steps of the install").isGreaterThan(5);
        Crashes.clear(originalSnapshots);
        Crashes.clear(originalLog);
        Files.delete(originalSnapshots);
        Files.delete(originalLog);
    }
}
