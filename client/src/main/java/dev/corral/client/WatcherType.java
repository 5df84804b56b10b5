package dev.corral.client;

/** Which watches {@link CorralClient#removeWatches} removes (ZooKeeper 3.9's {@code Watcher.WatcherType}). */
public enum WatcherType {
    CHILDREN(1),
    DATA(2),
    ANY(3),
    PERSISTENT(4),
    PERSISTENT_RECURSIVE(5);

    private final int code;

    WatcherType(int code) {
        this.code = code;
    }

    /** The type of RemoveWatchesRequest. */
    public int code() {
        return code;
    }
}
