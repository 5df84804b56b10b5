package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.Stat;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One znode as the tree stores it. Mutated only by {@link DataTree} on behalf of the applier; everyone
 * else reads it.
 *
 * <p>{@code cversion} is stored as ZooKeeper stores it: the number of children ever created. Clients see
 * {@code 2 * cversion - numChildren}, the number of child creations plus deletions
 * (ZooKeeper 3.9: {@code DataNode#copyStat}); sequential names are numbered from the stored value.
 */
public final class Znode {
    private byte[] data;
    private List<Acl> acl;
    private final long czxid;
    private final long ctime;
    private long mzxid;
    private long mtime;
    private long pzxid;
    private int version;
    private int cversion;
    private int aversion;
    private final NodeKind kind;
    // Invariant: ephemeralOwner != 0 exactly when kind == EPHEMERAL.
    private final long ephemeralOwner;
    // Invariant: ttlMs > 0 exactly when kind == TTL.
    private final long ttlMs;
    private Set<String> children;

    Znode(byte[] data, List<Acl> acl, long zxid, long time, NodeKind kind, long ephemeralOwner, long ttlMs) {
        Invariants.check((kind == NodeKind.EPHEMERAL) == (ephemeralOwner != 0), "ephemeral owner %d for %s", ephemeralOwner, kind);
        Invariants.check((kind == NodeKind.TTL) == (ttlMs > 0), "ttl %d for %s", ttlMs, kind);
        this.data = data;
        this.acl = acl;
        this.czxid = zxid;
        this.mzxid = zxid;
        this.pzxid = zxid;
        this.ctime = time;
        this.mtime = time;
        this.kind = kind;
        this.ephemeralOwner = ephemeralOwner;
        this.ttlMs = ttlMs;
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

    public long mzxid() {
        return mzxid;
    }

    public long pzxid() {
        return pzxid;
    }

    public long ctime() {
        return ctime;
    }

    public long mtime() {
        return mtime;
    }

    public int version() {
        return version;
    }

    /** The stored child-creation count (not what clients see; see {@link #stat()}). */
    public int cversion() {
        return cversion;
    }

    public int aversion() {
        return aversion;
    }

    public NodeKind kind() {
        return kind;
    }

    public long ephemeralOwner() {
        return ephemeralOwner;
    }

    public long ttlMs() {
        return ttlMs;
    }

    public int numChildren() {
        return children == null ? 0 : children.size();
    }

    public Set<String> children() {
        return children == null ? Set.of() : Collections.unmodifiableSet(children);
    }

    /** The Stat a client sees for this node. */
    public Stat stat() {
        int numChildren = numChildren();
        return new Stat(czxid, mzxid, ctime, mtime, version, 2 * cversion - numChildren, aversion,
                ephemeralOwner, data == null ? 0 : data.length, numChildren, pzxid);
    }

    void setData(byte[] newData, int newVersion, long zxid, long time) {
        data = newData;
        version = newVersion;
        mzxid = zxid;
        mtime = time;
    }

    void setAcl(List<Acl> newAcl, int newAversion) {
        acl = newAcl;
        aversion = newAversion;
    }

    void addChild(String name, int newCversion, long zxid) {
        if (children == null) {
            children = new HashSet<>(4);
        }
        Invariants.check(children.add(name), "child %s already present", name);
        cversion = newCversion;
        pzxid = zxid;
    }

    /** Adds a child without counting it as a change, as the tree does for its built-in nodes. */
    void addBuiltInChild(String name) {
        if (children == null) {
            children = new HashSet<>(4);
        }
        children.add(name);
    }

    void removeChild(String name, long zxid) {
        Invariants.check(children != null && children.remove(name), "child %s missing", name);
        // A delete only moves pzxid forward, as ZooKeeper's DataTree#deleteNode does.
        if (zxid > pzxid) {
            pzxid = zxid;
        }
    }
}
