package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.Poll;
import dev.corral.testkit.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 6: a follower that missed more transactions than the leader can send it as a DIFF catches up
 * by SNAP. A follower is killed, {@link #txnsWhileDown} setData transactions are committed without it
 * (pipelined through one client on the leader, on a few znodes so that the tree stays small), and it is
 * restarted: the leader's {@code mntr} counts one more {@code zk_snap_count} and no more {@code zk_diff_count},
 * and the follower's tree equals the leader's.
 *
 * <p>How many: both servers send the last 500 txns as a DIFF at any size. Beyond those Corral sends a DIFF
 * only while the txns weigh no more than a snapshot of its tree ({@code zookeeper.snapshotSizeFactor}, 1 in
 * Corral), so 5,000 setData on a small tree need a SNAP. ZooKeeper 3.9.5 weighs the log files that hold the
 * gap against a third of its last snapshot file: it sent a DIFF for 5,000 here (why its limit let them through
 * was not traced), and 160,000 make it send a SNAP.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 ({@code -Dcompat.target=zookeeper}).
 */
class EnsembleSnapCatchUpTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private final int txnsWhileDown = CompatRun.target() == Target.CORRAL ? 5_000 : 160_000;
    private static final int KEYS = 10;
    private static final int OUTSTANDING_MAX = 1_000;
    private static final Duration LOAD_BOUND = Duration.ofSeconds(90);
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final String ROOT = "/snap";

    @Test
    void followerBehindMoreThanTheLeadersDiffCatchesUpBySnap() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("snap", spec -> spec);
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int leader = ensemble.awaitLeader(ELECTION_BOUND);
            int follower = leader == 3 ? 2 : 3;
            ZooKeeper zk = clients.zk(ensemble.member(leader).connectString(), SESSION_TIMEOUT_MS, event -> { });
            zk.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int key = 0; key < KEYS; key++) {
                zk.create(ROOT + "/k" + key, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            Map<String, Long> syncsBefore = SyncCounts.of(ensemble, leader);

            ensemble.kill(follower);
            long loadStart = System.nanoTime();
            Map<String, String> lastValues = setDataPipelined(zk);
            long loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
            assertThat(ensemble.awaitLeader(ELECTION_BOUND)).as("the leader kept its quorum during the load").isEqualTo(leader);

            long restartedAt = System.nanoTime();
            ensemble.restart(follower);
            assertThat(ensemble.awaitLeader(ELECTION_BOUND)).as("server %d rejoined under the same leader", follower).isEqualTo(leader);
            long rejoinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
            Map<String, Long> syncsAfter = SyncCounts.of(ensemble, leader);
            assertThat(syncsAfter.get(SyncCounts.SNAP) - syncsBefore.get(SyncCounts.SNAP))
                    .as("leader's SNAP syncs during the rejoin (mntr before %s, after %s)", syncsBefore, syncsAfter).isEqualTo(1);
            assertThat(syncsAfter.get(SyncCounts.DIFF)).as("leader's DIFF syncs").isEqualTo(syncsBefore.get(SyncCounts.DIFF));

            ReplicatedTrees.assertIdenticalWithEveryAck(ensemble, clients, ROOT, lastValues, SESSION_TIMEOUT_MS);
            System.out.printf(Locale.ROOT, "EnsembleSnapCatchUpTest %s: follower %d killed; %d setData committed without it in"
                    + " %d ms; restarted and following leader %d after %d ms, synced by SNAP (mntr before %s, after %s)%n",
                    CompatRun.target(), follower, txnsWhileDown, loadMs, leader, rejoinMs, syncsBefore, syncsAfter);
        }
    }

    /**
     * {@link #txnsWhileDown} setData on the keys in turn, at most {@value #OUTSTANDING_MAX} outstanding, each
     * required to succeed; returns each key's last value. A session's replies come in order, so the last reply
     * per key is its final value.
     */
    private Map<String, String> setDataPipelined(ZooKeeper zk) throws InterruptedException {
        Semaphore outstanding = new Semaphore(OUTSTANDING_MAX);
        AtomicInteger failures = new AtomicInteger();
        Map<String, String> lastValues = new ConcurrentHashMap<>();
        Map<Integer, String> firstFailure = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + LOAD_BOUND.toNanos();
        for (int txn = 0; txn < txnsWhileDown && failures.get() == 0; txn++) {
            long left = deadline - System.nanoTime();
            assertThat(left > 0 && outstanding.tryAcquire(left, TimeUnit.NANOSECONDS))
                    .as("%d setData within %s (sent %d)", txnsWhileDown, LOAD_BOUND, txn).isTrue();
            String path = ROOT + "/k" + (txn % KEYS);
            String value = "v" + txn;
            zk.setData(path, value.getBytes(StandardCharsets.UTF_8), -1, (rc, replyPath, context, stat) -> {
                if (rc == KeeperException.Code.OK.intValue()) {
                    lastValues.put(replyPath, value);
                } else {
                    failures.incrementAndGet();
                    firstFailure.putIfAbsent(0, replyPath + ": " + KeeperException.Code.get(rc));
                }
                outstanding.release();
            }, null);
        }
        boolean drained = Poll.until(LOAD_BOUND, Duration.ofMillis(10), () -> outstanding.availablePermits() == OUTSTANDING_MAX);
        assertThat(drained).as("every setData answered").isTrue();
        assertThat(failures.get()).as("failed setData (first: %s)", firstFailure.get(0)).isZero();
        return lastValues;
    }
}
