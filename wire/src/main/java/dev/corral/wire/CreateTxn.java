package dev.corral.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The txn of create and create2 (zookeeper.jute {@code CreateTxn}). An ephemeral node is owned by the
 * session in the txn's header; {@code parentCVersion} is the parent's cversion after this create (the
 * sequence number of a sequential node is already part of {@code path}).
 */
public record CreateTxn(String path, byte[] data, List<Acl> acl, boolean ephemeral, int parentCVersion) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        Acl.writeList(out, acl);
        out.writeBool(ephemeral);
        out.writeInt(parentCVersion);
    }

    public static CreateTxn read(JuteInput in) {
        return new CreateTxn(in.readString(), in.readBuffer(), Acl.readShared(in), in.readBool(), in.readInt());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CreateTxn that
                && Objects.equals(path, that.path)
                && Arrays.equals(data, that.data)
                && Objects.equals(acl, that.acl)
                && ephemeral == that.ephemeral
                && parentCVersion == that.parentCVersion;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), acl, ephemeral, parentCVersion);
    }

    @Override
    public String toString() {
        return "CreateTxn[path=" + path + ", data=" + Bytes.preview(data) + ", acl=" + acl + ", ephemeral=" + ephemeral
                + ", parentCVersion=" + parentCVersion + "]";
    }
}
