package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 6: a rolling restart under load, as an operator upgrades an ensemble: each server in turn
 * stopped with SIGTERM, the other two going on meanwhile, and started again, the next one only once it
 * serves and follows (or leads). The load is one official client starting on each server (it moves to the
 * next server when its own stops) and one Curator client with a retry policy and idempotent creates.
 * The official clients see nothing but connection loss (each such create is uncertain, and the writer goes on
 * with the next znode); Curator, which retries connection loss, sees no error at all. At the end every
 * acknowledged write is on every server, in identical trees.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 ({@code -Dcompat.target=zookeeper}).
 */
class EnsembleRollingRestartTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int WRITES_PER_WRITER_MAX = 20_000;
    private static final int ACKS_PER_STEP = 50;
    /** Curator retries a lost connection this many times, each after waiting for the connection (bounded). */
    private static final int CURATOR_RETRIES = 10;
    private static final int CURATOR_RETRY_SLEEP_MS = 100;
    private static final int CURATOR_CONNECTION_TIMEOUT_MS = 15_000;
    private static final Duration LOAD_BOUND = Duration.ofSeconds(90);
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final Duration PROGRESS_BOUND = Duration.ofSeconds(30);
    private static final String ROOT = "/rolling";

    @Test
    void rollingRestartUnderLoadShowsClientsOnlyConnectionLossAndLosesNoAcknowledgedWrite() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("rolling", spec -> spec);
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            ensemble.awaitLeader(ELECTION_BOUND);
            List<InetSocketAddress> servers = CompatEnsemble.clientAddresses(ensemble);
            ZooKeeper setup = clients.zk(OrderedHostProvider.startingAt(servers, 0), SESSION_TIMEOUT_MS);
            setup.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            WriteLoad official = new WriteLoad(WRITES_PER_WRITER_MAX, LOAD_BOUND);
            official.startSpreadWriters(clients, servers, servers.size(), setup, ROOT + "/w", SESSION_TIMEOUT_MS);
            WriteLoad curatorLoad = new WriteLoad(WRITES_PER_WRITER_MAX, LOAD_BOUND);
            CuratorFramework curator = curator(clients, ensemble.connectString());
            String curatorParent = setup.create(ROOT + "/curator", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            curatorLoad.startWriter((path, data) -> curator.create().idempotent().forPath(path, data), curatorParent, "curator-writer");

            Map<Integer, Long> restartMs = new TreeMap<>();
            List<Integer> leaders = new ArrayList<>();
            try {
                official.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "before the rolling restart");
                for (Ensemble.Member member : ensemble.members()) {
                    int serverId = member.serverId();
                    long stoppedAt = System.nanoTime();
                    ensemble.stop(serverId);
                    official.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "while server " + serverId + " is down");
                    ensemble.restart(serverId);
                    leaders.add(ensemble.awaitLeader(ELECTION_BOUND));
                    restartMs.put(serverId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt));
                    official.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "after server " + serverId + " is back");
                }
                curatorLoad.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "Curator's, after the rolling restart");
            } finally {
                official.stop(Duration.ofMillis(SESSION_TIMEOUT_MS * 2L));
                curatorLoad.stop(Duration.ofMillis(CURATOR_CONNECTION_TIMEOUT_MS * 2L));
            }
            assertThat(official.unexpected).as("official clients' errors other than connection loss").isEmpty();
            assertThat(curatorLoad.unexpected).as("Curator's errors").isEmpty();
            assertThat(curatorLoad.uncertain).as("Curator's creates that failed with connection loss after its retries").isEmpty();

            Map<String, String> acked = new TreeMap<>(official.acked);
            acked.putAll(curatorLoad.acked);
            SortedMap<String, String> tree = ReplicatedTrees.assertIdenticalWithEveryAck(ensemble, clients, ROOT, acked,
                    SESSION_TIMEOUT_MS);
            System.out.printf(Locale.ROOT, "EnsembleRollingRestartTest %s: servers stopped and serving again after %s ms;"
                    + " leader after each restart %s; official clients %d acknowledged, %d connection losses; Curator %d"
                    + " acknowledged, no error; %d znodes on each server, identical%n", CompatRun.target(), restartMs,
                    leaders, official.acked.size(), official.uncertain.size(), curatorLoad.acked.size(), tree.size());
        }
    }

    /** A Curator client on every server that retries a lost connection, waiting for it each time. */
    private static CuratorFramework curator(Clients clients, String connectString) throws InterruptedException {
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(CURATOR_CONNECTION_TIMEOUT_MS)
                .retryPolicy(new RetryNTimes(CURATOR_RETRIES, CURATOR_RETRY_SLEEP_MS))
                .build();
        clients.track(curator::close);
        curator.start();
        assertThat(curator.blockUntilConnected(CURATOR_CONNECTION_TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .as("Curator connected to %s", connectString).isTrue();
        return curator;
    }
}
