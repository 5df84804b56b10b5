package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.testkit.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.TreeCache;
import org.apache.curator.framework.recipes.cache.TreeCacheEvent;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.nodes.PersistentTtlNode;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Curator 5.9's framework features beyond the recipes of {@link CuratorRecipeTest}, as applications
 * use them: namespaces, TreeCache, ServiceDiscovery's ServiceCache, DistributedAtomicLong,
 * InterProcessReadWriteLock, LeaderLatch and LeaderSelector when the leader's session is lost (its
 * connection cut by a {@link TcpProxy} until the server expires the session), transactions, PersistentNode,
 * PersistentTtlNode, DistributedBarrier and DistributedDoubleBarrier. Every test runs against Corral and
 * against ZooKeeper 3.9.5 alike.
 */
class CuratorFrameworkTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("Curator framework (Java)",
            "namespaces, TreeCache, ServiceCache, DistributedAtomicLong, "
            + "InterProcessReadWriteLock, LeaderLatch and LeaderSelector through a lost session, "
            + "transactions, PersistentNode, PersistentTtlNode, DistributedBarrier, "
            + "DistributedDoubleBarrier",
            () -> CompatResults.mavenVersion("org.apache.curator", "curator-framework"));

    private static final Duration BOUND = Duration.ofSeconds(20);
    /** Short enough that a cut-off client's session expires quickly (tickTime=200 allows 400 ms to 4 s). */
    private static final int SHORT_SESSION_MS = 1_500;

    @Test
    void namespacesPrefixEveryPathAndCreateTheirRootOnFirstUse() throws Exception {
        CuratorFramework root = server.curator();
        CuratorFramework app = root.usingNamespace("ns-app/one");
        CuratorFramework other = root.usingNamespace("ns-other");

        app.create().creatingParentsIfNeeded().forPath("/config/key", bytes("v1"));
        other.create().forPath("/config", bytes("o"));

        assertThat(text(root.getData().forPath("/ns-app/one/config/key"))).isEqualTo("v1");
        assertThat(app.getChildren().forPath("/")).containsExactly("config");
        assertThat(other.getChildren().forPath("/")).containsExactly("config");
        assertThat(text(other.getData().forPath("/config"))).isEqualTo("o");
        assertThat(root.checkExists().forPath("/ns-other/config/key")).isNull();
        app.delete().deletingChildrenIfNeeded().forPath("/config");
        assertThat(root.getChildren().forPath("/ns-app/one")).isEmpty();
    }

    @Test
    void treeCacheLoadsTheSubtreeThenFollowsNestedChangesFromAnotherClient() throws Exception {
        CuratorFramework writer = server.curator();
        writer.create().creatingParentsIfNeeded().forPath("/tree/a/b", bytes("b0"));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        TreeCache cache = TreeCache.newBuilder(server.curator(), "/tree").build();
        server.clients().track(cache::close);
        cache.getListenable().addListener((client, event) -> events.add(describe(event)));
        cache.start();

        awaitEvents(events, "INITIALIZED");
        assertThat(cache.getCurrentChildren("/tree/a")).containsOnlyKeys("b");
        // The cache reads a new node's data after its watch fires, so each node is seen before it is deleted.
        writer.create().forPath("/tree/a/c", bytes("c0"));
        awaitEvents(events, "NODE_ADDED /tree/a/c c0");
        writer.setData().forPath("/tree/a/b", bytes("b1"));
        writer.delete().forPath("/tree/a/c");
        writer.create().creatingParentsIfNeeded().forPath("/tree/x/y/z", bytes("deep"));
        // Events of different nodes come in no set order (each node's data is read on its own).
        awaitAllEvents(events, "NODE_UPDATED /tree/a/b b1", "NODE_REMOVED /tree/a/c c0", "NODE_ADDED /tree/x ",
                "NODE_ADDED /tree/x/y ", "NODE_ADDED /tree/x/y/z deep");

        assertThat(text(cache.getCurrentData("/tree/a/b").getData())).isEqualTo("b1");
        assertThat(cache.getCurrentData("/tree/a/c")).isNull();
        assertThat(cache.getCurrentChildren("/tree")).containsOnlyKeys("a", "x");
    }

    @Test
    void serviceCacheSeesInstancesRegisteredUpdatedAndGoneWithTheirSession() throws Exception {
        ServiceDiscovery<String> watching = discovery(server.curator());
        ServiceCache<String> cache = watching.serviceCacheBuilder().name("db").build();
        server.clients().track(cache);
        cache.start();
        CuratorFramework provider = curatorVia(server.connectString(), SHORT_SESSION_MS);
        ServiceDiscovery<String> providing = discovery(provider);
        ServiceInstance<String> instance = ServiceInstance.<String>builder().name("db").address("10.0.0.7").port(5432)
                .payload("primary").build();

        providing.registerService(instance);
        await("the cache sees the instance").atMost(BOUND).until(() -> cache.getInstances().size() == 1);
        providing.updateService(ServiceInstance.<String>builder().id(instance.getId()).name("db").address("10.0.0.7")
                .port(5432).payload("replica").build());
        await("the cache sees the update").atMost(BOUND)
                .until(() -> cache.getInstances().stream().anyMatch(seen -> "replica".equals(seen.getPayload())));
        assertThat(watching.queryForInstance("db", instance.getId()).getAddress()).isEqualTo("10.0.0.7");

        provider.close(); // its session ends, and with it the ephemeral registration
        await("the instance is gone").atMost(BOUND).until(() -> cache.getInstances().isEmpty());
        assertThat(watching.queryForInstances("db")).isEmpty();
    }

    @Test
    void distributedAtomicLongCountsEveryIncrementOfConcurrentClientsAndRefusesAStaleCompareAndSet()
            throws Exception {
        int clients = 3;
        int increments = 10;
        runConcurrently(clients, i -> {
            DistributedAtomicLong counter = new DistributedAtomicLong(server.curator(), "/atomic/counter",
                    new RetryNTimes(100, 10));
            for (int n = 0; n < increments; n++) {
                assertThat(counter.increment().succeeded()).isTrue();
            }
        });
        DistributedAtomicLong counter = new DistributedAtomicLong(server.curator(), "/atomic/counter",
                new RetryNTimes(3, 10));
        assertThat(counter.get().postValue()).isEqualTo((long) clients * increments);
        AtomicValue<Long> stale = counter.compareAndSet(0L, 99L);
        assertThat(stale.succeeded()).isFalse();
        AtomicValue<Long> swapped = counter.compareAndSet((long) clients * increments, 99L);
        assertThat(swapped.succeeded()).isTrue();
        assertThat(counter.get().postValue()).isEqualTo(99L);
    }

    @Test
    void readWriteLockAdmitsReadersTogetherAndAWriterAlone() throws Exception {
        InterProcessReadWriteLock first = new InterProcessReadWriteLock(server.curator(), "/rwlock");
        InterProcessReadWriteLock second = new InterProcessReadWriteLock(server.curator(), "/rwlock");
        InterProcessReadWriteLock third = new InterProcessReadWriteLock(server.curator(), "/rwlock");

        assertThat(first.readLock().acquire(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(second.readLock().acquire(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("a second reader").isTrue();
        assertThat(third.writeLock().acquire(300, TimeUnit.MILLISECONDS)).as("a writer while readers hold").isFalse();
        first.readLock().release();
        second.readLock().release();
        assertThat(third.writeLock().acquire(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(first.readLock().acquire(300, TimeUnit.MILLISECONDS)).as("a reader while a writer holds").isFalse();
        assertThat(third.readLock().acquire(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("the writer may also read")
                .isTrue();
        third.readLock().release();
        third.writeLock().release();
        assertThat(first.readLock().acquire(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        first.readLock().release();
        CuratorFramework client = server.curator();
        await("no lock node left (the container itself may be reaped)").atMost(BOUND)
                .until(() -> client.checkExists().forPath("/rwlock") == null
                        || client.getChildren().forPath("/rwlock").isEmpty());
    }

    @Test
    void leaderLatchLeadershipMovesWhenTheLeadersSessionIsLostAndTheLeaderRejoinsAsAParticipant() throws Exception {
        TcpProxy proxy = server.clients().track(TcpProxy.start(server.port()));
        CuratorFramework cutOff = curatorVia(proxy.connectString(), SHORT_SESSION_MS);
        BlockingQueue<String> cutOffStates = connectionStates(cutOff);
        LeaderLatch leader = new LeaderLatch(cutOff, "/latch", "cut-off");
        BlockingQueue<String> leaderChanges = new LinkedBlockingQueue<>();
        leader.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                leaderChanges.add("leader");
            }

            @Override
            public void notLeader() {
                leaderChanges.add("not leader");
            }
        });
        server.clients().track(leader::close);
        leader.start();
        assertThat(leader.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        LeaderLatch follower = new LeaderLatch(server.curator(), "/latch", "follower");
        server.clients().track(follower::close);
        follower.start();
        await("both participate").atMost(BOUND).until(() -> follower.getParticipants().size() == 2);
        assertThat(follower.hasLeadership()).isFalse();

        proxy.cut();
        awaitEvents(leaderChanges, "leader", "not leader");
        assertThat(follower.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("the follower leads once the session"
                + " has expired").isTrue();
        proxy.restore();
        awaitEvents(cutOffStates, "SUSPENDED", "LOST", "RECONNECTED");
        await("the old leader participates again").atMost(BOUND)
                .until(() -> follower.getParticipants().size() == 2);
        assertThat(leader.hasLeadership()).isFalse();
        assertThat(follower.getLeader().getId()).isEqualTo("follower");
    }

    @Test
    void leaderSelectorInterruptsTheLeaderOnSessionLossAndRequeuesIt() throws Exception {
        TcpProxy proxy = server.clients().track(TcpProxy.start(server.port()));
        CuratorFramework cutOff = curatorVia(proxy.connectString(), SHORT_SESSION_MS);
        BlockingQueue<String> turns = new LinkedBlockingQueue<>();
        LeaderSelector first = selector(cutOff, "cut-off", turns);
        first.start();
        awaitEvents(turns, "cut-off leads");
        LeaderSelector second = selector(server.curator(), "other", turns);
        second.start();
        await("both participate").atMost(BOUND).until(() -> second.getParticipants().size() == 2);

        proxy.cut();
        awaitEvents(turns, "cut-off interrupted", "other leads");
        proxy.restore();
        await("the interrupted leader is queued again").atMost(BOUND)
                .until(() -> second.getParticipants().size() == 2);
        assertThat(second.getLeader().getId()).isEqualTo("other");
    }

    @Test
    void transactionsCommitEveryOperationOrNone() throws Exception {
        CuratorFramework client = server.curator();
        client.create().forPath("/txn", bytes("0"));
        client.create().forPath("/txn/old");

        List<CuratorOp> operations = List.of(
                client.transactionOp().create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/txn/seq-", bytes("s")),
                client.transactionOp().setData().withVersion(0).forPath("/txn", bytes("1")),
                client.transactionOp().delete().forPath("/txn/old"),
                client.transactionOp().check().withVersion(1).forPath("/txn"));
        List<CuratorTransactionResult> results = client.transaction().forOperations(operations);
        assertThat(results).extracting(CuratorTransactionResult::getType)
                .containsExactly(OperationType.CREATE, OperationType.SET_DATA, OperationType.DELETE, OperationType.CHECK);
        assertThat(results.get(0).getResultPath()).isEqualTo("/txn/seq-0000000001");
        assertThat(results.get(1).getResultStat().getVersion()).isEqualTo(1);

        List<CuratorOp> failing = List.of(
                client.transactionOp().create().forPath("/txn/new"),
                client.transactionOp().setData().withVersion(0).forPath("/txn", bytes("stale")));
        assertThatThrownBy(() -> client.transaction().forOperations(failing))
                .isInstanceOf(KeeperException.BadVersionException.class);
        assertThat(client.checkExists().forPath("/txn/new")).isNull();
        assertThat(text(client.getData().forPath("/txn"))).isEqualTo("1");
        assertThat(client.getChildren().forPath("/txn")).containsExactly("seq-0000000001");
    }

    @Test
    void persistentNodeComesBackAfterDeletionAndAfterItsSessionIsLost() throws Exception {
        TcpProxy proxy = server.clients().track(TcpProxy.start(server.port()));
        CuratorFramework owner = curatorVia(proxy.connectString(), SHORT_SESSION_MS);
        PersistentNode node = new PersistentNode(owner, CreateMode.EPHEMERAL, false, "/persistent/me", bytes("up"));
        server.clients().track(node);
        node.start();
        assertThat(node.waitForInitialCreate(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        CuratorFramework other = server.curator();
        long firstOwner = other.checkExists().forPath("/persistent/me").getEphemeralOwner();

        other.delete().forPath("/persistent/me");
        await("recreated after a delete").atMost(BOUND).until(() -> other.checkExists().forPath("/persistent/me") != null);
        proxy.cut();
        await("gone with the expired session").atMost(BOUND)
                .until(() -> other.checkExists().forPath("/persistent/me") == null);
        proxy.restore();
        await("recreated by the new session").atMost(BOUND)
                .until(() -> other.checkExists().forPath("/persistent/me") != null);
        assertThat(other.checkExists().forPath("/persistent/me").getEphemeralOwner()).isNotEqualTo(firstOwner);
        assertThat(text(other.getData().forPath("/persistent/me"))).isEqualTo("up");
    }

    @Test
    void persistentTtlNodeLivesWhileTouchedAndIsReapedAfterItCloses() throws Exception {
        CuratorFramework client = server.curator();
        long ttlMs = 400;
        PersistentTtlNode node = new PersistentTtlNode(client, "/ttl-node", ttlMs, bytes("alive"));
        node.start();
        assertThat(node.waitForInitialCreate(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(client.checkExists().forPath("/ttl-node").getEphemeralOwner())
                .as("a container node").isZero();
        await("still there after several TTLs").during(Duration.ofMillis(ttlMs * 4)).atMost(BOUND)
                .until(() -> client.checkExists().forPath("/ttl-node") != null);
        assertThat(text(client.getData().forPath("/ttl-node"))).isEqualTo("alive");

        node.close();
        await("reaped once no longer touched").atMost(BOUND)
                .until(() -> client.checkExists().forPath("/ttl-node") == null);
    }

    @Test
    void distributedBarrierHoldsWaitersUntilRemoved() throws Exception {
        DistributedBarrier setter = new DistributedBarrier(server.curator(), "/barrier");
        setter.setBarrier();
        int waiters = 2;
        CountDownLatch waiting = new CountDownLatch(waiters);
        AtomicInteger passed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(waiters);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                CuratorFramework client = server.curator();
                results.add(pool.submit(() -> {
                    DistributedBarrier barrier = new DistributedBarrier(client, "/barrier");
                    waiting.countDown();
                    boolean through = barrier.waitOnBarrier(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    passed.incrementAndGet();
                    return through;
                }));
            }
            assertThat(waiting.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(new DistributedBarrier(server.curator(), "/barrier").waitOnBarrier(200, TimeUnit.MILLISECONDS))
                    .as("a waiter times out while the barrier is set").isFalse();
            assertThat(passed.get()).isZero();
            setter.removeBarrier();
            for (Future<Boolean> result : results) {
                assertThat(result.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void doubleBarrierLetsMembersEnterTogetherAndLeaveTogether() throws Exception {
        int members = 3;
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger enteredMin = new AtomicInteger(Integer.MAX_VALUE);
        runConcurrently(members, i -> {
            DistributedDoubleBarrier barrier = new DistributedDoubleBarrier(server.curator(), "/double", members);
            assertThat(barrier.enter(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            // Everyone who got in saw every member's node: nobody enters before all have arrived.
            enteredMin.accumulateAndGet(server.curator().getChildren().forPath("/double").size(), Math::min);
            entered.incrementAndGet();
            assertThat(barrier.leave(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        });
        assertThat(entered.get()).isEqualTo(members);
        assertThat(enteredMin.get()).isGreaterThanOrEqualTo(members);
        CuratorFramework client = server.curator();
        await("the barrier's container node is reaped once empty").atMost(BOUND)
                .until(() -> client.checkExists().forPath("/double") == null);
    }

    // ---- helpers

    interface Member {
        void run(int index) throws Exception;
    }

    /** Runs {@code count} members on threads of their own and waits (bounded) for all; fails with the first failure. */
    private static void runConcurrently(int count, Member member) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    member.run(index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(BOUND.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A started Curator client on {@code connectString} with its own session timeout; closed after the test. */
    private static CuratorFramework curatorVia(String connectString, int sessionTimeoutMs) throws InterruptedException {
        CuratorFramework curator = CuratorFrameworkFactory.builder().connectString(connectString)
                .sessionTimeoutMs(sessionTimeoutMs).connectionTimeoutMs(sessionTimeoutMs)
                .retryPolicy(new RetryNTimes(1_000, 100)).build();
        server.clients().track(curator::close);
        curator.start();
        assertThat(curator.blockUntilConnected(Clients.CONNECT_BOUND_MS, TimeUnit.MILLISECONDS)).isTrue();
        return curator;
    }

    private static BlockingQueue<String> connectionStates(CuratorFramework client) {
        BlockingQueue<String> states = new LinkedBlockingQueue<>();
        client.getConnectionStateListenable().addListener((c, state) -> states.add(state.name()));
        return states;
    }

    private static ServiceDiscovery<String> discovery(CuratorFramework client) throws Exception {
        ServiceDiscovery<String> discovery = ServiceDiscoveryBuilder.builder(String.class).client(client)
                .basePath("/services").serializer(new JsonInstanceSerializer<>(String.class)).build();
        server.clients().track(discovery);
        discovery.start();
        return discovery;
    }

    /**
     * A LeaderSelector that reports "id leads" and, when its leadership is cancelled, "id interrupted": the
     * listener adapter cancels leadership when the connection is SUSPENDED or LOST, which interrupts
     * takeLeadership.
     */
    private static LeaderSelector selector(CuratorFramework client, String id, BlockingQueue<String> turns) {
        LeaderSelector selector = new LeaderSelector(client, "/selector", new LeaderSelectorListenerAdapter() {
            @Override
            public void takeLeadership(CuratorFramework leading) throws Exception {
                turns.add(id + " leads");
                try {
                    new CountDownLatch(1).await(); // lead until interrupted
                } catch (InterruptedException e) {
                    turns.add(id + " interrupted");
                    throw e;
                }
            }
        });
        selector.setId(id);
        selector.autoRequeue();
        server.clients().track(selector::close);
        return selector;
    }

    private static String describe(TreeCacheEvent event) {
        ChildData data = event.getData();
        return data == null ? event.getType().name()
                : event.getType() + " " + data.getPath() + " " + (data.getData() == null ? "" : text(data.getData()));
    }

    /** Waits (bounded) until {@code expected} have all been seen in this order; other events between are allowed. */
    private static void awaitEvents(BlockingQueue<String> events, String... expected) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        int next = 0;
        while (next < expected.length) {
            String event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("not seen in order within " + BOUND + ": " + List.of(expected).subList(next,
                        expected.length) + "; saw " + seen);
            }
            seen.add(event);
            if (event.equals(expected[next])) {
                next++;
            }
        }
    }

    /** Waits (bounded) until every one of {@code expected} has been seen, in any order. */
    private static void awaitAllEvents(BlockingQueue<String> events, String... expected) throws InterruptedException {
        List<String> missing = new ArrayList<>(List.of(expected));
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!missing.isEmpty()) {
            String event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("not seen within " + BOUND + ": " + missing + "; saw " + seen);
            }
            seen.add(event);
            missing.remove(event);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
