package dev.corral.wire;

/**
 * The txn of createSession (zookeeper.jute {@code CreateSessionTxn}): the negotiated session timeout in
 * milliseconds. The session id is the header's clientId.
 */
public record CreateSessionTxn(int timeOut) {
    public void write(JuteOutput out) {
        out.writeInt(timeOut);
    }

    public static CreateSessionTxn read(JuteInput in) {
        return new CreateSessionTxn(in.readInt());
    }
}
