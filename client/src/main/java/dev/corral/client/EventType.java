package dev.corral.client;

/**
 * What a {@link WatchedEvent} tells: a change of state of the connection ({@link #NONE}), or what happened
 * to a watched znode. The codes are those of the wire's WatcherEvent and the names those of ZooKeeper 3.9's
 * {@code Watcher.Event.EventType}, which {@link WatchedEvent#toString} prints.
 */
public enum EventType {
    NONE(-1, "None"),
    NODE_CREATED(1, "NodeCreated"),
    NODE_DELETED(2, "NodeDeleted"),
    NODE_DATA_CHANGED(3, "NodeDataChanged"),
    NODE_CHILDREN_CHANGED(4, "NodeChildrenChanged"),
    DATA_WATCH_REMOVED(5, "DataWatchRemoved"),
    CHILD_WATCH_REMOVED(6, "ChildWatchRemoved"),
    PERSISTENT_WATCH_REMOVED(7, "PersistentWatchRemoved");

    private final int code;
    private final String zooKeeperName;

    EventType(int code, String zooKeeperName) {
        this.code = code;
        this.zooKeeperName = zooKeeperName;
    }

    /** The code on the wire. */
    public int code() {
        return code;
    }

    /** ZooKeeper's name: "NodeCreated", "NodeDataChanged", ... */
    public String zooKeeperName() {
        return zooKeeperName;
    }

    /** The type of a wire code; an unknown one is a server's error, refused as ZooKeeper's {@code fromInt} refuses it. */
    public static EventType of(int code) {
        for (EventType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("Invalid integer value for conversion to EventType: " + code);
    }
}
