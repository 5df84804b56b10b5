package dev.corral.tree;

import dev.corral.wire.Acl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The znode tree: every node by path, plus the indexes the server needs (ephemerals by session,
 * containers, TTL nodes). Only {@link TxnApplier} mutates it, one committed transaction at a time, so
 * every server that applies the same transactions holds the same tree.
 *
 * <p>Like ZooKeeper 3.9's DataTree it starts with "/", "/zookeeper", "/zookeeper/quota" and
 * "/zookeeper/config" (the last readable by anyone, writable by no one).
 *
 * <p>Invariants: every node but the root has its parent in the tree and is listed among its children;
 * an ephemeral node is indexed under its owner; {@code lastProcessedZxid} only grows.
 */
public final class DataTree {
    public static final String ZOOKEEPER = "/zookeeper";
    public static final String QUOTA = "/zookeeper/quota";
    public static final String CONFIG = "/zookeeper/config";

    private final Map<String, Znode> nodes = new HashMap<>();
    private final Map<Long, Set<String>> ephemeralsBySession = new HashMap<>();
    private final Set<String> containers = new TreeSet<>();
    private final Set<String> ttlNodes = new TreeSet<>();
    private final Map<List<Acl>, List<Acl>> aclCache = new HashMap<>();
    private long lastProcessedZxid;

    public DataTree() {
        Znode root = new Znode(new byte[0], internAcl(Acl.OPEN_ACL_UNSAFE), 0, 0, NodeKind.PERSISTENT, 0, 0);
        nodes.put(Paths.ROOT, root);
        addBuiltIn(ZOOKEEPER, Acl.OPEN_ACL_UNSAFE);
        addBuiltIn(QUOTA, Acl.OPEN_ACL_UNSAFE);
        addBuiltIn(CONFIG, Acl.READ_ACL_UNSAFE);
        // ZooKeeper sets the config node's ACL with version -1 (DataTree#addConfigNode), so clients see
        // aversion -1 there.
        nodes.get(CONFIG).setAcl(nodes.get(CONFIG).acl(), -1);
    }

    private void addBuiltIn(String path, List<Acl> acl) {
        nodes.put(path, new Znode(new byte[0], internAcl(acl), 0, 0, NodeKind.PERSISTENT, 0, 0));
        nodes.get(Paths.parent(path)).addBuiltInChild(Paths.name(path));
    }

    /** The node at {@code path}, or null. */
    public Znode node(String path) {
        return nodes.get(path);
    }

    public int nodeCount() {
        return nodes.size();
    }

    public long lastProcessedZxid() {
        return lastProcessedZxid;
    }

    /** Paths ZooKeeper never lets a client delete ({@code ZKDatabase#isSpecialPath}). */
    public static boolean isSpecialPath(String path) {
        return Paths.ROOT.equals(path) || ZOOKEEPER.equals(path) || QUOTA.equals(path) || CONFIG.equals(path);
    }

    /** The ephemerals owned by {@code sessionId}, sorted. */
    public List<String> ephemerals(long sessionId) {
        Set<String> paths = ephemeralsBySession.get(sessionId);
        return paths == null ? List.of() : new ArrayList<>(paths);
    }

    public Map<Long, Set<String>> ephemeralsBySession() {
        return Collections.unmodifiableMap(ephemeralsBySession);
    }

    public Set<String> containers() {
        return Collections.unmodifiableSet(containers);
    }

    public Set<String> ttlNodes() {
        return Collections.unmodifiableSet(ttlNodes);
    }

    /** Number of nodes strictly below {@code path} (ZooKeeper's getAllChildrenNumber). */
    public int descendantCount(String path) {
        Znode start = nodes.get(path);
        if (start == null) {
            return 0;
        }
        int count = 0;
        List<String> stack = new ArrayList<>();
        stack.add(path);
        while (!stack.isEmpty()) {
            String current = stack.remove(stack.size() - 1);
            for (String name : nodes.get(current).children()) {
                count++;
                stack.add(Paths.child(current, name));
            }
        }
        return count;
    }

    /** One shared instance per distinct ACL list, as ZooKeeper's ReferenceCountedACLCache shares them. */
    List<Acl> internAcl(List<Acl> acl) {
        List<Acl> copy = List.copyOf(acl);
        return aclCache.computeIfAbsent(copy, key -> key);
    }

    void advanceTo(long zxid) {
        Invariants.check(zxid > lastProcessedZxid, "zxid %x applied after %x", zxid, lastProcessedZxid);
        lastProcessedZxid = zxid;
    }

    Znode create(String path, byte[] data, List<Acl> acl, NodeKind kind, long ephemeralOwner, long ttlMs,
            int parentCversion, long zxid, long time) {
        String parentPath = Paths.parent(path);
        Znode parent = nodes.get(parentPath);
        Invariants.check(parent != null, "create %s without parent", path);
        Invariants.check(!nodes.containsKey(path), "create %s over an existing node", path);
        Znode node = new Znode(data, internAcl(acl), zxid, time, kind, ephemeralOwner, ttlMs);
        parent.addChild(Paths.name(path), parentCversion, zxid);
        nodes.put(path, node);
        switch (kind) {
            case EPHEMERAL -> ephemeralsBySession.computeIfAbsent(ephemeralOwner, k -> new TreeSet<>()).add(path);
            case CONTAINER -> containers.add(path);
            case TTL -> ttlNodes.add(path);
            case PERSISTENT -> { }
        }
        return node;
    }

    void delete(String path, long zxid) {
        Znode node = nodes.get(path);
        Invariants.check(node != null, "delete of missing %s", path);
        Invariants.check(node.numChildren() == 0, "delete of %s with %d children", path, node.numChildren());
        nodes.remove(path);
        nodes.get(Paths.parent(path)).removeChild(Paths.name(path), zxid);
        switch (node.kind()) {
            case EPHEMERAL -> {
                Set<String> owned = ephemeralsBySession.get(node.ephemeralOwner());
                owned.remove(path);
                if (owned.isEmpty()) {
                    ephemeralsBySession.remove(node.ephemeralOwner());
                }
            }
            case CONTAINER -> containers.remove(path);
            case TTL -> ttlNodes.remove(path);
            case PERSISTENT -> { }
        }
    }
}
