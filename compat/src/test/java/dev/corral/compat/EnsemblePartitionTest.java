package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.EnsembleSpec;
import dev.corral.testkit.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 6: a minority cut off by TCP proxies between servers cannot commit while the majority goes
 * on. Every quorum and election link runs through a proxy (each zoo.cfg names the other members' ports
 * through proxies of its own); the test cuts those of the leader's links, the harder case (a follower that
 * loses its leader's connection gives up at once; a leader must notice it lost its quorum), and leaves it
 * alone with its clients. Then:
 * <ul>
 *   <li>the old leader stops serving ({@code srvr} has no {@code Mode:} line);</li>
 *   <li>every create through a client connected to the old leader alone, the first sent the moment its links
 *       are cut (while it still believes it leads, and may propose it), fails with connection loss, and none
 *       of them is on any server at the end;</li>
 *   <li>the two others elect a leader among themselves, and their writers go on being acknowledged;</li>
 *   <li>once the links are restored, the old leader follows and all three have identical trees holding
 *       every acknowledged write.</li>
 * </ul>
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 ({@code -Dcompat.target=zookeeper}).
 */
class EnsemblePartitionTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int WRITES_PER_WRITER_MAX = 20_000;
    private static final int MINORITY_CREATES = 3;
    private static final int ACKS_PER_STEP = 100;
    private static final Duration LOAD_BOUND = Duration.ofSeconds(150);
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final Duration PROGRESS_BOUND = Duration.ofSeconds(30);
    /**
     * Until the old leader follows again once reconnected. ZooKeeper's lone server doubles its wait between
     * notification rounds from 200 ms up to 60 s (FastLeaderElection#maxNotificationInterval), so after a cut of
     * a few seconds it may take another 13 s to try again (measured: 12.7 s after a 6.5 s cut).
     */
    private static final Duration REJOIN_BOUND = Duration.ofSeconds(60);
    /** A create through the cut-off server must end, one way or the other, well within its client's session. */
    private static final Duration MINORITY_CREATE_BOUND = Duration.ofSeconds(8);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final String ROOT = "/partition";

    @Test
    void minorityCutOffByProxiesCannotCommitWhileMajorityGoesOnAndCatchesUpWhenRestored() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("partition", EnsembleSpec::withQuorumProxies);
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int cutOff = ensemble.awaitLeader(ELECTION_BOUND);
            List<Integer> majority = ensemble.members().stream().map(Ensemble.Member::serverId).filter(id -> id != cutOff).toList();
            ZooKeeper setup = clients.zk(ensemble.member(majority.get(0)).connectString(), SESSION_TIMEOUT_MS, event -> { });
            setup.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            ZooKeeper onCutOff = clients.zk(ensemble.member(cutOff).connectString(), SESSION_TIMEOUT_MS, event -> { });

            // One writer on each majority server, each connected to that server alone.
            WriteLoad load = new WriteLoad(WRITES_PER_WRITER_MAX, LOAD_BOUND);
            for (int serverId : majority) {
                ZooKeeper zk = clients.zk(ensemble.member(serverId).connectString(), SESSION_TIMEOUT_MS, event -> { });
                String parent = setup.create(ROOT + "/w" + serverId, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                load.startWriter(zk, parent, "writer-" + serverId);
            }
            List<String> minorityCreates = new ArrayList<>();
            long cutMs;
            long notServingMs;
            try {
                load.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "before the cut");
                long cutAt = System.nanoTime();
                ensemble.cutOff(cutOff);
                // Sent at once, before the leader can know it is alone: it may propose this create, but no
                // follower can acknowledge it.
                CompletableFuture<KeeperException.Code> first = createAsync(onCutOff, ROOT + "/minority-0");
                minorityCreates.add(ROOT + "/minority-0");
                boolean stopped = Poll.until(ELECTION_BOUND, POLL_INTERVAL, () -> ensemble.mode(cutOff).isEmpty());
                notServingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
                assertThat(stopped).as("server %d stops serving once cut off (modes %s)", cutOff, ensemble.modes()).isTrue();
                assertThat(first.get(MINORITY_CREATE_BOUND.toMillis(), TimeUnit.MILLISECONDS))
                        .as("create sent through server %d as it was cut off", cutOff).isEqualTo(KeeperException.Code.CONNECTIONLOSS);
                for (int attempt = 1; attempt < MINORITY_CREATES; attempt++) {
                    String path = ROOT + "/minority-" + attempt;
                    minorityCreates.add(path);
                    assertThat(createAsync(onCutOff, path).get(MINORITY_CREATE_BOUND.toMillis(), TimeUnit.MILLISECONDS))
                            .as("create %s through cut-off server %d", path, cutOff).isEqualTo(KeeperException.Code.CONNECTIONLOSS);
                }
                // The majority goes on: a leader among the two, the other following, and writes acknowledged.
                boolean majorityAgrees = Poll.until(ELECTION_BOUND, POLL_INTERVAL, () -> hasLeader(ensemble, majority));
                assertThat(majorityAgrees).as("servers %s agree on a leader while %d is cut off (modes %s)", majority, cutOff,
                        ensemble.modes()).isTrue();
                load.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "while server " + cutOff + " is cut off");
                cutMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
                assertThat(ensemble.mode(cutOff)).as("server %d still not serving", cutOff).isEmpty();

                ensemble.reconnect(cutOff);
                ensemble.awaitLeader(REJOIN_BOUND);
                load.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "after the links are restored");
            } finally {
                load.stop(Duration.ofMillis(SESSION_TIMEOUT_MS * 2L));
            }
            assertThat(load.unexpected).as("errors other than connection loss on the majority").isEmpty();
            int leaderAfter = ensemble.awaitLeader(ELECTION_BOUND);
            assertThat(leaderAfter).as("the old leader %d follows the majority's leader once reconnected", cutOff).isIn(majority);

            SortedMap<String, String> tree = ReplicatedTrees.assertIdenticalWithEveryAck(ensemble, clients, ROOT, load.acked,
                    SESSION_TIMEOUT_MS);
            assertThat(tree.keySet()).as("no create through the cut-off server was committed").doesNotContainAnyElementsOf(
                    minorityCreates);
            System.out.printf(Locale.ROOT, "EnsemblePartitionTest %s: leader %d cut off, stopped serving %d ms after the cut;"
                    + " %d creates through it failed with connection loss; leader %d after the links were restored; cut for"
                    + " %d ms; %d writes acknowledged by the majority, %d uncertain; %d znodes on each server, identical%n",
                    CompatRun.target(), cutOff, notServingMs, minorityCreates.size(), leaderAfter, cutMs,
                    load.acked.size(), load.uncertain.size(), tree.size());
        }
    }

    /** One of the two {@code servers} says leader and the other follower. */
    private static boolean hasLeader(Ensemble ensemble, List<Integer> servers) {
        String one = ensemble.mode(servers.get(0)).orElse("");
        String two = ensemble.mode(servers.get(1)).orElse("");
        return (one.equals("leader") && two.equals("follower")) || (one.equals("follower") && two.equals("leader"));
    }

    /** The result code of an asynchronous create of {@code path}. */
    private static CompletableFuture<KeeperException.Code> createAsync(ZooKeeper zk, String path) {
        CompletableFuture<KeeperException.Code> result = new CompletableFuture<>();
        AsyncCallback.StringCallback callback = (rc, created, context, name) -> result.complete(KeeperException.Code.get(rc));
        zk.create(path, path.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, callback, null);
        return result;
    }
}
