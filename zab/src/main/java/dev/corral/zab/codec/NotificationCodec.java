package dev.corral.zab.codec;

import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.zab.Message;
import dev.corral.zab.ServerState;
import dev.corral.zab.Vote;

/**
 * Election notifications in ZooKeeper 3.9.5's format (FastLeaderElection#buildMsg, and the parsing in
 * FastLeaderElection.Messenger.WorkerReceiver): one message of the election connection, whose int length
 * prefix (QuorumCnxManager) is the transport's.
 *
 * <p>Grammar (big-endian):
 * <pre>
 *   notification = int state            ; LOOKING 0, FOLLOWING 1, LEADING 2, OBSERVING 3
 *                  long leader           ; the proposed leader's server id
 *                  long zxid             ; its last zxid
 *                  long electionEpoch    ; the sender's election round
 *                  long peerEpoch        ; the proposed leader's current epoch
 *                  int version           ; 0x2
 *                  int configLength, configLength bytes   ; QuorumVerifier text in ZooKeeper
 * </pre>
 *
 * <p>What the two sides cannot carry alike: ZooKeeper sends its ensemble configuration text and acts on
 * a newer version of it (reconfiguration); our Notification has no configuration, so we send an empty
 * one (configLength 0) and decoding drops what it receives. A ZooKeeper server would log that it cannot
 * parse the empty text and go on with the vote. We read only version 2, which every ZooKeeper since 3.5
 * sends; the 28- and 40-byte notifications of older servers are refused.
 */
public final class NotificationCodec {
    /** The notification format version of ZooKeeper 3.5 and later (FastLeaderElection.Notification.CURRENTVERSION). */
    public static final int VERSION = 0x2;
    /** The bytes of a notification with an empty configuration. */
    public static final int BYTES = 4 + 8 + 8 + 8 + 8 + 4 + 4;

    private static final ServerState[] STATES = {ServerState.LOOKING, ServerState.FOLLOWING, ServerState.LEADING, ServerState.OBSERVING};

    private NotificationCodec() {}

    public static byte[] encode(Message.Notification notification) {
        Vote vote = notification.vote();
        JuteOutput out = new JuteOutput(BYTES);
        out.writeInt(stateNumber(notification.state()));
        out.writeLong(vote.leader());
        out.writeLong(vote.zxid());
        out.writeLong(vote.electionEpoch());
        out.writeLong(vote.peerEpoch());
        out.writeInt(VERSION);
        out.writeInt(0);
        return out.toByteArray();
    }

    /**
     * The notification in {@code bytes}, exactly one.
     *
     * @throws MalformedRecordException if it is short, of another version, of an unknown state, or its
     *     configuration length does not match the bytes that follow
     */
    public static Message.Notification decode(byte[] bytes) {
        if (bytes.length < BYTES) {
            throw new MalformedRecordException("notification of " + bytes.length + " bytes, shorter than " + BYTES
                    + " (servers before ZooKeeper 3.5 send 28 or 40)");
        }
        JuteInput in = new JuteInput(bytes);
        int stateNumber = in.readInt();
        long leader = in.readLong();
        long zxid = in.readLong();
        long electionEpoch = in.readLong();
        long peerEpoch = in.readLong();
        int version = in.readInt();
        if (version != VERSION) {
            throw new MalformedRecordException("notification version " + version + ", not " + VERSION);
        }
        int configLength = in.readInt();
        if (configLength != in.remaining()) {
            throw new MalformedRecordException("notification config length " + configLength + " with " + in.remaining()
                    + " bytes after it");
        }
        if (stateNumber < 0 || stateNumber >= STATES.length) {
            throw new MalformedRecordException("notification of unknown server state " + stateNumber);
        }
        return new Message.Notification(STATES[stateNumber], new Vote(leader, zxid, electionEpoch, peerEpoch));
    }

    /** ZooKeeper's number of a server state (QuorumPeer.ServerState's ordinal, which its receiver switches on). */
    public static int stateNumber(ServerState state) {
        return switch (state) {
            case LOOKING -> 0;
            case FOLLOWING -> 1;
            case LEADING -> 2;
            case OBSERVING -> 3;
        };
    }
}
