package dev.corral.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Request body of addAuth, sent with xid {@link Xid#AUTH_PACKET} (zookeeper.jute {@code AuthPacket}).
 * {@code type} is unused by ZooKeeper (clients send 0); {@code auth} is a credential and never printed.
 */
public record AuthPacket(int type, String scheme, byte[] auth) {
    public void write(JuteOutput out) {
        out.writeInt(type);
        out.writeString(scheme);
        out.writeBuffer(auth);
    }

    public static AuthPacket read(JuteInput in) {
        return new AuthPacket(in.readInt(), in.readString(), in.readBuffer());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthPacket that
                && type == that.type
                && Objects.equals(scheme, that.scheme)
                && Arrays.equals(auth, that.auth);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, scheme, Arrays.hashCode(auth));
    }

    @Override
    public String toString() {
        return "AuthPacket[type=" + type + ", scheme=" + scheme + ", auth=" + Bytes.redacted(auth) + "]";
    }
}
