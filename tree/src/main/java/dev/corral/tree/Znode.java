package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.Stat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * One znode as the tree stores it. Its data, ACL and stat are immutable: a change replaces the node in
 * the tree with a new one. That is what lets a snapshot copy the tree's node references in one pass on
 * the node loop and write them out on another thread while writes go on. The child-name set is the one
 * mutable part; it is shared by the successive versions of a node and never read by snapshots, which
 * rebuild it from paths. It holds the children's full paths, the same String instances the tree's index
 * keys them by ({@link ChildSet}); a node that never had a child has no set (most znodes are leaves), the
 * version that gets the first child creates it.
 *
 * <p>Two layouts, chosen by {@link #make}: a node as it was created and never changed since (no set, no
 * ACL change, no child, not ephemeral and no TTL) keeps only its creation zxid and time, because its
 * mzxid and pzxid equal its czxid, its mtime its ctime, and its versions and owner are 0; every other
 * node is a {@link Full} one, which stores each Stat field and the kind. A short node is persistent, or a
 * {@link Container}: an ephemeral or TTL node has an owner or a TTL to store, so it is always full. In the large trees people keep (service
 * registries, Kafka, HBase) most znodes are leaves written once, and the short layout takes 48 bytes of
 * heap where the full one takes 96 (issue 16: heap per znode). Which layout a node has is invisible
 * outside this class.
 *
 * <p>A node also holds its own path: one array holds the path's UTF-8 bytes and then the data, after a
 * header of one to five bytes (a varint of the path's length times two, plus one if the data is null). One
 * array instead of a path String, its byte array and a data array spares about 50 bytes per znode (issue
 * 16: heap per znode), and the snapshot writes and the digest hashes the bytes as they lie. {@link #data()}
 * therefore returns a copy; the node is still immutable, so a version that keeps the data keeps the array.
 *
 * <p>{@code cversion} is stored as ZooKeeper stores it: the number of children ever created. Clients see
 * {@code 2 * cversion - numChildren}, the number of child creations plus deletions
 * (ZooKeeper 3.9: {@code DataNode#copyStat}); sequential names are numbered from the stored value.
 */
public sealed class Znode permits Znode.Container, Znode.Full {
    // The header, the path's UTF-8 bytes, then the data (see the class comment).
    private final byte[] bytes;
    private final List<Acl> acl;
    private final long czxid;
    private final long ctime;
    // The path's String#hashCode, which the index compares before the path's bytes and rehashes by.
    private final int pathHash;
    // Shared by every version of this node from its first child on, null before; only DataTree changes it,
    // on the node loop. Not final because linkChild may create it in place; snapshot writers never read it.
    private ChildSet children;
    // CRC32C of the path and data once computed, 0 until then (a CRC that is 0 is merely recomputed). A
    // node is only ever hashed at its own path, and versions that keep the data inherit it, so a child
    // create or an ACL change costs no CRC of the data again. Only the node loop (or the thread loading a
    // snapshot) hashes.
    private int pathDataCrc;

    private Znode(byte[] bytes, int pathHash, List<Acl> acl, long czxid, long ctime, ChildSet children, int pathDataCrc) {
        this.bytes = bytes;
        this.acl = acl;
        this.czxid = czxid;
        this.ctime = ctime;
        this.pathHash = pathHash;
        this.children = children;
        this.pathDataCrc = pathDataCrc;
    }

    /** A node as the tree stores it; used by snapshot loading and imports. */
    public static Znode of(String path, byte[] data, List<Acl> acl, long czxid, long ctime, long mzxid, long mtime,
            long pzxid, int version, int cversion, int aversion, NodeKind kind, long ephemeralOwner, long ttlMs) {
        return make(encode(path, data), path.hashCode(), acl, czxid, ctime, mzxid, mtime, pzxid, version, cversion, aversion,
                kind, ephemeralOwner, ttlMs, null, 0);
    }

    /**
     * A node whose path and data are already in {@code bytes}, laid out by {@link #layout} and filled in by the
     * caller (a snapshot reader, which so reads both straight into the node's one array). The path must be
     * valid UTF-8, as a path encoded from a String is; it is checked.
     */
    public static Znode ofLaidOut(byte[] bytes, List<Acl> acl, long czxid, long ctime, long mzxid, long mtime,
            long pzxid, int version, int cversion, int aversion, NodeKind kind, long ephemeralOwner, long ttlMs) {
        checkPath(bytes);
        return make(bytes, hashOfPath(bytes), acl, czxid, ctime, mzxid, mtime, pzxid, version, cversion, aversion, kind,
                ephemeralOwner, ttlMs, null, 0);
    }

    /**
     * The array of a node whose path is {@code pathLength} UTF-8 bytes and whose data {@code dataLength}
     * bytes (-1 for null), with its header written; the path goes at {@link #pathOffset}, the data right after.
     */
    public static byte[] layout(int pathLength, int dataLength) {
        Invariants.check(pathLength > 0 && dataLength >= -1, "path of %d bytes, data of %d", pathLength, dataLength);
        int header = pathLength << 1 | (dataLength < 0 ? 1 : 0);
        int headerLength = varintLength(header);
        byte[] bytes = new byte[headerLength + pathLength + Math.max(0, dataLength)];
        for (int i = 0; i < headerLength - 1; i++) {
            bytes[i] = (byte) (header & 0x7f | 0x80);
            header >>>= 7;
        }
        bytes[headerLength - 1] = (byte) header;
        return bytes;
    }

    /** Where the path starts in an array {@link #layout} made. */
    public static int pathOffset(byte[] laidOut) {
        int i = 0;
        while (laidOut[i] < 0) {
            i++;
        }
        return i + 1;
    }

    private static byte[] encode(String path, byte[] data) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = layout(utf8.length, data == null ? -1 : data.length);
        int offset = pathOffset(bytes);
        System.arraycopy(utf8, 0, bytes, offset, utf8.length);
        if (data != null) {
            System.arraycopy(data, 0, bytes, offset + utf8.length, data.length);
        }
        Invariants.check(isAscii(utf8) || new String(utf8, StandardCharsets.UTF_8).equals(path),
                "path %s is not valid UTF-16", path);
        return bytes;
    }

    private static void checkPath(byte[] bytes) {
        int offset = pathOffset(bytes);
        int length = header(bytes) >>> 1;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                byte[] utf8 = Arrays.copyOfRange(bytes, offset, offset + length);
                Invariants.check(Arrays.equals(new String(utf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), utf8),
                        "path bytes are not valid UTF-8");
                return;
            }
        }
    }

    private static boolean isAscii(byte[] utf8) {
        for (byte b : utf8) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static int varintLength(int value) {
        int length = 1;
        while ((value >>>= 7) != 0) {
            length++;
        }
        return length;
    }

    private static int header(byte[] bytes) {
        int value = 0;
        for (int i = 0, shift = 0; ; i++, shift += 7) {
            byte b = bytes[i];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    private static Znode make(byte[] bytes, int pathHash, List<Acl> acl, long czxid, long ctime, long mzxid, long mtime, long pzxid,
            int version, int cversion, int aversion, NodeKind kind, long ephemeralOwner, long ttlMs, ChildSet children,
            int pathDataCrc) {
        if ((kind == NodeKind.EPHEMERAL) != (ephemeralOwner != 0) || (kind == NodeKind.TTL) != (ttlMs > 0)) {
            Invariants.check(false, "ephemeral owner %d and ttl %d for %s", ephemeralOwner, ttlMs, kind);
        }
        // The ephemeral owner of an EPHEMERAL node, the TTL of a TTL node, 0 otherwise: no node has both.
        long ownerOrTtl = kind == NodeKind.TTL ? ttlMs : ephemeralOwner;
        boolean unchanged = mzxid == czxid && mtime == ctime && pzxid == czxid && version == 0 && cversion == 0
                && aversion == 0 && ownerOrTtl == 0;
        if (unchanged) {
            // Neither ephemeral nor TTL (their owner or TTL is not 0): persistent or container.
            return kind == NodeKind.CONTAINER ? new Container(bytes, pathHash, acl, czxid, ctime, children, pathDataCrc)
                    : new Znode(bytes, pathHash, acl, czxid, ctime, children, pathDataCrc);
        }
        return new Full(bytes, pathHash, acl, czxid, ctime, mzxid, mtime, pzxid, version, cversion, aversion, kind, ownerOrTtl,
                        children, pathDataCrc);
    }

    static Znode created(String path, byte[] data, List<Acl> acl, long zxid, long time, NodeKind kind, long ephemeralOwner,
            long ttlMs) {
        return of(path, data, acl, zxid, time, zxid, time, zxid, 0, 0, 0, kind, ephemeralOwner, ttlMs);
    }

    /**
     * A copy of the data; null if the client wrote null, which clients read back as null, as in ZooKeeper.
     * {@link #dataLength} and {@link #writeData} read it without a copy.
     */
    public byte[] data() {
        int header = header(bytes);
        if ((header & 1) != 0) {
            return null;
        }
        int start = pathOffset(bytes) + (header >>> 1);
        return Arrays.copyOfRange(bytes, start, bytes.length);
    }

    /** The data's length; 0 for null data, as a Stat says. */
    public int dataLength() {
        return bytes.length - pathOffset(bytes) - (header(bytes) >>> 1);
    }

    /** Whether the data is null (a client wrote null), which a snapshot must tell from empty. */
    public boolean dataIsNull() {
        return (header(bytes) & 1) != 0;
    }

    /** Hands the data's bytes, without a copy, to {@code sink} (as {@code (array, offset, length)}). */
    public <E extends Exception> void writeData(ByteSink<E> sink) throws E {
        int end = pathOffset(bytes) + (header(bytes) >>> 1);
        sink.write(bytes, end, bytes.length - end);
    }

    /** Hands the path's UTF-8 bytes, without a copy, to {@code sink}. */
    public <E extends Exception> void writePath(ByteSink<E> sink) throws E {
        sink.write(bytes, pathOffset(bytes), header(bytes) >>> 1);
    }

    /** Somewhere bytes go: a snapshot file, a stream. */
    @FunctionalInterface
    public interface ByteSink<E extends Exception> {
        void write(byte[] bytes, int offset, int length) throws E;
    }

    /** The node's path (a new String). */
    public String path() {
        return new String(bytes, pathOffset(bytes), header(bytes) >>> 1, StandardCharsets.UTF_8);
    }

    /** The last component of the path (a new String); "" for the root. */
    public String name() {
        int start = pathOffset(bytes);
        int end = start + (header(bytes) >>> 1);
        int slash = end - 1;
        while (bytes[slash] != '/') {
            slash--;
        }
        return new String(bytes, slash + 1, end - slash - 1, StandardCharsets.UTF_8);
    }

    /** The path's length in chars (UTF-16 units), as {@link String#length} would give it. */
    int pathChars() {
        int start = pathOffset(bytes);
        int end = start + (header(bytes) >>> 1);
        int chars = 0;
        for (int i = start; i < end; i++) {
            int b = bytes[i] & 0xff;
            // Each byte that starts a sequence is one char, a four-byte sequence's two (a surrogate pair).
            chars += (b & 0xc0) == 0x80 ? 0 : b >= 0xf0 ? 2 : 1;
        }
        return chars;
    }

    /** Whether this node and {@code other} have the same path. */
    boolean samePath(Znode other) {
        if (pathHash != other.pathHash) {
            return false;
        }
        int start = pathOffset(bytes);
        int length = header(bytes) >>> 1;
        int otherStart = pathOffset(other.bytes);
        int otherLength = header(other.bytes) >>> 1;
        return Arrays.equals(bytes, start, start + length, other.bytes, otherStart, otherStart + otherLength);
    }

    /** The length in bytes of the parent's path, a prefix of this one's; 0 for the root. */
    private int parentLength() {
        int start = pathOffset(bytes);
        int end = start + (header(bytes) >>> 1);
        int slash = end - 1;
        while (slash > start && bytes[slash] != '/') {
            slash--;
        }
        return slash == start ? (end - start == 1 ? 0 : 1) : slash - start;
    }

    boolean isRoot() {
        return (header(bytes) >>> 1) == 1 && bytes[pathOffset(bytes)] == '/';
    }

    /** The parent's path (a new String); null for the root. */
    String parentPath() {
        int length = parentLength();
        return length == 0 ? null : new String(bytes, pathOffset(bytes), length, StandardCharsets.UTF_8);
    }

    /** Whether this node and {@code other} (neither the root) have the same parent. */
    boolean sameParent(Znode other) {
        int length = parentLength();
        int start = pathOffset(bytes);
        int otherStart = pathOffset(other.bytes);
        return length == other.parentLength()
                && Arrays.equals(bytes, start, start + length, other.bytes, otherStart, otherStart + length);
    }

    /** Whether the path starts with {@code prefix}, which is ASCII. */
    boolean pathStartsWith(String prefix) {
        int start = pathOffset(bytes);
        if ((header(bytes) >>> 1) < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Calls {@code action} with every child's znode. */
    void forEachChild(Consumer<Znode> action) {
        if (children != null) {
            children.forEach(action);
        }
    }

    /**
     * Whether this is the node at {@code path}: the hashes first (a String caches its own), then the path's
     * bytes, without encoding it where it is ASCII.
     */
    boolean hasPath(String path) {
        if (pathHash != path.hashCode()) {
            return false;
        }
        int start = pathOffset(bytes);
        int length = header(bytes) >>> 1;
        if (path.length() > length) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c >= 0x80) {
                byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
                return Arrays.equals(utf8, 0, utf8.length, bytes, start, start + length);
            }
            if (bytes[start + i] != c) {
                return false;
            }
        }
        return path.length() == length;
    }

    /** The {@link String#hashCode} of the path. */
    int pathHash() {
        return pathHash;
    }

    /** The {@link String#hashCode} of the path in an array {@link #layout} made, computed from its bytes. */
    static int hashOfPath(byte[] bytes) {
        int start = pathOffset(bytes);
        int end = start + (header(bytes) >>> 1);
        int hash = 0;
        for (int i = start; i < end; i++) {
            int b = bytes[i];
            if (b >= 0) {
                hash = 31 * hash + b;
                continue;
            }
            // A multi-byte sequence (the bytes are valid UTF-8): decode the code point, then hash its UTF-16 units.
            int codePoint;
            if ((b & 0xe0) == 0xc0) {
                codePoint = (b & 0x1f) << 6 | bytes[++i] & 0x3f;
            } else if ((b & 0xf0) == 0xe0) {
                codePoint = (b & 0x0f) << 12 | (bytes[++i] & 0x3f) << 6 | bytes[++i] & 0x3f;
            } else {
                codePoint = (b & 0x07) << 18 | (bytes[++i] & 0x3f) << 12 | (bytes[++i] & 0x3f) << 6 | bytes[++i] & 0x3f;
            }
            if (Character.isBmpCodePoint(codePoint)) {
                hash = 31 * hash + codePoint;
            } else {
                hash = 31 * hash + Character.highSurrogate(codePoint);
                hash = 31 * hash + Character.lowSurrogate(codePoint);
            }
        }
        return hash;
    }

    public List<Acl> acl() {
        return acl;
    }

    public long czxid() {
        return czxid;
    }

    // The Stat of a node unchanged since its creation (the short layout); Full overrides each of these.

    public long mzxid() {
        return czxid;
    }

    public long pzxid() {
        return czxid;
    }

    public long ctime() {
        return ctime;
    }

    public long mtime() {
        return ctime;
    }

    public int version() {
        return 0;
    }

    /** The stored child-creation count (not what clients see; see {@link #stat()}). */
    public int cversion() {
        return 0;
    }

    public int aversion() {
        return 0;
    }

    public NodeKind kind() {
        return NodeKind.PERSISTENT;
    }

    public long ephemeralOwner() {
        return 0;
    }

    public long ttlMs() {
        return 0;
    }

    public int numChildren() {
        return children == null ? 0 : children.size();
    }

    /** The children's names, in no particular order, in a fresh list. */
    public List<String> childNames() {
        return children == null ? new ArrayList<>(0) : children.names();
    }

    /** Calls {@code action} with the full path of every child. */
    public void forEachChildPath(Consumer<String> action) {
        if (children != null) {
            children.forEachPath(action);
        }
    }

    /** The Stat a client sees for this node. */
    public Stat stat() {
        int numChildren = numChildren();
        return new Stat(czxid, mzxid(), ctime, mtime(), version(), 2 * cversion() - numChildren, aversion(),
                ephemeralOwner(), dataLength(), numChildren, pzxid());
    }

    /**
     * A hash of everything a snapshot keeps of this node (not its children, which follow from the paths).
     * The tree's digest is the sum of these over all nodes.
     */
    public long hash() {
        if (pathDataCrc == 0) {
            // The CRC of the path's UTF-8 bytes followed by the data: the bytes as they lie after the header.
            CRC32C crc = new CRC32C();
            int start = pathOffset(bytes);
            crc.update(bytes, start, bytes.length - start);
            pathDataCrc = (int) crc.getValue();
        }
        long fields = czxid * 31 + mzxid();
        fields = fields * 31 + pzxid();
        fields = fields * 31 + ctime;
        fields = fields * 31 + mtime();
        fields = fields * 31 + version();
        fields = fields * 31 + cversion();
        fields = fields * 31 + aversion();
        fields = fields * 31 + ephemeralOwner();
        fields = fields * 31 + ttlMs();
        fields = fields * 31 + kind().ordinal();
        for (Acl entry : acl) {
            // String#hashCode is specified, so the digest is the same on every JVM that reads the snapshot.
            fields = fields * 31 + entry.perms();
            fields = fields * 31 + entry.id().scheme().hashCode();
            fields = fields * 31 + entry.id().id().hashCode();
        }
        fields = fields * 31 + (dataIsNull() ? -1 : 0);
        return ((pathDataCrc & 0xffffffffL) << 32) ^ fields;
    }

    Znode withData(byte[] newData, int newVersion, long zxid, long time) {
        return make(withBytes(newData), pathHash, acl, czxid, ctime, zxid, time, pzxid(), newVersion, cversion(), aversion(),
                kind(), ephemeralOwner(), ttlMs(), children, 0);
    }

    /**
     * This node with its data replaced by quota statistics the server keeps ({@link QuotaStats}): as in
     * ZooKeeper, the stat (version, mzxid, mtime) does not change.
     */
    Znode withQuotaStats(byte[] statsData) {
        return make(withBytes(statsData), pathHash, acl, czxid, ctime, mzxid(), mtime(), pzxid(), version(), cversion(),
                aversion(), kind(), ephemeralOwner(), ttlMs(), children, 0);
    }

    /** This node's array with the data replaced: the same path. */
    private byte[] withBytes(byte[] newData) {
        int start = pathOffset(bytes);
        int length = header(bytes) >>> 1;
        byte[] fresh = layout(length, newData == null ? -1 : newData.length);
        int offset = pathOffset(fresh);
        System.arraycopy(bytes, start, fresh, offset, length);
        if (newData != null) {
            System.arraycopy(newData, 0, fresh, offset + length, newData.length);
        }
        return fresh;
    }

    Znode withAcl(List<Acl> newAcl, int newAversion) {
        return make(bytes, pathHash, newAcl, czxid, ctime, mzxid(), mtime(), pzxid(), version(), cversion(), newAversion, kind(),
                ephemeralOwner(), ttlMs(), children, pathDataCrc);
    }

    /**
     * This node for a tree loading it from a snapshot: with the tree's shared instance of an equal ACL (the
     * tree interns ACLs) and no child set, which the loading tree builds from the paths. A node that has
     * no child set and already the interned ACL is taken as it is: nothing in it can change any more but
     * its child set, which the loading tree then creates in place only if the snapshot holds children of
     * it, and a live tree's node with children always has a set (it is never shared, since it is copied
     * here). That spares a second znode per node of a snapshot read from a file (48 to 96 bytes each).
     * Any other node is copied without its set: a snapshot's nodes may be another live tree's, whose
     * child sets that tree goes on changing.
     */
    Znode loadedCopy(List<Acl> interned) {
        if (children == null && acl == interned) {
            return this;
        }
        return make(bytes, pathHash, interned, czxid, ctime, mzxid(), mtime(), pzxid(), version(), cversion(), aversion(), kind(),
                ephemeralOwner(), ttlMs(), null, 0);
    }

    /** This node after the child in index slot {@code childSlot} was created: it is added to the shared set. */
    Znode withChildAdded(NodeIndex index, int childSlot, int newCversion, long zxid) {
        ChildSet set = children == null ? new ChildSet(index) : children;
        Invariants.check(set.add(childSlot), "child in slot %d already present", childSlot);
        return make(bytes, pathHash, acl, czxid, ctime, mzxid(), mtime(), zxid, version(), newCversion, aversion(), kind(),
                ephemeralOwner(), ttlMs(), set, pathDataCrc);
    }

    /** This node after a child was deleted; a delete only moves pzxid forward, as ZooKeeper's does. */
    Znode withChildRemoved(int childSlot, long zxid) {
        Invariants.check(children != null && children.remove(childSlot), "child in slot %d missing", childSlot);
        return make(bytes, pathHash, acl, czxid, ctime, mzxid(), mtime(), Math.max(pzxid(), zxid), version(), cversion(), aversion(),
                kind(), ephemeralOwner(), ttlMs(), children, pathDataCrc);
    }

    /**
     * Links the children in index slots {@code slots[from, to)} as a snapshot load does (see {@link #linkChild});
     * returns what {@link ChildSet#addLoaded} read first.
     */
    int linkChildren(NodeIndex index, int[] slots, int from, int to) {
        return ownChildren(index).addLoaded(slots, from, to);
    }

    /** Links a child without counting it as a change: built-in nodes, and snapshot loading. */
    void linkChild(NodeIndex index, int childSlot) {
        ownChildren(index).add(childSlot);
    }

    private ChildSet ownChildren(NodeIndex index) {
        if (children == null) {
            children = new ChildSet(index);
        }
        return children;
    }

    /** A container unchanged since its creation: the short layout, its kind told by its class. */
    static final class Container extends Znode {
        private Container(byte[] bytes, int pathHash, List<Acl> acl, long czxid, long ctime, ChildSet children, int pathDataCrc) {
            super(bytes, pathHash, acl, czxid, ctime, children, pathDataCrc);
        }

        @Override
        public NodeKind kind() {
            return NodeKind.CONTAINER;
        }
    }

    /** A node whose Stat differs from its creation's: every field stored (see the class comment). */
    static final class Full extends Znode {
        private final long mzxid;
        private final long mtime;
        private final long pzxid;
        private final int version;
        private final int cversion;
        private final int aversion;
        // The ephemeral owner of an EPHEMERAL node, the TTL of a TTL node, 0 otherwise.
        private final long ownerOrTtl;
        // The kind's ordinal: a byte in the padding a Full node has anyway (92 bytes of fields, 96 of heap).
        private final byte kind;

        private Full(byte[] bytes, int pathHash, List<Acl> acl, long czxid, long ctime, long mzxid, long mtime, long pzxid,
                int version, int cversion, int aversion, NodeKind kind, long ownerOrTtl, ChildSet children,
                int pathDataCrc) {
            super(bytes, pathHash, acl, czxid, ctime, children, pathDataCrc);
            this.kind = (byte) kind.ordinal();
            this.mzxid = mzxid;
            this.mtime = mtime;
            this.pzxid = pzxid;
            this.version = version;
            this.cversion = cversion;
            this.aversion = aversion;
            this.ownerOrTtl = ownerOrTtl;
        }

        @Override
        public long mzxid() {
            return mzxid;
        }

        @Override
        public long pzxid() {
            return pzxid;
        }

        @Override
        public long mtime() {
            return mtime;
        }

        @Override
        public int version() {
            return version;
        }

        @Override
        public int cversion() {
            return cversion;
        }

        @Override
        public int aversion() {
            return aversion;
        }

        @Override
        public NodeKind kind() {
            return NodeKind.ofOrdinal(kind);
        }

        @Override
        public long ephemeralOwner() {
            return kind() == NodeKind.EPHEMERAL ? ownerOrTtl : 0;
        }

        @Override
        public long ttlMs() {
            return kind() == NodeKind.TTL ? ownerOrTtl : 0;
        }
    }
}
