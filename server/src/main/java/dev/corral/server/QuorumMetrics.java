package dev.corral.server;

import dev.corral.zab.ServerState;
import java.util.ArrayDeque;

/**
 * What the shell measures of this server's part in its ensemble with the wall clock, since the consensus
 * core knows only ticks: how long each election took (from leaving a serving role, or from the start, to
 * serving again), since when it leads, and on the leader how long a proposal takes to commit.
 *
 * <p>Fed on the node loop only; read by the scrape and the reports, which run there too (the
 * {@link #serving()} flag, read by the health check from an HTTP thread, is volatile).
 *
 * <p>Proposal-to-commit latency is sampled, not measured per txn: after each node event the leader's last
 * logged zxid is noted with the time if it moved, and a noted zxid is done when the commit point reaches
 * it. A batch of proposals made by one event counts once, by its last txn, which is the one that waits
 * longest. At most {@link #PENDING_MAX} samples wait; past that new ones are skipped, not queued.
 */
final class QuorumMetrics {
    static final int PENDING_MAX = 10_000;

    // Invariant: electionStartNanos >= 0 exactly while this server does not serve.
    private long electionStartNanos;
    private long lastElectionMs = -1;
    private long electionCount;
    private long electionTotalMs;
    private long electionMaxMs;
    private long leadingSinceMs = -1;
    private long roleChanges;
    private volatile boolean serving;
    // ZooKeeper's election_time and looking_count: from entering LOOKING to deciding to lead or follow
    // (QuorumPeer's start_fle to end_fle; an observer's decisions are not counted, as in ZooKeeper).
    private ServerState state = ServerState.LOOKING;
    private long lookingSinceNanos;
    private long lookingCount = 1;
    private long decidedCount;
    private long decidedTotalMs;
    private long decidedMinMs;
    private long decidedMaxMs;
    // ZooKeeper's unavailable_time and leader_unavailable_time (QuorumPeer#setZabState at BROADCAST): from
    // entering LOOKING, or the start, to serving again, the latter when serving as leader. Corral counts from
    // leaving a serving role, which is when a server goes LOOKING, as the election figures above do.
    private final dev.corral.node.LatencySummary unavailable = dev.corral.node.LatencySummary.basic("unavailable_time");
    private final dev.corral.node.LatencySummary leaderUnavailable =
            dev.corral.node.LatencySummary.basic("leader_unavailable_time");

    // Zxids proposed and not yet committed, each with the time it was first seen logged; zxid order.
    private final ArrayDeque<long[]> proposed = new ArrayDeque<>();
    private long lastNotedZxid;
    private long commitCount;
    private long commitTotalMicros;
    private long commitMaxMicros;

    QuorumMetrics(long startNanos) {
        this.electionStartNanos = startNanos;
        this.lookingSinceNanos = startNanos;
    }

    /** A role change the Node reported, at {@code nowNanos} (monotonic) and {@code nowMs} (wall clock). */
    void onRoleChanged(ServerState state, boolean nowServing, long nowNanos, long nowMs) {
        roleChanges++;
        if (state != this.state && state == ServerState.LOOKING) {
            lookingCount++;
            lookingSinceNanos = nowNanos;
        } else if (this.state == ServerState.LOOKING && (state == ServerState.LEADING || state == ServerState.FOLLOWING)) {
            long ms = (nowNanos - lookingSinceNanos) / 1_000_000;
            decidedMinMs = decidedCount == 0 ? ms : Math.min(decidedMinMs, ms);
            decidedMaxMs = Math.max(decidedMaxMs, ms);
            decidedTotalMs += ms;
            decidedCount++;
        }
        this.state = state;
        if (nowServing && electionStartNanos >= 0) {
            lastElectionMs = (nowNanos - electionStartNanos) / 1_000_000;
            electionCount++;
            electionTotalMs += lastElectionMs;
            electionMaxMs = Math.max(electionMaxMs, lastElectionMs);
            electionStartNanos = -1;
            unavailable.add(lastElectionMs);
            if (state == ServerState.LEADING) {
                leaderUnavailable.add(lastElectionMs);
            }
        } else if (!nowServing && electionStartNanos < 0) {
            electionStartNanos = nowNanos;
        }
        leadingSinceMs = nowServing && state == ServerState.LEADING ? nowMs : -1;
        if (state != ServerState.LEADING) {
            proposed.clear();
            lastNotedZxid = 0;
        }
        serving = nowServing;
    }

    /** After a node event on the leader: notes a newly logged zxid, and completes those now committed. */
    void onLeaderProgress(long lastLoggedZxid, long commitZxid, long nowNanos) {
        if (lastLoggedZxid > lastNotedZxid && lastLoggedZxid > commitZxid && proposed.size() < PENDING_MAX) {
            proposed.addLast(new long[] {lastLoggedZxid, nowNanos});
        }
        lastNotedZxid = Math.max(lastNotedZxid, lastLoggedZxid);
        while (!proposed.isEmpty() && proposed.peekFirst()[0] <= commitZxid) {
            long micros = (nowNanos - proposed.pollFirst()[1]) / 1_000;
            commitCount++;
            commitTotalMicros += micros;
            commitMaxMicros = Math.max(commitMaxMicros, micros);
        }
    }

    /** Whether the server serves clients now: an established leader or a synchronized learner. */
    boolean serving() {
        return serving;
    }

    /** Milliseconds the last election took, or -1 before the first one ended. */
    long lastElectionMs() {
        return lastElectionMs;
    }

    /** Milliseconds since this server became an established leader, or 0 when it does not lead (ZooKeeper's Leader#getUptime). */
    long leaderUptimeMs(long nowMs) {
        return leadingSinceMs < 0 ? 0 : nowMs - leadingSinceMs;
    }

    /**
     * ZooKeeper's mntr figures of its elections: times it entered LOOKING (the start counts) and its
     * election_time summary, in milliseconds (a BASIC summary: avg, min, max, cnt, sum; 0 before the first).
     */
    void monitor(java.util.Map<String, Object> m, java.util.function.DoubleFunction<String> average) {
        m.put("zk_looking_count", lookingCount);
        m.put("zk_avg_election_time", average.apply(decidedCount == 0 ? 0 : (double) decidedTotalMs / decidedCount));
        m.put("zk_min_election_time", decidedMinMs);
        m.put("zk_max_election_time", decidedMaxMs);
        m.put("zk_cnt_election_time", decidedCount);
        m.put("zk_sum_election_time", decidedTotalMs);
        unavailable.monitor(m, average);
        leaderUnavailable.monitor(m, average);
    }

    void write(PrometheusText text) {
        text.gauge("election_time_last_ms", "Milliseconds from leaving a serving role (or starting) to serving again, last"
                + " election; -1 before the first", lastElectionMs);
        text.header("election_time_ms", "summary", "Milliseconds from leaving a serving role (or starting) to serving again");
        text.sample("election_time_ms_sum", electionTotalMs);
        text.sample("election_time_ms_count", electionCount);
        text.gauge("election_time_max_ms", "Longest election so far, in milliseconds", electionMaxMs);
        text.counter("role_changes_total", "Changes of role, leader or serving state reported by the consensus core",
                roleChanges);
        text.header("proposal_commit_seconds", "summary", "On the leader: time from a proposal being logged to its"
                + " commit, sampled once per batch of proposals");
        text.sample("proposal_commit_seconds_sum", commitTotalMicros / 1e6);
        text.sample("proposal_commit_seconds_count", commitCount);
        text.gauge("proposal_commit_seconds_max", "Longest proposal-to-commit time sampled so far", commitMaxMicros / 1e6);
    }
}
