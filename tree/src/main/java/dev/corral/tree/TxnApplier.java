package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies committed txns to the tree and the session table, in zxid order, and reports the watch events
 * they trigger. Apply decides nothing: every value it writes is in the txn, so all servers reach the same
 * state. Watch triggers follow ZooKeeper 3.9's {@code DataTree#createNode}, {@code deleteNode} and
 * {@code setData}: the node's own data watches first, then its child watches on delete, then the parent's
 * child watches.
 */
public final class TxnApplier {
    private final DataTree tree;
    private final SessionTable sessions;
    private final WatchTable watches;

    public TxnApplier(DataTree tree, SessionTable sessions, WatchTable watches) {
        this.tree = tree;
        this.sessions = sessions;
        this.watches = watches;
    }

    /** Applies {@code entry}; watch events go to {@code events} in the order clients must see them. */
    public TxnResult apply(TxnEntry entry, List<WatchEvent> events) {
        return apply(entry, events, true);
    }

    /**
     * {@link #apply(TxnEntry, List)}; without {@code stats} the results hold no Stat (null), for a txn whose
     * results nobody reads: another server's, or one replayed from the log, where a Stat per txn was garbage.
     */
    public TxnResult apply(TxnEntry entry, List<WatchEvent> events, boolean stats) {
        tree.advanceTo(entry.zxid());
        return applyOne(entry.txn(), entry, events, stats);
    }

    private TxnResult applyOne(Txn txn, TxnEntry entry, List<WatchEvent> events, boolean stats) {
        long zxid = entry.zxid();
        if (txn instanceof Txn.Create create) {
            Znode node = tree.create(create.path(), create.data(), create.acl(), create.kind(), create.ephemeralOwner(),
                    create.ttlMs(), create.parentCversion(), zxid, entry.timeMs());
            if (!watches.isEmpty()) {
                String parent = Paths.parent(create.path());
                watches.triggerData(create.path(), WatchEvent.NODE_CREATED, zxid, null, events, node.acl());
                watches.triggerChildren(parent, WatchEvent.NODE_CHILDREN_CHANGED, zxid, null, events, tree.node(parent).acl());
            }
            return new TxnResult(ErrorCode.OK, create.path(), stats ? node.stat() : null, null);
        } else if (txn instanceof Txn.Delete delete) {
            deleteNode(delete.path(), zxid, events);
            return TxnResult.OK;
        } else if (txn instanceof Txn.SetData setData) {
            Znode node = tree.setData(setData.path(), setData.data(), setData.version(), zxid, entry.timeMs());
            watches.triggerData(setData.path(), WatchEvent.NODE_DATA_CHANGED, zxid, null, events, node.acl());
            return new TxnResult(ErrorCode.OK, setData.path(), stats ? node.stat() : null, null);
        } else if (txn instanceof Txn.SetAcl setAcl) {
            Znode node = tree.setAcl(setAcl.path(), setAcl.acl(), setAcl.aversion());
            return new TxnResult(ErrorCode.OK, setAcl.path(), stats ? node.stat() : null, null);
        } else if (txn instanceof Txn.Check) {
            return TxnResult.OK;
        } else if (txn instanceof Txn.Error error) {
            return TxnResult.error(error.err());
        } else if (txn instanceof Txn.Multi multi) {
            return applyMulti(multi, entry, events, stats);
        } else if (txn instanceof Txn.CreateSession createSession) {
            sessions.add(createSession.sessionId(), createSession.timeoutMs());
            return TxnResult.OK;
        } else if (txn instanceof Txn.CloseSession close) {
            closeSession(close, zxid, events);
            return TxnResult.OK;
        }
        throw new IllegalStateException("unknown txn " + txn);
    }

    private TxnResult applyMulti(Txn.Multi multi, TxnEntry entry, List<WatchEvent> events, boolean stats) {
        List<TxnResult> results = new ArrayList<>(multi.txns().size());
        int err = ErrorCode.OK;
        for (Txn sub : multi.txns()) {
            Invariants.check(!(sub instanceof Txn.Multi), "nested multi at %x", entry.zxid());
            TxnResult result = applyOne(sub, entry, events, stats);
            if (err == ErrorCode.OK && result.err() != ErrorCode.OK) {
                err = result.err();
            }
            results.add(result);
        }
        Invariants.check(multi.failed() || err == ErrorCode.OK, "multi at %x failed in apply", entry.zxid());
        return new TxnResult(err, null, null, results);
    }

    private void closeSession(Txn.CloseSession close, long zxid, List<WatchEvent> events) {
        Set<String> paths = new LinkedHashSet<>(close.ephemerals());
        paths.addAll(tree.ephemerals(close.sessionId()));
        for (String path : paths) {
            Znode node = tree.node(path);
            if (node != null && node.ephemeralOwner() == close.sessionId()) {
                deleteNode(path, zxid, events);
            }
        }
        sessions.remove(close.sessionId());
    }

    private void deleteNode(String path, long zxid, List<WatchEvent> events) {
        List<Acl> acl = existing(path).acl();
        tree.delete(path, zxid);
        if (watches.isEmpty()) {
            return;
        }
        String parent = Paths.parent(path);
        Set<Long> notified = watches.triggerData(path, WatchEvent.NODE_DELETED, zxid, null, events, acl);
        watches.triggerChildren(path, WatchEvent.NODE_DELETED, zxid, notified, events, acl);
        watches.triggerChildren(parent, WatchEvent.NODE_CHILDREN_CHANGED, zxid, null, events, tree.node(parent).acl());
    }

    private Znode existing(String path) {
        Znode node = tree.node(path);
        Invariants.check(node != null, "txn on missing node %s", path);
        return node;
    }
}
