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
    private static final List<String> LEADER_ONLY = List.of("zk_learners", "zk_synced_followers", "zk_synced_non_voting_followers",
            "zk_pending_syncs", "zk_leader_uptime", "zk_last_proposal_size", "zk_max_proposal_size", "zk_min_proposal_size");

    @Test
    void leaderPrintsItsLearnersAndProposalSizesAndAFollowerDoesNot() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("monitor", spec -> spec.withObservers(1));
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int leader = ensemble.awaitLeader(ELECTION_BOUND);
            ZooKeeper zk = clients.zk(ensemble.member(leader).connectString(), SESSION_TIMEOUT_MS, event -> { });
            zk.create("/monitored", new byte[200], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.setData("/monitored", new byte[1], -1);

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

            System.out.printf("EnsembleMonitorTest %s: follower election_time avg/max=%s/%s ms; leader %d learners=%s"
                    + " synced_followers=%s synced_observers=%s proposal sizes last/min/max=%s/%s/%s uptime=%s ms%n",
                    CompatRun.target(), follow.get("zk_avg_election_time"), follow.get("zk_max_election_time"), leader,
                    lead.get("zk_learners"), lead.get("zk_synced_followers"), lead.get("zk_synced_observers"),
                    lead.get("zk_last_proposal_size"), min, max, lead.get("zk_leader_uptime"));
        }
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
