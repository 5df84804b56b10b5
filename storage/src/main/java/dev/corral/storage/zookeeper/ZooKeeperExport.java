package dev.corral.storage.zookeeper;

import dev.corral.storage.SnapshotFile;
import dev.corral.storage.Snapshots;
import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.DataTree;
import dev.corral.tree.SessionTable;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.WatchTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The way back from Corral to ZooKeeper: Corral's state, recovered as the server recovers it (newest
 * valid snapshot, then the log after it), written as a ZooKeeper 3.9 data directory that ZooKeeper
 * loads like one of its own: {@code <dir>/version-2/snapshot.<zxid>} and the empty log after it,
 * {@code log.<zxid + 1>} (only its header: ZooKeeper replays nothing from it and starts its own log
 * file at its first write).
 *
 * <p>Every logged txn is taken as committed, which holds for a standalone server's log; an ensemble
 * member's log may end in proposals its next leader would truncate, so export from the leader, or from
 * a server stopped after the ensemble was.
 */
public final class ZooKeeperExport {
    private ZooKeeperExport() {}

    /** Corral's state in these directories; nothing is written to them. */
    public static TreeSnapshot loadCorral(Path snapshotDir, Path logDir) throws StorageException {
        DataTree tree = new DataTree();
        SessionTable sessions = new SessionTable();
        Optional<SnapshotFile.Loaded> snapshot = Snapshots.loadNewestValid(snapshotDir);
        long zxid = 0;
        if (snapshot.isPresent()) {
            SnapshotFile.Loaded loaded = snapshot.get();
            tree.load(loaded.zxid(), loaded.nodes(), loaded.digest());
            sessions.load(loaded.sessions());
            zxid = loaded.zxid();
        }
        TxnApplier applier = new TxnApplier(tree, sessions, new WatchTable());
        try (TxnLog log = TxnLog.open(logDir, TxnLog.Options.defaults())) {
            log.replay(zxid, entry -> applier.apply(entry, new ArrayList<>()));
        }
        return tree.snapshot(sessions);
    }

    /**
     * Writes {@code state} into {@code zooKeeperDataDir/version-2}, which must hold no ZooKeeper snapshot or
     * log yet: the snapshot, then the empty log after it. Returns the snapshot file.
     */
    public static Path write(TreeSnapshot state, Path zooKeeperDataDir) throws StorageException {
        Path dir = ZkFiles.versionDir(zooKeeperDataDir);
        if (!ZkFiles.snapshots(dir).isEmpty() || !ZkFiles.logsFrom(dir, 0).isEmpty()) {
            throw new StorageException("the target " + dir + " already holds ZooKeeper snapshots or logs; refusing to mix two histories");
        }
        Path snapshot = ZkSnapshotWriter.write(dir, state);
        ZkLogWriter.writeEmpty(dir, state.zxid());
        return snapshot;
    }
}
