package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.CreateMode;
import dev.corral.wire.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ZooKeeper's per-stage summaries on each role of an in-memory ensemble whose servers' wall clocks differ
 * by known amounts: messages travel at once here, so every stage a server reaches takes exactly its
 * clock's lead over the leader's, and the leader's own stages take 0 ms.
 */
class ReplicationLatenciesTest {
    private static final int TIMEOUT_MS = 10_000;
    private static final int WRITES = 5;

    @Test
    void eachRoleMeasuresItsStagesFromTheLeadersTxnTime() {
        EnsembleShell ensemble = new EnsembleShell(3, 1);
        assertThat(ensemble.stabilize(200)).as("every server serves: %s", ensemble.describe()).isTrue();
        long leaderId = ensemble.leader();
        SimShell leader = ensemble.server(leaderId);
        long followerId = ensemble.follower();
        SimShell follower = ensemble.server(followerId);
        SimShell observer = ensemble.server(4);
        leader.node.replicationLatencies().sampleAcksEvery(1);
        follower.wallMs = leader.wallMs + 7;
        observer.wallMs = leader.wallMs + 13;
        Map<String, Object> leaderBefore = monitor(leader);
        Map<String, Object> followerBefore = monitor(follower);
        Map<String, Object> observerBefore = monitor(observer);

        FrameClient client = leader.connect(TIMEOUT_MS);
        for (int i = 0; i < WRITES; i++) {
            assertThat(client.create("/n" + i, CreateMode.PERSISTENT).err()).isEqualTo(ErrorCode.OK);
        }
        // The session's creation is a txn too.
        int txns = WRITES + 1;

        Map<String, Object> lead = monitor(leader);
        assertThat(added(lead, leaderBefore, "propagation_latency")).isEqualTo(txns);
        assertThat(added(lead, leaderBefore, "quorum_ack_latency")).isEqualTo(txns);
        assertThat(added(lead, leaderBefore, "proposal_ack_creation_latency")).isEqualTo(txns);
        assertThat(added(lead, leaderBefore, "proposal_latency")).as("the leader receives no proposals").isZero();
        assertThat(added(lead, leaderBefore, "commit_propagation_latency")).isZero();
        assertThat(lead.get("zk_max_quorum_ack_latency")).isEqualTo(0L);
        // Every voter's ack of each txn, sampled every txn here; the observer does not ack.
        assertThat(lead).containsKeys("zk_cnt_" + leaderId + "_ack_latency", "zk_cnt_" + followerId + "_ack_latency",
                "zk_p99_" + followerId + "_ack_latency");
        assertThat(lead).doesNotContainKey("zk_cnt_4_ack_latency");
        assertThat((Long) lead.get("zk_cnt_" + followerId + "_ack_latency")).isGreaterThanOrEqualTo(txns);

        Map<String, Object> follow = monitor(follower);
        for (String stage : new String[] {"proposal_latency", "proposal_ack_creation_latency", "commit_propagation_latency",
                "propagation_latency"}) {
            assertThat(added(follow, followerBefore, stage)).as(stage).isEqualTo(txns);
            assertThat(follow.get("zk_max_" + stage)).as(stage).isEqualTo(7L);
            assertThat(follow.get("zk_p50_" + stage)).as(stage).isEqualTo(7L);
        }
        assertThat(added(follow, followerBefore, "quorum_ack_latency")).isZero();

        Map<String, Object> observe = monitor(observer);
        assertThat(added(observe, observerBefore, "commit_propagation_latency")).isEqualTo(txns);
        assertThat(observe.get("zk_min_commit_propagation_latency")).isEqualTo(13L);
        assertThat(added(observe, observerBefore, "propagation_latency")).isEqualTo(txns);
        assertThat(added(observe, observerBefore, "proposal_latency")).isZero();
        assertThat(added(observe, observerBefore, "proposal_ack_creation_latency")).as("observers do not ack").isZero();

        for (SimShell shell : ensemble.servers.values()) {
            assertThat(shell.node.replicationLatencies().trackedCount()).as("every txn applied is forgotten").isZero();
        }
    }

    @Test
    void aClockBehindTheLeadersDropsTheNegativeFiguresAsZooKeeperDoes() {
        EnsembleShell ensemble = new EnsembleShell(3, 0);
        assertThat(ensemble.stabilize(200)).isTrue();
        SimShell leader = ensemble.server(ensemble.leader());
        SimShell follower = ensemble.server(ensemble.follower());
        follower.wallMs = leader.wallMs - 5;
        Map<String, Object> before = monitor(follower);

        assertThat(leader.connect(TIMEOUT_MS).create("/x", CreateMode.PERSISTENT).err()).isEqualTo(ErrorCode.OK);

        assertThat(added(monitor(follower), before, "proposal_latency")).isZero();
        assertThat(added(monitor(follower), before, "propagation_latency")).isZero();
    }

    @Test
    void aStandaloneServerMeasuresOnlyPropagation() {
        SimShell alone = SimShell.standalone();
        Map<String, Object> before = monitor(alone);
        FrameClient client = alone.connect(TIMEOUT_MS);
        assertThat(client.create("/x", CreateMode.PERSISTENT).err()).isEqualTo(ErrorCode.OK);

        Map<String, Object> after = monitor(alone);
        assertThat(added(after, before, "propagation_latency")).isEqualTo(2);
        for (String stage : new String[] {"proposal_latency", "proposal_ack_creation_latency", "quorum_ack_latency",
                "commit_propagation_latency"}) {
            assertThat(after.get("zk_cnt_" + stage)).as(stage).isEqualTo(0L);
        }
        assertThat(after.keySet()).noneMatch(key -> key.endsWith("_ack_latency") && !key.contains("quorum") && !key.contains("creation"));
    }

    private static Map<String, Object> monitor(SimShell shell) {
        Map<String, Object> m = new LinkedHashMap<>();
        shell.node.replicationLatencies().monitor(m, String::valueOf);
        return m;
    }

    private static long added(Map<String, Object> after, Map<String, Object> before, String stage) {
        return (Long) after.get("zk_cnt_" + stage) - (Long) before.get("zk_cnt_" + stage);
    }
}
