package dev.corral.storage.zookeeper;

import dev.corral.wire.Acl;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * One znode as ZooKeeper 3.9 keeps it ({@code DataNode} with its {@code StatPersisted}): mutable, because
 * replaying ZooKeeper's log changes nodes in place exactly as ZooKeeper's own DataTree does. Only
 * {@link ZkTree} changes it.
 *
 * <p>{@code ephemeralOwner} is ZooKeeper's packed value ({@code EphemeralType}): the session id of an
 * ephemeral, {@link #CONTAINER_OWNER} for a container, {@code 0xff} in the high byte and the TTL in the low
 * 40 bits for a TTL node, 0 for a persistent node. {@code cversion} is the stored count of child creations
 * (clients see {@code 2 * cversion - numChildren}, {@code DataNode#copyStat}), as in Corral's Znode.
 */
final class ZkNode {
    /** ZooKeeper's {@code EphemeralType.CONTAINER_EPHEMERAL_OWNER}. */
    static final long CONTAINER_OWNER = Long.MIN_VALUE;
    /** The high byte that marks an extended type (TTL) in an ephemeralOwner. */
    static final long EXTENDED_MASK = 0xff00000000000000L;
    /** The bits between the marker byte and the value; 0 for TTL, the only extended type (EphemeralType.EXTENDED_BIT_TTL). */
    static final long RESERVED_BITS_MASK = 0x00ffff0000000000L;
    static final long TTL_VALUE_MASK = ~(EXTENDED_MASK | RESERVED_BITS_MASK);

    byte[] data;
    List<Acl> acl;
    long czxid;
    long mzxid;
    long ctime;
    long mtime;
    int version;
    int cversion;
    int aversion;
    long ephemeralOwner;
    long pzxid;
    // Child names (not paths), as DataNode keeps them; null until the first child.
    Set<String> children;

    ZkNode(byte[] data, List<Acl> acl, long czxid, long mzxid, long ctime, long mtime, int version, int cversion, int aversion,
            long ephemeralOwner, long pzxid) {
        this.data = data;
        this.acl = acl;
        this.czxid = czxid;
        this.mzxid = mzxid;
        this.ctime = ctime;
        this.mtime = mtime;
        this.version = version;
        this.cversion = cversion;
        this.aversion = aversion;
        this.ephemeralOwner = ephemeralOwner;
        this.pzxid = pzxid;
    }

    void addChild(String name) {
        if (children == null) {
            children = new HashSet<>(4);
        }
        children.add(name);
    }

    void removeChild(String name) {
        if (children != null) {
            children.remove(name);
        }
    }

    int numChildren() {
        return children == null ? 0 : children.size();
    }

    boolean isContainer() {
        return ephemeralOwner == CONTAINER_OWNER;
    }

    /** A TTL node: ZooKeeper's extended marker with the TTL feature bits (0). */
    boolean isTtl() {
        return (ephemeralOwner & EXTENDED_MASK) == EXTENDED_MASK && (ephemeralOwner & RESERVED_BITS_MASK) == 0;
    }

    /** The owning session of an ephemeral, 0 for every other kind. */
    long sessionOwner() {
        return ephemeralOwner == 0 || isContainer() || isTtl() ? 0 : ephemeralOwner;
    }

    long ttlMs() {
        return isTtl() ? ephemeralOwner & TTL_VALUE_MASK : 0;
    }

    /** ZooKeeper's packed owner of a TTL node ({@code EphemeralType.TTL#toEphemeralOwner}). */
    static long ttlOwner(long ttlMs) {
        return EXTENDED_MASK | ttlMs;
    }

    /**
     * This node's term of ZooKeeper's tree digest ({@code DigestCalculator#calculateDigest}, digest version
     * 2): the CRC32 of the path ("" for the root), the data and 60 bytes of stat. Nodes under
     * "/zookeeper/" count 0, as in ZooKeeper.
     */
    long digest(String path) {
        if (path.startsWith("/zookeeper/")) {
            return 0;
        }
        ByteBuffer stat = ByteBuffer.allocate(60);
        stat.putLong(czxid).putLong(mzxid).putLong(pzxid).putLong(ctime).putLong(mtime);
        stat.putInt(version).putInt(cversion).putInt(aversion).putLong(ephemeralOwner);
        CRC32 crc = new CRC32();
        crc.update((path.equals("/") ? "" : path).getBytes(StandardCharsets.UTF_8));
        if (data != null) {
            crc.update(data);
        }
        crc.update(stat.array());
        return crc.getValue();
    }
}
