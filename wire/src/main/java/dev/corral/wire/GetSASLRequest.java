package dev.corral.wire;

import java.util.Arrays;

/**
 * Request body of sasl (opcode 102): the client's SASL token (zookeeper.jute {@code GetSASLRequest};
 * ZooKeeper 3.9: {@code ZooKeeperSaslClient} sends it, {@code ZooKeeperServer#processSasl} reads it).
 * The token is a credential, so {@link #toString()} prints only its length.
 */
public record GetSASLRequest(byte[] token) {
    public void write(JuteOutput out) {
        out.writeBuffer(token);
    }

    public static GetSASLRequest read(JuteInput in) {
        return new GetSASLRequest(in.readBuffer());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GetSASLRequest that
                && Arrays.equals(token, that.token);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return "GetSASLRequest[token=" + Bytes.redacted(token) + "]";
    }
}
