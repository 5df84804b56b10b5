package dev.corral.storage.zookeeper;

import dev.corral.tree.Txn;
import dev.corral.tree.TxnEntry;
import dev.corral.wire.Acl;
import dev.corral.wire.OpCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ZooKeeper's data tree and session table as its restore rebuilds them (ZooKeeper 3.9:
 * {@code FileTxnSnapLog#processTransaction} and {@code DataTree#processTxn}), kept only to import a
 * ZooKeeper data directory.
 *
 * <p>Why not Corral's own {@code DataTree}: a ZooKeeper snapshot is fuzzy. It is written while txns are
 * applied, so it may already hold changes of txns after its zxid, and replaying those must not fail.
 * ZooKeeper's replay tolerates it: a create of an existing node, a delete or setData of a missing one,
 * are ignored (a plain create of an existing node still raises the parent's cversion and pzxid, as
 * {@code DataTree#processTxn} does after NODEEXISTS). Corral's applier, which only ever applies txns it
 * prepared itself, rightly treats each of those as a broken invariant. This class reproduces ZooKeeper's
 * behaviour step by step, including its tree digest, so that the digests ZooKeeper wrote can be checked.
 *
 * <p>Invariants: every node but "/" has its parent, which lists its name; {@code digest} is the sum of
 * every node's {@link ZkNode#digest}; {@code ephemerals} indexes every node owned by a session.
 */
final class ZkTree {
    private final Map<String, ZkNode> nodes = new HashMap<>();
    private final Map<Long, Set<String>> ephemerals = new HashMap<>();
    private final Map<Long, Integer> sessions = new HashMap<>();
    private final Map<List<Acl>, List<Acl>> acls = new HashMap<>();
    private long digest;
    private long lastProcessedZxid;

    Map<String, ZkNode> nodes() {
        return nodes;
    }

    Map<Long, Integer> sessions() {
        return sessions;
    }

    long digest() {
        return digest;
    }

    long lastProcessedZxid() {
        return lastProcessedZxid;
    }

    void setLastProcessedZxid(long zxid) {
        lastProcessedZxid = zxid;
    }

    /** Adds a node read from a snapshot; its parent must already be there, as snapshots list parents first. */
    boolean load(String path, ZkNode node) {
        node.acl = intern(node.acl);
        if (!path.equals("/")) {
            ZkNode parent = nodes.get(parentOf(path));
            if (parent == null) {
                return false;
            }
            parent.addChild(nameOf(path));
        }
        nodes.put(path, node);
        digest += node.digest(path);
        index(path, node);
        return true;
    }

    /** Applies one logged txn as ZooKeeper's restore does, ignoring the failures a fuzzy snapshot causes. */
    void apply(TxnEntry entry) {
        Txn txn = entry.txn();
        if (txn instanceof Txn.CreateSession create) {
            sessions.put(create.sessionId(), create.timeoutMs());
        } else if (txn instanceof Txn.CloseSession close) {
            sessions.remove(close.sessionId());
            killSession(close.sessionId(), close.ephemerals(), entry.zxid());
        } else {
            applyNodeTxn(txn, entry);
        }
        lastProcessedZxid = Math.max(lastProcessedZxid, entry.zxid());
    }

    private void applyNodeTxn(Txn txn, TxnEntry entry) {
        long zxid = entry.zxid();
        if (txn instanceof Txn.Create create) {
            long owner = switch (create.kind()) {
                case EPHEMERAL -> entry.sessionId();
                case CONTAINER -> ZkNode.CONTAINER_OWNER;
                case TTL -> ZkNode.ttlOwner(create.ttlMs());
                case PERSISTENT -> 0;
            };
            boolean exists = !createNode(create.path(), create.data(), create.acl(), owner, create.parentCversion(), zxid, entry.timeMs());
            if (exists && create.type() == OpCode.CREATE) {
                // DataTree#processTxn: the node was re-created after the snapshot copied its parent; take
                // the parent's cversion and pzxid from the txn.
                ZkNode parent = nodes.get(parentOf(create.path()));
                if (parent != null && create.parentCversion() > parent.cversion) {
                    change(parentOf(create.path()), parent, () -> {
                        parent.cversion = create.parentCversion();
                        parent.pzxid = zxid;
                    });
                }
            }
        } else if (txn instanceof Txn.Delete delete) {
            deleteNode(delete.path(), zxid);
        } else if (txn instanceof Txn.SetData setData) {
            ZkNode node = nodes.get(setData.path());
            if (node != null) {
                change(setData.path(), node, () -> {
                    node.data = setData.data();
                    node.mtime = entry.timeMs();
                    node.mzxid = zxid;
                    node.version = setData.version();
                });
            }
        } else if (txn instanceof Txn.SetAcl setAcl) {
            ZkNode node = nodes.get(setAcl.path());
            if (node != null) {
                change(setAcl.path(), node, () -> {
                    node.aversion = setAcl.aversion();
                    node.acl = intern(setAcl.acl());
                });
            }
        } else if (txn instanceof Txn.Multi multi) {
            for (Txn sub : multi.txns()) {
                applyNodeTxn(sub, entry);
            }
        }
        // Check and Error change nothing.
    }

    /** DataTree#createNode; false (and the existing node's ACL replaced, as ZooKeeper does) if the node exists or has no parent. */
    private boolean createNode(String path, byte[] data, List<Acl> acl, long owner, int parentCversion, long zxid, long time) {
        String parentPath = parentOf(path);
        ZkNode parent = nodes.get(parentPath);
        if (parent == null) {
            return false;
        }
        ZkNode existing = nodes.get(path);
        if (existing != null) {
            // ZooKeeper sets the ACL reference without a digest update (DataTree#createNode); the ACL is not in the digest.
            existing.acl = intern(acl);
            return false;
        }
        change(parentPath, parent, () -> {
            int cversion = parentCversion == -1 ? parent.cversion + 1 : parentCversion;
            if (cversion > parent.cversion) {
                parent.cversion = cversion;
                parent.pzxid = zxid;
            }
            parent.addChild(nameOf(path));
        });
        ZkNode node = new ZkNode(data, intern(acl), zxid, zxid, time, time, 0, 0, 0, owner, zxid);
        nodes.put(path, node);
        digest += node.digest(path);
        index(path, node);
        return true;
    }

    /** DataTree#deleteNode: the parent forgets the name and moves its pzxid even if the node is already gone. */
    private void deleteNode(String path, long zxid) {
        String parentPath = parentOf(path);
        ZkNode parent = nodes.get(parentPath);
        if (parent == null) {
            return;
        }
        change(parentPath, parent, () -> {
            parent.removeChild(nameOf(path));
            if (zxid > parent.pzxid) {
                parent.pzxid = zxid;
            }
        });
        ZkNode node = nodes.remove(path);
        if (node == null) {
            return;
        }
        digest -= node.digest(path);
        long session = node.sessionOwner();
        if (session != 0) {
            Set<String> owned = ephemerals.get(session);
            if (owned != null) {
                owned.remove(path);
            }
        }
    }

    /** DataTree#killSession: the paths the txn lists, then those the tree still indexes under the session. */
    private void killSession(long sessionId, List<String> pathsInTxn, long zxid) {
        Set<String> local = ephemerals.remove(sessionId);
        for (String path : pathsInTxn) {
            deleteNode(path, zxid);
        }
        if (local != null) {
            List<String> rest = new ArrayList<>(local);
            rest.removeAll(pathsInTxn);
            for (String path : rest) {
                deleteNode(path, zxid);
            }
        }
    }

    private void change(String path, ZkNode node, Runnable mutation) {
        digest -= node.digest(path);
        mutation.run();
        digest += node.digest(path);
    }

    private void index(String path, ZkNode node) {
        long session = node.sessionOwner();
        if (session != 0) {
            ephemerals.computeIfAbsent(session, k -> new HashSet<>()).add(path);
        }
    }

    private List<Acl> intern(List<Acl> acl) {
        return acls.computeIfAbsent(List.copyOf(acl), key -> key);
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
