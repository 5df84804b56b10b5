package dev.corral.storage;

import dev.corral.tree.DataTree;
import dev.corral.tree.NodeKind;
import dev.corral.tree.Paths;
import dev.corral.tree.SessionTable;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.WatchTable;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import dev.corral.wire.OpCode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A tree and session table changed only through {@link TxnApplier}, the way every server changes them,
 * with zxids handed out from 1 in order and a txn time derived from the zxid. Each applied entry also
 * goes to {@code sink} (a log, or nothing), so a test can build a state and the log that leads to it.
 */
final class AppliedState {
    static final long TIME_BASE_MS = 1_700_000_000_000L;

    final DataTree tree = new DataTree();
    final SessionTable sessions = new SessionTable();
    private final TxnApplier applier = new TxnApplier(tree, sessions, new WatchTable());
    private final Consumer<TxnEntry> sink;
    private long zxid;

    AppliedState() {
        this(entry -> { });
    }

    AppliedState(Consumer<TxnEntry> sink) {
        this.sink = sink;
    }

    long zxid() {
        return zxid;
    }

    TreeImage image() {
        return TreeImage.of(tree, sessions);
    }

    void apply(long sessionId, Txn txn) {
        TxnEntry entry = new TxnEntry(++zxid, TIME_BASE_MS + zxid, sessionId, (int) zxid, txn);
        applier.apply(entry, new ArrayList<>());
        sink.accept(entry);
    }

    void createSession(long sessionId, int timeoutMs) {
        apply(sessionId, new Txn.CreateSession(sessionId, timeoutMs));
    }

    void closeSession(long sessionId) {
        apply(sessionId, new Txn.CloseSession(sessionId, tree.ephemerals(sessionId)));
    }

    /** The txn that creates {@code path}, with the parent's cversion as the preparer would fix it. */
    Txn.Create createTxn(String path, byte[] data, List<Acl> acl, NodeKind kind, long owner, long ttlMs) {
        Znode parent = tree.node(Paths.parent(path));
        return new Txn.Create(Txn.Create.typeFor(kind, OpCode.CREATE2), path, data, acl, kind, owner, ttlMs,
                parent.cversion() + 1);
    }

    void create(String path, byte[] data, List<Acl> acl, NodeKind kind, long owner, long ttlMs) {
        apply(owner, createTxn(path, data, acl, kind, owner, ttlMs));
    }

    void create(String path, byte[] data) {
        create(path, data, Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0);
    }

    void setData(String path, byte[] data) {
        apply(0, new Txn.SetData(path, data, tree.node(path).version() + 1));
    }

    void setAcl(String path, List<Acl> acl) {
        apply(0, new Txn.SetAcl(path, acl, tree.node(path).aversion() + 1));
    }

    void delete(String path) {
        apply(0, new Txn.Delete(path));
    }
}
