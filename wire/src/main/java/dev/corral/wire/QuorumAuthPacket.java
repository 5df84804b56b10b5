package dev.corral.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One step of quorum SASL authentication between two ensemble members (zookeeper.jute
 * {@code org.apache.zookeeper.server.quorum.QuorumAuthPacket}; ZooKeeper 3.9.5's QuorumAuth,
 * SaslQuorumAuthLearner and SaslQuorumAuthServer write and read it). The connecting member (the "learner")
 * sends the first one, with status {@link #IN_PROGRESS}; the accepting member answers each with its challenge
 * and a status. Packets follow each other on the connection with no length prefix, before anything else of the
 * election or learner protocol.
 *
 * <p>Grammar (big-endian, jute):
 * <pre>
 *   QuorumAuthPacket = long magic      ; always {@link #MAGIC}: lets an accepting member tell an
 *                                      ;   authenticating peer from one that starts its protocol at once
 *                      int status      ; 0 IN_PROGRESS, 1 SUCCESS, -1 ERROR
 *                      int tokenLength ; -1 for no token (ZooKeeper sends that when its challenge is null)
 *                      tokenLength bytes
 * </pre>
 *
 * @param magic {@link #MAGIC} in every packet ZooKeeper writes
 * @param status {@link #IN_PROGRESS}, {@link #SUCCESS} or {@link #ERROR}
 * @param token the SASL token, null for none; a credential exchange, so never printed
 */
public record QuorumAuthPacket(long magic, int status, byte[] token) {
    /**
     * ZooKeeper's QUORUM_AUTH_MAGIC_NUMBER, written in its source as {@code -0xa0dbcafecafe1234L}: the literal is
     * already negative, so the constant is positive, 0x5f2435013501edcc (checked against the 3.9.5 jar).
     */
    public static final long MAGIC = -0xa0dbcafecafe1234L;
    public static final int IN_PROGRESS = 0;
    public static final int SUCCESS = 1;
    public static final int ERROR = -1;
    /** The bytes of a packet before its token: magic, status and the token's length. */
    public static final int HEADER_BYTES = 8 + 4 + 4;

    /** A packet as ZooKeeper's QuorumAuth#createPacket makes it. */
    public static QuorumAuthPacket of(int status, byte[] token) {
        return new QuorumAuthPacket(MAGIC, status, token);
    }

    public void write(JuteOutput out) {
        out.writeLong(magic);
        out.writeInt(status);
        out.writeBuffer(token);
    }

    public static QuorumAuthPacket read(JuteInput in) {
        return new QuorumAuthPacket(in.readLong(), in.readInt(), in.readBuffer());
    }

    /** The packet's bytes as one frame on the connection. */
    public byte[] encode() {
        JuteOutput out = new JuteOutput(HEADER_BYTES + (token == null ? 0 : token.length));
        write(out);
        return out.toByteArray();
    }

    /** ZooKeeper's name of a status (QuorumAuth.Status), or the number when it has none. */
    public static String statusName(int status) {
        return switch (status) {
            case IN_PROGRESS -> "IN_PROGRESS";
            case SUCCESS -> "SUCCESS";
            case ERROR -> "ERROR";
            default -> "unknown status " + status;
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QuorumAuthPacket that
                && magic == that.magic
                && status == that.status
                && Arrays.equals(token, that.token);
    }

    @Override
    public int hashCode() {
        return Objects.hash(magic, status, Arrays.hashCode(token));
    }

    @Override
    public String toString() {
        return "QuorumAuthPacket[magic=0x" + Long.toHexString(magic) + ", status=" + statusName(status) + ", token="
                + (token == null ? "none" : token.length + " bytes") + "]";
    }
}
