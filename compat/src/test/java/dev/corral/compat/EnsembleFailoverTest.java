package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 6: kill -9 of the leader of a 3-server ensemble under a write load of several official
 * clients spread over the servers, three times, restarting the killed server each time. Afterwards every
 * acknowledged write is on every server and the servers' trees are identical (data, czxid, mzxid, version of
 * every znode of the test's subtree, each read from one server alone after {@code sync}), and each restarted
 * server caught up by DIFF: the leader's {@code mntr} counts one more {@code zk_diff_count} and no more
 * {@code zk_snap_count} across the rejoin.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 ({@code -Dcompat.target=zookeeper}).
 */
class EnsembleFailoverTest {
    private static final int WRITERS = 6;
    private static final int ROUNDS = 3;
    private static final int WRITES_PER_WRITER_MAX = 50_000;
    /** Session timeout the writers ask for: at tickTime=500 the server allows up to 20 ticks, 10 s. */
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration LOAD_BOUND = Duration.ofSeconds(120);
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final Duration PROGRESS_BOUND = Duration.ofSeconds(30);
    private static final int ACKS_BETWEEN_KILLS = 100;
    private static final int PROBE_ATTEMPTS_MAX = 20;
    private static final String ROOT = "/failover";

    @Test
    void leaderKilledThreeTimesUnderLoadLosesNoAcknowledgedWriteAndTreesStayIdentical() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("failover", spec -> spec);
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            ensemble.awaitLeader(ELECTION_BOUND);
            List<InetSocketAddress> servers = CompatEnsemble.clientAddresses(ensemble);
            ZooKeeper setup = clients.zk(OrderedHostProvider.startingAt(servers, 0), SESSION_TIMEOUT_MS);
            setup.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            // One client pinned to each server, for the first write after a kill through a survivor.
            Map<Integer, ZooKeeper> pinned = new java.util.TreeMap<>();
            for (Ensemble.Member member : ensemble.members()) {
                pinned.put(member.serverId(), clients.zk(member.connectString(), SESSION_TIMEOUT_MS, event -> { }));
            }
            WriteLoad load = new WriteLoad(WRITES_PER_WRITER_MAX, LOAD_BOUND);
            load.startSpreadWriters(clients, servers, WRITERS, setup, ROOT + "/w", SESSION_TIMEOUT_MS);
            try {
                for (int round = 1; round <= ROUNDS; round++) {
                    killLeaderAndRestartIt(ensemble, load, pinned, round);
                }
                load.awaitMoreAcks(ACKS_BETWEEN_KILLS, PROGRESS_BOUND, "after the last restart");
            } finally {
                load.stop(Duration.ofMillis(SESSION_TIMEOUT_MS * 2L));
            }
            assertThat(load.unexpected).as("errors other than connection loss").isEmpty();

            SortedMap<String, String> first = ReplicatedTrees.assertIdenticalWithEveryAck(ensemble, clients, ROOT, load.acked,
                    SESSION_TIMEOUT_MS);
            System.out.printf(Locale.ROOT, "EnsembleFailoverTest %s: %d acknowledged writes, %d uncertain (connection lost),"
                    + " %d znodes on each of %d servers, identical%n", CompatRun.target(), load.acked.size(),
                    load.uncertain.size(), first.size(), ensemble.members().size());
        }
    }

    /**
     * Waits for the load to make progress, kills the leader, measures how long until a new leader has every
     * survivor following (srvr) and until a client's write is acknowledged, restarts the killed server and
     * waits until it has rejoined.
     */
    private static void killLeaderAndRestartIt(Ensemble ensemble, WriteLoad load, Map<Integer, ZooKeeper> pinned, int round)
            throws Exception {
        load.awaitMoreAcks(ACKS_BETWEEN_KILLS, PROGRESS_BOUND, "before kill " + round);
        int leader = ensemble.awaitLeader(ELECTION_BOUND);
        int survivor = leader == 1 ? 2 : 1;
        long killedAt = System.nanoTime();
        ensemble.kill(leader);
        CompletableFuture<Long> firstWrite = CompletableFuture.supplyAsync(
                () -> writeThroughSurvivor(pinned.get(survivor), load, round, killedAt));
        int newLeader = ensemble.awaitLeader(ELECTION_BOUND);
        long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(newLeader).as("round %d: a new leader", round).isNotEqualTo(leader);
        long firstWriteMs = firstWrite.get(PROGRESS_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Long> syncsBefore = SyncCounts.of(ensemble, newLeader);
        long restartedAt = System.nanoTime();
        ensemble.restart(leader);
        int leaderAfterRejoin = ensemble.awaitLeader(ELECTION_BOUND);
        long rejoinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
        assertThat(leaderAfterRejoin).as("round %d: the rejoined server follows the new leader", round).isEqualTo(newLeader);
        // The rejoined server's log reaches back far enough for the leader to send it the missing transactions.
        Map<String, Long> syncsAfter = SyncCounts.of(ensemble, newLeader);
        assertThat(syncsAfter.get(SyncCounts.DIFF) - syncsBefore.get(SyncCounts.DIFF)).as("round %d: leader's DIFF syncs during the rejoin (mntr before %s, after %s)", round, syncsBefore, syncsAfter)
                .isEqualTo(1);
        assertThat(syncsAfter.get(SyncCounts.SNAP)).as("round %d: leader's SNAP syncs", round).isEqualTo(syncsBefore.get(SyncCounts.SNAP));
        System.out.printf(Locale.ROOT, "EnsembleFailoverTest %s round %d: killed leader %d; server %d leads with every survivor"
                + " following %d ms after the kill (srvr polled every 20 ms); first write through survivor %d acknowledged"
                + " %d ms after the kill;"
                + " killed server restarted, synced by DIFF and following after %d ms; modes %s%n", CompatRun.target(), round, leader,
                newLeader, electedMs, survivor, firstWriteMs, rejoinMs, ensemble.modes());
    }

    /**
     * Milliseconds from the kill until a create through the client pinned to {@code survivor} is acknowledged.
     * A survivor closes its clients' connections while it has no leader, so a create may fail with connection
     * loss (then it is uncertain, and the next one is tried); a create sent while the client reconnects waits
     * in its queue until the survivor serves again.
     */
    private static long writeThroughSurvivor(ZooKeeper zk, WriteLoad load, int round, long killedAt) {
        for (int attempt = 0; attempt < PROBE_ATTEMPTS_MAX; attempt++) {
            String path = String.format(Locale.ROOT, "%s/probe-%d-%d", ROOT, round, attempt);
            try {
                zk.create(path, path.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                load.acked.put(path, path);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            } catch (KeeperException.ConnectionLossException e) {
                load.uncertain.put(path, path);
            } catch (KeeperException e) {
                throw new IllegalStateException("round " + round + ": create " + path + " through a survivor failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("round " + round + ": " + PROBE_ATTEMPTS_MAX + " creates through a survivor lost");
    }
}
