package dev.corral.client;

/**
 * The state of the connection a {@link WatchedEvent} reports. The codes are those of the wire's
 * WatcherEvent and the names those of ZooKeeper 3.9's {@code Watcher.Event.KeeperState}. This client
 * reports DISCONNECTED, SYNC_CONNECTED, CONNECTED_READ_ONLY (a read-only session, {@link ClientOptions}),
 * AUTH_FAILED, EXPIRED and CLOSED; the others are ZooKeeper's and are listed so that any code a server
 * sends has a name.
 */
public enum KeeperState {
    UNKNOWN(-1, "Unknown"),
    DISCONNECTED(0, "Disconnected"),
    NO_SYNC_CONNECTED(1, "NoSyncConnected"),
    SYNC_CONNECTED(3, "SyncConnected"),
    AUTH_FAILED(4, "AuthFailed"),
    CONNECTED_READ_ONLY(5, "ConnectedReadOnly"),
    SASL_AUTHENTICATED(6, "SaslAuthenticated"),
    EXPIRED(-112, "Expired"),
    CLOSED(7, "Closed");

    private final int code;
    private final String zooKeeperName;

    KeeperState(int code, String zooKeeperName) {
        this.code = code;
        this.zooKeeperName = zooKeeperName;
    }

    public int code() {
        return code;
    }

    /** ZooKeeper's name: "SyncConnected", "Disconnected", "Expired", ... */
    public String zooKeeperName() {
        return zooKeeperName;
    }

    /** The state of a wire code; an unknown one is refused as ZooKeeper's {@code fromInt} refuses it. */
    public static KeeperState of(int code) {
        for (KeeperState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("Invalid integer value for conversion to KeeperState: " + code);
    }
}
