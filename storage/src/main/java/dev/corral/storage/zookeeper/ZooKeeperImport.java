package dev.corral.storage.zookeeper;

import dev.corral.storage.EpochFiles;
import dev.corral.storage.SnapshotInstall;
import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.DataTree;
import dev.corral.tree.NodeKind;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Znode;
import dev.corral.tree.Zxid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Rebuilds the state of a ZooKeeper 3.5 to 3.9 data directory as ZooKeeper's own restart does
 * ({@code FileTxnSnapLog#restore}): the newest snapshot that reads back whole, then every logged txn
 * after it, checking ZooKeeper's digests where the files carry them; and writes that state as a Corral
 * data directory. It only reads ZooKeeper's files.
 *
 * <p>Tested against files written by ZooKeeper 3.9.5 (in-process, with every snapshot compression, and
 * with its digest and last-zxid trailers switched off, as 3.5 writes them: ZooKeeperImportTest) and by
 * a ZooKeeper 3.8.6 server process killed with SIGKILL (OlderZooKeeperImportTest); each import is compared
 * with ZooKeeper 3.9.5's own restore of the same files. No release before 3.8 was run: Maven Central
 * serves no 3.5 to 3.7 jars to this build, so the 3.5 layout is known from the format, not from 3.5 itself.
 *
 * <p>Digests (ZooKeeper 3.6+): a snapshot's trailer holds the tree digest at a zxid at or after the
 * snapshot's (the snapshot is fuzzy); it is compared once the replay reaches that zxid. From then on,
 * each logged txn's digest is compared with the replayed tree's. A mismatch is an error: the files do
 * not describe one state, and importing them would carry the damage over.
 */
public final class ZooKeeperImport {
    /** The state read: ready to be written as Corral's snapshot. */
    public record Result(TreeSnapshot snapshot, Path snapshotFile, long snapshotZxid, int txns, int digestChecks, int sessions,
            int znodes, OptionalLong epoch, List<String> warnings) {
        public long lastZxid() {
            return snapshot.zxid();
        }
    }

    private ZooKeeperImport() {}

    /** Reads ZooKeeper's state from {@code dataDir} (snapshots) and {@code dataLogDir} (logs; the data dir if null). */
    public static Result read(Path dataDir, Path dataLogDir) throws StorageException {
        Path snapshotDir = ZkFiles.versionDir(dataDir);
        Path logDir = ZkFiles.versionDir(dataLogDir == null ? dataDir : dataLogDir);
        List<String> warnings = new ArrayList<>();
        ZkSnapshotReader.Snapshot snapshot = newestValid(snapshotDir, logDir, warnings);
        ZkTree tree = snapshot.tree();
        Replay replay = new Replay(tree, snapshot.digest(), snapshot.zxid(), warnings);
        if (replay.pending != null && replay.pending.zxid() == snapshot.zxid()) {
            replay.checkSnapshotDigest(snapshot.file(), -1);
        }
        List<Path> logs = ZkFiles.logsFrom(logDir, snapshot.zxid());
        for (int i = 0; i < logs.size(); i++) {
            Path log = logs.get(i);
            ZkLogReader.End end = ZkLogReader.read(log, tree.lastProcessedZxid(), replay::apply);
            if (end.tornAt() >= 0) {
                warnings.add("ZooKeeper log " + log + " ends inside a record at offset " + end.tornAt() + " (a write cut short by a crash,"
                        + " never acknowledged); replay " + (i == logs.size() - 1 ? "stops" : "goes on with the next log") + " there,"
                        + " as ZooKeeper's does");
            }
        }
        if (replay.pending != null) {
            warnings.add("the logs end at zxid " + Zxid.hex(tree.lastProcessedZxid()) + ", before zxid " + Zxid.hex(replay.pending.zxid())
                    + " whose digest snapshot " + snapshot.file() + " holds; that digest was not checked (ZooKeeper warns likewise)");
        }
        OptionalLong epoch = zooKeeperEpoch(snapshotDir);
        TreeSnapshot corral = toCorral(tree, warnings);
        return new Result(corral, snapshot.file(), snapshot.zxid(), replay.txns, replay.digestChecks, tree.sessions().size(),
                corral.nodeCount(), epoch, List.copyOf(warnings));
    }

    /**
     * Writes {@code result} as a Corral data directory: the snapshot in {@code corralSnapshotDir}, an empty
     * log in {@code corralLogDir} that continues after it, and epoch files so that Corral's next epoch,
     * and with it every new zxid, is above ZooKeeper's. Both directories must be missing or empty.
     */
    public static void write(Result result, Path corralSnapshotDir, Path corralLogDir) throws StorageException {
        requireEmpty(corralSnapshotDir);
        requireEmpty(corralLogDir);
        try {
            Files.createDirectories(corralSnapshotDir);
            Files.createDirectories(corralLogDir);
        } catch (IOException e) {
            throw new StorageException("cannot create " + corralSnapshotDir + " or " + corralLogDir + ": " + e, e);
        }
        TxnLog log = TxnLog.open(corralLogDir, TxnLog.Options.defaults());
        SnapshotInstall.install(log, corralSnapshotDir, result.snapshot(), 0).close();
        long epoch = Math.max(Zxid.epoch(result.lastZxid()), result.epoch().orElse(0));
        EpochFiles.writeAcceptedEpoch(corralSnapshotDir, epoch);
        EpochFiles.writeCurrentEpoch(corralSnapshotDir, epoch);
    }

    /** Fails unless {@code dir} is missing or holds no file. */
    public static void requireEmpty(Path dir) throws StorageException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new StorageException("the target " + dir + " is not empty; refusing to overwrite a Corral data directory");
            }
        } catch (IOException e) {
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("cannot list " + dir + ": " + e, e);
        }
    }

    /** FileSnap#deserialize: the newest snapshot that reads back whole; damaged newer ones are reported and skipped. */
    private static ZkSnapshotReader.Snapshot newestValid(Path snapshotDir, Path logDir, List<String> warnings) throws StorageException {
        List<Path> files = ZkFiles.snapshots(snapshotDir);
        if (files.isEmpty()) {
            throw new StorageException("no ZooKeeper snapshot (snapshot.<zxid>) in " + snapshotDir
                    + (ZkFiles.logsFrom(logDir, 0).isEmpty() ? "" : "; ZooKeeper itself refuses to start from logs without a snapshot"));
        }
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            try {
                ZkSnapshotReader.Snapshot snapshot = ZkSnapshotReader.read(file);
                failures.forEach(failure -> warnings.add("skipped a damaged snapshot: " + failure));
                return snapshot;
            } catch (StorageException e) {
                failures.add(e.getMessage());
            }
        }
        throw new StorageException("no ZooKeeper snapshot in " + snapshotDir + " reads back whole: " + String.join("; ", failures));
    }

    /** The epoch ZooKeeper's quorum peer last accepted ({@code acceptedEpoch} in its snapshot dir); empty for a standalone one. */
    private static OptionalLong zooKeeperEpoch(Path snapshotDir) throws StorageException {
        OptionalLong accepted = EpochFiles.read(snapshotDir, EpochFiles.ACCEPTED_EPOCH);
        OptionalLong current = EpochFiles.read(snapshotDir, EpochFiles.CURRENT_EPOCH);
        if (accepted.isEmpty() && current.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(accepted.orElse(0), current.orElse(0)));
    }

    /** The replay of logged txns after the snapshot, with the order and digest checks. */
    private static final class Replay {
        private final ZkTree tree;
        // The snapshot's digest until the replay reaches its zxid; null once checked or if there is none.
        private ZkSnapshotReader.Digest pending;
        private long lastZxid;
        private int txns;
        private int digestChecks;
        private final List<String> warnings;

        Replay(ZkTree tree, ZkSnapshotReader.Digest digest, long snapshotZxid, List<String> warnings) {
            this.tree = tree;
            this.warnings = warnings;
            // FileSnap: a digest older than the snapshot's zxid cannot be checked (a new leader's epoch snapshot).
            this.pending = digest != null && digest.zxid() >= snapshotZxid ? digest : null;
            this.lastZxid = snapshotZxid;
        }

        void apply(ZkLogReader.Record record) throws StorageException {
            long zxid = record.entry().zxid();
            if (Zxid.epoch(zxid) == Zxid.epoch(lastZxid) && zxid != lastZxid + 1) {
                throw new StorageException("ZooKeeper log " + record.file() + " at offset " + record.offset() + " holds zxid " + Zxid.hex(zxid)
                        + " after " + Zxid.hex(lastZxid) + ": the logs lack the txns between (a purged or missing log file)");
            }
            lastZxid = zxid;
            tree.apply(record.entry());
            txns++;
            if (pending != null) {
                if (zxid == pending.zxid()) {
                    checkSnapshotDigest(record.file(), record.offset());
                }
                return;
            }
            if (record.digest() != null && record.digest().version() == ZkSnapshotWriter.DIGEST_VERSION) {
                digestChecks++;
                if (record.digest().treeDigest() != tree.digest()) {
                    throw new StorageException(String.format("ZooKeeper log %s at offset %d: the tree digest ZooKeeper logged after zxid %s"
                            + " is %x, the replayed tree's is %x; the snapshot and logs do not describe one state", record.file(),
                            record.offset(), Zxid.hex(zxid), record.digest().treeDigest(), tree.digest()));
                }
            }
        }

        void checkSnapshotDigest(Path file, long offset) throws StorageException {
            ZkSnapshotReader.Digest digest = pending;
            pending = null;
            if (digest.version() != ZkSnapshotWriter.DIGEST_VERSION) {
                return;
            }
            digestChecks++;
            if (digest.value() != tree.digest()) {
                // A snapshot taken while writes went on can hold some of them and not others; ZooKeeper's own restore
                // (DataTree#compareSnapshotDigests) reports such a mismatch and goes on, and so does the import. Seen
                // in CI once, on a loaded machine; the log's digests after it are still checked.
                warnings.add(String.format("the snapshot's tree digest at zxid %s is %x, the tree replayed to it (%s%s) has %x;"
                        + " ZooKeeper reports this for a fuzzy snapshot and goes on", Zxid.hex(digest.zxid()), digest.value(), file,
                        offset < 0 ? "" : " offset " + offset, tree.digest()));
            }
        }
    }

    /**
     * Corral's image of the tree: every node reachable from "/" (a walk from the root, so a node whose
     * parent a fuzzy replay removed is left out, as ZooKeeper's clients never see it either), with
     * ZooKeeper's packed ephemeralOwner unpacked into a kind.
     */
    static TreeSnapshot toCorral(ZkTree tree, List<String> warnings) {
        Map<String, ZkNode> nodes = tree.nodes();
        List<String> paths = new ArrayList<>(nodes.size() + 3);
        List<Znode> znodes = new ArrayList<>(nodes.size() + 3);
        Deque<String> stack = new ArrayDeque<>();
        stack.push("/");
        int orphanEphemerals = 0;
        while (!stack.isEmpty()) {
            String path = stack.pop();
            ZkNode node = nodes.get(path);
            if (node == null) {
                continue;
            }
            paths.add(path);
            znodes.add(toZnode(path, node));
            if (node.sessionOwner() != 0 && !tree.sessions().containsKey(node.sessionOwner())) {
                orphanEphemerals++;
            }
            if (node.children != null) {
                for (String child : node.children) {
                    stack.push(path.equals("/") ? "/" + child : path + "/" + child);
                }
            }
        }
        if (paths.size() < nodes.size()) {
            warnings.add((nodes.size() - paths.size()) + " nodes whose parent is gone were left out");
        }
        if (orphanEphemerals > 0) {
            warnings.add(orphanEphemerals + " ephemeral nodes belong to no open session; they stay until deleted, as in ZooKeeper");
        }
        DataTree builtIns = new DataTree();
        for (String path : List.of(DataTree.ZOOKEEPER, DataTree.QUOTA, DataTree.CONFIG)) {
            if (!nodes.containsKey(path)) {
                paths.add(path);
                znodes.add(builtIns.node(path));
            }
        }
        long digest = 0;
        for (Znode znode : znodes) {
            digest += znode.hash();
        }
        return new TreeSnapshot(tree.lastProcessedZxid(), znodes.toArray(new Znode[0]),
                Map.copyOf(new HashMap<>(tree.sessions())), digest);
    }

    private static Znode toZnode(String path, ZkNode node) {
        NodeKind kind = node.isContainer() ? NodeKind.CONTAINER : node.isTtl() ? NodeKind.TTL
                : node.ephemeralOwner != 0 ? NodeKind.EPHEMERAL : NodeKind.PERSISTENT;
        return Znode.of(path, node.data, node.acl, node.czxid, node.ctime, node.mzxid, node.mtime, node.pzxid, node.version, node.cversion,
                node.aversion, kind, node.sessionOwner(), node.ttlMs());
    }
}
