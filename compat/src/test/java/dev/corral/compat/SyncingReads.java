package dev.corral.compat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.HostProvider;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * The official client for tests against an ensemble: each synchronous read first syncs its server with the
 * leader. ZooKeeper promises a client its own writes in order, but another client's only once it has synced:
 * a read through a member that has not applied a write made through another member yet does not see it, on
 * ZooKeeper as on Corral. A test whose second client reads what its first one wrote is such a program. The
 * ensemble runs found it in a few cases: a root just created through server 2 was not there yet on server 1.
 * An asynchronous getData, exists or getChildren is preceded by an asynchronous sync: the client sends both
 * at once, and the server answers a session's requests in order, so the read comes after the sync. A
 * persistent watch is added after a sync too: added on a member that has not applied the create of its
 * path yet, it would then fire NodeCreated for that path (one CI run saw it). Writes go as they are.
 */
final class SyncingReads extends ZooKeeper {
    private static final int SYNC_BOUND_MS = 15_000;

    SyncingReads(String connectString, int sessionTimeoutMs, Watcher watcher) throws IOException {
        super(connectString, sessionTimeoutMs, watcher);
    }

    SyncingReads(String connectString, int sessionTimeoutMs, Watcher watcher, boolean canBeReadOnly, HostProvider hosts)
            throws IOException {
        super(connectString, sessionTimeoutMs, watcher, canBeReadOnly, hosts);
    }

    SyncingReads(String connectString, int sessionTimeoutMs, Watcher watcher, long sessionId, byte[] password)
            throws IOException {
        super(connectString, sessionTimeoutMs, watcher, sessionId, password);
    }

    /** Waits until this client's server has applied everything the leader committed before now. */
    private void syncFirst() throws KeeperException, InterruptedException {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        sync("/", (rc, path, context) -> done.complete(rc), null);
        int rc;
        try {
            rc = done.get(SYNC_BOUND_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("sync before a read did not complete within " + SYNC_BOUND_MS + " ms", e);
        }
        if (rc != KeeperException.Code.OK.intValue()) {
            throw KeeperException.create(KeeperException.Code.get(rc), "/");
        }
    }

    @Override
    public void getData(String path, Watcher watcher, AsyncCallback.DataCallback callback, Object context) {
        sync("/", (rc, p, c) -> { }, null);
        super.getData(path, watcher, callback, context);
    }

    @Override
    public void exists(String path, Watcher watcher, AsyncCallback.StatCallback callback, Object context) {
        sync("/", (rc, p, c) -> { }, null);
        super.exists(path, watcher, callback, context);
    }

    @Override
    public void getChildren(String path, Watcher watcher, AsyncCallback.ChildrenCallback callback, Object context) {
        sync("/", (rc, p, c) -> { }, null);
        super.getChildren(path, watcher, callback, context);
    }

    @Override
    public void addWatch(String basePath, Watcher watcher, AddWatchMode mode) throws KeeperException, InterruptedException {
        syncFirst();
        super.addWatch(basePath, watcher, mode);
    }

    @Override
    public void addWatch(String basePath, Watcher watcher, AddWatchMode mode, AsyncCallback.VoidCallback callback,
            Object context) {
        sync("/", (rc, p, c) -> { }, null);
        super.addWatch(basePath, watcher, mode, callback, context);
    }

    @Override
    public Stat exists(String path, Watcher watcher) throws KeeperException, InterruptedException {
        syncFirst();
        return super.exists(path, watcher);
    }

    @Override
    public byte[] getData(String path, Watcher watcher, Stat stat) throws KeeperException, InterruptedException {
        syncFirst();
        return super.getData(path, watcher, stat);
    }

    @Override
    public List<ACL> getACL(String path, Stat stat) throws KeeperException, InterruptedException {
        syncFirst();
        return super.getACL(path, stat);
    }

    @Override
    public List<String> getChildren(String path, Watcher watcher) throws KeeperException, InterruptedException {
        syncFirst();
        return super.getChildren(path, watcher);
    }

    @Override
    public List<String> getChildren(String path, Watcher watcher, Stat stat) throws KeeperException, InterruptedException {
        syncFirst();
        return super.getChildren(path, watcher, stat);
    }

    @Override
    public int getAllChildrenNumber(String path) throws KeeperException, InterruptedException {
        syncFirst();
        return super.getAllChildrenNumber(path);
    }

    @Override
    public List<String> getEphemerals(String prefixPath) throws KeeperException, InterruptedException {
        syncFirst();
        return super.getEphemerals(prefixPath);
    }
}
