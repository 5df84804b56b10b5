package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.ServerProbe;
import dev.corral.testkit.Target;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 5: what {@code mntr} prints on the leader and on a follower of a running ensemble of three
 * voters and an observer, as monitoring agents read it. The leader prints ZooKeeper 3.9.5's leader-only
 * keys (LeaderZooKeeperServer#registerMetrics) with these values; a follower prints none of them.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5 ({@code -Dcompat.target=zookeeper}); the one known
 * difference is {@code zk_followers}, which ZooKeeper 3.4 printed and 3.9.5 no longer does, and Corral prints
 * on its leader for the agents that still read it.
 */
class EnsembleMonitorTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final int STAGED_WRITES = 20;
    private static final List<String> LEADER_ONLY = List.of("zk_learners", "zk_synced_followers", "zk_synced_non_voting_followers",
            "zk_pending_syncs", "zk_leader_uptime", "zk_last_proposal_size", "zk_max_proposal_size", "zk_min_proposal_size");

    @Test
    void leaderPrintsItsLearnersAndProposalSizesAndAFollowerDoesNot() throws Exception {
        // Every ack feeds the leader's ack_latency, instead of one in 1000 (the property is ZooKeeper's).
        try (Ensemble ensemble = CompatEnsemble.start("monitor", spec -> spec.withObservers(1).withJvmOptions(
                        java.util.stream.Stream.concat(spec.jvmOptions().stream(), java.util.stream.Stream.of(
                                "-Dzookeeper.leader.ackLoggingFrequency=1")).toList()));
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int leader = ensemble.awaitLeader(ELECTION_BOUND);
            ZooKeeper zk = clients.zk(ensemble.member(leader).connectString(), SESSION_TIMEOUT_MS, event -> { });
            zk.create("/monitored", new byte[200], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.setData("/monitored", new byte[1], -1);
            for (int i = 0; i < STAGED_WRITES; i++) {
                zk.setData("/monitored", new byte[1], -1);
            }
            // Through the leader and then each learner: a sync ends after the learner has applied every txn
            // before it, so the per-stage counts read below include all the writes.
            for (int member = 1; member <= 4; member++) {
                ZooKeeper reader = clients.zk(ensemble.member(member).connectString(), SESSION_TIMEOUT_MS, event -> { });
                java.util.concurrent.CompletableFuture<Integer> synced = new java.util.concurrent.CompletableFuture<>();
                reader.sync("/monitored", (rc, path, ctx) -> synced.complete(rc), null);
                assertThat(synced.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            }

            Map<String, String> lead = mntr(ensemble.member(leader).clientPort());
            assertThat(lead.get("zk_server_state")).isEqualTo("leader");
            assertThat(lead.get("zk_peer_state")).isEqualTo("leading - broadcast");
            // The voters; the observer is not one.
            assertThat(lead.get("zk_quorum_size")).isEqualTo("3");
            assertThat(Long.parseLong(lead.get("zk_looking_count"))).isGreaterThanOrEqualTo(1);
            assertThat(Long.parseLong(lead.get("zk_cnt_election_time"))).isGreaterThanOrEqualTo(1);
            assertThat(lead).containsKeys("zk_avg_election_time", "zk_min_election_time", "zk_max_election_time",
                    "zk_sum_election_time");
            assertThat(lead).containsKeys(LEADER_ONLY.toArray(String[]::new));
            // Two followers and the observer are learners; all of them synchronized.
            assertThat(lead.get("zk_learners")).isEqualTo("3");
            assertThat(lead.get("zk_synced_followers")).isEqualTo("2");
            assertThat(lead.get("zk_synced_non_voting_followers")).isEqualTo("0");
            assertThat(lead.get("zk_synced_observers")).isEqualTo("1");
            assertThat(lead.get("zk_pending_syncs")).isEqualTo("0");
            assertThat(Long.parseLong(lead.get("zk_leader_uptime"))).isGreaterThan(0);
            // Sizes of whole encoded txns: the 200-byte create is the largest, the session's creation or the
            // one-byte setData smaller.
            int max = Integer.parseInt(lead.get("zk_max_proposal_size"));
            int min = Integer.parseInt(lead.get("zk_min_proposal_size"));
            assertThat(max).isGreaterThan(200);
            assertThat(min).isBetween(1, max - 1);
            assertThat(Integer.parseInt(lead.get("zk_last_proposal_size"))).isBetween(min, max);
            assertThat(lead).containsKeys("zk_diff_count", "zk_snap_count");
            // ZooKeeper's per-stage summaries (ServerMetrics): the leader's quorum acks, and each voter's ack
            // of every write, sampled for each txn by the property above.
            assertThat(count(lead, "quorum_ack_latency")).isGreaterThanOrEqualTo(STAGED_WRITES);
            assertThat(count(lead, "proposal_ack_creation_latency")).isGreaterThanOrEqualTo(STAGED_WRITES);
            assertThat(count(lead, "propagation_latency")).isGreaterThanOrEqualTo(STAGED_WRITES);
            assertThat(count(lead, "proposal_latency")).as("a leader receives no proposals").isZero();
            assertThat(lead).containsKeys("zk_p50_quorum_ack_latency", "zk_p99_quorum_ack_latency", "zk_p999_quorum_ack_latency");
            if (CompatRun.target() == Target.CORRAL) {
                assertThat(lead.get("zk_followers")).isEqualTo("2");
            } else {
                assertThat(lead).doesNotContainKey("zk_followers");
            }

            int follower = leader == 1 ? 2 : 1;
            Map<String, String> follow = mntr(ensemble.member(follower).clientPort());
            assertThat(follow.get("zk_server_state")).isEqualTo("follower");
            assertThat(follow.get("zk_peer_state")).isEqualTo("following - broadcast");
            assertThat(follow.get("zk_quorum_size")).isEqualTo("3");
            assertThat(Long.parseLong(follow.get("zk_cnt_election_time"))).isGreaterThanOrEqualTo(1);
            assertThat(follow).doesNotContainKeys(LEADER_ONLY.toArray(String[]::new));
            assertThat(follow).doesNotContainKeys("zk_followers", "zk_synced_observers");
            assertThat(follow).containsKeys("zk_diff_count", "zk_snap_count");
            for (String stage : List.of("proposal_latency", "proposal_ack_creation_latency", "commit_propagation_latency",
                    "propagation_latency")) {
                assertThat(count(follow, stage)).as(stage).isGreaterThanOrEqualTo(STAGED_WRITES);
            }
            assertThat(count(follow, "quorum_ack_latency")).isZero();
            // An ack counts only while its txn waits for a quorum: two of the three voters' acks make it, so
            // the followers' acks of each write include at least one that counted.
            long followersAcks = 0;
            for (int voter = 1; voter <= 3; voter++) {
                if (voter != leader) {
                    followersAcks += Long.parseLong(lead.getOrDefault("zk_cnt_" + voter + "_ack_latency", "0"));
                }
            }
            assertThat(followersAcks).isGreaterThanOrEqualTo(STAGED_WRITES);
            Map<String, String> observe = mntr(ensemble.member(4).clientPort());
            assertThat(observe.get("zk_server_state")).isEqualTo("observer");
            assertThat(count(observe, "commit_propagation_latency")).isGreaterThanOrEqualTo(STAGED_WRITES);
            assertThat(count(observe, "proposal_ack_creation_latency")).as("an observer does not ack").isZero();

            System.out.printf("EnsembleMonitorTest %s: follower election_time avg/max=%s/%s ms; leader %d learners=%s"
                    + " synced_followers=%s synced_observers=%s proposal sizes last/min/max=%s/%s/%s uptime=%s ms;"
                    + " quorum_ack avg/p99=%s/%s ms, follower proposal/commit_propagation avg=%s/%s ms%n",
                    CompatRun.target(), follow.get("zk_avg_election_time"), follow.get("zk_max_election_time"), leader,
                    lead.get("zk_learners"), lead.get("zk_synced_followers"), lead.get("zk_synced_observers"),
                    lead.get("zk_last_proposal_size"), min, max, lead.get("zk_leader_uptime"),
                    lead.get("zk_avg_quorum_ack_latency"), lead.get("zk_p99_quorum_ack_latency"),
                    follow.get("zk_avg_proposal_latency"), follow.get("zk_avg_commit_propagation_latency"));
        }
    }

    private static long count(Map<String, String> mntr, String stage) {
        assertThat(mntr).containsKeys("zk_avg_" + stage, "zk_min_" + stage, "zk_max_" + stage, "zk_sum_" + stage);
        return Long.parseLong(mntr.get("zk_cnt_" + stage));
    }

    private static Map<String, String> mntr(int port) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : ServerProbe.fourLetterWord(port, "mntr").split("\n")) {
            String[] parts = line.split("\t", 2);
            if (parts.length == 2) {
                values.put(parts[0], parts[1]);
            }
        }
        return values;
    }
}
