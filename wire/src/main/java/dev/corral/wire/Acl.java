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
}
