package dev.corral.compat;

import dev.corral.testkit.TcpProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.client.HostProvider;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Opens official ZooKeeper, Curator and raw clients and closes them all, newest first, when a test ends.
 * Every open waits for the connection with a bound. Against an ensemble, each new client (except those given
 * an address, a host provider or a session to resume) connects to the next member in turn, so that a test's
 * first client is on server 1, its second on server 2, and so on: a watch set through one server fires for a
 * write through another, and official clients sync before each synchronous read ({@link SyncingReads}).
 */
final class Clients implements AutoCloseable {

    /** Requested session timeout; the server clamps it to at most 20 ticks (4 s at tickTime=200). */
    static final int SESSION_TIMEOUT_MS = 30_000;
    static final int CONNECT_BOUND_MS = 15_000;
    private static final int CLOSE_BOUND_MS = 5_000;

    private final String connectString;
    private final List<Integer> ports;
    private final AtomicInteger turn = new AtomicInteger();
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Clients of one server. */
    Clients(String connectString, int port) {
        this(connectString, List.of(port));
    }

    /**
     * Clients spread over the servers listening on {@code ports} (loopback) in turn; {@code connectString}
     * names them all, for clients that choose for themselves.
     */
    Clients(String connectString, List<Integer> ports) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no server to open clients of");
        }
        this.connectString = connectString;
        this.ports = List.copyOf(ports);
    }

    /** Whether the clients are spread over several servers, whose official clients then sync before reads ({@link SyncingReads}). */
    private boolean ensemble() {
        return ports.size() > 1;
    }

    /** The client port of the server whose turn it is, and moves the turn on. */
    int nextPort() {
        return ports.get(Math.floorMod(turn.getAndIncrement(), ports.size()));
    }

    private String nextServer() {
        return "127.0.0.1:" + nextPort();
    }

    /** A connected ZooKeeper client whose default watcher ignores events. */
    ZooKeeper zk() throws IOException, InterruptedException {
        return zk(event -> { });
    }

    ZooKeeper zk(Watcher defaultWatcher) throws IOException, InterruptedException {
        return zk(nextServer(), SESSION_TIMEOUT_MS, defaultWatcher);
    }

    /** A connected ZooKeeper client for any connect string (e.g. a {@link TcpProxy}) and timeout. */
    ZooKeeper zk(String connectTo, int sessionTimeoutMs, Watcher defaultWatcher)
            throws IOException, InterruptedException {
        ConnectedLatch latch = new ConnectedLatch(defaultWatcher);
        ZooKeeper zk = track(ensemble() ? new SyncingReads(connectTo, sessionTimeoutMs, latch)
                : new ZooKeeper(connectTo, sessionTimeoutMs, latch));
        latch.await(connectTo);
        return zk;
    }

    /** A connected ZooKeeper client with client settings of its own (e.g. a small jute.maxbuffer). */
    ZooKeeper zk(String connectTo, int sessionTimeoutMs, Watcher defaultWatcher, ZKClientConfig config)
            throws IOException, InterruptedException {
        ConnectedLatch latch = new ConnectedLatch(defaultWatcher);
        ZooKeeper zk = track(new ZooKeeper(connectTo, sessionTimeoutMs, latch, config));
        latch.await(connectTo);
        return zk;
    }

    /** A connected client with its own client configuration (TLS, SASL), as ZKClientConfig carries it. */
    ZooKeeper zk(String connectTo, org.apache.zookeeper.client.ZKClientConfig config) throws IOException, InterruptedException {
        ConnectedLatch latch = new ConnectedLatch(event -> { });
        ZooKeeper zk = track(new ZooKeeper(connectTo, SESSION_TIMEOUT_MS, latch, config));
        latch.await(connectTo);
        return zk;
    }

    /**
     * A connected client that tries servers in {@code hostProvider}'s order, so that a test decides which
     * ensemble member each client starts on (the default provider shuffles them).
     */
    ZooKeeper zk(HostProvider hostProvider, int sessionTimeoutMs) throws IOException, InterruptedException {
        ConnectedLatch latch = new ConnectedLatch(event -> { });
        ZooKeeper zk = track(ensemble() ? new SyncingReads(connectString, sessionTimeoutMs, latch, false, hostProvider)
                : new ZooKeeper(connectString, sessionTimeoutMs, latch, false, hostProvider));
        latch.await(connectString);
        return zk;
    }

    /** Reattaches to an existing session by id and password, as the client does after a reconnect. */
    ZooKeeper zk(long sessionId, byte[] password, Watcher defaultWatcher) throws IOException {
        return track(ensemble() ? new SyncingReads(connectString, SESSION_TIMEOUT_MS, defaultWatcher, sessionId, password)
                : new ZooKeeper(connectString, SESSION_TIMEOUT_MS, defaultWatcher, sessionId, password));
    }

    /** A connected client that has sent {@code addAuthInfo("digest", credentials)}. */
    ZooKeeper zkAs(String credentials) throws IOException, InterruptedException {
        ZooKeeper zk = zk();
        zk.addAuthInfo("digest", credentials.getBytes(StandardCharsets.UTF_8));
        return zk;
    }

    /** A client authenticated as the super user configured on every server. */
    ZooKeeper superZk() throws IOException, InterruptedException {
        return zkAs(ServerSpec.SUPER_CREDENTIALS);
    }

    ZooKeeperAdmin admin() throws IOException, InterruptedException {
        ConnectedLatch latch = new ConnectedLatch(event -> { });
        ZooKeeperAdmin admin = track(new ZooKeeperAdmin(connectString, SESSION_TIMEOUT_MS, latch));
        latch.await(connectString);
        return admin;
    }

    CuratorFramework curator() throws InterruptedException {
        String connectTo = nextServer();
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(connectTo)
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(CONNECT_BOUND_MS)
                .retryPolicy(new RetryNTimes(20, 100))
                .build();
        track(curator::close);
        curator.start();
        if (!curator.blockUntilConnected(CONNECT_BOUND_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Curator did not connect to " + connectTo
                    + " within " + CONNECT_BOUND_MS + " ms");
        }
        return curator;
    }

    /** A raw-socket client with a fresh session. */
    RawClient raw(int sessionTimeoutMs) throws IOException {
        return track(RawClient.connect(nextPort(), sessionTimeoutMs));
    }

    /** A raw TCP connection without a handshake. */
    RawClient rawConnection() throws IOException {
        return track(RawClient.open(nextPort()));
    }

    <T extends AutoCloseable> T track(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    @Override
    public void close() {
        while (!opened.isEmpty()) {
            AutoCloseable closeable = opened.pop();
            try {
                if (closeable instanceof ZooKeeper zk) {
                    zk.close(CLOSE_BOUND_MS);
                } else {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + closeable + " failed: " + e);
            }
        }
    }

    /** Forwards every event to the test's watcher and releases {@link #await} on SyncConnected. */
    private static final class ConnectedLatch implements Watcher {
        private final Watcher delegate;
        private final CountDownLatch connected = new CountDownLatch(1);

        ConnectedLatch(Watcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public void process(WatchedEvent event) {
            if (event.getState() == Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            delegate.process(event);
        }

        void await(String connectTo) throws InterruptedException, IOException {
            if (!connected.await(CONNECT_BOUND_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException("ZooKeeper client did not connect to " + connectTo
                        + " within " + CONNECT_BOUND_MS + " ms");
            }
        }
    }
}
