package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
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
 * on. Server 3's quorum and election links to servers 1 and 2 run through proxies (every zoo.cfg names the
 * other side's ports through them); cutting them leaves server 3 alone with its clients. Then:
 * <ul>
 *   <li>server 3 stops serving ({@code srvr} has no {@code Mode:} line), whatever role it had;</li>
 *   <li>every create through a client connected to server 3 alone, the first sent the moment the links are
 *       cut (while server 3 may still believe it leads or follows), fails with connection loss, and none of
 *       them is on any server at the end;</li>
 *   <li>writers on servers 1 and 2 go on being acknowledged, and 1 and 2 agree on a leader;</li>
 *   <li>once the links are restored, server 3 follows again and all three have identical trees holding
 *       every acknowledged write.</li>
 * </ul>
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 ({@code -Dcompat.target=zookeeper}).
 */
class EnsemblePartitionTest {
    private static final int CUT_OFF = 3;
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int WRITES_PER_WRITER_MAX = 20_000;
    private static final int MINORITY_CREATES = 3;
    private static final int ACKS_PER_STEP = 100;
    private static final Duration LOAD_BOUND = Duration.ofSeconds(90);
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final Duration PROGRESS_BOUND = Duration.ofSeconds(30);
    /** A create through the cut-off server must end, one way or the other, well within its client's session. */
    private static final Duration MINORITY_CREATE_BOUND = Duration.ofSeconds(8);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final String ROOT = "/partition";

    @Test
    void minorityCutOffByProxiesCannotCommitWhileMajorityGoesOnAndCatchesUpWhenRestored() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("partition", spec -> spec.withQuorumProxied(CUT_OFF));
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int leaderBefore = ensemble.awaitLeader(ELECTION_BOUND);
            ZooKeeper setup = clients.zk(ensemble.member(1).connectString(), SESSION_TIMEOUT_MS, event -> { });
            setup.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            ZooKeeper onCutOff = clients.zk(ensemble.member(CUT_OFF).connectString(), SESSION_TIMEOUT_MS, event -> { });

            // One writer on each majority server, each connected to that server alone.
            WriteLoad load = new WriteLoad(WRITES_PER_WRITER_MAX, LOAD_BOUND);
            for (int serverId = 1; serverId < CUT_OFF; serverId++) {
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
                ensemble.cutProxiedServer();
                // Sent at once, before server 3 can know it is alone: if it leads, it may propose this create,
                // but no follower can acknowledge it.
                CompletableFuture<KeeperException.Code> first = createAsync(onCutOff, ROOT + "/minority-0");
                minorityCreates.add(ROOT + "/minority-0");
                boolean stopped = Poll.until(ELECTION_BOUND, POLL_INTERVAL, () -> ensemble.mode(CUT_OFF).isEmpty());
                notServingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
                assertThat(stopped).as("server %d stops serving once cut off (modes %s)", CUT_OFF, ensemble.modes()).isTrue();
                assertThat(first.get(MINORITY_CREATE_BOUND.toMillis(), TimeUnit.MILLISECONDS))
                        .as("create sent through server %d as it was cut off", CUT_OFF).isEqualTo(KeeperException.Code.CONNECTIONLOSS);
                for (int attempt = 1; attempt < MINORITY_CREATES; attempt++) {
                    String path = ROOT + "/minority-" + attempt;
                    minorityCreates.add(path);
                    assertThat(createAsync(onCutOff, path).get(MINORITY_CREATE_BOUND.toMillis(), TimeUnit.MILLISECONDS))
                            .as("create %s through cut-off server %d", path, CUT_OFF).isEqualTo(KeeperException.Code.CONNECTIONLOSS);
                }
                // The majority goes on: a leader among 1 and 2, the other following, and writes acknowledged.
                boolean majorityAgrees = Poll.until(ELECTION_BOUND, POLL_INTERVAL, () -> majorityHasLeader(ensemble));
                assertThat(majorityAgrees).as("servers 1 and 2 agree on a leader while %d is cut off (modes %s)", CUT_OFF,
                        ensemble.modes()).isTrue();
                load.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "while server " + CUT_OFF + " is cut off");
                cutMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
                assertThat(ensemble.mode(CUT_OFF)).as("server %d still not serving", CUT_OFF).isEmpty();

                ensemble.restoreProxiedServer();
                ensemble.awaitLeader(ELECTION_BOUND);
                load.awaitMoreAcks(ACKS_PER_STEP, PROGRESS_BOUND, "after the links are restored");
            } finally {
                load.stop(Duration.ofMillis(SESSION_TIMEOUT_MS * 2L));
            }
            assertThat(load.unexpected).as("errors other than connection loss on the majority").isEmpty();
            int leaderAfter = ensemble.awaitLeader(ELECTION_BOUND);

            SortedMap<String, String> tree = ReplicatedTrees.assertIdenticalWithEveryAck(ensemble, clients, ROOT, load.acked,
                    SESSION_TIMEOUT_MS);
            assertThat(tree.keySet()).as("no create through the cut-off server was committed").doesNotContainAnyElementsOf(
                    minorityCreates);
            System.out.printf(Locale.ROOT, "EnsemblePartitionTest %s: leader %d before the cut, %d after; server %d cut off"
                    + " stopped serving %d ms after the cut, %d creates through it failed with connection loss, cut for"
                    + " %d ms; %d writes acknowledged by the majority, %d uncertain; %d znodes on each server, identical%n",
                    CompatRun.target(), leaderBefore, leaderAfter, CUT_OFF, notServingMs, minorityCreates.size(), cutMs,
                    load.acked.size(), load.uncertain.size(), tree.size());
        }
    }

    /** One of servers 1 and 2 says leader and the other follower. */
    private static boolean majorityHasLeader(Ensemble ensemble) {
        String one = ensemble.mode(1).orElse("");
        String two = ensemble.mode(2).orElse("");
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
