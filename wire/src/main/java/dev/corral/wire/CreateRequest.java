package dev.corral.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Request body of create, create2 and createContainer (zookeeper.jute {@code CreateRequest}).
 * {@code flags} is a CreateMode flag (0 persistent ... 6 persistent sequential with TTL); the opcode, not
 * the record, says whether the reply carries a Stat.
 */
public record CreateRequest(String path, byte[] data, List<Acl> acl, int flags) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        Acl.writeList(out, acl);
        out.writeInt(flags);
    }

    public static CreateRequest read(JuteInput in) {
        return new CreateRequest(in.readString(), in.readBuffer(), Acl.readShared(in), in.readInt());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CreateRequest that
                && Objects.equals(path, that.path)
                && Arrays.equals(data, that.data)
                && Objects.equals(acl, that.acl)
                && flags == that.flags;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), acl, flags);
    }

    @Override
    public String toString() {
        return "CreateRequest[path=" + path
                + ", data=" + Bytes.preview(data)
                + ", acl=" + acl
                + ", flags=" + flags
                + "]";
    }
}
