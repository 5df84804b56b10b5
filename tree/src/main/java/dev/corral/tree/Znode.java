package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.Stat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * node is a {@link Full} one, which stores each Stat field. In the large trees people keep (service
 * registries, Kafka, HBase) most znodes are leaves written once, and the short layout takes 48 bytes of
 * heap where the full one takes 96 (issue 16: heap per znode). Which layout a node has is invisible
 * outside this class.
 *
 * <p>{@code cversion} is stored as ZooKeeper stores it: the number of children ever created. Clients see
 * {@code 2 * cversion - numChildren}, the number of child creations plus deletions
 * (ZooKeeper 3.9: {@code DataNode#copyStat}); sequential names are numbered from the stored value.
 */
public sealed class Znode permits Znode.Full {
    private final byte[] data;
    private final List<Acl> acl;
    private final long czxid;
    private final long ctime;
    private final NodeKind kind;
    // Shared by every version of this node from its first child on, null before; only DataTree changes it,
    // on the node loop. Not final because linkChild may create it in place; snapshot writers never read it.
    private ChildSet children;
    // CRC32C of the path and data once computed, 0 until then (a CRC that is 0 is merely recomputed). A
    // node is only ever hashed at its own path, and versions that keep the data inherit it, so a child
    // create or an ACL change costs no CRC of the data again. Only the node loop (or the thread loading a
    // snapshot) hashes.
    private int pathDataCrc;

    private Znode(byte[] data, List<Acl> acl, long czxid, long ctime, NodeKind kind, ChildSet children,
            int pathDataCrc) {
        this.data = data;
        this.acl = acl;
        this.czxid = czxid;
        this.ctime = ctime;
        this.kind = kind;
        this.children = children;
        this.pathDataCrc = pathDataCrc;
    }

    /** A node as the tree stores it; used by snapshot loading and imports. */
    public static Znode of(byte[] data, List<Acl> acl, long czxid, long ctime, long mzxid, long mtime, long pzxid,
            int version, int cversion, int aversion, NodeKind kind, long ephemeralOwner, long ttlMs) {
        return make(data, acl, czxid, ctime, mzxid, mtime, pzxid, version, cversion, aversion, kind, ephemeralOwner,
                ttlMs, null, 0);
    }

    private static Znode make(byte[] data, List<Acl> acl, long czxid, long ctime, long mzxid, long mtime, long pzxid,
            int version, int cversion, int aversion, NodeKind kind, long ephemeralOwner, long ttlMs, ChildSet children,
            int pathDataCrc) {
        Invariants.check((kind == NodeKind.EPHEMERAL) == (ephemeralOwner != 0), "ephemeral owner %d for %s", ephemeralOwner, kind);
        Invariants.check((kind == NodeKind.TTL) == (ttlMs > 0), "ttl %d for %s", ttlMs, kind);
        // The ephemeral owner of an EPHEMERAL node, the TTL of a TTL node, 0 otherwise: no node has both.
        long ownerOrTtl = kind == NodeKind.TTL ? ttlMs : ephemeralOwner;
        boolean unchanged = mzxid == czxid && mtime == ctime && pzxid == czxid && version == 0 && cversion == 0
                && aversion == 0 && ownerOrTtl == 0;
        return unchanged ? new Znode(data, acl, czxid, ctime, kind, children, pathDataCrc)
                : new Full(data, acl, czxid, ctime, mzxid, mtime, pzxid, version, cversion, aversion, kind, ownerOrTtl,
                        children, pathDataCrc);
    }

    static Znode created(byte[] data, List<Acl> acl, long zxid, long time, NodeKind kind, long ephemeralOwner, long ttlMs) {
        return of(data, acl, zxid, time, zxid, time, zxid, 0, 0, 0, kind, ephemeralOwner, ttlMs);
    }

    /** The data; null if the client wrote null, which clients read back as null, as in ZooKeeper. */
    public byte[] data() {
        return data;
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
        return kind;
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
                ephemeralOwner(), data == null ? 0 : data.length, numChildren, pzxid());
    }

    /**
     * A hash of everything a snapshot keeps of this node at {@code path} (not its children, which follow
     * from the paths). The tree's digest is the sum of these over all nodes.
     */
    public long hash(String path) {
        if (pathDataCrc == 0) {
            CRC32C crc = new CRC32C();
            crc.update(path.getBytes(StandardCharsets.UTF_8));
            if (data != null) {
                crc.update(data);
            }
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
        fields = fields * 31 + kind.ordinal();
        for (Acl entry : acl) {
            // String#hashCode is specified, so the digest is the same on every JVM that reads the snapshot.
            fields = fields * 31 + entry.perms();
            fields = fields * 31 + entry.id().scheme().hashCode();
            fields = fields * 31 + entry.id().id().hashCode();
        }
        fields = fields * 31 + (data == null ? -1 : 0);
        return ((pathDataCrc & 0xffffffffL) << 32) ^ fields;
    }

    Znode withData(byte[] newData, int newVersion, long zxid, long time) {
        return make(newData, acl, czxid, ctime, zxid, time, pzxid(), newVersion, cversion(), aversion(), kind,
                ephemeralOwner(), ttlMs(), children, 0);
    }

    /**
     * This node with its data replaced by quota statistics the server keeps ({@link QuotaStats}): as in
     * ZooKeeper, the stat (version, mzxid, mtime) does not change.
     */
    Znode withQuotaStats(byte[] statsData) {
        return make(statsData, acl, czxid, ctime, mzxid(), mtime(), pzxid(), version(), cversion(), aversion(), kind,
                ephemeralOwner(), ttlMs(), children, 0);
    }

    Znode withAcl(List<Acl> newAcl, int newAversion) {
        return make(data, newAcl, czxid, ctime, mzxid(), mtime(), pzxid(), version(), cversion(), newAversion, kind,
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
        return make(data, interned, czxid, ctime, mzxid(), mtime(), pzxid(), version(), cversion(), aversion(), kind,
                ephemeralOwner(), ttlMs(), null, 0);
    }

    /** This node after the child at {@code childPath} was created: it is added to the shared set. */
    Znode withChildAdded(String childPath, int newCversion, long zxid) {
        ChildSet set = children == null ? new ChildSet() : children;
        Invariants.check(set.add(childPath), "child %s already present", childPath);
        return make(data, acl, czxid, ctime, mzxid(), mtime(), zxid, version(), newCversion, aversion(), kind,
                ephemeralOwner(), ttlMs(), set, pathDataCrc);
    }

    /** This node after a child was deleted; a delete only moves pzxid forward, as ZooKeeper's does. */
    Znode withChildRemoved(String childPath, long zxid) {
        Invariants.check(children != null && children.remove(childPath), "child %s missing", childPath);
        return make(data, acl, czxid, ctime, mzxid(), mtime(), Math.max(pzxid(), zxid), version(), cversion(), aversion(),
                kind, ephemeralOwner(), ttlMs(), children, pathDataCrc);
    }

    /** Links a child without counting it as a change: built-in nodes, and snapshot loading. */
    void linkChild(String childPath) {
        if (children == null) {
            children = new ChildSet();
        }
        children.add(childPath);
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

        private Full(byte[] data, List<Acl> acl, long czxid, long ctime, long mzxid, long mtime, long pzxid,
                int version, int cversion, int aversion, NodeKind kind, long ownerOrTtl, ChildSet children,
                int pathDataCrc) {
            super(data, acl, czxid, ctime, kind, children, pathDataCrc);
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
        public long ephemeralOwner() {
            return kind() == NodeKind.EPHEMERAL ? ownerOrTtl : 0;
        }

        @Override
        public long ttlMs() {
            return kind() == NodeKind.TTL ? ownerOrTtl : 0;
        }
    }
}
