package dev.corral.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.DataTree;
import dev.corral.tree.NodeKind;
import dev.corral.tree.SessionTable;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.WatchTable;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery from files alone, as the server does it: the newest snapshot that reads back whole, then
 * every txn the log holds after it. It must rebuild exactly the state that was written, after snapshots
 * taken while writes went on, log rolls at each snapshot and autopurge; and it must refuse, not paper
 * over, a log that does not reach back to the snapshot it continues.
 */
class RecoveryTest {
    private static final TxnLog.Options SMALL_SEGMENTS = new TxnLog.Options(8 * 1024, 4 * 1024, true);
    private static final int RETAIN = 2;

    @TempDir
    Path snapshotDir;

    @TempDir
    Path logDir;

    /** The state recovered from the two directories, or an exception if they cannot be trusted. */
    TreeImage recover() throws IOException {
        DataTree tree = new DataTree();
        SessionTable sessions = new SessionTable();
        long after = 0;
        var snapshot = Snapshots.loadNewestValid(snapshotDir);
        if (snapshot.isPresent()) {
            SnapshotFile.Loaded loaded = snapshot.get();
            tree.load(loaded.zxid(), loaded.nodes(), loaded.digest());
            sessions.load(loaded.sessions());
            after = loaded.zxid();
        }
        TxnApplier applier = new TxnApplier(tree, sessions, new WatchTable());
        try (TxnLog log = TxnLog.open(logDir, SMALL_SEGMENTS)) {
            log.replay(after, entry -> applier.apply(entry, new ArrayList<>()));
        }
        return TreeImage.of(tree, sessions);
    }

    /**
     * A seeded random workload written through a real log, as the server writes it: every few txns a
     * sync; every 40 txns a snapshot is taken, written 15 txns later (the tree changing meanwhile), the
     * log asked to roll, and autopurge run keeping {@link #RETAIN} snapshots.
     */
    AppliedState writeWorkload(long seed, int txns) throws IOException {
        Random random = new Random(seed);
        List<TreeSnapshot> unwritten = new ArrayList<>();
        List<Long> writeAt = new ArrayList<>();
        try (TxnLog log = TxnLog.open(logDir, SMALL_SEGMENTS)) {
            AppliedState state = new AppliedState(appendingTo(log, () -> random.nextInt(4) == 0));
            Workload workload = new Workload(state, random);
            while (state.zxid() < txns) {
                workload.step();
                log.sync();
                if (state.zxid() % 40 == 0) {
                    unwritten.add(state.tree.snapshot(state.sessions));
                    writeAt.add(state.zxid() + 15);
                }
                if (!writeAt.isEmpty() && state.zxid() >= writeAt.get(0)) {
                    SnapshotFile.write(snapshotDir, unwritten.remove(0));
                    writeAt.remove(0);
                    log.rollAtNextAppend();
                    Snapshots.purge(snapshotDir, logDir, RETAIN);
                }
            }
            return state;
        }
    }

    /** Appends each applied entry to {@code log}, and syncs after it when {@code syncAfter} says so. */
    static Consumer<TxnEntry> appendingTo(TxnLog log, BooleanSupplier syncAfter) {
        return entry -> {
            try {
                log.append(entry);
                if (syncAfter.getAsBoolean()) {
                    log.sync();
                }
            } catch (StorageException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Test
    void recoveryAfterSnapshotsRollsAndPurgeRebuildsExactlyTheStateWritten() throws IOException {
        AppliedState state = writeWorkload(42, 600);
        List<Path> snapshots = Snapshots.list(snapshotDir);
        assertThat(snapshots).as("purged to the retained count").hasSize(RETAIN);
        assertThat(TxnLog.segmentsIn(logDir).get(0).firstZxid()).as("old segments purged").isGreaterThan(1);
        assertThat(SnapshotFile.zxidOf(snapshots.get(0).getFileName().toString())).as("the log holds txns after the newest snapshot")
                .isLessThan(state.zxid());

        assertThat(recover()).isEqualTo(state.image());
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToTheOlderOneAndTheLogPurgeKeptForIt() throws IOException {
        AppliedState state = writeWorkload(7, 600);
        List<Path> snapshots = Snapshots.list(snapshotDir);
        Path newest = snapshots.get(0);
        byte[] content = Files.readAllBytes(newest);
        content[content.length / 3] ^= 0x01;
        Files.write(newest, content);

        assertThat(Snapshots.loadNewestValid(snapshotDir)).map(SnapshotFile.Loaded::file).contains(snapshots.get(1));
        assertThat(recover()).isEqualTo(state.image());
    }

    /**
     * A snapshot is taken (node references copied) at one zxid and written while writes go on, changing
     * nodes and sessions it holds: the file restores exactly the state at its zxid, and the log after it
     * brings the state written since.
     */
    @Test
    void aSnapshotWrittenWhileWritesGoOnRestoresItsZxidAndTheLogTheRest() throws IOException {
        AppliedState state;
        TreeImage atSnapshot;
        try (TxnLog log = TxnLog.open(logDir, SMALL_SEGMENTS)) {
            state = new AppliedState(appendingTo(log, () -> false));
            long session = 0x0200_0000_0000_0001L;
            state.createSession(session, 5_000);
            state.create("/a", bytes("a0"));
            state.create("/a/b", bytes("b0"));
            state.create("/a/eph", bytes("e"), Acl.OPEN_ACL_UNSAFE, NodeKind.EPHEMERAL, session, 0);
            state.create("/gone", bytes("g"));
            atSnapshot = state.image();
            TreeSnapshot snapshot = state.tree.snapshot(state.sessions);

            state.setData("/a", bytes("a1"));
            state.delete("/gone");
            state.create("/a/c", bytes("c"));
            state.setAcl("/a/b", Acl.READ_ACL_UNSAFE);
            state.closeSession(session);
            state.createSession(session + 1, 7_000);
            log.sync();
            SnapshotFile.write(snapshotDir, snapshot);
            log.rollAtNextAppend();
            state.setData("/a/b", bytes("b1"));
        }
        assertThat(state.image()).isNotEqualTo(atSnapshot);

        SnapshotFile.Loaded loaded = Snapshots.loadNewestValid(snapshotDir).orElseThrow();
        assertThat(loaded.zxid()).isEqualTo(atSnapshot.zxid());
        assertThat(SnapshotFileTest.load(loaded)).isEqualTo(atSnapshot);
        assertThat(recover()).isEqualTo(state.image());
    }

    @Test
    void recoveryFromTheLogAloneWhenNoSnapshotWasWritten() throws IOException {
        AppliedState state;
        try (TxnLog log = TxnLog.open(logDir, SMALL_SEGMENTS)) {
            state = new AppliedState(appendingTo(log, () -> false));
            Workload workload = new Workload(state, new Random(3));
            while (state.zxid() < 300) {
                workload.step();
            }
        }
        assertThat(recover()).isEqualTo(state.image());
    }

    /**
     * A snapshot at zxid 10 with a log that starts at 20 (the segments in between purged, lost or
     * deleted by hand) misses txns 11..19; recovery must stop with an error naming the gap, not start
     * without those txns (here, without the node /lost): the applier checks only that zxids grow.
     */
    @Test
    void aLogThatStartsAfterTheTxnFollowingTheSnapshotIsRefused() throws IOException {
        List<TxnEntry> entries = new ArrayList<>();
        AppliedState state = new AppliedState(entries::add);
        for (int i = 1; i <= 10; i++) {
            state.create("/n" + i, bytes("before the snapshot"));
        }
        SnapshotFile.write(snapshotDir, state.tree.snapshot(state.sessions));
        state.create("/lost", bytes("only in the missing segment"));
        while (state.zxid() < 25) {
            state.create("/m" + state.zxid(), bytes("after the gap"));
        }
        try (TxnLog log = TxnLog.open(logDir, SMALL_SEGMENTS)) {
            for (TxnEntry entry : entries.subList(19, entries.size())) {
                log.append(entry);
            }
        }

        assertThatThrownBy(this::recover).isInstanceOf(StorageException.class).hasMessageContaining("gap")
                .hasMessageContaining(logDir.toString()).hasMessageContaining("expected zxid 0xb (").hasMessageContaining("found 0x14 in");
    }

    /** Without a snapshot the log must start at the first txn; one starting at 20 is missing 1..19. */
    @Test
    void aLogThatDoesNotStartAtTheFirstTxnIsRefusedWhenThereIsNoSnapshot() throws IOException {
        List<TxnEntry> entries = new ArrayList<>();
        AppliedState state = new AppliedState(entries::add);
        for (int i = 1; i <= 30; i++) {
            state.create("/n" + i, bytes("x"));
        }
        try (TxnLog log = TxnLog.open(logDir, SMALL_SEGMENTS)) {
            for (TxnEntry entry : entries.subList(19, entries.size())) {
                log.append(entry);
            }
        }
        try (TxnLog log = TxnLog.open(logDir, SMALL_SEGMENTS)) {
            assertThatThrownBy(() -> log.replay(0, entry -> { })).isInstanceOf(StorageException.class).hasMessageContaining("gap")
                    .hasMessageContaining("expected zxid 0x1 (").hasMessageContaining("found 0x14 in");
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Random valid changes: creates under the root and one level down (persistent, ephemeral, container
     * and TTL), setData, setACL, deletes of leaves, sessions opened and closed with their ephemerals.
     */
    static final class Workload {
        private final AppliedState state;
        private final Random random;
        private final List<String> paths = new ArrayList<>();
        private final List<Long> sessions = new ArrayList<>();
        private long nextName;
        private long nextSession = 0x0200_0000_0000_0001L;

        Workload(AppliedState state, Random random) {
            this.state = state;
            this.random = random;
        }

        void step() {
            int choice = random.nextInt(100);
            List<String> live = paths.stream().filter(p -> state.tree.node(p) != null).toList();
            if (choice < 8 || (choice < 20 && sessions.isEmpty())) {
                long session = nextSession++;
                state.createSession(session, 2_000 + random.nextInt(10_000));
                sessions.add(session);
            } else if (choice < 12) {
                state.closeSession(sessions.remove(random.nextInt(sessions.size())));
            } else if (choice < 50 || live.isEmpty()) {
                create(live);
            } else if (choice < 75) {
                String path = live.get(random.nextInt(live.size()));
                byte[] data = random.nextInt(10) == 0 ? null : bytes("v" + random.nextInt(1000) + "-".repeat(random.nextInt(200)));
                state.setData(path, data);
            } else if (choice < 82) {
                state.setAcl(live.get(random.nextInt(live.size())), random.nextBoolean() ? Acl.READ_ACL_UNSAFE : SnapshotFileTest.DIGEST_ACL);
            } else {
                String path = live.get(random.nextInt(live.size()));
                Znode node = state.tree.node(path);
                if (node.numChildren() == 0) {
                    state.delete(path);
                } else {
                    create(live);
                }
            }
        }

        private void create(List<String> live) {
            List<String> parents = live.stream().filter(p -> state.tree.node(p).kind() != NodeKind.EPHEMERAL
                    && p.indexOf('/', 1) < 0).toList();
            String parent = parents.isEmpty() || random.nextInt(3) == 0 ? "" : parents.get(random.nextInt(parents.size()));
            String path = parent + "/n" + nextName++;
            int kind = random.nextInt(10);
            byte[] data = bytes("d" + random.nextInt(1_000_000));
            if (kind == 0 && !sessions.isEmpty()) {
                long owner = sessions.get(random.nextInt(sessions.size()));
                state.create(path, data, Acl.OPEN_ACL_UNSAFE, NodeKind.EPHEMERAL, owner, 0);
            } else if (kind == 1) {
                state.create(path, data, Acl.OPEN_ACL_UNSAFE, NodeKind.CONTAINER, 0, 0);
            } else if (kind == 2) {
                state.create(path, data, Acl.OPEN_ACL_UNSAFE, NodeKind.TTL, 0, 1 + random.nextInt(100_000));
            } else {
                state.create(path, data);
            }
            paths.add(path);
        }
    }
}
