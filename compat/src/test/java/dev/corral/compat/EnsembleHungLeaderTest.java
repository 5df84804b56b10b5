package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 4: a hung leader (SIGSTOP: alive, its connections open, silent) is given up by its followers
 * through the syncLimit timers, which elect another leader among themselves; their clients write again; when
 * the old leader runs again it finds a newer epoch and follows, with every write made meanwhile.
 *
 * <p>The time from the SIGSTOP until the survivors serve under a new leader is printed for both targets; the
 * bound asserted is only a generous one (four times syncLimit plus an election), as the machine is shared.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5.
 */
class EnsembleHungLeaderTest {
    private static final int SESSION_TIMEOUT_MS = 20_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final int CREATE_ATTEMPTS_MAX = 5;

    @Test
    void aHungLeaderIsReplacedAndFollowsWhenItRunsAgain() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("hung-leader", spec -> spec);
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int hung = ensemble.awaitLeader(ELECTION_BOUND);
            List<Integer> survivors = ensemble.members().stream().map(Ensemble.Member::serverId).filter(id -> id != hung).toList();
            long syncLimitMs = (long) ensemble.spec().syncLimit() * ensemble.spec().tickMs();
            ZooKeeper writer = clients.zk(ensemble.member(survivors.get(0)).connectString(), SESSION_TIMEOUT_MS, event -> { });
            writer.create("/before", bytes("b"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            String during;
            long frozenAt = System.nanoTime();
            ensemble.process(hung).freeze();
            long replacedMs;
            try {
                Duration bound = Duration.ofMillis(4 * syncLimitMs).plus(ELECTION_BOUND);
                boolean replaced = Poll.until(bound, POLL_INTERVAL, () -> newLeaderAmong(ensemble, survivors));
                replacedMs = (System.nanoTime() - frozenAt) / 1_000_000;
                assertThat(replaced).as("the survivors %s serve under a new leader within %s; modes %s", survivors, bound,
                        survivors.stream().map(id -> id + "=" + ensemble.mode(id).orElse("not serving")).toList()).isTrue();
                during = createThroughReconnect(writer);
            } finally {
                ensemble.process(hung).thaw();
            }

            int leader = ensemble.awaitLeader(ELECTION_BOUND);
            assertThat(leader).as("the new leader stays").isNotEqualTo(hung);
            assertThat(ensemble.mode(hung)).hasValue("follower");
            ZooKeeper onOldLeader = clients.zk(ensemble.member(hung).connectString(), SESSION_TIMEOUT_MS, event -> { });
            onOldLeader.sync("/", (rc, path, context) -> { }, null);
            assertThat(onOldLeader.getData(during, false, null)).asString(StandardCharsets.UTF_8).isEqualTo("d");
            assertThat(onOldLeader.getData("/before", false, null)).asString(StandardCharsets.UTF_8).isEqualTo("b");
            System.out.printf("EnsembleHungLeaderTest %s: leader %d stopped (SIGSTOP); survivors %s served under leader %d"
                    + " after %d ms (syncLimit %d ms); it follows after SIGCONT%n",
                    CompatRun.target(), hung, survivors, leader, replacedMs, syncLimitMs);
        }
    }

    /**
     * Creates a znode through {@code writer}, whose server closed its connection while it had no leader: a
     * reconnect that reached it just before it served again fails what was queued with ConnectionLoss (against
     * both targets), so a create that meets one is tried again under a new name, a few times. Returns the path
     * of the create that was acknowledged.
     */
    private static String createThroughReconnect(ZooKeeper writer) throws Exception {
        KeeperException.ConnectionLossException last = null;
        for (int attempt = 0; attempt < CREATE_ATTEMPTS_MAX; attempt++) {
            String path = "/during-" + attempt;
            try {
                writer.create(path, bytes("d"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                return path;
            } catch (KeeperException.ConnectionLossException e) {
                last = e;
            }
        }
        throw new AssertionError("no create through the survivor in " + CREATE_ATTEMPTS_MAX + " attempts", last);
    }

    /** Whether exactly one survivor leads and the other follows (the hung one answers nothing). */
    private static boolean newLeaderAmong(Ensemble ensemble, List<Integer> survivors) {
        int leaders = 0;
        for (int id : survivors) {
            Optional<String> mode = ensemble.mode(id);
            if (mode.isEmpty()) {
                return false;
            }
            leaders += mode.get().equals("leader") ? 1 : 0;
        }
        return leaders == 1;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
