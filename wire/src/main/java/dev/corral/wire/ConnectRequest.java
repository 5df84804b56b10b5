package dev.corral.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * The first frame a client sends, with no RequestHeader (zookeeper.jute {@code ConnectRequest}).
 *
 * <p>Grammar: {@code int protocolVersion, long lastZxidSeen, int timeOut, long sessionId, buffer passwd
 * [, boolean readOnly]}. The trailing readOnly byte is absent from clients of ZooKeeper 3.3 and older.
 * ZooKeeper 3.9 ({@code compat/ProtocolManager#deserializeConnectRequest}) decodes the five mandatory
 * fields, then tries to read one more boolean; {@link #read} does the same by looking at the bytes left,
 * and records in {@code readOnlyPresent} whether the byte was there, because the server must answer
 * with a ConnectResponse that has the readOnly byte exactly when the request had it.
 *
 * <p>Invariant: {@code readOnly} implies {@code readOnlyPresent}, so {@link #write} never loses a value.
 */
public record ConnectRequest(
        int protocolVersion,
        long lastZxidSeen,
        int timeOut,
        long sessionId,
        byte[] passwd,
        boolean readOnly,
        boolean readOnlyPresent) {

    public ConnectRequest {
        if (readOnly && !readOnlyPresent) {
            throw new IllegalArgumentException("readOnly=true cannot be encoded without the readOnly byte");
        }
    }

    public void write(JuteOutput out) {
        out.writeInt(protocolVersion);
        out.writeLong(lastZxidSeen);
        out.writeInt(timeOut);
        out.writeLong(sessionId);
        out.writeBuffer(passwd);
        if (readOnlyPresent) {
            out.writeBool(readOnly);
        }
    }

    public static ConnectRequest read(JuteInput in) {
        int protocolVersion = in.readInt();
        long lastZxidSeen = in.readLong();
        int timeOut = in.readInt();
        long sessionId = in.readLong();
        byte[] passwd = in.readBuffer();
        boolean readOnlyPresent = in.remaining() > 0;
        boolean readOnly = readOnlyPresent && in.readBool();
        return new ConnectRequest(protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly, readOnlyPresent);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectRequest that
                && protocolVersion == that.protocolVersion
                && lastZxidSeen == that.lastZxidSeen
                && timeOut == that.timeOut
                && sessionId == that.sessionId
                && Arrays.equals(passwd, that.passwd)
                && readOnly == that.readOnly
                && readOnlyPresent == that.readOnlyPresent;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocolVersion, lastZxidSeen, timeOut, sessionId, Arrays.hashCode(passwd), readOnly,
                readOnlyPresent);
    }

    /** Prints the session id in hex, as ZooKeeper logs it, and never the password. */
    @Override
    public String toString() {
        return "ConnectRequest[protocolVersion=" + protocolVersion
                + ", lastZxidSeen=0x" + Long.toHexString(lastZxidSeen)
                + ", timeOut=" + timeOut
                + ", sessionId=0x" + Long.toHexString(sessionId)
                + ", passwd=" + Bytes.redacted(passwd)
                + ", readOnly=" + (readOnlyPresent ? readOnly : "absent")
                + "]";
    }
}
