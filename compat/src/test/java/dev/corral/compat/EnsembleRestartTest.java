package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 6: the whole ensemble stopped and started again keeps every acknowledged write. Two rounds
 * on one ensemble, each under a write load of one official client per server: every server stopped with
 * SIGTERM (an operator's stop), then every server killed with SIGKILL (a power cut, as far as a process can
 * have one: the kernel keeps what was written). After each restart a leader is elected from the servers'
 * logs alone, and every server holds every write acknowledged before the stop, in identical trees.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 ({@code -Dcompat.target=zookeeper}).
 */
class EnsembleRestartTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int WRITES_PER_WRITER_MAX = 20_000;
    private static final int ACKS_BEFORE_STOP = 300;
    private static final Duration LOAD_BOUND = Duration.ofSeconds(60);
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final Duration PROGRESS_BOUND = Duration.ofSeconds(30);
    private static final String ROOT = "/restart";

    /** How the whole ensemble goes down in a round. */
    private enum Stop {
        SIGTERM, SIGKILL
    }

    @Test
    void wholeEnsembleStoppedOrKilledAndRestartedKeepsEveryAcknowledgedWrite() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("restart", spec -> spec);
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            ensemble.awaitLeader(ELECTION_BOUND);
            List<InetSocketAddress> servers = CompatEnsemble.clientAddresses(ensemble);
            clients.zk(OrderedHostProvider.startingAt(servers, 0), SESSION_TIMEOUT_MS)
                    .create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            Map<String, String> acked = new ConcurrentHashMap<>();
            for (Stop stop : Stop.values()) {
                WriteLoad load = new WriteLoad(WRITES_PER_WRITER_MAX, LOAD_BOUND);
                // Fresh clients each round: the old ones' sessions may expire while the ensemble is down.
                ZooKeeper setup = clients.zk(OrderedHostProvider.startingAt(servers, 0), SESSION_TIMEOUT_MS);
                load.startSpreadWriters(clients, servers, servers.size(), setup,
                        ROOT + "/" + stop.name().toLowerCase(Locale.ROOT) + "-w", SESSION_TIMEOUT_MS);
                long downMs;
                long restartMs;
                try {
                    load.awaitMoreAcks(ACKS_BEFORE_STOP, PROGRESS_BOUND, "before " + stop);
                    long stoppedAt = System.nanoTime();
                    if (stop == Stop.SIGTERM) {
                        for (Ensemble.Member member : ensemble.members()) {
                            ensemble.stop(member.serverId());
                        }
                    } else {
                        ensemble.killAll();
                    }
                    downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
                } finally {
                    load.stop(Duration.ofMillis(SESSION_TIMEOUT_MS * 2L));
                }
                assertThat(load.unexpected).as("errors other than connection loss before %s", stop).isEmpty();
                acked.putAll(load.acked);
                long restartedAt = System.nanoTime();
                ensemble.restartAll();
                int leader = ensemble.awaitLeader(ELECTION_BOUND);
                restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);

                SortedMap<String, String> tree = ReplicatedTrees.assertIdenticalWithEveryAck(ensemble, clients, ROOT, acked,
                        SESSION_TIMEOUT_MS);
                System.out.printf(Locale.ROOT, "EnsembleRestartTest %s %s: every server down %d ms after the first signal;"
                        + " restarted, serving with leader %d after %d ms; %d writes acknowledged this round (%d in all),"
                        + " %d uncertain; %d znodes on each server, identical%n", CompatRun.target(), stop, downMs, leader,
                        restartMs, load.acked.size(), acked.size(), load.uncertain.size(), tree.size());
            }
        }
    }
}
