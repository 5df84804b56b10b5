package dev.corral.cli;

import dev.corral.storage.SnapshotFile;
import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.DataTree;
import dev.corral.tree.NodeKind;
import dev.corral.tree.SessionTable;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.WatchTable;
import dev.corral.wire.Acl;
import dev.corral.wire.OpCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a data directory as a server would, through the real storage and tree code: every txn is
 * applied to a tree and appended to a {@link TxnLog}; {@link #snapshot()} writes a {@link SnapshotFile}
 * of the tree and rolls the log, as the server does at a snapshot. Times start at a fixed instant and
 * advance one second per txn, so outputs are exact.
 */
final class DataDirBuilder implements AutoCloseable {
    static final long START_MS = 1_700_000_000_000L; // 2023-11-14T22:13:20.000Z

    final Path dataDir;
    private final DataTree tree = new DataTree();
    private final SessionTable sessions = new SessionTable();
    private final TxnApplier applier = new TxnApplier(tree, sessions, new WatchTable());
    private final TxnLog log;
    private long zxid;
    private int cxid;

    DataDirBuilder(Path dataDir) throws StorageException {
        this.dataDir = dataDir;
        this.log = TxnLog.open(logDir(), new TxnLog.Options(1 << 20, 1 << 16, false));
    }

    Path logDir() {
        return dataDir.resolve("corral-wal");
    }

    Path snapshotDir() {
        return dataDir.resolve("corral-snap");
    }

    long zxid() {
        return zxid;
    }

    long createSession(long sessionId, int timeoutMs) throws StorageException {
        return apply(sessionId, new Txn.CreateSession(sessionId, timeoutMs));
    }

    long create(long sessionId, String path, String data) throws StorageException {
        return apply(sessionId, createTxn(path, data, NodeKind.PERSISTENT, 0, OpCode.CREATE));
    }

    long createEphemeral(long sessionId, String path) throws StorageException {
        return apply(sessionId, createTxn(path, "", NodeKind.EPHEMERAL, sessionId, OpCode.CREATE2));
    }

    long setData(long sessionId, String path, String data) throws StorageException {
        return apply(sessionId, new Txn.SetData(path, bytes(data), tree.node(path).version() + 1));
    }

    long delete(long sessionId, String path) throws StorageException {
        return apply(sessionId, new Txn.Delete(path));
    }

    long closeSession(long sessionId) throws StorageException {
        return apply(sessionId, new Txn.CloseSession(sessionId, tree.ephemerals(sessionId)));
    }

    /** A multi of the given txns; build the creates in it with {@link #createTxn}. */
    long multi(long sessionId, Txn... txns) throws StorageException {
        return apply(sessionId, new Txn.Multi(List.of(txns)));
    }

    /** A create txn whose parent cversion accounts for the creates listed before it in the same multi. */
    Txn.Create createTxn(String path, String data, NodeKind kind, long owner, int opCode) {
        return createTxn(path, data, kind, owner, opCode, 1);
    }

    Txn.Create createTxn(String path, String data, NodeKind kind, long owner, int opCode, int nthChildInBatch) {
        String parent = path.lastIndexOf('/') == 0 ? "/" : path.substring(0, path.lastIndexOf('/'));
        return new Txn.Create(opCode, path, bytes(data), Acl.OPEN_ACL_UNSAFE, kind, owner, 0,
                tree.node(parent).cversion() + nthChildInBatch);
    }

    long apply(long sessionId, Txn txn) throws StorageException {
        zxid++;
        TxnEntry entry = new TxnEntry(zxid, START_MS + 1000 * zxid, sessionId, cxid++, txn);
        applier.apply(entry, new ArrayList<>());
        log.append(entry);
        log.sync();
        return zxid;
    }

    /** Writes a snapshot of the tree now and starts a new log segment at the next txn. */
    Path snapshot() throws StorageException {
        log.rollAtNextAppend();
        return SnapshotFile.write(snapshotDir(), tree.snapshot(sessions));
    }

    /** Writes a snapshot whose stored digest does not match its nodes. */
    Path snapshotWithWrongDigest() throws StorageException {
        TreeSnapshot good = tree.snapshot(sessions);
        return SnapshotFile.write(snapshotDir(), new TreeSnapshot(good.zxid(), good.nodes(), good.sessions(),
                good.digest() + 1));
    }

    int nodeCount() {
        return tree.nodeCount();
    }

    @Override
    public void close() throws StorageException {
        log.close();
    }

    private static byte[] bytes(String data) {
        return data.getBytes(StandardCharsets.UTF_8);
    }
}
