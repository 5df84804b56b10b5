package dev.corral.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Request body of createTTL (zookeeper.jute {@code CreateTTLRequest}): a create with a time-to-live
 * in milliseconds, meaningful only with the TTL create modes (flags 5 and 6).
 */
public record CreateTTLRequest(String path, byte[] data, List<Acl> acl, int flags, long ttl) {
    public void write(JuteOutput out) {
        out.writeString(path);
        out.writeBuffer(data);
        Acl.writeList(out, acl);
        out.writeInt(flags);
        out.writeLong(ttl);
    }

    public static CreateTTLRequest read(JuteInput in) {
        return new CreateTTLRequest(in.readString(), in.readBuffer(), Acl.readShared(in), in.readInt(), in.readLong());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CreateTTLRequest that
                && Objects.equals(path, that.path)
                && Arrays.equals(data, that.data)
                && Objects.equals(acl, that.acl)
                && flags == that.flags
                && ttl == that.ttl;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), acl, flags, ttl);
    }

    @Override
    public String toString() {
        return "CreateTTLRequest[path=" + path
                + ", data=" + Bytes.preview(data)
                + ", acl=" + acl
                + ", flags=" + flags
                + ", ttl=" + ttl
                + "]";
    }
}
