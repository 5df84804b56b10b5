package dev.corral.node;

import dev.corral.zab.LogEntry;
import dev.corral.zab.Message;
import dev.corral.zab.Output;
import dev.corral.zab.ServerState;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleFunction;

/**
 * How long each stage of a replicated write takes, as ZooKeeper 3.9's ServerMetrics summaries measure it:
 * from the time in the txn's header (the leader's wall clock when it made the txn) to the moment this
 * server reaches the stage, in milliseconds of this server's wall clock. Across servers a skewed clock
 * skews them; ZooKeeper measures the same way and drops a negative value, and so does {@link LatencySummary}.
 * <ul>
 * <li>{@code proposal_latency}: a learner received the PROPOSAL (Follower#processPacket);
 * <li>{@code proposal_ack_creation_latency}: a voter, the leader included, holds the txn durably and makes
 *     its ACK (AckRequestProcessor, SendAckRequestProcessor);
 * <li>{@code ack_latency}, one summary per server id: on the leader, a voter's ACK of a txn not yet committed,
 *     for the txns whose zxid is a multiple of {@code zookeeper.leader.ackLoggingFrequency} (1000 by default),
 *     as ZooKeeper samples them (Leader#processAck);
 * <li>{@code quorum_ack_latency}: on the leader, a quorum holds the txn and it commits (Leader#tryToCommit);
 * <li>{@code commit_propagation_latency}: a follower received the COMMIT, an observer the INFORM;
 * <li>{@code propagation_latency}: the txn is applied to this server's tree (FinalRequestProcessor).
 * </ul>
 * Only txns this server logs while it serves are measured (ZooKeeper's broadcast phase): not the txns of a
 * learner's synchronization, nor those replayed from the log at start. A standalone server measures
 * {@code propagation_latency} only, as ZooKeeper's does.
 *
 * <p>Fed by the Node on its loop: the quorum messages it receives, the Peer's outputs and the persist
 * reports. Txns wait here from their append until they are applied: in zxid order, at most
 * {@value #TRACKED_MAX}; past that new ones are not measured rather than queued.
 */
public final class ReplicationLatencies {
    static final int TRACKED_MAX = 100_000;
    private static final int TIME_OFFSET = dev.corral.wire.TxnHeader.ZXID_OFFSET + 8;

    private final long serverId;
    private final LatencySummary proposal = LatencySummary.withPercentiles("proposal_latency");
    private final LatencySummary ackCreation = LatencySummary.withPercentiles("proposal_ack_creation_latency");
    private final LatencySummary quorumAck = LatencySummary.withPercentiles("quorum_ack_latency");
    private final LatencySummary commitPropagation = LatencySummary.withPercentiles("commit_propagation_latency");
    private final LatencySummary propagation = LatencySummary.withPercentiles("propagation_latency");
    // ack_latency by server id, in id order as they first acked.
    private final Map<Long, LatencySummary> acks = new TreeMap<>();
    private final Map<Long, Long> lastAcked = new HashMap<>();
    private int ackLoggingFrequency = 1000;
    private boolean replicated;
    private boolean leading;

    // Txns logged while serving and not yet applied, zxid order: {zxid, header time, persist seq}.
    private final ArrayDeque<long[]> tracked = new ArrayDeque<>();
    // Highest zxid whose ack creation, and whose commit arrival, were measured. Both only grow within a
    // serving spell; everything is forgotten when it ends.
    private long ackCreatedTo;
    private long commitSeenTo;

    ReplicationLatencies(long serverId) {
        this.serverId = serverId;
    }

    /** ZooKeeper's {@code zookeeper.leader.ackLoggingFrequency}: one txn in this many feeds ack_latency; 0 or less, none. */
    public void sampleAcksEvery(int frequency) {
        this.ackLoggingFrequency = frequency;
    }

    /** Whether the ensemble has more than this server (set at start): a standalone server has no quorum stages. */
    void setReplicated(boolean replicated) {
        this.replicated = replicated;
    }

    /** A quorum message, before the Peer sees it. */
    void onMessage(long from, Message message, ServerState state, boolean serving, long nowMs) {
        if (!serving || !replicated) {
            return;
        }
        if (message instanceof Message.Proposal p && state != ServerState.LEADING) {
            proposal.add(nowMs - timeOf(p.entry()));
        } else if (message instanceof Message.Commit c && state == ServerState.FOLLOWING) {
            for (long[] t : tracked) {
                if (t[0] > c.zxid()) {
                    break;
                }
                if (t[0] > commitSeenTo) {
                    commitPropagation.add(nowMs - t[1]);
                }
            }
            commitSeenTo = Math.max(commitSeenTo, c.zxid());
        } else if (message instanceof Message.Inform i && state == ServerState.OBSERVING) {
            commitPropagation.add(nowMs - timeOf(i.entry()));
        } else if (message instanceof Message.Ack a && state == ServerState.LEADING) {
            onAck(from, a.zxid(), nowMs);
        }
    }

    /** An output of the Peer, after the Node carried it out. */
    void onOutput(Output output, boolean serving, long nowMs) {
        if (output instanceof Output.Append append) {
            if (serving && tracked.size() < TRACKED_MAX) {
                tracked.addLast(new long[] {append.entry().zxid(), timeOf(append.entry()), append.seq()});
            }
        } else if (output instanceof Output.Deliver deliver) {
            long zxid = deliver.entry().zxid();
            while (!tracked.isEmpty() && tracked.peekFirst()[0] < zxid) {
                tracked.pollFirst();
            }
            boolean measured = !tracked.isEmpty() && tracked.peekFirst()[0] == zxid;
            if (measured) {
                tracked.pollFirst();
            }
            if (measured) {
                long latency = nowMs - timeOf(deliver.entry());
                propagation.add(latency);
                if (leading && replicated) {
                    quorumAck.add(latency);
                }
            }
        } else if (output instanceof Output.RoleChanged changed) {
            leading = changed.state() == ServerState.LEADING;
            if (!changed.serving()) {
                tracked.clear();
                lastAcked.clear();
                ackCreatedTo = 0;
                commitSeenTo = 0;
            }
        }
    }

    /** The persist outputs up to {@code seq} are durable: a voter makes its ACK of the txns among them. */
    void onPersisted(long seq, ServerState state, long nowMs) {
        if (!replicated || (state != ServerState.LEADING && state != ServerState.FOLLOWING)) {
            return;
        }
        long newest = ackCreatedTo;
        for (long[] t : tracked) {
            if (t[2] > seq) {
                break;
            }
            if (t[0] > ackCreatedTo) {
                ackCreation.add(nowMs - t[1]);
                newest = t[0];
            }
        }
        if (state == ServerState.LEADING && newest > ackCreatedTo) {
            onAck(serverId, newest, nowMs);
        }
        ackCreatedTo = newest;
    }

    // A voter's ACK reached the leader: ACKs are cumulative here, so it acks every txn after its last one.
    private void onAck(long from, long zxid, long nowMs) {
        long previous = lastAcked.getOrDefault(from, 0L);
        if (zxid <= previous) {
            return;
        }
        lastAcked.put(from, zxid);
        if (ackLoggingFrequency <= 0) {
            return;
        }
        for (long[] t : tracked) {
            if (t[0] > zxid) {
                break;
            }
            if (t[0] > previous && t[0] % ackLoggingFrequency == 0) {
                acks.computeIfAbsent(from, id -> LatencySummary.withPercentiles(id + "_ack_latency")).add(nowMs - t[1]);
            }
        }
    }

    /** The summaries in mntr's order of ZooKeeper's ServerMetrics; the ack_latency set only for the ids seen. */
    public List<LatencySummary> summaries() {
        List<LatencySummary> all = new ArrayList<>(List.of(propagation, proposal, ackCreation, commitPropagation, quorumAck));
        all.addAll(acks.values());
        return all;
    }

    /** Every summary's mntr keys. */
    public void monitor(Map<String, Object> m, DoubleFunction<String> average) {
        for (LatencySummary summary : summaries()) {
            summary.monitor(m, average);
        }
    }

    /** Txns measured and not yet applied (a test's window into the bound). */
    int trackedCount() {
        return tracked.size();
    }

    // The header's time: the leader's wall clock when it made the txn (TxnHeader: clientId, cxid, zxid, time).
    private static long timeOf(LogEntry entry) {
        return ByteBuffer.wrap(entry.txn()).getLong(TIME_OFFSET);
    }
}
