package dev.corral.client;

/**
 * The persistent watch {@link CorralClient#addWatch} leaves (ZooKeeper 3.9's {@code AddWatchMode}): on the
 * znode only, or on the znode and every znode below it. Neither is removed by its notifications.
 */
public enum AddWatchMode {
    PERSISTENT(0),
    PERSISTENT_RECURSIVE(1);

    private final int mode;

    AddWatchMode(int mode) {
        this.mode = mode;
    }

    /** The mode of AddWatchRequest. */
    public int mode() {
        return mode;
    }
}
