package dev.corral.client;

/**
 * A watch notification or a change of the connection's state, as {@link CorralClient} hands it to a
 * {@link Watcher}. {@code zxid} is the zxid the notification carried (-1 for changes of state), and
 * {@code path} is null for them. {@link #toString} is ZooKeeper 3.9's {@code WatchedEvent#toString},
 * which zkCli prints.
 */
public record WatchedEvent(EventType type, KeeperState state, String path, long zxid) {
    public WatchedEvent {
        if (type == null || state == null) {
            throw new IllegalArgumentException("a watched event needs a type and a state, not " + type + " and " + state);
        }
    }

    /** A change of the connection's state: no path, no zxid. */
    public static WatchedEvent ofState(KeeperState state) {
        return new WatchedEvent(EventType.NONE, state, null, -1);
    }

    @Override
    public String toString() {
        return "WatchedEvent state:" + state.zooKeeperName() + " type:" + type.zooKeeperName() + " path:" + path
                + " zxid: " + zxid;
    }
}
