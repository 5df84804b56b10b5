package dev.corral.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The txn of createTTL (zookeeper.jute {@code CreateTTLTxn}): a persistent node that the leader deletes
 * once it has had no children and no change for {@code ttl} milliseconds. Note the field order: the
 * parent's cversion comes before the ttl.
 */
public record CreateTTLTxn(String path, byte[] data, List<Acl> acl, int parentCVersion, long ttl) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        Acl.writeList(out, acl);
        out.writeInt(parentCVersion);
        out.writeLong(ttl);
    }

    public static CreateTTLTxn read(JuteInput in) {
        return new CreateTTLTxn(in.readString(), in.readBuffer(), Acl.readShared(in), in.readInt(), in.readLong());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CreateTTLTxn that
                && Objects.equals(path, that.path)
                && Arrays.equals(data, that.data)
                && Objects.equals(acl, that.acl)
                && parentCVersion == that.parentCVersion
                && ttl == that.ttl;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), acl, parentCVersion, ttl);
    }

    @Override
    public String toString() {
        return "CreateTTLTxn[path=" + path + ", data=" + Bytes.preview(data) + ", acl=" + acl
                + ", parentCVersion=" + parentCVersion + ", ttl=" + ttl + "]";
    }
}
