package dev.corral.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * The server's answer to a {@link ConnectRequest}, with no ReplyHeader (zookeeper.jute
 * {@code ConnectResponse}).
 *
 * <p>Grammar: {@code int protocolVersion, int timeOut, long sessionId, buffer passwd [, boolean
 * readOnly]}. A negotiated {@code timeOut} of 0 or less tells the client its session expired. The
 * trailing readOnly byte is written only to clients whose ConnectRequest carried one (ZooKeeper 3.9:
 * {@code compat/ProtocolManager#serializeConnectResponse}), which is why {@link #write} takes that
 * decision as an argument; {@link #read} accepts either form and reads a missing byte as false.
 */
public record ConnectResponse(int protocolVersion, int timeOut, long sessionId, byte[] passwd, boolean readOnly) {

    public void write(JuteOutput out, boolean includeReadOnly) {
        out.writeInt(protocolVersion);
        out.writeInt(timeOut);
        out.writeLong(sessionId);
        out.writeBuffer(passwd);
        if (includeReadOnly) {
            out.writeBool(readOnly);
        }
    }

    public static ConnectResponse read(JuteInput in) {
        int protocolVersion = in.readInt();
        int timeOut = in.readInt();
        long sessionId = in.readLong();
        byte[] passwd = in.readBuffer();
        boolean readOnly = in.remaining() > 0 && in.readBool();
        return new ConnectResponse(protocolVersion, timeOut, sessionId, passwd, readOnly);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectResponse that
                && protocolVersion == that.protocolVersion
                && timeOut == that.timeOut
                && sessionId == that.sessionId
                && Arrays.equals(passwd, that.passwd)
                && readOnly == that.readOnly;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocolVersion, timeOut, sessionId, Arrays.hashCode(passwd), readOnly);
    }

    /** Prints the session id in hex, as ZooKeeper logs it, and never the password. */
    @Override
    public String toString() {
        return "ConnectResponse[protocolVersion=" + protocolVersion
                + ", timeOut=" + timeOut
                + ", sessionId=0x" + Long.toHexString(sessionId)
                + ", passwd=" + Bytes.redacted(passwd)
                + ", readOnly=" + readOnly
                + "]";
    }
}
