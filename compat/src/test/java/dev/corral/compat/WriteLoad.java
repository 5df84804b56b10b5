package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Poll;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * A write load for the ensemble tests: writers, one thread and one official client each, that create their
 * own znodes one after another, each with a value naming it. A create that returns is acknowledged and must
 * survive whatever the test does to the servers; one that fails with connection loss may or may not have been
 * applied (it is uncertain, and the writer goes on with the next znode, as a client that retries would); any
 * other error is unexpected, and a test that expects only connection losses asserts there is none.
 *
 * <p>Bounded: each writer stops after {@code writesPerWriterMax} creates, after {@code bound} from the load's
 * start, or when {@link #stop} is called.
 */
final class WriteLoad {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    final Map<String, String> acked = new ConcurrentHashMap<>();
    final Map<String, String> uncertain = new ConcurrentHashMap<>();
    final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private final int writesPerWriterMax;
    private final long deadline;
    private volatile boolean stop;

    WriteLoad(int writesPerWriterMax, Duration bound) {
        this.writesPerWriterMax = writesPerWriterMax;
        this.deadline = System.nanoTime() + bound.toNanos();
    }

    /** How a writer creates one znode: a client's create, which returns only once the write is acknowledged. */
    @FunctionalInterface
    interface Create {
        void create(String path, byte[] data) throws Exception;
    }

    /** Starts a writer that creates {@code parent/n000000}, {@code parent/n000001}, ... through {@code zk}. */
    void startWriter(ZooKeeper zk, String parent, String name) {
        startWriter((path, data) -> zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT), parent, name);
    }

    /**
     * Starts {@code count} official writers spread over {@code servers}: writer k starts on server k mod n and
     * moves to the next one when its server goes away; it writes under {@code parentPrefix + k}, created here
     * through {@code setup}.
     */
    void startSpreadWriters(Clients clients, List<InetSocketAddress> servers, int count, ZooKeeper setup, String parentPrefix,
            int sessionTimeoutMs) throws Exception {
        for (int writer = 0; writer < count; writer++) {
            ZooKeeper zk = clients.zk(OrderedHostProvider.startingAt(servers, writer % servers.size()), sessionTimeoutMs);
            String parent = setup.create(parentPrefix + writer, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            startWriter(zk, parent, "writer-" + parent);
        }
    }

    /** Starts a writer that creates {@code parent/n000000}, {@code parent/n000001}, ... with {@code create}. */
    void startWriter(Create create, String parent, String name) {
        Thread writer = new Thread(() -> write(create, parent), name);
        writers.add(writer);
        writer.start();
    }

    private void write(Create create, String parent) {
        for (int sequence = 0; sequence < writesPerWriterMax && !stop && System.nanoTime() - deadline < 0; sequence++) {
            String path = String.format(Locale.ROOT, "%s/n%06d", parent, sequence);
            String value = path + "@" + sequence;
            try {
                create.create(path, value.getBytes(StandardCharsets.UTF_8));
                acked.put(path, value);
            } catch (KeeperException.ConnectionLossException e) {
                uncertain.put(path, value);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                unexpected.add(e);
            }
        }
    }

    /** Waits at most {@code bound} until {@code more} writes beyond those acknowledged now are acknowledged. */
    void awaitMoreAcks(int more, Duration bound, String when) throws InterruptedException {
        int count = acked.size() + more;
        boolean reached = Poll.until(bound, POLL_INTERVAL, () -> acked.size() >= count);
        assertThat(reached).as("%d acknowledged writes %s within %s (have %d; errors %s)", count, when, bound,
                acked.size(), unexpected).isTrue();
    }

    /** Stops every writer and waits for each at most {@code bound} (a writer may be waiting for its create's answer). */
    void stop(Duration bound) throws InterruptedException {
        stop = true;
        long end = System.nanoTime() + bound.toNanos();
        for (Thread writer : writers) {
            writer.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        }
        assertThat(writers).as("writers stopped within %s", bound).noneMatch(Thread::isAlive);
    }
}
