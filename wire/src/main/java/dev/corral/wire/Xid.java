package dev.corral.wire;

/**
 * The xids with a fixed meaning (ZooKeeper 3.9: {@code ClientCnxn}). Ordinary client xids start at 1
 * and wrap from {@link Integer#MAX_VALUE} back to 1, so they never collide with these.
 */
public final class Xid {
    /** A watch notification, server to client: ReplyHeader then WatcherEvent. */
    public static final int NOTIFICATION = -1;
    /** A ping (opcode {@link OpCode#PING}); the reply carries the same xid. */
    public static final int PING = -2;
    /** An AuthPacket (opcode {@link OpCode#AUTH}). */
    public static final int AUTH_PACKET = -4;
    /** SetWatches / SetWatches2 sent on reconnect. */
    public static final int SET_WATCHES = -8;

    private Xid() {}
}
