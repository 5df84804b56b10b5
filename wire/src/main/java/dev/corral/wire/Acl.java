package dev.corral.wire;

import java.util.List;

/**
 * One access-control entry: a permission bit set for an identity (zookeeper.jute
 * {@code org.apache.zookeeper.data.ACL}). Permission bits are those of ZooKeeper's {@code ZooDefs.Perms}.
 */
public record Acl(int perms, Id id) {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int CREATE = 4;
    public static final int DELETE = 8;
    public static final int ADMIN = 16;
    public static final int ALL = READ | WRITE | CREATE | DELETE | ADMIN;

    /** ZooKeeper's {@code Ids.OPEN_ACL_UNSAFE}. */
    public static final List<Acl> OPEN_ACL_UNSAFE = List.of(new Acl(ALL, Id.ANYONE));
    /** ZooKeeper's {@code Ids.READ_ACL_UNSAFE}. */
    public static final List<Acl> READ_ACL_UNSAFE = List.of(new Acl(READ, Id.ANYONE));
    /** ZooKeeper's {@code Ids.CREATOR_ALL_ACL}. */
    public static final List<Acl> CREATOR_ALL_ACL = List.of(new Acl(ALL, Id.AUTH_IDS));

    public void write(JuteOutput out) {
        out.writeInt(perms);
        id.write(out);
    }

    public static Acl read(JuteInput in) {
        return new Acl(in.readInt(), Id.read(in));
    }

    public static void writeList(JuteOutput out, List<Acl> acls) {
        out.writeVector(acls, (o, acl) -> acl.write(o));
    }

    public static List<Acl> readList(JuteInput in) {
        return in.readVector(Acl::read);
    }

    // The lists nearly every create carries, and their encodings.
    private static final List<List<Acl>> COMMON = List.of(OPEN_ACL_UNSAFE, CREATOR_ALL_ACL, READ_ACL_UNSAFE);
    private static final byte[][] COMMON_ENCODED = COMMON.stream().map(acl -> {
        JuteOutput out = new JuteOutput(32);
        writeList(out, acl);
        return out.toByteArray();
    }).toArray(byte[][]::new);

    /**
     * {@link #readList} as an immutable list, and a list encoded as {@link #OPEN_ACL_UNSAFE},
     * {@link #CREATOR_ALL_ACL} or {@link #READ_ACL_UNSAFE} as that constant: what a txn or a request decoded
     * on the server carries, where the common case costs a compare of 27 bytes instead of a list, an Acl, an
     * Id and two Strings, and the tree then finds the list it interned by identity (issue 16: a recovery's
     * replay spent about a tenth of its time decoding and comparing the same ACL).
     */
    public static List<Acl> readShared(JuteInput in) {
        for (int i = 0; i < COMMON_ENCODED.length; i++) {
            if (in.skipIf(COMMON_ENCODED[i])) {
                return COMMON.get(i);
            }
        }
        List<Acl> acl = readList(in);
        return acl == null ? null : List.copyOf(acl);
    }
}
