package dev.corral.tree;

/**
 * A notification for one watcher: ZooKeeper's {@code WatcherEvent} (type, path; state is always
 * SyncConnected for server-sent events) plus the zxid that triggered it, which clients see in the
 * reply header since ZooKeeper 3.9 (-1 when no txn triggered it, as for setWatches).
 *
 * <p>{@code readAcl} is the ACL a watcher must be able to READ through to receive the event: the node's
 * own for its events, the parent's for NodeChildrenChanged (ZooKeeper 3.9's {@code WatchManager}
 * checks it, so a watch cannot reveal a node its watcher may not read). Null means no check.
 */
public record WatchEvent(long watcherId, int type, String path, long zxid, java.util.List<dev.corral.wire.Acl> readAcl) {
    public WatchEvent(long watcherId, int type, String path, long zxid) {
        this(watcherId, type, path, zxid, null);
    }

    public static final int NONE = -1;
    public static final int NODE_CREATED = 1;
    public static final int NODE_DELETED = 2;
    public static final int NODE_DATA_CHANGED = 3;
    public static final int NODE_CHILDREN_CHANGED = 4;
    public static final int SYNC_CONNECTED = 3;
    public static final long NO_ZXID = -1;
}
