package dev.corral.client;

/**
 * A watch notification or a change of the connection's state, as {@link CorralClient} hands it to its
 * listener. {@code type} and {@code state} are the codes of ZooKeeper's {@code Watcher.Event.EventType}
 * and {@code Watcher.Event.KeeperState}; {@code zxid} is the zxid the notification carried (-1 for state
 * changes). {@link #toString} is ZooKeeper 3.9's {@code WatchedEvent#toString}, which zkCli prints.
 */
public record WatchedEvent(int type, int state, String path, long zxid) {
    public static final int NONE = -1;
    public static final int NODE_CREATED = 1;
    public static final int NODE_DELETED = 2;
    public static final int NODE_DATA_CHANGED = 3;
    public static final int NODE_CHILDREN_CHANGED = 4;

    public static final int DISCONNECTED = 0;
    public static final int SYNC_CONNECTED = 3;
    public static final int AUTH_FAILED = 4;
    public static final int CLOSED = 7;
    public static final int EXPIRED = -112;

    /** A change of the connection's state: no path, no zxid. */
    public static WatchedEvent ofState(int state) {
        return new WatchedEvent(NONE, state, null, -1);
    }

    public String typeName() {
        return switch (type) {
            case NONE -> "None";
            case NODE_CREATED -> "NodeCreated";
            case NODE_DELETED -> "NodeDeleted";
            case NODE_DATA_CHANGED -> "NodeDataChanged";
            case NODE_CHILDREN_CHANGED -> "NodeChildrenChanged";
            case 5 -> "DataWatchRemoved";
            case 6 -> "ChildWatchRemoved";
            case 7 -> "PersistentWatchRemoved";
            default -> "Unknown(" + type + ")";
        };
    }

    public String stateName() {
        return switch (state) {
            case -1 -> "Unknown";
            case DISCONNECTED -> "Disconnected";
            case 1 -> "NoSyncConnected";
            case SYNC_CONNECTED -> "SyncConnected";
            case AUTH_FAILED -> "AuthFailed";
            case 5 -> "ConnectedReadOnly";
            case 6 -> "SaslAuthenticated";
            case EXPIRED -> "Expired";
            case CLOSED -> "Closed";
            default -> "Unknown(" + state + ")";
        };
    }

    @Override
    public String toString() {
        return "WatchedEvent state:" + stateName() + " type:" + typeName() + " path:" + path + " zxid: " + zxid;
    }
}
