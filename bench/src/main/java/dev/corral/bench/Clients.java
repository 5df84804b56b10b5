package dev.corral.bench;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/** Opens sessions of the official ZooKeeper client the way every generator and setup step needs them. */
final class Clients {
    static final int SESSION_TIMEOUT_MS = 30_000;
    static final long CONNECT_BOUND_MS = 30_000;

    private Clients() {}

    /** A client configuration without SASL, which a benchmark does not use and which only adds log noise. */
    static ZKClientConfig config() {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        return config;
    }

    /** A connected session, or an IOException after {@link #CONNECT_BOUND_MS}. */
    static ZooKeeper connect(String connectString) throws IOException, InterruptedException {
        return connect(connectString, config());
    }

    /** As {@link #connect(String)} with a configuration of its own (e.g. TLS, {@link BenchTls#clientConfig()}). */
    static ZooKeeper connect(String connectString, ZKClientConfig config) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        if (!connected.await(CONNECT_BOUND_MS, TimeUnit.MILLISECONDS)) {
            zk.close();
            throw new IOException("no session with " + connectString + " within " + CONNECT_BOUND_MS + " ms");
        }
        return zk;
    }

    /**
     * Closes a session: sends closeSession and waits for the server's answer (bounded by the client's
     * request timeout), but not for the client's own threads to end, which takes tens of milliseconds more
     * and would make the sessions workload measure the client.
     */
    static void closeQuietly(ZooKeeper zk) {
        if (zk == null) {
            return;
        }
        try {
            zk.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
