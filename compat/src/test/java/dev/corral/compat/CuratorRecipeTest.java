package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Curator 5.9 recipes, several clients (sessions) at once, as applications use them.
 */
class CuratorRecipeTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("Curator recipes (Java)",
            "InterProcessMutex, LeaderLatch, DistributedQueue, SharedCount, CuratorCache, "
            + "ServiceDiscovery, several sessions at once",
            () -> CompatResults.mavenVersion("org.apache.curator", "curator-recipes"));

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final int CLIENTS = 3;

    @Test
    void interProcessMutexNeverHasTwoHolders() throws Exception {
        List<CuratorFramework> clients = curators(CLIENTS);
        int rounds = 5;
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger holdersMax = new AtomicInteger();
        AtomicInteger acquisitions = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (CuratorFramework client : clients) {
                workers.add(pool.submit(() -> {
                    InterProcessMutex mutex = new InterProcessMutex(client, "/recipes/mutex");
                    for (int round = 0; round < rounds; round++) {
                        if (!mutex.acquire(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                            throw new IllegalStateException("mutex not acquired within " + BOUND);
                        }
                        try {
                            holdersMax.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            acquisitions.incrementAndGet();
                            client.checkExists().forPath("/"); // hold across a round trip
                        } finally {
                            holders.decrementAndGet();
                            mutex.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(BOUND.toMillis() * rounds, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(holdersMax.get()).isEqualTo(1);
        assertThat(acquisitions.get()).isEqualTo(CLIENTS * rounds);
        sync(clients.get(0), "/recipes/mutex");
        assertThat(childrenOrNone(clients.get(0), "/recipes/mutex")).isEmpty();
    }

    /**
     * The children of a lock's parent, none if it is gone: Curator makes lock parents containers, which the
     * server reaps once they stay empty (both servers do; one full run caught ZooKeeper's reaper there).
     */
    private static List<String> childrenOrNone(CuratorFramework client, String path) throws Exception {
        try {
            return client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException gone) {
            return List.of();
        }
    }

    @Test
    void leaderLatchElectsExactlyOneLeaderAndLeadershipMovesWhenItCloses() throws Exception {
        List<CuratorFramework> clients = curators(CLIENTS);
        List<LeaderLatch> latches = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            LeaderLatch latch = new LeaderLatch(clients.get(i), "/recipes/leader", "participant-" + i);
            server.clients().track(latch::close);
            latch.start();
            latches.add(latch);
        }

        LeaderLatch first = awaitSingleLeader(latches);
        first.close();
        latches.remove(first);
        LeaderLatch second = awaitSingleLeader(latches);

        assertThat(second).isNotSameAs(first);
        assertThat(second.getLeader().getId()).isEqualTo(second.getId());
        for (CuratorFramework client : clients) { // the closed latch's node went through its own client's member
            sync(client, "/recipes/leader");
        }
        assertThat(latches.get(0).getParticipants()).hasSize(CLIENTS - 1);
    }

    @Test
    void distributedQueueDeliversEveryItemInOrderToAnotherClient() throws Exception {
        List<CuratorFramework> clients = curators(2);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        QueueConsumer<String> consumer = new QueueConsumer<>() {
            @Override
            public void consumeMessage(String message) {
                received.add(message);
            }

            @Override
            public void stateChanged(CuratorFramework client, ConnectionState newState) {
            }
        };
        DistributedQueue<String> producerQueue = QueueBuilder
                .builder(clients.get(0), null, new StringSerializer(), "/recipes/queue").buildQueue();
        DistributedQueue<String> consumerQueue = QueueBuilder
                .builder(clients.get(1), consumer, new StringSerializer(), "/recipes/queue").buildQueue();
        server.clients().track(producerQueue::close);
        server.clients().track(consumerQueue::close);
        producerQueue.start();
        consumerQueue.start();

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add("item-" + i);
            producerQueue.put("item-" + i);
        }

        List<String> got = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            String item = received.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(item).as("item %d within %s", i, BOUND).isNotNull();
            got.add(item);
        }
        assertThat(got).containsExactlyElementsOf(sent);
    }

    @Test
    void sharedCountIsSeenByEveryClientAndRejectsAStaleVersion() throws Exception {
        List<CuratorFramework> clients = curators(2);
        SharedCount mine = new SharedCount(clients.get(0), "/recipes/count", 0);
        SharedCount theirs = new SharedCount(clients.get(1), "/recipes/count", 0);
        server.clients().track(mine::close);
        server.clients().track(theirs::close);
        mine.start();
        theirs.start();

        VersionedValue<Integer> before = mine.getVersionedValue();
        assertThat(mine.trySetCount(before, 7)).isTrue();
        await().atMost(BOUND).until(() -> theirs.getCount() == 7);

        assertThat(theirs.trySetCount(before, 9)).as("stale version").isFalse();
        assertThat(theirs.trySetCount(theirs.getVersionedValue(), 9)).isTrue();
        await().atMost(BOUND).until(() -> mine.getCount() == 9);
    }

    @Test
    void curatorCacheSeesCreateUpdateAndDeleteFromAnotherClient() throws Exception {
        List<CuratorFramework> clients = curators(2);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CuratorCache cache = CuratorCache.build(clients.get(0), "/recipes/cache");
        server.clients().track(cache::close);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(node -> events.add("created " + node.getPath() + " " + text(node.getData())))
                .forChanges((old, node) -> events.add("changed " + node.getPath() + " " + text(node.getData())))
                .forDeletes(node -> events.add("deleted " + node.getPath()))
                .build());
        cache.start();
        CuratorFramework writer = clients.get(1);

        writer.create().creatingParentsIfNeeded().forPath("/recipes/cache/a", bytes("1"));
        awaitEvent(events, "created /recipes/cache/a 1");
        writer.setData().forPath("/recipes/cache/a", bytes("2"));
        awaitEvent(events, "changed /recipes/cache/a 2");
        writer.delete().forPath("/recipes/cache/a");
        awaitEvent(events, "deleted /recipes/cache/a");

        assertThat(cache.get("/recipes/cache/a")).isEmpty();
    }

    @Test
    void serviceDiscoveryRegistersQueriesAndUnregistersAcrossClients() throws Exception {
        List<CuratorFramework> clients = curators(2);
        ServiceDiscovery<Void> registering = ServiceDiscoveryBuilder.builder(Void.class)
                .client(clients.get(0)).basePath("/recipes/services").build();
        ServiceDiscovery<Void> querying = ServiceDiscoveryBuilder.builder(Void.class)
                .client(clients.get(1)).basePath("/recipes/services").watchInstances(false).build();
        server.clients().track(registering);
        server.clients().track(querying);
        registering.start();
        querying.start();
        ServiceInstance<Void> instance = ServiceInstance.<Void>builder().name("api").address("127.0.0.1")
                .port(8080).build();

        registering.registerService(instance);
        sync(clients.get(1), "/recipes/services");
        Collection<ServiceInstance<Void>> found = querying.queryForInstances("api");
        assertThat(found).extracting(ServiceInstance::getId).containsExactly(instance.getId());
        assertThat(found.iterator().next().getPort()).isEqualTo(8080);
        assertThat(querying.queryForNames()).contains("api");

        registering.unregisterService(instance);
        sync(clients.get(1), "/recipes/services");
        assertThat(querying.queryForInstances("api")).isEmpty();
    }

    private static List<CuratorFramework> curators(int count) throws InterruptedException {
        List<CuratorFramework> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(server.curator());
        }
        return clients;
    }

    /**
     * Syncs the member {@code client} is connected to with the leader. Each of a test's clients is on another
     * member of an ensemble ({@link Clients}), and Curator's clients do not sync before reading: a read of what
     * another client wrote, where the test expects it, comes after this.
     */
    private static void sync(CuratorFramework client, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        client.getZookeeperClient().getZooKeeper().sync(path, (rc, p, context) -> done.complete(rc), null);
        assertThat(done.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("sync of %s", path).isZero();
    }

    private static LeaderLatch awaitSingleLeader(List<LeaderLatch> latches) {
        List<LeaderLatch> leaders = new CopyOnWriteArrayList<>();
        await("exactly one leader").atMost(BOUND).until(() -> {
            leaders.clear();
            latches.stream().filter(LeaderLatch::hasLeadership).forEach(leaders::add);
            return leaders.size() == 1;
        });
        return leaders.get(0);
    }

    private static void awaitEvent(BlockingQueue<String> events, String expected) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            String event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (expected.equals(event)) {
                return;
            }
            if (event != null) {
                seen.add(event);
            }
        }
        throw new AssertionError("no cache event '" + expected + "' within " + BOUND + "; saw " + seen);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static final class StringSerializer implements QueueSerializer<String> {
        @Override
        public byte[] serialize(String item) {
            return bytes(item);
        }

        @Override
        public String deserialize(byte[] bytes) {
            return text(bytes);
        }
    }
}
