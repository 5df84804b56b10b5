package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DataTree#snapshot} and {@link DataTree#load}: a snapshot is an image of the tree at one zxid
 * that later changes to the tree do not reach (the nodes are immutable, which is what lets another
 * thread write it out while the node loop goes on); loading an image rebuilds the same tree, children
 * and indexes included, and refuses an image whose nodes do not hash to its digest or do not form a tree.
 */
class TreeSnapshotTest {
    private static final long OWNER = 0x0300_0000_0000_0001L;
    private static final long OTHER_OWNER = 0x0300_0000_0000_0002L;
    private static final List<Acl> DIGEST_ACL = List.of(new Acl(Acl.ALL, new Id("digest", "u:hash")));

    private DataTree tree;
    private SessionTable sessions;
    private long zxid;

    @BeforeEach
    void build() {
        tree = new DataTree();
        sessions = new SessionTable();
        sessions.add(OWNER, 5_000);
        sessions.add(OTHER_OWNER, 9_000);
        create("/a", "a", NodeKind.PERSISTENT, 0, 0);
        create("/a/b", "b", NodeKind.PERSISTENT, 0, 0);
        create("/a/eph", "e", NodeKind.EPHEMERAL, OWNER, 0);
        create("/box", "", NodeKind.CONTAINER, 0, 0);
        create("/box/item", "i", NodeKind.PERSISTENT, 0, 0);
        create("/ttl", "t", NodeKind.TTL, 0, 60_000);
        create("/other-eph", "o", NodeKind.EPHEMERAL, OTHER_OWNER, 0);
        tree.advanceTo(++zxid);
        tree.setData("/a", null, 1, zxid, time());
        tree.advanceTo(++zxid);
        tree.setAcl("/a/b", DIGEST_ACL, 1);
    }

    private long time() {
        return 1_700_000_000_000L + zxid;
    }

    private void create(String path, String data, NodeKind kind, long owner, long ttlMs) {
        tree.advanceTo(++zxid);
        Znode parent = tree.node(Paths.parent(path));
        tree.create(path, data.getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE, kind, owner, ttlMs, parent.cversion() + 1,
                zxid, time());
    }

    /** What a snapshot file keeps of a node: everything but its children, which follow from the paths. */
    record Written(String path, String data, List<Acl> acl, long czxid, long ctime, long mzxid, long mtime, long pzxid, int version,
            int cversion, int aversion, NodeKind kind, long owner, long ttlMs) {
        static Written of(String path, Znode node) {
            return new Written(path, node.data() == null ? null : new String(node.data(), StandardCharsets.UTF_8), node.acl(),
                    node.czxid(), node.ctime(), node.mzxid(), node.mtime(), node.pzxid(), node.version(), node.cversion(),
                    node.aversion(), node.kind(), node.ephemeralOwner(), node.ttlMs());
        }
    }

    static List<Written> written(TreeSnapshot snapshot) {
        List<Written> written = new ArrayList<>();
        snapshot.forEach(node -> written.add(Written.of(node.path(), node)));
        written.sort((x, y) -> x.path().compareTo(y.path()));
        return written;
    }

    static long hashSum(TreeSnapshot snapshot) {
        long[] sum = {0};
        snapshot.forEach(node -> sum[0] += node.hash());
        return sum[0];
    }

    /** Fresh nodes equal to the snapshot's, as a snapshot file reads them back. */
    static List<Znode> copies(TreeSnapshot snapshot) {
        List<Znode> copies = new ArrayList<>();
        snapshot.forEach(n -> copies.add(Znode.of(n.path(), n.data(), n.acl(), n.czxid(), n.ctime(), n.mzxid(), n.mtime(),
                n.pzxid(), n.version(), n.cversion(), n.aversion(), n.kind(), n.ephemeralOwner(), n.ttlMs())));
        return copies;
    }

    /** The snapshot's paths in the order of {@link #copies}, free entries left out. */
    static List<String> pathsOf(TreeSnapshot snapshot) {
        List<String> paths = new ArrayList<>();
        snapshot.forEach(node -> paths.add(node.path()));
        return paths;
    }

    @Test
    void aSnapshotKeepsTheStateAtItsZxidWhileTheTreeGoesOnChanging() {
        TreeSnapshot snapshot = tree.snapshot(sessions);
        List<Written> before = written(snapshot);
        long zxidBefore = tree.lastProcessedZxid();
        assertThat(snapshot.zxid()).isEqualTo(zxidBefore);
        assertThat(hashSum(snapshot)).isEqualTo(snapshot.digest()).isEqualTo(tree.digest());

        tree.advanceTo(++zxid);
        tree.setData("/a/b", "changed".getBytes(StandardCharsets.UTF_8), 1, zxid, time());
        tree.advanceTo(++zxid);
        tree.setAcl("/box", DIGEST_ACL, 1);
        tree.advanceTo(++zxid);
        tree.delete("/box/item", zxid);
        create("/a/new", "n", NodeKind.PERSISTENT, 0, 0);
        tree.advanceTo(++zxid);
        tree.delete("/a/eph", zxid);
        sessions.remove(OWNER);
        sessions.add(0x0300_0000_0000_0009L, 4_000);

        assertThat(written(snapshot)).isEqualTo(before);
        assertThat(hashSum(snapshot)).isEqualTo(snapshot.digest()).isNotEqualTo(tree.digest());
        assertThat(snapshot.zxid()).isEqualTo(zxidBefore);
        assertThat(snapshot.sessions()).containsOnlyKeys(OWNER, OTHER_OWNER);
    }

    @Test
    void theRunningDigestEqualsTheHashesOfFreshCopiesThroughEveryKindOfChange() {
        // Znodes cache the CRC of their path and data and pass it to versions that keep the data; fresh
        // copies (which have no cache) must hash to the same sum after changes of every kind.
        create("/a/b/child", "c", NodeKind.PERSISTENT, 0, 0);
        tree.advanceTo(++zxid);
        tree.setData("/a/b", "new data".getBytes(StandardCharsets.UTF_8), 1, zxid, time());
        create("/a/b/second", "s", NodeKind.PERSISTENT, 0, 0);
        tree.advanceTo(++zxid);
        tree.delete("/a/b/child", zxid);
        tree.advanceTo(++zxid);
        tree.setAcl("/a", DIGEST_ACL, 1);
        tree.advanceTo(++zxid);
        tree.setData("/a", "back".getBytes(StandardCharsets.UTF_8), 2, zxid, time());

        TreeSnapshot snapshot = tree.snapshot(sessions);
        long[] fresh = {0};
        for (Znode copy : copies(snapshot)) {
            fresh[0] += copy.hash();
        }
        assertThat(tree.digest()).isEqualTo(fresh[0]).isEqualTo(tree.recomputeDigest());
    }

    /**
     * Paths beyond ASCII (two-, three- and four-byte UTF-8, an ephemeral among them) are found, listed by
     * their parents, deleted, and survive a snapshot and a load, now that a znode keeps its path as bytes.
     */
    @Test
    void pathsBeyondAsciiAreFoundListedDeletedAndLoaded() {
        create("/caf\u00e9", "x", NodeKind.PERSISTENT, 0, 0);
        create("/caf\u00e9/\u4e2d\u6587", "y", NodeKind.PERSISTENT, 0, 0);
        create("/caf\u00e9/\ud83d\ude00", "z", NodeKind.EPHEMERAL, OWNER, 0);
        create("/caf\u00e9/gone", "w", NodeKind.PERSISTENT, 0, 0);
        tree.advanceTo(++zxid);
        tree.delete("/caf\u00e9/gone", zxid);
        assertThat(tree.node("/caf\u00e9/\u4e2d\u6587").data()).containsExactly('y');
        assertThat(tree.node("/caf\u00e9").childNames()).containsExactlyInAnyOrder("\u4e2d\u6587", "\ud83d\ude00");
        assertThat(tree.node("/").childNames()).contains("caf\u00e9");
        assertThat(tree.ephemerals(OWNER)).contains("/caf\u00e9/\ud83d\ude00");
        assertThat(tree.node("/caf\u00e9/gone")).isNull();
        assertThat(tree.recomputeDigest()).isEqualTo(tree.digest());

        TreeSnapshot snapshot = tree.snapshot(sessions);
        DataTree loaded = new DataTree();
        loaded.load(snapshot.zxid(), copies(snapshot), snapshot.digest());
        assertThat(loaded.node("/caf\u00e9").childNames()).containsExactlyInAnyOrder("\u4e2d\u6587", "\ud83d\ude00");
        assertThat(loaded.ephemerals(OWNER)).isEqualTo(tree.ephemerals(OWNER));
        assertThat(loaded.approximateDataSize()).isEqualTo(tree.approximateDataSize());
        assertThat(loaded.descendantCount("/caf\u00e9")).isEqualTo(2);
    }

    @Test
    void loadingASnapshotRebuildsTheTreeItsChildrenAndItsIndexes() {
        TreeSnapshot snapshot = tree.snapshot(sessions);
        DataTree loaded = new DataTree();
        loaded.load(snapshot.zxid(), copies(snapshot), snapshot.digest());

        assertThat(loaded.lastProcessedZxid()).isEqualTo(tree.lastProcessedZxid());
        assertThat(loaded.digest()).isEqualTo(tree.digest()).isEqualTo(loaded.recomputeDigest());
        assertThat(loaded.nodeCount()).isEqualTo(tree.nodeCount());
        for (String path : pathsOf(snapshot)) {
            assertThat(loaded.node(path).stat()).as(path).isEqualTo(tree.node(path).stat());
            assertThat(loaded.node(path).childNames()).as(path).containsExactlyInAnyOrderElementsOf(tree.node(path).childNames());
            assertThat(loaded.node(path).acl()).as(path).isEqualTo(tree.node(path).acl());
        }
        assertThat(loaded.ephemeralsBySession()).isEqualTo(tree.ephemeralsBySession());
        assertThat(loaded.containers()).containsExactly("/box");
        assertThat(loaded.ttlNodes()).containsExactly("/ttl");
        assertThat(loaded.descendantCount("/")).isEqualTo(tree.descendantCount("/"));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"as written", "reversed", "shuffled"})
    void loadingLinksEveryChildToItsParentInAnyOrderOfTheNodes(String order) {
        // Names where one parent's path begins another's: the parent of the previous node must not be taken
        // for a node whose parent only shares its first characters.
        for (String path : List.of("/ab", "/a/bc", "/ab/c", "/a/b/c", "/ab/cd", "/a/bc/d", "/abc", "/ab/c/d")) {
            create(path, "x", NodeKind.PERSISTENT, 0, 0);
        }
        TreeSnapshot snapshot = tree.snapshot(sessions);
        List<String> paths = pathsOf(snapshot);
        DataTree loaded = new DataTree();
        loaded.load(snapshot.zxid(), inOrder(copies(snapshot), order), snapshot.digest());

        for (String path : paths) {
            assertThat(loaded.node(path).childNames()).as(path).containsExactlyInAnyOrderElementsOf(tree.node(path).childNames());
        }
    }

    /** The nodes as written, reversed, or shuffled (always the same way). */
    private static List<Znode> inOrder(List<Znode> nodes, String order) {
        List<Znode> ordered = new ArrayList<>(nodes);
        if (order.equals("reversed")) {
            java.util.Collections.reverse(ordered);
        } else if (order.equals("shuffled")) {
            java.util.Collections.shuffle(ordered, new java.util.Random(11));
        }
        return ordered;
    }

    /**
     * A load indexes and links its nodes a batch at a time: a run of siblings across batches, parents that
     * come after their children, another parent's children between them, a last batch that is not full and
     * a child set large enough to be split into segments must all come out as the tree that was written.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"as written", "reversed", "shuffled"})
    void loadingLinksChildrenAcrossBatchesAndIntoASplitChildSet(String order) {
        int children = createWideTree();
        TreeSnapshot snapshot = tree.snapshot(sessions);
        DataTree loaded = new DataTree();
        loaded.load(snapshot.zxid(), inOrder(copies(snapshot), order), snapshot.digest());

        assertLoadedWideTree(loaded, snapshot, children);
    }

    /**
     * Recovery hands its loader the reader's batches (OverlappedSnapshotRead), which the loader takes whole
     * ({@link DataTree.Loader#addAll}): any size of them, against the loader's own batch of 64, comes out
     * as the tree that was written.
     */
    @ParameterizedTest(name = "{0} at a time")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 63, 64, 65, 2048})
    void recoveryTakesTheNodesInBatchesOfAnySize(int size) {
        int children = createWideTree();
        TreeSnapshot snapshot = tree.snapshot(sessions);
        List<Znode> nodes = copies(snapshot);
        DataTree loaded = new DataTree();
        DataTree.Loader loader = loaded.loader(nodes.size());
        for (int from = 0; from < nodes.size(); from += size) {
            Znode[] batch = nodes.subList(from, Math.min(nodes.size(), from + size)).toArray(new Znode[size]);
            loader.addAll(batch, Math.min(size, nodes.size() - from));
        }
        loader.finish(snapshot.zxid(), snapshot.digest());

        assertLoadedWideTree(loaded, snapshot, children);
    }

    /**
     * Adds /big with enough children that its child set splits into segments (past three quarters of
     * {@link ChildSet#SPLIT_CAPACITY}), and /small with a child after every 97th of them; returns /big's count.
     */
    private int createWideTree() {
        int children = ChildSet.SPLIT_CAPACITY + 1_001;
        create("/big", "", NodeKind.PERSISTENT, 0, 0);
        create("/small", "", NodeKind.PERSISTENT, 0, 0);
        for (int i = 0; i < children; i++) {
            create("/big/n-" + i, "v", NodeKind.PERSISTENT, 0, 0);
            if (i % 97 == 0) {
                create("/small/m-" + i, "w", NodeKind.PERSISTENT, 0, 0);
            }
        }
        return children;
    }

    private void assertLoadedWideTree(DataTree loaded, TreeSnapshot snapshot, int children) {
        List<String> paths = pathsOf(snapshot);
        assertThat(loaded.nodeCount()).isEqualTo(tree.nodeCount());
        assertThat(loaded.node("/big").stat().numChildren()).isEqualTo(children);
        for (String parent : List.of("/big", "/small", "/")) {
            // As sets: AssertJ compares unordered lists pairwise, seconds for these.
            assertThat(new java.util.HashSet<>(loaded.node(parent).childNames())).as(parent)
                    .hasSize(tree.node(parent).stat().numChildren())
                    .isEqualTo(new java.util.HashSet<>(tree.node(parent).childNames()));
        }
        for (String path : paths) {
            assertThat(loaded.node(path)).as(path).isNotNull();
        }
        assertThat(loaded.digest()).isEqualTo(tree.digest()).isEqualTo(loaded.recomputeDigest());
    }

    @Test
    void loadingReplacesEverythingTheTreeHeldBefore() {
        DataTree empty = new DataTree();
        TreeSnapshot emptyImage = empty.snapshot(new SessionTable());
        tree.load(emptyImage.zxid(), copies(emptyImage), emptyImage.digest());

        assertThat(tree.nodeCount()).isEqualTo(4);
        assertThat(tree.node("/a")).isNull();
        assertThat(tree.ephemeralsBySession()).isEmpty();
        assertThat(tree.containers()).isEmpty();
        assertThat(tree.ttlNodes()).isEmpty();
        assertThat(tree.digest()).isEqualTo(empty.digest());
    }

    @Test
    void aTxnAtOrBelowTheLoadedZxidIsRefused() {
        TreeSnapshot snapshot = tree.snapshot(sessions);
        DataTree loaded = new DataTree();
        loaded.load(snapshot.zxid(), copies(snapshot), snapshot.digest());
        assertThatThrownBy(() -> loaded.advanceTo(snapshot.zxid())).isInstanceOf(IllegalStateException.class);
        loaded.advanceTo(snapshot.zxid() + 1);
    }

    /** An image that is not a tree's, and the word its refusal must contain. */
    record Broken(String name, Consumer<Image> damage, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A mutable copy of a snapshot to damage. */
    static final class Image {
        final List<String> paths;
        final List<Znode> nodes;
        long digest;

        Image(TreeSnapshot snapshot) {
            paths = new ArrayList<>(pathsOf(snapshot));
            nodes = new ArrayList<>(copies(snapshot));
            digest = snapshot.digest();
        }

        void remove(String path) {
            int i = paths.indexOf(path);
            digest -= nodes.get(i).hash();
            paths.remove(i);
            nodes.remove(i);
        }
    }

    static Stream<Broken> brokenImages() {
        return Stream.of(
                new Broken("digest off by one", image -> image.digest++, "digest"),
                new Broken("a node's data changed after the digest", image -> {
                    int i = image.paths.indexOf("/a/b");
                    Znode n = image.nodes.get(i);
                    image.nodes.set(i, Znode.of("/a/b", "B".getBytes(StandardCharsets.UTF_8), n.acl(), n.czxid(), n.ctime(), n.mzxid(), n.mtime(),
                            n.pzxid(), n.version(), n.cversion(), n.aversion(), n.kind(), n.ephemeralOwner(), n.ttlMs()));
                }, "digest"),
                new Broken("a node without its parent", image -> image.remove("/box"), "parent"),
                new Broken("no root", image -> {
                    for (String path : List.copyOf(image.paths)) {
                        image.remove(path);
                    }
                }, "root"),
                new Broken("a node twice, the digest counting it twice", image -> {
                    Znode twice = image.nodes.get(image.nodes.size() - 1);
                    image.nodes.add(twice);
                    image.paths.add(twice.path());
                    image.digest += twice.hash();
                }, "twice"));
    }

    @ParameterizedTest
    @MethodSource("brokenImages")
    void anImageThatIsNotATreesIsRefused(Broken broken) {
        Image image = new Image(tree.snapshot(sessions));
        broken.damage().accept(image);
        assertThatThrownBy(() -> new DataTree().load(7, image.nodes, image.digest))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(broken.message());
    }

    /**
     * The loader recovery uses does not compare each path with those loaded before it; a snapshot that holds
     * a node twice (written with the digest of its tree) is still refused, by its digest, and leaves a new tree.
     */
    @Test
    void aRecoveryLoadOfANodeTwiceIsRefusedByTheDigest() {
        TreeSnapshot snapshot = tree.snapshot(sessions);
        List<Znode> nodes = new ArrayList<>(copies(snapshot));
        nodes.add(nodes.get(nodes.size() - 1));
        DataTree loaded = new DataTree();
        DataTree.Loader loader = loaded.loader(nodes.size());
        nodes.forEach(loader::add);

        assertThatThrownBy(() -> loader.finish(snapshot.zxid(), snapshot.digest())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("digest");
        assertThat(loaded.nodeCount()).isEqualTo(4);
        assertThat(loaded.lastProcessedZxid()).isZero();
    }

    /**
     * Loading the live nodes of another tree's snapshot, as shipping a snapshot in memory would (a
     * simulator, or a leader's SNAP sync without a file), gives an independent tree: the nodes' child
     * sets are the source tree's, which it goes on changing, so the loaded tree must not keep them. A
     * child created in either tree stays out of the other.
     */
    @Test
    void aTreeLoadedFromAnotherTreesLiveSnapshotIsIndependentOfIt() {
        TreeSnapshot snapshot = tree.snapshot(sessions);
        DataTree loaded = new DataTree();
        loaded.load(snapshot.zxid(), List.of(snapshot.nodes()), snapshot.digest());
        Map<String, Set<String>> childrenBefore = new HashMap<>();
        for (String path : pathsOf(snapshot)) {
            childrenBefore.put(path, Set.copyOf(loaded.node(path).childNames()));
        }

        create("/a/only-in-the-source", "x", NodeKind.PERSISTENT, 0, 0);
        long next = snapshot.zxid() + 1;
        loaded.advanceTo(next);
        loaded.create("/box/only-in-the-copy", new byte[0], Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0,
                loaded.node("/box").cversion() + 1, next, 1_700_000_000_000L + next);

        assertThat(Set.copyOf(loaded.node("/a").childNames())).isEqualTo(childrenBefore.get("/a")).doesNotContain("only-in-the-source");
        assertThat(tree.node("/box").childNames()).containsExactly("item");
        assertThat(loaded.node("/box").childNames()).containsExactlyInAnyOrder("item", "only-in-the-copy");
    }

    /**
     * The same changes made after a snapshot, to the tree and to a tree loaded from the snapshot (as
     * replaying the log after it does), give the same tree: nodes, children, stats, indexes and digest.
     * The snapshot is taken from the live tree before the changes and loaded after them.
     */
    @Test
    void aSnapshotLoadedAfterTheTreeChangedPlusTheSameChangesGivesTheSameTree() {
        TreeSnapshot snapshot = tree.snapshot(sessions);
        long end = changeAfterSnapshot(tree, snapshot.zxid());
        DataTree loaded = new DataTree();
        loaded.load(snapshot.zxid(), List.of(snapshot.nodes()), snapshot.digest());
        assertThat(loaded.node("/box/item")).as("the snapshot still holds what was deleted after it").isNotNull();

        assertThat(changeAfterSnapshot(loaded, snapshot.zxid())).isEqualTo(end);

        assertThat(loaded.lastProcessedZxid()).isEqualTo(tree.lastProcessedZxid());
        assertThat(loaded.nodeCount()).isEqualTo(tree.nodeCount());
        assertThat(loaded.digest()).isEqualTo(tree.digest()).isEqualTo(loaded.recomputeDigest());
        for (String path : List.of("/", "/a", "/a/b", "/a/new", "/box", "/box/other", "/ttl", "/other-eph", "/zookeeper")) {
            assertThat(loaded.node(path)).as(path).isNotNull();
            assertThat(loaded.node(path).stat()).as(path).isEqualTo(tree.node(path).stat());
            assertThat(loaded.node(path).childNames()).as(path).containsExactlyInAnyOrderElementsOf(tree.node(path).childNames());
            assertThat(loaded.node(path).acl()).as(path).isEqualTo(tree.node(path).acl());
        }
        assertThat(loaded.node("/a").childNames()).containsExactlyInAnyOrder("b", "new");
        assertThat(loaded.ephemeralsBySession()).isEqualTo(tree.ephemeralsBySession()).containsOnlyKeys(OTHER_OWNER);
        assertThat(loaded.containers()).isEqualTo(tree.containers());
        assertThat(loaded.ttlNodes()).isEqualTo(tree.ttlNodes());
    }

    /** A fixed run of changes after {@code zxid}, to nodes a snapshot at it holds; returns the last zxid. */
    private static long changeAfterSnapshot(DataTree target, long zxid) {
        target.advanceTo(++zxid);
        target.setData("/a/b", "changed".getBytes(StandardCharsets.UTF_8), 1, zxid, 1_700_000_000_000L + zxid);
        target.advanceTo(++zxid);
        target.delete("/box/item", zxid);
        target.advanceTo(++zxid);
        target.create("/a/new", new byte[0], Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0, target.node("/a").cversion() + 1, zxid,
                1_700_000_000_000L + zxid);
        target.advanceTo(++zxid);
        target.delete("/a/eph", zxid);
        target.advanceTo(++zxid);
        target.create("/box/other", new byte[] {1}, Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0, 0, target.node("/box").cversion() + 1,
                zxid, 1_700_000_000_000L + zxid);
        target.advanceTo(++zxid);
        target.setAcl("/ttl", DIGEST_ACL, 1);
        return zxid;
    }
}
