package dev.corral.client;

import dev.corral.wire.Acl;
import java.util.List;

/**
 * One write of a {@link CorralClient#multi}, which applies all of its ops or none (ZooKeeper 3.9's
 * {@code Op}): create, delete, setData, or a check that a znode has a version. Paths are the caller's,
 * chroot stripped; each is checked before the multi is sent, as ZooKeeper's {@code Op#validate} checks it.
 */
public sealed interface Op permits Op.Create, Op.Delete, Op.SetData, Op.Check {
    String path();

    /** {@code ttlMs} is used by the TTL modes only (-1 otherwise). */
    record Create(String path, byte[] data, List<Acl> acl, CreateMode mode, long ttlMs) implements Op {}

    record Delete(String path, int version) implements Op {}

    record SetData(String path, byte[] data, int version) implements Op {}

    /** Fails the multi with BadVersion unless the znode's version is {@code version} (-1: any). */
    record Check(String path, int version) implements Op {}

    static Create create(String path, byte[] data, List<Acl> acl, CreateMode mode) {
        if (mode.isTtl()) {
            throw new IllegalArgumentException(mode + " needs a TTL: Op.create(path, data, acl, mode, ttlMs)");
        }
        return new Create(path, data, acl, mode, -1);
    }

    static Create create(String path, byte[] data, List<Acl> acl, CreateMode mode, long ttlMs) {
        return new Create(path, data, acl, mode, ttlMs);
    }

    static Delete delete(String path, int version) {
        return new Delete(path, version);
    }

    static SetData setData(String path, byte[] data, int version) {
        return new SetData(path, data, version);
    }

    static Check check(String path, int version) {
        return new Check(path, version);
    }
}
