package dev.corral.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** An official ZooKeeper client connected to a server of these tests, within a bound. */
final class Connected {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int CONNECT_BOUND_S = 10;

    private Connected() {}

    static ZooKeeper zk(int port) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, SESSION_TIMEOUT_MS, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
        });
        connected.get(CONNECT_BOUND_S, TimeUnit.SECONDS);
        return zk;
    }
}
