package dev.corral.wire;

import java.util.Arrays;

/**
 * Reply body of sasl: the server's SASL challenge, null when done (zookeeper.jute
 * {@code SetSASLResponse}). {@link #toString()} prints only the token's length.
 */
public record SetSASLResponse(byte[] token) {
    public void write(JuteOutput out) {
        out.writeBuffer(token);
    }

    public static SetSASLResponse read(JuteInput in) {
        return new SetSASLResponse(in.readBuffer());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SetSASLResponse that
                && Arrays.equals(token, that.token);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return "SetSASLResponse[token=" + Bytes.redacted(token) + "]";
    }
}
