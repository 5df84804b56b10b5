package dev.corral.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The txn of createContainer (zookeeper.jute {@code CreateContainerTxn}): the txn type alone makes the
 * node a container, so the record has no ephemeral flag.
 */
public record CreateContainerTxn(String path, byte[] data, List<Acl> acl, int parentCVersion) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        Acl.writeList(out, acl);
        out.writeInt(parentCVersion);
    }

    public static CreateContainerTxn read(JuteInput in) {
        return new CreateContainerTxn(in.readString(), in.readBuffer(), Acl.readShared(in), in.readInt());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CreateContainerTxn that
                && Objects.equals(path, that.path)
                && Arrays.equals(data, that.data)
                && Objects.equals(acl, that.acl)
                && parentCVersion == that.parentCVersion;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), acl, parentCVersion);
    }

    @Override
    public String toString() {
        return "CreateContainerTxn[path=" + path + ", data=" + Bytes.preview(data) + ", acl=" + acl
                + ", parentCVersion=" + parentCVersion + "]";
    }
}
