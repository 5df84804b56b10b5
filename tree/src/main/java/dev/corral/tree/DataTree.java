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

    private final NodeIndex nodes = new NodeIndex();
    private final Map<Long, Set<String>> ephemeralsBySession = new HashMap<>();
    private final Set<String> containers = new TreeSet<>();
    private final Set<String> ttlNodes = new TreeSet<>();
    private final Map<List<Acl>, List<Acl>> aclCache = new HashMap<>();
    // The list internAcl returned last; null after the cache is cleared.
    private List<Acl> lastInternedAcl;
    private final QuotaStats quotas = new QuotaStats();
    private long lastProcessedZxid;
    // Invariant: digest == recomputeDigest().
    private long digest;
    private long approximateDataSize;

    public DataTree() {
        addBuiltIns();
    }

    /** The nodes every tree starts with, as ZooKeeper 3.9's DataTree constructor makes them. */
    private void addBuiltIns() {
        put(Paths.ROOT, Znode.created(Paths.ROOT, new byte[0], internAcl(Acl.OPEN_ACL_UNSAFE), 0, 0, NodeKind.PERSISTENT, 0, 0));
        addBuiltIn(ZOOKEEPER, Acl.OPEN_ACL_UNSAFE);
        addBuiltIn(QUOTA, Acl.OPEN_ACL_UNSAFE);
        addBuiltIn(CONFIG, Acl.READ_ACL_UNSAFE);
        // ZooKeeper sets the config node's ACL with version -1 (DataTree#addConfigNode), so clients see
        // aversion -1 there.
        put(CONFIG, nodes.get(CONFIG).withAcl(nodes.get(CONFIG).acl(), -1));
    }

    /**
     * Sets the data of /zookeeper/config to an ensemble's configuration, as ZooKeeper's
     * ZKDatabase#initConfigInZKDatabase does at start and after a snapshot from the leader: outside any txn,
     * with mzxid the configuration's version and Stat version -1 (DataTree#setData with version -1). mtime
     * is 0 rather than ZooKeeper's wall clock, so that every member's tree, and so its digest, is the same.
     */
    public void initConfig(byte[] data, long configVersion) {
        put(CONFIG, nodes.get(CONFIG).withData(data, -1, configVersion, 0));
    }

    private void addBuiltIn(String path, List<Acl> acl) {
        int slot = put(path, Znode.created(path, new byte[0], internAcl(acl), 0, 0, NodeKind.PERSISTENT, 0, 0));
        nodes.get(Paths.parent(path)).linkChild(nodes, slot);
    }

    /**
     * The tree's digest: the sum of every node's {@link Znode#hash}. Kept up to date on every change, so
     * a snapshot carries it and loading the snapshot recomputes and compares it.
     */
    public long digest() {
        return digest;
    }

    /** Recomputes the digest from every node, to check the running one. */
    public long recomputeDigest() {
        long[] sum = {0};
        nodes.forEach(node -> sum[0] += node.hash());
        return sum[0];
    }

    /**
     * A consistent image of the tree at {@link #lastProcessedZxid()}: a copy of the index's slot arrays
     * (node references only, about a millisecond per million znodes). The nodes are immutable, so another
     * thread may write the image out while the tree goes on changing.
     */
    public TreeSnapshot snapshot(SessionTable sessions) {
        NodeIndex.Image image = nodes.image();
        return new TreeSnapshot(lastProcessedZxid, image.nodes(), Map.copyOf(sessions.all()), digest);
    }

    /**
     * Replaces this tree's contents with the nodes of a snapshot, relinking children and rebuilding the
     * indexes, and checks the digest the snapshot was written with. The tree keeps copies of the nodes
     * with child sets of its own, so it is independent of wherever the nodes came from, another live tree
     * included.
     */
    public void load(long zxid, List<Znode> values, long expectedDigest) {
        empty(values.size());
        Loader loader = new Loader(true);
        for (Znode node : values) {
            loader.add(node);
        }
        loader.finish(zxid, expectedDigest);
    }

    /**
     * Empties this tree for a snapshot's nodes, which the returned loader takes as they are read, one or a
     * batch at a time ({@link #load} with the nodes in hand), so that reading a file and building the tree
     * can overlap.
     * Until {@link Loader#finish} the tree is not whole; a load that fails, in the loader or in the reading,
     * leaves it as a new tree ({@link Loader#abandon}). For a snapshot file this server wrote: unlike
     * {@link #load}, it does not compare each path with those already loaded, and relies on the digest to
     * refuse a file that holds one twice ({@link NodeIndex#insertLoaded}).
     */
    public Loader loader(int expectedNodes) {
        empty(expectedNodes);
        return new Loader(false);
    }

    private void empty(int expectedNodes) {
        nodes.clear(expectedNodes);
        ephemeralsBySession.clear();
        containers.clear();
        ttlNodes.clear();
        quotas.clear();
        // The ACLs of the nodes being replaced are interned no more; the snapshot's own lists become the
        // shared ones, so that its nodes are taken without a copy where they can be (Znode#loadedCopy).
        aclCache.clear();
        lastInternedAcl = null;
        digest = 0;
        approximateDataSize = 0;
    }

    /** Takes a snapshot's nodes into the tree: {@link #add} or {@link #addAll} them in order, then {@link #finish} once. */
    public final class Loader {
        // How many nodes are indexed and linked together (see flush).
        private static final int BATCH = 64;
        private static final String QUOTA_PREFIX = QUOTA + "/";
        private boolean done;
        // The last ACL list taken and its interned instance: a snapshot's reader shares one list among the
        // nodes of an equal ACL, so an identity check spares hashing the list for nearly every node.
        private List<Acl> lastAcl;
        private List<Acl> lastInterned;

        // Whether each node's path is checked against those already loaded (see NodeIndex#insertLoaded).
        private final boolean checkPaths;
        // The last node linked by way of a lookup of its parent, and that parent (null if not loaded yet).
        private Znode previous;
        private Znode previousParent;
        // The slots of nodes loaded before their parents: [0, unlinkedCount) of unlinked.
        private int[] unlinked = new int[0];
        private int unlinkedCount;
        // The nodes added since the last flush, [0, batched) of batch, and the slots a flush gave them.
        private final Znode[] batch = new Znode[BATCH];
        private final int[] slots = new int[BATCH];
        private int batched;
        // add's one node, as addAll takes it.
        private final Znode[] single = new Znode[1];
        // What the child sets' first reads summed to (see ChildSet#addLoaded): kept so they count as used.
        private int touched;

        private Loader(boolean checkPaths) {
            this.checkPaths = checkPaths;
        }

        /**
         * The next node of the snapshot. It is indexed and linked to its parent with the nodes added around it
         * (see {@link #flush}), at the latest when the load finishes ({@link #finish}), and to a parent that
         * comes after it in the file only then; linking as the nodes come lets it overlap with the reading of
         * the file. No String of its path is made unless it is indexed by path (ephemeral, container, TTL,
         * quota) or its parent is not the previous node's.
         */
        public void add(Znode node) {
            single[0] = node;
            try {
                addAll(single, 1);
            } finally {
                single[0] = null;
            }
        }

        /**
         * The next {@code count} nodes of the snapshot, {@code nodes[0, count)}, each taken as {@link #add}
         * says: the loop a recovery's reader hands its batches to. One node's work is written out in it, so
         * that the compiler makes one method of the load: a method per node called from here was compiled on
         * its own and again inlined into its caller, some 90 ms of C2's time in a million-znode restart.
         */
        public void addAll(Znode[] nodes, int count) {
            Invariants.check(!done, "node added after the load ended");
            try {
                for (int i = 0; i < count; i++) {
                    Znode node = nodes[i];
                    if (node.acl() != lastAcl) {
                        lastAcl = node.acl();
                        lastInterned = internAcl(lastAcl);
                    }
                    Znode copy = node.loadedCopy(lastInterned);
                    digest += copy.hash();
                    approximateDataSize += copy.pathChars() + copy.dataLength();
                    if (copy.kind() != NodeKind.PERSISTENT) {
                        index(copy.path(), copy);
                    }
                    if (copy.pathStartsWith(QUOTA_PREFIX)) {
                        addQuotaRoot(copy);
                    }
                    batch[batched++] = copy;
                    if (batched == BATCH) {
                        flush();
                    }
                }
            } catch (RuntimeException e) {
                abandon();
                throw e;
            }
        }

        private void addQuotaRoot(Znode node) {
            String quotaRoot = QuotaStats.rootOf(node.path(), QuotaStats.LIMITS_NODE);
            if (quotaRoot != null) {
                quotas.addRoot(quotaRoot);
            }
        }

        /**
         * Links every node to its parent and checks the tree against the snapshot's digest; the tree is
         * then at {@code zxid}. A node without its parent, no root or another digest leave a new tree and
         * throw.
         */
        public void finish(long zxid, long expectedDigest) {
            Invariants.check(!done, "load finished twice");
            try {
                flush();
                linkChildren();
                Invariants.check(nodes.containsKey(Paths.ROOT), "snapshot without a root");
                Invariants.check(digest == expectedDigest, "snapshot digest %x but its nodes hash to %x", expectedDigest, digest);
            } catch (RuntimeException e) {
                abandon();
                throw e;
            }
            done = true;
            lastProcessedZxid = zxid;
        }

        /**
         * Indexes the batch's nodes and links each to its parent if that is loaded, else keeps it for
         * {@link #finish}. Both go a batch at a time so that their first reads of the index's and the child
         * sets' tables, each a cache miss in a large tree, are made together ({@link NodeIndex#insertLoaded(Znode[],
         * int, boolean, int[])}). Siblings mostly lie next to each other in a snapshot (slots are handed out
         * in creation order), so the previous node's parent is tried first: no String and no lookup when it
         * is the same one, and a run of siblings is linked in one call.
         */
        private void flush() {
            nodes.insertLoaded(batch, batched, checkPaths, slots);
            int k = 0;
            while (k < batched) {
                Znode node = batch[k];
                if (node.isRoot()) {
                    k++;
                    continue;
                }
                if (previous == null || !node.sameParent(previous)) {
                    previous = node;
                    previousParent = nodes.get(node.parentPath());
                }
                int end = k + 1;
                while (end < batched && !batch[end].isRoot() && batch[end].sameParent(node)) {
                    end++;
                }
                if (previousParent == null) {
                    for (int i = k; i < end; i++) {
                        unlinked = unlinked.length == unlinkedCount ? java.util.Arrays.copyOf(unlinked, 2 * unlinkedCount + 16) : unlinked;
                        unlinked[unlinkedCount++] = slots[i];
                    }
                } else {
                    touched += previousParent.linkChildren(nodes, slots, k, end);
                }
                k = end;
            }
            java.util.Arrays.fill(batch, 0, batched, null);
            batched = 0;
        }

        /** Links the nodes whose parent came after them in the snapshot; every parent is loaded by now. */
        private void linkChildren() {
            for (int i = 0; i < unlinkedCount; i++) {
                Znode node = nodes.node(unlinked[i]);
                Znode parent = nodes.get(node.parentPath());
                Invariants.check(parent != null, "snapshot node %s without its parent", node.path());
                parent.linkChild(nodes, unlinked[i]);
            }
            unlinkedCount = 0;
        }

        /** Gives up this load: the tree is as a new one, at zxid 0 (what it held before the load is gone). */
        public void abandon() {
            done = true;
            previous = null;
            previousParent = null;
            unlinked = new int[0];
            unlinkedCount = 0;
            java.util.Arrays.fill(batch, null);
            batched = 0;
            empty(0);
            lastProcessedZxid = 0;
            addBuiltIns();
        }
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
        List<Znode> stack = new ArrayList<>();
        stack.add(start);
        int count = -1;
        while (!stack.isEmpty()) {
            count++;
            stack.remove(stack.size() - 1).forEachChild(stack::add);
        }
        return count;
    }

    /** One shared instance per distinct ACL list, as ZooKeeper's ReferenceCountedACLCache shares them. */
    List<Acl> internAcl(List<Acl> acl) {
        // Most writes carry the ACL the one before carried: compared with it, the list is neither copied nor hashed.
        List<Acl> last = lastInternedAcl;
        if (last != null && (acl == last || acl.equals(last))) {
            return last;
        }
        List<Acl> copy = List.copyOf(acl);
        List<Acl> interned = aclCache.computeIfAbsent(copy, key -> key);
        lastInternedAcl = interned;
        return interned;
    }

    void advanceTo(long zxid) {
        Invariants.check(zxid > lastProcessedZxid, "zxid %x applied after %x", zxid, lastProcessedZxid);
        lastProcessedZxid = zxid;
    }

    Znode create(String path, byte[] data, List<Acl> acl, NodeKind kind, long ephemeralOwner, long ttlMs,
            int parentCversion, long zxid, long time) {
        String parentPath = Paths.parent(path);
        int parentSlot = nodes.slot(parentPath);
        Invariants.check(parentSlot >= 0, "create %s without parent", path);
        Znode parent = nodes.node(parentSlot);
        Znode node = Znode.created(path, data, internAcl(acl), zxid, time, kind, ephemeralOwner, ttlMs);
        int slot = insert(path, node);
        replace(parentSlot, parentPath, parent, parent.withChildAdded(nodes, slot, parentCversion, zxid));
        index(path, node);
        String limitsOf = QuotaStats.rootOf(path, QuotaStats.LIMITS_NODE);
        if (limitsOf != null) {
            quotas.addRoot(limitsOf);
        }
        String statsOf = QuotaStats.rootOf(path, QuotaStats.STATS_NODE);
        if (statsOf != null) {
            recountQuota(statsOf);
        }
        addToQuotaStats(path, 1, data == null ? 0 : data.length);
        return node;
    }

    void delete(String path, long zxid) {
        int slot = nodes.slot(path);
        Invariants.check(slot >= 0, "delete of missing %s", path);
        Znode node = nodes.node(slot);
        Invariants.check(node.numChildren() == 0, "delete of %s with %d children", path, node.numChildren());
        String parentPath = Paths.parent(path);
        int parentSlot = nodes.slot(parentPath);
        Znode parent = nodes.node(parentSlot);
        replace(parentSlot, parentPath, parent, parent.withChildRemoved(slot, zxid));
        Znode removed = nodes.remove(path);
        digest -= removed.hash();
        approximateDataSize -= size(path, removed);
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
        String limitsOf = QuotaStats.rootOf(path, QuotaStats.LIMITS_NODE);
        if (limitsOf != null) {
            quotas.removeRoot(limitsOf);
        }
        addToQuotaStats(path, -1, -node.dataLength());
    }

    Znode setData(String path, byte[] data, int version, long zxid, long time) {
        Znode node = nodes.get(path);
        Invariants.check(node != null, "setData of missing %s", path);
        Znode updated = node.withData(data, version, zxid, time);
        put(path, updated);
        addToQuotaStats(path, 0, (data == null ? 0 : data.length) - node.dataLength());
        return updated;
    }

    Znode setAcl(String path, List<Acl> acl, int aversion) {
        Znode node = nodes.get(path);
        Invariants.check(node != null, "setACL of missing %s", path);
        Znode updated = node.withAcl(internAcl(acl), aversion);
        put(path, updated);
        return updated;
    }

    /**
     * Sets the stats node of the quota on {@code root} to the count and bytes of {@code root}'s subtree
     * (ZooKeeper's updateQuotaForPath), as when setquota creates it.
     */
    private void recountQuota(String root) {
        long count = 0;
        long bytes = 0;
        Znode top = nodes.get(root);
        if (top != null) {
            List<Znode> stack = new ArrayList<>(List.of(top));
            while (!stack.isEmpty()) {
                Znode node = stack.remove(stack.size() - 1);
                count++;
                bytes += node.dataLength();
                node.forEachChild(stack::add);
            }
        }
        replaceStats(root, QuotaStats.statsData(count, bytes));
    }

    /** Adds to the stats of the deepest quota root at or above {@code path} (ZooKeeper's updateQuotaStat). */
    private void addToQuotaStats(String path, long countDiff, long bytesDiff) {
        String root = quotas.deepestRoot(path);
        if (root != null) {
            Znode stats = nodes.get(QuotaStats.statsPath(root));
            replaceStats(root, stats == null ? null : QuotaStats.adjusted(stats.data(), countDiff, bytesDiff));
        }
    }

    private void replaceStats(String root, byte[] data) {
        String statsPath = QuotaStats.statsPath(root);
        Znode stats = nodes.get(statsPath);
        if (stats != null && data != null) {
            put(statsPath, stats.withQuotaStats(data));
        }
    }

    /** Puts a new version of the node at {@code path} in the tree, or a new node; returns its slot. */
    private int put(String path, Znode node) {
        int slot = nodes.slot(path);
        if (slot < 0) {
            return insert(path, node);
        }
        replace(slot, path, nodes.node(slot), node);
        return slot;
    }

    /** Puts {@code node}, a new version of {@code previous}, the node at {@code path}, in its slot. */
    private void replace(int slot, String path, Znode previous, Znode node) {
        nodes.replace(slot, node);
        digest += node.hash() - previous.hash();
        approximateDataSize += size(path, node) - size(path, previous);
    }

    /** Adds the node at {@code path}, which the tree does not hold; returns its slot. */
    private int insert(String path, Znode node) {
        int slot = nodes.insert(path, node);
        digest += node.hash();
        approximateDataSize += size(path, node);
        return slot;
    }

    private static long size(String path, Znode node) {
        return path.length() + node.dataLength();
    }

    /** The sum of path lengths and data sizes, as ZooKeeper's approximateDataSize counts it. */
    public long approximateDataSize() {
        return approximateDataSize;
    }

    private void index(String path, Znode node) {
        switch (node.kind()) {
            case EPHEMERAL -> ephemeralsBySession.computeIfAbsent(node.ephemeralOwner(), k -> new TreeSet<>()).add(path);
            case CONTAINER -> containers.add(path);
            case TTL -> ttlNodes.add(path);
            case PERSISTENT -> { }
        }
    }
}
