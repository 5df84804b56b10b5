package dev.corral.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * The load generator users' own client would produce: the official ZooKeeper Java client (3.9.5), its
 * asynchronous API, {@code clients} sessions each with a window of at most {@code outstanding} operations
 * in flight. One driver thread per session takes a free window slot, issues an operation, and goes on; the
 * operation's callback records its latency and gives the slot back. So the offered load adapts to the
 * server (closed loop) and never grows without bound.
 *
 * <p>Bounds: the run stops at its duration or after {@code opsMax} operations; a slot not returned within
 * {@link LoadCounters#STALL_MS} counts as a stall; after the stop, requests in flight get
 * {@link #DRAIN_MS} to complete and those that do not are reported as unanswered.
 *
 * <p>A {@code tls-} spec runs every session with the given TLS configuration ({@link BenchTls#clientConfig()}) and
 * checks each one before the warm-up ({@link BenchTls#verify}): a session not over TLS fails the run, and the
 * result names the protocol and suite they negotiated (all must agree).
 */
final class OfficialClientLoad {
    static final long DRAIN_MS = 10_000;
    private static final long JOIN_MS = 10_000;
    private static final long SEED = 0x5eed_c0ffeeL;

    // Session i connects to servers.get(i mod size) alone; churn sessions may use any of them.
    private final List<String> servers;
    private final String connectString;
    private final LoadSpec spec;
    private final String root;
    private final Supplier<ZKClientConfig> clientConfig;
    private final byte[] value;
    private final LoadCounters counters = new LoadCounters();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong issued = new AtomicLong();
    // Sessions opened by the sessions workload and not yet closed; closed at the end whatever happened.
    private final Set<ZooKeeper> churnSessions = ConcurrentHashMap.newKeySet();

    private OfficialClientLoad(List<String> servers, LoadSpec spec, String root, Supplier<ZKClientConfig> clientConfig) {
        this.servers = List.copyOf(servers);
        this.connectString = String.join(",", servers);
        this.spec = spec;
        this.root = root;
        this.clientConfig = clientConfig;
        this.value = new byte[spec.valueBytes()];
        new SplittableRandom(SEED).nextBytes(value);
    }

    /**
     * Runs {@code spec} against the server at {@code connectString} under the znode {@code root} (which
     * must not exist yet) and measures it; {@code serverCpu} reads the server's CPU time ({@code Cpu.UNKNOWN}: unknown).
     */
    static LoadResult run(String server, int rep, String connectString, LoadSpec spec, String root,
            Supplier<ProcessStats.Cpu> serverCpu) throws IOException, InterruptedException {
        return run(server, rep, List.of(connectString), spec, root, serverCpu, Clients::config);
    }

    /**
     * As above against an ensemble: session i connects to {@code servers.get(i % servers.size())} only, so
     * the clients are spread evenly over the members (a connect string naming all of them would let the
     * client pick at random); {@code serverCpu} should sum the CPU of every member. Every session
     * of the run gets a configuration of its own from {@code clientConfig} (TLS for a {@code tls-} spec).
     */
    static LoadResult run(String server, int rep, List<String> servers, LoadSpec spec, String root,
            Supplier<ProcessStats.Cpu> serverCpu, Supplier<ZKClientConfig> clientConfig) throws IOException, InterruptedException {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server to run " + spec.label() + " against");
        }
        return new OfficialClientLoad(servers, spec, root, clientConfig).run(server, rep, serverCpu);
    }

    private LoadResult run(String server, int rep, Supplier<ProcessStats.Cpu> serverCpu) throws IOException, InterruptedException {
        // The sessions workload opens its own sessions per operation; it needs one only for setup.
        int sessionCount = spec.workload() == Workload.SESSIONS ? 1 : spec.clients();
        List<ZooKeeper> sessions = new ArrayList<>();
        ExecutorService closer = Executors.newFixedThreadPool(Math.min(spec.windowTotal(), 64), daemon("closer"));
        List<Thread> drivers = new ArrayList<>();
        try {
            for (int i = 0; i < sessionCount; i++) {
                sessions.add(Clients.connect(servers.get(i % servers.size()), clientConfig.get()));
            }
            String tls = spec.tls() ? negotiated(sessions) : null;
            Setup.prepare(sessions.get(0), spec, root, value);
            if (servers.size() > 1) {
                Setup.syncAll(sessions, root);
            }
            CountDownLatch driversDone = new CountDownLatch(spec.clients());
            for (int client = 0; client < spec.clients(); client++) {
                ZooKeeper zk = sessions.get(Math.min(client, sessionCount - 1));
                int index = client;
                Thread driver = new Thread(() -> {
                    try {
                        drive(zk, index, closer);
                    } finally {
                        driversDone.countDown();
                    }
                }, "load-" + client);
                driver.setDaemon(true);
                drivers.add(driver);
            }
            drivers.forEach(Thread::start);
            Window window = Window.measure(spec, counters, serverCpu, driversDone);
            stop.set(true);
            for (Thread driver : drivers) {
                driver.join(JOIN_MS);
            }
            long unanswered = counters.awaitIdle(DRAIN_MS);
            return LoadResult.of(server, rep, spec, window, counters.stalls(), unanswered, counters.firstError(), tls);
        } finally {
            stop.set(true);
            closer.shutdown();
            closer.awaitTermination(DRAIN_MS, TimeUnit.MILLISECONDS);
            churnSessions.forEach(Clients::closeQuietly);
            sessions.forEach(Clients::closeQuietly);
        }
    }

    /** What every session negotiated, after {@link BenchTls#verify} of each; an IOException if one is not over TLS or they differ. */
    private static String negotiated(List<ZooKeeper> sessions) throws IOException, InterruptedException {
        Set<BenchTls.Negotiated> seen = new java.util.LinkedHashSet<>();
        for (ZooKeeper zk : sessions) {
            seen.add(BenchTls.verify(zk));
        }
        if (seen.size() != 1) {
            throw new IOException("the sessions of one run negotiated different TLS parameters: " + seen);
        }
        return seen.iterator().next().toString();
    }

    /** The driver of one client: take a free slot of its window, issue an operation, repeat until stopped. */
    private void drive(ZooKeeper zk, int client, ExecutorService closer) {
        BlockingQueue<Integer> freeSlots = new ArrayBlockingQueue<>(spec.outstanding());
        for (int slot = 0; slot < spec.outstanding(); slot++) {
            freeSlots.add(slot);
        }
        SplittableRandom random = new SplittableRandom(SEED + client);
        long sequence = 0;
        try {
            while (!stop.get()) {
                Integer slot = freeSlots.poll(LoadCounters.STALL_MS, TimeUnit.MILLISECONDS);
                if (slot == null) {
                    counters.stall("client " + client + ": no reply for " + LoadCounters.STALL_MS + " ms with "
                            + spec.outstanding() + " requests outstanding");
                    continue;
                }
                if (stop.get() || issued.incrementAndGet() > spec.opsMax()) {
                    break;
                }
                Completion done = new Completion(freeSlots, slot);
                counters.started();
                try {
                    issue(zk, client, slot, sequence++, random, done, closer);
                } catch (RuntimeException | IOException e) {
                    done.fail(e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void issue(ZooKeeper zk, int client, int slot, long sequence, SplittableRandom random, Completion done,
            ExecutorService closer) throws IOException {
        switch (spec.workload()) {
            case CREATE -> zk.create(root + "/n-" + client + "-" + sequence, value, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT, (rc, path, ctx, name) -> done.complete(rc, "create", path), null);
            case SET -> set(zk, randomKey(random), done);
            case GET -> get(zk, randomKey(random), done);
            case MIXED -> {
                if (random.nextDouble() < spec.readRatio()) {
                    get(zk, randomKey(random), done);
                } else {
                    set(zk, randomKey(random), done);
                }
            }
            case CHILDREN -> zk.getChildren(Setup.childrenParent(root), false,
                    (rc, path, ctx, children) -> done.complete(rc, "getChildren", path), null);
            case MULTI -> {
                List<Op> ops = new ArrayList<>(spec.multiOps());
                for (int i = 0; i < spec.multiOps(); i++) {
                    ops.add(Op.setData(randomKey(random), value, -1));
                }
                zk.multi(ops, (rc, path, ctx, results) -> done.complete(rc, "multi", root), null);
            }
            case EXISTS_WATCH -> watchCycle(zk, Setup.watchPath(root, client, slot), done);
            case SESSIONS -> sessionChurn(root + "/s-" + client + "-" + sequence, done, closer);
        }
    }

    private void set(ZooKeeper zk, String path, Completion done) {
        zk.setData(path, value, -1, (rc, p, ctx, stat) -> done.complete(rc, "setData", p), null);
    }

    private void get(ZooKeeper zk, String path, Completion done) {
        zk.getData(path, false, (rc, p, ctx, data, stat) -> done.complete(rc, "getData", p), null);
    }

    private String randomKey(SplittableRandom random) {
        return Setup.keyPath(root, random.nextInt(spec.keys()));
    }

    /**
     * exists with a watch, then setData of the same znode; the cycle completes when both the setData reply
     * and the NodeDataChanged notification have arrived (the server sends the notification first).
     */
    private void watchCycle(ZooKeeper zk, String path, Completion done) {
        AtomicInteger parts = new AtomicInteger(2);
        Watcher watcher = event -> {
            if (event.getType() == Watcher.Event.EventType.NodeDataChanged && parts.decrementAndGet() == 0) {
                done.complete(0, "watch", path);
            }
        };
        zk.exists(path, watcher, (rc, p, ctx, stat) -> {
            if (rc != KeeperException.Code.OK.intValue()) {
                done.complete(rc, "exists", p);
                return;
            }
            zk.setData(path, value, -1, (rc2, p2, ctx2, stat2) -> {
                if (rc2 != KeeperException.Code.OK.intValue()) {
                    done.complete(rc2, "setData", p2);
                } else if (parts.decrementAndGet() == 0) {
                    done.complete(0, "setData", p2);
                }
            }, null);
        }, null);
    }

    /**
     * A new session (connect and handshake), an ephemeral created in it, and the session's close, which
     * deletes the ephemeral. close() blocks until the server answers, so it runs on the closer pool.
     */
    private void sessionChurn(String path, Completion done, ExecutorService closer) throws IOException {
        CompletableFuture<ZooKeeper> session = new CompletableFuture<>();
        AtomicBoolean connected = new AtomicBoolean();
        ZooKeeper zk = new ZooKeeper(connectString, Clients.SESSION_TIMEOUT_MS, event -> {
            Watcher.Event.KeeperState state = event.getState();
            if (state == Watcher.Event.KeeperState.SyncConnected && connected.compareAndSet(false, true)) {
                session.thenAccept(churn -> churn.create(path, value, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL,
                        (rc, p, ctx, name) -> closer.execute(() -> {
                            Clients.closeQuietly(churn);
                            churnSessions.remove(churn);
                            done.complete(rc, "create ephemeral", p);
                        }), null));
            } else if (state == Watcher.Event.KeeperState.Expired || state == Watcher.Event.KeeperState.AuthFailed) {
                session.thenAccept(churn -> closer.execute(() -> {
                    Clients.closeQuietly(churn);
                    churnSessions.remove(churn);
                    done.fail("session " + state + " while connecting");
                }));
            }
        }, clientConfig.get());
        churnSessions.add(zk);
        session.complete(zk);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * The end of one operation, reported exactly once: records success or failure, and gives the window
     * slot back. Later reports (a late notification of a failed watch cycle) are ignored.
     */
    private final class Completion {
        private final BlockingQueue<Integer> freeSlots;
        private final int slot;
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean reported = new AtomicBoolean();

        Completion(BlockingQueue<Integer> freeSlots, int slot) {
            this.freeSlots = freeSlots;
            this.slot = slot;
        }

        void complete(int rc, String what, String path) {
            if (rc == KeeperException.Code.OK.intValue()) {
                if (reported.compareAndSet(false, true)) {
                    counters.success(startNanos);
                    release();
                }
            } else {
                fail(what + " " + path + ": " + KeeperException.Code.get(rc));
            }
        }

        void fail(String what) {
            if (reported.compareAndSet(false, true)) {
                counters.failure(what);
                release();
            }
        }

        private void release() {
            freeSlots.add(slot);
            counters.finished();
        }
    }
}
