package dev.corral.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Makes the znodes a workload needs before its warm-up, under the run's own root, so that runs sharing a
 * server never see each other's data. Names are fixed functions of the root, so every generator finds them:
 * <pre>
 *   root/k-{i}          keys of set, get, mixed and multi     (i &lt; keys)
 *   root/p/c-{i}        children of the children workload      (i &lt; children)
 *   root/w-{c}-{s}      the znode of watch slot s of client c  (exists-watch)
 * </pre>
 */
final class Setup {
    /** Creates in flight at once while setting up; keeps setup fast without flooding the server. */
    private static final int WINDOW = 256;
    private static final long BOUND_MS = 300_000;

    private Setup() {}

    static String keyPath(String root, int index) {
        return root + "/k-" + index;
    }

    static String childrenParent(String root) {
        return root + "/p";
    }

    static String watchPath(String root, int client, int slot) {
        return root + "/w-" + client + "-" + slot;
    }

    /** Creates the root and what {@code spec}'s workload reads or writes. */
    static void prepare(ZooKeeper zk, LoadSpec spec, String root, byte[] value)
            throws IOException, InterruptedException {
        List<String> paths = new ArrayList<>();
        paths.add(root);
        switch (spec.workload()) {
            case SET, GET, MIXED, MULTI -> {
                for (int i = 0; i < spec.keys(); i++) {
                    paths.add(keyPath(root, i));
                }
            }
            case CHILDREN -> {
                paths.add(childrenParent(root));
                for (int i = 0; i < spec.children(); i++) {
                    paths.add(childrenParent(root) + "/c-" + i);
                }
            }
            case EXISTS_WATCH -> {
                for (int client = 0; client < spec.clients(); client++) {
                    for (int slot = 0; slot < spec.outstanding(); slot++) {
                        paths.add(watchPath(root, client, slot));
                    }
                }
            }
            case CREATE, SESSIONS -> { }
        }
        createAll(zk, paths, value);
    }

    /**
     * Creates persistent znodes in list order with a bounded window of requests in flight; a parent must
     * come before its children (the server keeps a session's requests in order). An existing znode is fine.
     */
    static void createAll(ZooKeeper zk, List<String> paths, byte[] value) throws IOException, InterruptedException {
        Semaphore window = new Semaphore(WINDOW);
        AtomicReference<String> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MS);
        for (String path : paths) {
            acquire(window, 1, deadline, paths.size());
            if (failure.get() != null) {
                break;
            }
            zk.create(path, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) -> {
                if (rc != KeeperException.Code.OK.intValue() && rc != KeeperException.Code.NODEEXISTS.intValue()) {
                    failure.compareAndSet(null, "create " + p + ": " + KeeperException.Code.get(rc));
                }
                window.release();
            }, null);
        }
        acquire(window, WINDOW, deadline, paths.size());
        if (failure.get() != null) {
            throw new IOException("setup failed: " + failure.get());
        }
    }

    /**
     * Makes every session's server as current as the leader was when {@link #prepare} returned, by a
     * {@code sync} on each session (ZooKeeper's documented way for a client on a follower to read what
     * another client wrote): without it a get on a follower could find a key not yet applied there.
     */
    static void syncAll(List<ZooKeeper> sessions, String path) throws IOException, InterruptedException {
        Semaphore synced = new Semaphore(0);
        AtomicReference<String> failure = new AtomicReference<>();
        for (ZooKeeper zk : sessions) {
            zk.sync(path, (rc, p, ctx) -> {
                if (rc != KeeperException.Code.OK.intValue()) {
                    failure.compareAndSet(null, "sync " + p + ": " + KeeperException.Code.get(rc));
                }
                synced.release();
            }, null);
        }
        if (!synced.tryAcquire(sessions.size(), BOUND_MS, TimeUnit.MILLISECONDS)) {
            throw new IOException("sync of " + sessions.size() + " sessions did not finish within " + BOUND_MS + " ms");
        }
        if (failure.get() != null) {
            throw new IOException("setup failed: " + failure.get());
        }
    }

    private static void acquire(Semaphore window, int permits, long deadline, int total)
            throws IOException, InterruptedException {
        long leftNanos = deadline - System.nanoTime();
        if (!window.tryAcquire(permits, Math.max(0, leftNanos), TimeUnit.NANOSECONDS)) {
            throw new IOException("setup of " + total + " znodes did not finish within " + BOUND_MS + " ms");
        }
    }
}
