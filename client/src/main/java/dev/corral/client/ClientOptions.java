package dev.corral.client;

/**
 * The settings of a {@link CorralClient} beyond its connect string, session timeout and default watcher,
 * named as ZooKeeper 3.9's client names them:
 * <ul>
 *   <li>{@code canBeReadOnly}: the ConnectRequest's readOnly flag, as {@code new ZooKeeper(..., canBeReadOnly)}
 *       sets it. A server cut off from its quorum and running with {@code readonlymode.enabled=true} then
 *       grants a read-only session, reported as {@link KeeperState#CONNECTED_READ_ONLY} and
 *       {@link CorralClient#isReadOnly}; a client without it is refused by such a server. While read-only,
 *       the client looks for a read-write server of its connect string and moves there ({@link ReadWriteSeeker}).</li>
 *   <li>{@code juteMaxBuffer}: the largest frame, in bytes, this client reads from a server (ZooKeeper's
 *       client setting {@code jute.maxbuffer}, ZKClientConfig, default 0xfffff or the JVM's
 *       {@code -Djute.maxbuffer}). A longer reply ends the connection: the request fails with
 *       ConnectionLoss and the session is resumed, as in ZooKeeper 3.9.5's {@code ClientCnxnSocket#readLength}.</li>
 * </ul>
 *
 * <p>Invariant: {@code juteMaxBuffer > 0}.
 */
public record ClientOptions(boolean canBeReadOnly, int juteMaxBuffer) {
    /** ZKClientConfig.CLIENT_MAX_PACKET_LENGTH_DEFAULT: 1 MiB less one byte. */
    public static final int JUTE_MAXBUFFER_DEFAULT = 0xfffff;

    public ClientOptions {
        if (juteMaxBuffer <= 0) {
            throw new IllegalArgumentException("jute.maxbuffer must be a positive number of bytes, not " + juteMaxBuffer);
        }
    }

    /**
     * Not read-only; jute.maxbuffer from the JVM's system property of that name when it is set to a number,
     * else {@link #JUTE_MAXBUFFER_DEFAULT}, as ZooKeeper's ZKClientConfig takes it.
     */
    public static ClientOptions defaults() {
        return new ClientOptions(false, Integer.getInteger("jute.maxbuffer", JUTE_MAXBUFFER_DEFAULT));
    }

    public ClientOptions withCanBeReadOnly(boolean canBeReadOnly) {
        return new ClientOptions(canBeReadOnly, juteMaxBuffer);
    }

    public ClientOptions withJuteMaxBuffer(int juteMaxBuffer) {
        return new ClientOptions(canBeReadOnly, juteMaxBuffer);
    }
}
