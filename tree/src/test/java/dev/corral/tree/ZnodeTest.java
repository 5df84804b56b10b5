package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.Stat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two layouts of {@link Znode}: a node unchanged since its creation is stored short, every other one
 * in full, and no accessor, Stat or hash can tell them apart.
 */
class ZnodeTest {

    private static final byte[] DATA = "value".getBytes(StandardCharsets.UTF_8);
    private static final List<Acl> ACL = Acl.OPEN_ACL_UNSAFE;
    private static final long ZXID = 0x5_0000_0007L;
    private static final long TIME = 1_700_000_000_000L;
    private static final long SESSION = 0x1234L;
    // An index holding the children the cases add: /p/c in slot 0, /p/d in slot 1.
    private static final NodeIndex CHILDREN = new NodeIndex();

    static {
        CHILDREN.insert("/p/c", Znode.created("/p/c", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0));
        CHILDREN.insert("/p/d", Znode.created("/p/d", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0));
    }

    record Case(String name, UnaryOperator<Znode> change, boolean full, Stat expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Stat stat(long mzxid, long mtime, int version, int cversion, int aversion, long owner,
            int dataLength, int numChildren, long pzxid) {
        return new Stat(ZXID, mzxid, TIME, mtime, version, cversion, aversion, owner, dataLength, numChildren, pzxid);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Created and never changed: the short layout.
                new Case("created", n -> n, false, stat(ZXID, TIME, 0, 0, 0, 0, 5, 0, ZXID)),
                new Case("quota stats written (no Stat change)", n -> n.withQuotaStats(new byte[3]), false,
                        stat(ZXID, TIME, 0, 0, 0, 0, 3, 0, ZXID)),
                new Case("loaded copy of an unchanged node", n -> n.loadedCopy(ACL), false,
                        stat(ZXID, TIME, 0, 0, 0, 0, 5, 0, ZXID)),
                // Any change of the Stat: the full layout.
                new Case("data set", n -> n.withData(new byte[2], 1, ZXID + 1, TIME + 9), true,
                        stat(ZXID + 1, TIME + 9, 1, 0, 0, 0, 2, 0, ZXID)),
                new Case("ACL set", n -> n.withAcl(Acl.READ_ACL_UNSAFE, 1), true,
                        stat(ZXID, TIME, 0, 0, 1, 0, 5, 0, ZXID)),
                new Case("child added", n -> n.withChildAdded(CHILDREN, 0, 1, ZXID + 2), true,
                        stat(ZXID, TIME, 0, 1, 0, 0, 5, 1, ZXID + 2)),
                new Case("child added and removed", n -> n.withChildAdded(CHILDREN, 0, 1, ZXID + 2)
                        .withChildRemoved(0, ZXID + 3), true, stat(ZXID, TIME, 0, 2, 0, 0, 5, 0, ZXID + 3)),
                new Case("loaded copy of a changed node", n -> n.withData(DATA, 4, ZXID + 1, TIME + 1).loadedCopy(ACL),
                        true, stat(ZXID + 1, TIME + 1, 4, 0, 0, 0, 5, 0, ZXID)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachChangeKeepsTheStatAndChoosesTheLayout(Case c) {
        Znode node = c.change().apply(Znode.created("/p", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0));
        assertThat(node instanceof Znode.Full).as("full layout").isEqualTo(c.full());
        assertThat(node.stat()).isEqualTo(c.expected());
    }

    @Test
    void ephemeralAndTtlNodesAreStoredInFullFromTheirCreation() {
        Znode ephemeral = Znode.created("/p", DATA, ACL, ZXID, TIME, NodeKind.EPHEMERAL, SESSION, 0);
        Znode ttl = Znode.created("/p", DATA, ACL, ZXID, TIME, NodeKind.TTL, 0, 5_000);
        Znode container = Znode.created("/p", DATA, ACL, ZXID, TIME, NodeKind.CONTAINER, 0, 0);
        assertThat(ephemeral).isInstanceOf(Znode.Full.class);
        assertThat(ephemeral.ephemeralOwner()).isEqualTo(SESSION);
        assertThat(ephemeral.ttlMs()).isZero();
        assertThat(ttl).isInstanceOf(Znode.Full.class);
        assertThat(ttl.ttlMs()).isEqualTo(5_000);
        assertThat(ttl.ephemeralOwner()).isZero();
        assertThat(container).isNotInstanceOf(Znode.Full.class);
        assertThat(container.kind()).isEqualTo(NodeKind.CONTAINER);
    }

    @Test
    void aLoadedNodeSharesNoChildSetWithItsSource() {
        Znode parent = Znode.created("/p", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0).withChildAdded(CHILDREN, 0, 1, ZXID + 1);
        Znode copy = parent.loadedCopy(ACL);
        assertThat(copy).isNotSameAs(parent);
        assertThat(copy.numChildren()).isZero();
        copy.linkChild(CHILDREN, 1);
        assertThat(parent.childNames()).containsExactly("c");
        assertThat(copy.childNames()).containsExactly("d");
        // A leaf with the interned ACL is taken as it is; with another instance of an equal ACL, copied.
        Znode leaf = Znode.created("/p", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
        assertThat(leaf.loadedCopy(ACL)).isSameAs(leaf);
        List<Acl> equal = new ArrayList<>(ACL);
        assertThat(leaf.loadedCopy(equal)).isNotSameAs(leaf);
        assertThat(leaf.loadedCopy(equal).acl()).isSameAs(equal);
    }

    /**
     * Random field values through {@link Znode#of} (as a snapshot load gives them): every accessor returns
     * what was given, and the short layout is chosen exactly when the fields are those of an unchanged node.
     */
    @Test
    void randomFieldsReadBackInWhicheverLayoutHoldsThem() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            long czxid = random.nextInt(4) + 1;
            long ctime = random.nextInt(3);
            // Each field equals its "unchanged" value about half the time, so both layouts come up.
            long mzxid = random.nextBoolean() ? czxid : czxid + random.nextInt(3);
            long mtime = random.nextBoolean() ? ctime : ctime + random.nextInt(3);
            long pzxid = random.nextBoolean() ? czxid : czxid + random.nextInt(3);
            int version = random.nextBoolean() ? 0 : random.nextInt(3);
            int cversion = random.nextBoolean() ? 0 : random.nextInt(3);
            int aversion = random.nextBoolean() ? 0 : random.nextInt(3);
            NodeKind kind = NodeKind.values()[random.nextInt(NodeKind.values().length)];
            long owner = kind == NodeKind.EPHEMERAL ? random.nextInt(5) + 1 : 0;
            long ttl = kind == NodeKind.TTL ? random.nextInt(5) + 1 : 0;
            Znode node = Znode.of("/p", DATA, ACL, czxid, ctime, mzxid, mtime, pzxid, version, cversion, aversion, kind, owner,
                    ttl);
            String where = "seed " + seed + ", node " + i;
            assertThat(List.of(node.czxid(), node.ctime(), node.mzxid(), node.mtime(), node.pzxid(),
                    (long) node.version(), (long) node.cversion(), (long) node.aversion(), node.ephemeralOwner(),
                    node.ttlMs())).as(where)
                    .containsExactly(czxid, ctime, mzxid, mtime, pzxid, (long) version, (long) cversion,
                            (long) aversion, owner, ttl);
            assertThat(node.kind()).as(where).isEqualTo(kind);
            boolean unchanged = mzxid == czxid && mtime == ctime && pzxid == czxid && version == 0 && cversion == 0
                    && aversion == 0 && owner == 0 && ttl == 0;
            assertThat(node instanceof Znode.Full).as(where).isEqualTo(!unchanged);
        }
    }

    /**
     * A node holds its path and data in one array: every path (ASCII, two-, three- and four-byte UTF-8, long
     * enough for a header of two and three bytes) and every data (null, empty, some) reads back, hashes as
     * the String does, and is found by {@link Znode#hasPath} and no other path.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/", "/a", "/a/b", "/zookeeper/quota", "/caf\u00e9/\u00fc",
            "/\u4e2d\u6587/\u8282\u70b9", "/emoji/\ud83d\ude00-x", "/x/\ud834\udd1e\ud834\udd1e"})
    void aNodesPathAndDataLieInOneArrayAndReadBack(String shortPath) {
        for (String path : List.of(shortPath, shortPath + "/" + "n".repeat(70), shortPath + "/" + "m".repeat(9_000))) {
            String cleanPath = path.startsWith("//") ? path.substring(1) : path;
            for (byte[] data : java.util.Arrays.asList(null, new byte[0], DATA)) {
                Znode node = Znode.created(cleanPath, data, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
                assertThat(node.path()).isEqualTo(cleanPath);
                assertThat(node.pathHash()).isEqualTo(cleanPath.hashCode());
                byte[] utf8 = cleanPath.getBytes(StandardCharsets.UTF_8);
                byte[] laidOut = Znode.layout(utf8.length, data == null ? -1 : data.length);
                System.arraycopy(utf8, 0, laidOut, Znode.pathOffset(laidOut), utf8.length);
                assertThat(Znode.hashOfPath(laidOut)).as("the hash computed from the bytes").isEqualTo(cleanPath.hashCode());
                Znode loaded = Znode.ofLaidOut(laidOut, ACL, ZXID, TIME, ZXID, TIME, ZXID, 0, 0, 0, NodeKind.CONTAINER, 0, 0);
                assertThat(loaded.path()).isEqualTo(cleanPath);
                assertThat(loaded.samePath(node)).isTrue();
                assertThat(loaded.kind()).isEqualTo(NodeKind.CONTAINER);
                assertThat(node.pathChars()).isEqualTo(cleanPath.length());
                assertThat(node.hasPath(cleanPath)).isTrue();
                assertThat(node.hasPath(cleanPath + "x")).isFalse();
                assertThat(node.hasPath(cleanPath.substring(0, cleanPath.length() - 1))).isFalse();
                assertThat(node.name()).isEqualTo(cleanPath.substring(cleanPath.lastIndexOf('/') + 1));
                assertThat(node.parentPath()).isEqualTo(cleanPath.equals("/") ? null : Paths.parent(cleanPath));
                assertThat(node.data()).isEqualTo(data);
                assertThat(node.dataIsNull()).isEqualTo(data == null);
                assertThat(node.dataLength()).isEqualTo(data == null ? 0 : data.length);
                assertThat(node.stat().dataLength()).isEqualTo(node.dataLength());
                Znode changed = node.withData(new byte[] {1, 2}, 1, ZXID + 1, TIME + 1);
                assertThat(changed.path()).isEqualTo(cleanPath);
                assertThat(changed.data()).containsExactly(1, 2);
                assertThat(changed.samePath(node)).isTrue();
                assertThat(node.withData(null, 1, ZXID + 1, TIME).data()).isNull();
            }
        }
    }

    @Test
    void nodesKnowWhetherTheyShareTheirParent() {
        Znode ab = Znode.created("/a/b", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
        Znode ac = Znode.created("/a/c", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
        Znode abc = Znode.created("/ab/c", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
        Znode a = Znode.created("/a", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
        Znode b = Znode.created("/b", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
        assertThat(ab.sameParent(ac)).isTrue();
        assertThat(ab.sameParent(abc)).isFalse();
        assertThat(abc.sameParent(ab)).isFalse();
        assertThat(a.sameParent(b)).isTrue();
        assertThat(a.sameParent(ab)).isFalse();
        assertThat(ab.samePath(ac)).isFalse();
    }

    /** The digest's hash of a node is what it was when the path was a separate String: snapshots keep loading. */
    @Test
    void theHashIsTheCrcOfThePathThenTheData() {
        Znode node = Znode.created("/caf\u00e9", DATA, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
        Znode other = Znode.created("/other", null, ACL, ZXID, TIME, NodeKind.PERSISTENT, 0, 0);
        // The same Stat, so the hashes differ only by the CRC in the top half and the null-data term.
        long fields = node.hash() ^ crc("/caf\u00e9", DATA) << 32;
        long otherFields = other.hash() ^ crc("/other", new byte[0]) << 32;
        assertThat(fields - otherFields).isEqualTo(1);
    }

    private static long crc(String path, byte[] data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(path.getBytes(StandardCharsets.UTF_8));
        crc.update(data);
        return crc.getValue();
    }
}
