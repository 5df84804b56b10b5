package dev.corral.storage.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.storage.EpochFiles;
import dev.corral.storage.SnapshotFile;
import dev.corral.storage.Snapshots;
import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.DataTree;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Znode;
import dev.corral.tree.Zxid;
import dev.corral.wire.Acl;
import dev.corral.wire.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.server.persistence.SnapStream.StreamMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The import against ZooKeeper 3.9.5 itself: a data directory ZooKeeper wrote (fuzzy snapshots, logs
 * after them, every node kind and ACL scheme, an open session with ephemerals) is imported, and the state
 * must equal the one ZooKeeper's own restore builds from the same files, node by node (data, ACL, the
 * whole Stat), with the same sessions and last zxid. The export is checked the same way: ZooKeeper's
 * restore of the exported directory equals the original.
 */
class ZooKeeperImportTest {
    private static final int ZNODES = 1000;

    @TempDir
    static Path shared;
    private static Path zooKeeperDir;
    private static ZooKeeperDataDir.ZkState reference;

    @TempDir
    Path temp;

    @BeforeAll
    static void writeWithZooKeeper() throws Exception {
        zooKeeperDir = shared.resolve("zk");
        ZooKeeperDataDir.write(zooKeeperDir, ZNODES, StreamMode.CHECKED);
        reference = ZooKeeperDataDir.restore(zooKeeperDir);
    }

    @Test
    void importEqualsZooKeepersOwnRestore() throws Exception {
        List<Path> snapshots = ZkFiles.snapshots(zooKeeperDir.resolve("version-2"));
        assertThat(snapshots).as("ZooKeeper snapshotted while writes went on").hasSizeGreaterThan(3);
        ZooKeeperImport.Result result = ZooKeeperImport.read(zooKeeperDir, null);

        assertSameState(result.snapshot(), reference);
        // Every txn after the snapshot's zxid is replayed, and the write ends in txns no snapshot holds.
        assertThat(result.txns()).as("txns replayed after the snapshot").isEqualTo((int) (reference.lastZxid() - result.snapshotZxid()))
                .isGreaterThanOrEqualTo(ZooKeeperDataDir.TAIL_TXNS);
        assertThat(result.digestChecks()).as("ZooKeeper's digests checked").isPositive();
        assertThat(result.warnings()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = StreamMode.class, names = {"GZIP", "SNAPPY"})
    void compressedSnapshotsImportAsZooKeeperRestoresThem(StreamMode mode) throws Exception {
        Path dir = temp.resolve("zk-" + mode);
        ZooKeeperDataDir.write(dir, 200, mode);
        assertThat(ZkFiles.snapshots(dir.resolve("version-2")).get(0).getFileName().toString()).endsWith("." + mode.getName());

        assertSameState(ZooKeeperImport.read(dir, null).snapshot(), ZooKeeperDataDir.restore(dir));
    }

    @Test
    void zooKeeper35LayoutWithoutDigestsAndASeparateDataLogDirImportsAsZooKeeperRestoresIt() throws Exception {
        Path dir = temp.resolve("zk35");
        Path logDir = temp.resolve("zk35-log");
        ZooKeeperDataDir.write(dir, logDir, 200, StreamMode.CHECKED, false);
        assertThat(ZkFiles.logsFrom(logDir.resolve("version-2"), 0)).isNotEmpty();
        assertThat(ZkFiles.logsFrom(dir.resolve("version-2"), 0)).isEmpty();

        ZooKeeperImport.Result result = ZooKeeperImport.read(dir, logDir);
        assertSameState(result.snapshot(), ZooKeeperDataDir.restore(dir, logDir));
        assertThat(result.digestChecks()).as("no digest in these files").isZero();
    }

    /**
     * A fuzzy snapshot, made certain: the newest snapshot renamed to an earlier zxid, so that the replay
     * applies again the txns it already holds (creates of existing nodes, deletes of missing ones, setData
     * and setACL again), as after a snapshot taken while those txns were applied. ZooKeeper's restore
     * tolerates it, and the import must reach the same state.
     */
    @Test
    void fuzzySnapshotReplaysAsZooKeeperRestoresIt() throws Exception {
        Path dir = temp.resolve("fuzzy");
        Path versionDir = Files.createDirectories(dir.resolve("version-2"));
        try (java.util.stream.Stream<Path> files = Files.list(zooKeeperDir.resolve("version-2"))) {
            for (Path file : files.toList()) {
                Files.copy(file, versionDir.resolve(file.getFileName()));
            }
        }
        List<Path> all = ZkFiles.snapshots(versionDir);
        for (Path other : all.subList(1, all.size())) {
            Files.delete(other);
        }
        long zxid = ZkFiles.zxidOf(all.get(0).getFileName().toString(), ZkFiles.SNAPSHOT_PREFIX);
        long earlier = zxid - 25;
        Files.move(all.get(0), versionDir.resolve("snapshot." + Long.toHexString(earlier)));

        ZooKeeperImport.Result result = ZooKeeperImport.read(dir, null);
        assertThat(result.snapshotZxid()).isEqualTo(earlier);
        assertThat(result.txns()).isGreaterThanOrEqualTo(25);
        assertSameState(result.snapshot(), ZooKeeperDataDir.restore(dir));
        assertSameState(result.snapshot(), reference);
    }

    @Test
    void writtenDataDirectoryRecoversAsCorralsOwnAndContinuesAboveZooKeepersEpoch() throws Exception {
        ZooKeeperImport.Result result = ZooKeeperImport.read(zooKeeperDir, null);
        Path snapshotDir = temp.resolve("corral-snap");
        Path logDir = temp.resolve("corral-wal");
        ZooKeeperImport.write(result, snapshotDir, logDir);

        SnapshotFile.Loaded loaded = Snapshots.loadNewestValid(snapshotDir).orElseThrow();
        assertThat(loaded.zxid()).isEqualTo(reference.lastZxid());
        DataTree tree = new DataTree();
        tree.load(loaded.zxid(), loaded.nodes(), loaded.digest());
        assertThat(loaded.sessions()).isEqualTo(reference.sessions());
        try (TxnLog log = TxnLog.open(logDir, TxnLog.Options.defaults())) {
            assertThat(log.lastZxid()).as("the empty log continues after the snapshot").isEqualTo(loaded.zxid());
        }
        EpochFiles.Epochs epochs = EpochFiles.load(snapshotDir, loaded.zxid());
        assertThat(epochs.currentEpoch()).isEqualTo(Zxid.epoch(reference.lastZxid()));
    }

    @Test
    void refusesATargetThatIsNotEmpty() throws Exception {
        ZooKeeperImport.Result result = ZooKeeperImport.read(zooKeeperDir, null);
        Path snapshotDir = temp.resolve("corral-snap");
        Files.createDirectories(snapshotDir);
        Files.writeString(snapshotDir.resolve("something"), "x");

        assertThatThrownBy(() -> ZooKeeperImport.write(result, snapshotDir, temp.resolve("corral-wal")))
                .isInstanceOf(StorageException.class).hasMessageContaining(snapshotDir.toString()).hasMessageContaining("not empty");
    }

    @Test
    void exportLoadsInZooKeeperAsTheSameState() throws Exception {
        ZooKeeperImport.Result result = ZooKeeperImport.read(zooKeeperDir, null);
        Path exported = temp.resolve("exported");
        Path file = ZooKeeperExport.write(result.snapshot(), exported);

        ZooKeeperDataDir.ZkState restored = ZooKeeperDataDir.restore(exported);
        assertThat(restored.lastZxid()).isEqualTo(reference.lastZxid());
        assertThat(restored.sessions()).isEqualTo(reference.sessions());
        assertThat(restored.nodes().keySet()).isEqualTo(reference.nodes().keySet());
        reference.nodes().forEach((path, node) -> {
            ZooKeeperDataDir.Node back = restored.nodes().get(path);
            assertThat(back.stat()).as(path).isEqualTo(node.stat());
            assertThat(back.acl()).as(path).isEqualTo(node.acl());
            assertThat(back.data()).as(path).isEqualTo(node.data());
        });
        assertThat(ZkSnapshotReader.read(file).digest().value()).as("the digest written is ZooKeeper's digest of the tree it loads")
                .isEqualTo(restored.digest());
        Path log = file.resolveSibling("log." + Long.toHexString(reference.lastZxid() + 1));
        assertThat(ZkFiles.logsFrom(file.getParent(), reference.lastZxid())).as("the empty log after the snapshot").containsExactly(log);
        assertThat(Files.size(log)).isEqualTo(ZkLogWriter.HEADER_BYTES);
        assertThat(ZkLogReader.read(log, reference.lastZxid(), record -> { }).records()).isZero();
        assertThatThrownBy(() -> ZooKeeperExport.write(result.snapshot(), exported)).hasMessageContaining("already holds");
    }

    /** The imported state, loaded into Corral's tree, equals ZooKeeper's restore node by node. */
    static void assertSameState(TreeSnapshot imported, ZooKeeperDataDir.ZkState expected) {
        assertThat(imported.zxid()).isEqualTo(expected.lastZxid());
        assertThat(imported.sessions()).isEqualTo(expected.sessions());
        List<String> paths = new ArrayList<>();
        List<Znode> nodes = new ArrayList<>();
        imported.forEach(node -> {
            paths.add(node.path());
            nodes.add(node);
        });
        DataTree tree = new DataTree();
        tree.load(imported.zxid(), nodes, imported.digest());
        assertThat(new java.util.HashSet<>(paths)).isEqualTo(expected.nodes().keySet());
        Map<String, String> differences = new HashMap<>();
        expected.nodes().forEach((path, node) -> {
            Znode corral = tree.node(path);
            String difference = compare(corral, node);
            if (difference != null) {
                differences.put(path, difference);
            }
        });
        assertThat(differences).isEmpty();
    }

    private static String compare(Znode corral, ZooKeeperDataDir.Node zk) {
        Stat stat = corral.stat();
        org.apache.zookeeper.data.Stat z = zk.stat();
        Stat expected = new Stat(z.getCzxid(), z.getMzxid(), z.getCtime(), z.getMtime(), z.getVersion(), z.getCversion(), z.getAversion(),
                z.getEphemeralOwner(), z.getDataLength(), z.getNumChildren(), z.getPzxid());
        if (!stat.equals(expected)) {
            return "stat " + stat + " != " + expected;
        }
        List<Acl> acl = zk.acl().stream().map((ACL a) -> new Acl(a.getPerms(), new dev.corral.wire.Id(a.getId().getScheme(),
                a.getId().getId()))).toList();
        if (!corral.acl().equals(acl)) {
            return "acl " + corral.acl() + " != " + acl;
        }
        if (!java.util.Arrays.equals(corral.data(), zk.data())) {
            return "data differs";
        }
        return null;
    }
}
