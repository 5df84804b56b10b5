package dev.corral.wire;

import java.util.Arrays;

/**
 * A SASL token record that ZooKeeper 3.9 declares but never sends (zookeeper.jute
 * {@code SetSASLRequest}); kept so every SASL record decodes. {@link #toString()} prints only the length.
 */
public record SetSASLRequest(byte[] token) {
    public void write(JuteOutput out) {
        out.writeBuffer(token);
    }

    public static SetSASLRequest read(JuteInput in) {
        return new SetSASLRequest(in.readBuffer());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SetSASLRequest that
                && Arrays.equals(token, that.token);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return "SetSASLRequest[token=" + Bytes.redacted(token) + "]";
    }
}
