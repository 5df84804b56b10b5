package dev.corral.sim;

import dev.corral.tree.Zxid;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Peer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The invariants the simulator checks after every event, from ZooKeeper's TLA+ specification
 * (zookeeper-specifications, ZkV3_7_0.tla: Leadership, PrefixConsistency, Integrity, Agreement,
 * TotalOrder, PrimaryOrder) and the ZAB bugs they catch (reference/replication.md, section 3):
 * <ul>
 *   <li>at most one established leader per epoch (Leadership1/2);
 *   <li>every server delivers the same txn at a zxid, in one total order without gaps, and reaches the
 *       same state there (PrefixConsistency, Agreement, TotalOrder; ZOOKEEPER-1154, -4925). Since every
 *       server's deliveries must walk one chain of zxids, and a txn of epoch e is proposed only by the one
 *       leader of e, after the initial history e was established with, this also covers Local and Global
 *       PrimaryOrder and PrimaryIntegrity: a later epoch's txns never come before an earlier epoch's
 *       committed ones, and a leader's txns arrive in the order it proposed them;
 *   <li>a state that a snapshot restores is one the canonical history passed through (Integrity;
 *       ZOOKEEPER-962);
 *   <li>no state machine is ahead of its own durable log (ZOOKEEPER-2845);
 *   <li>a txn is first delivered only once a quorum of voters' disks hold it (the definition of commit,
 *       checked on the disks, not in a server's own count);
 *   <li>no acknowledged write is lost (checked at the end of the run, on every server).
 * </ul>
 */
final class SafetyChecker {
    private final Map<Long, Long> leaderOfEpoch = new HashMap<>();
    private final Map<Long, LogEntry> canonical = new HashMap<>();
    private final Map<Long, Long> canonicalHash = new HashMap<>();
    // The committed history as one sequence: the zxid delivered right after each zxid. Every server's
    // deliveries must walk this one chain; a server that delivers another successor has a history that
    // forks from the others' (a committed txn truncated away, a lost acknowledged write).
    private final Map<Long, Long> successor = new HashMap<>();

    private java.util.Collection<SimServer> voters = java.util.List.of();
    private int quorum;

    /** The voters whose disks the commit check counts, and how many make a quorum. */
    void watchVoters(java.util.Collection<SimServer> voterServers, int quorumSize) {
        this.voters = voterServers;
        this.quorum = quorumSize;
    }

    /** After a server delivered {@code entry} and its state became {@code after}. */
    void onDeliver(SimServer server, LogEntry entry, HashChainState before, HashChainState after) {
        if (!canonical.containsKey(entry.zxid())) {
            checkDurableOnAQuorum(server, entry);
        }
        LogEntry known = canonical.putIfAbsent(entry.zxid(), entry);
        if (known != null && !Arrays.equals(known.txn(), entry.txn())) {
            throw new SimFailure("agreement: server " + server.id + " delivered another txn at " + Zxid.hex(entry.zxid()));
        }
        if (before.zxid() != 0 || before.applied() != 0) {
            LogEntry previous = canonical.get(before.zxid());
            if (previous == null && canonicalHash.get(before.zxid()) == null) {
                throw new SimFailure("total order: server " + server.id + " delivered " + Zxid.hex(entry.zxid()) + " after "
                        + Zxid.hex(before.zxid()) + ", which no server delivered");
            }
        }
        if (!Zxid.follows(before.zxid(), entry.zxid())) {
            throw new SimFailure("total order: server " + server.id + " delivered " + Zxid.hex(entry.zxid()) + " right after "
                    + Zxid.hex(before.zxid()) + " (a hole)");
        }
        Long next = successor.putIfAbsent(before.zxid(), entry.zxid());
        if (next != null && next != entry.zxid()) {
            throw new SimFailure("prefix consistency: server " + server.id + " delivered " + Zxid.hex(entry.zxid()) + " after "
                    + Zxid.hex(before.zxid()) + ", where the committed history has " + Zxid.hex(next));
        }
        Long hash = canonicalHash.putIfAbsent(entry.zxid(), after.hash());
        if (hash != null && hash != after.hash()) {
            throw new SimFailure("prefix consistency: server " + server.id + " reached another state at " + Zxid.hex(entry.zxid()));
        }
    }

    /**
     * The definition of a commit, checked on the disks rather than in any server's bookkeeping: when a
     * txn is first delivered anywhere, a quorum of voters hold it durably (in their log, or in a snapshot
     * at or past it).
     */
    private void checkDurableOnAQuorum(SimServer server, LogEntry entry) {
        if (voters.isEmpty()) {
            return;
        }
        int holding = 0;
        for (SimServer voter : voters) {
            if (voter.disk.heldDurably(entry)) {
                holding++;
            }
        }
        if (holding < quorum) {
            throw new SimFailure("commit: server " + server.id + " delivered " + Zxid.hex(entry.zxid()) + " first, but only "
                    + holding + " voters hold it durably, below a quorum of " + quorum);
        }
    }

    /** After a server's state machine was replaced by a snapshot's state. */
    void onRestore(SimServer server, HashChainState restored) {
        if (restored.zxid() == 0) {
            return;
        }
        Long hash = canonicalHash.get(restored.zxid());
        if (hash == null || hash != restored.hash()) {
            throw new SimFailure("integrity: server " + server.id + " restored a state at " + Zxid.hex(restored.zxid())
                    + " that the committed history never reached");
        }
    }

    /** After every event, for every live server. */
    void check(SimServer server) {
        Peer peer = server.peer;
        long epoch = peer.leadingEpoch();
        if (epoch >= 0) {
            Long leader = leaderOfEpoch.putIfAbsent(epoch, server.id);
            if (leader != null && leader != server.id) {
                throw new SimFailure("leadership: servers " + leader + " and " + server.id + " both established epoch " + epoch);
            }
        }
        if (server.state.zxid() != peer.lastDelivered()) {
            throw new SimFailure("server " + server.id + " state at " + Zxid.hex(server.state.zxid()) + " but the peer delivered "
                    + Zxid.hex(peer.lastDelivered()));
        }
        if (server.node != null && server.node.tree().lastProcessedZxid() != server.state.zxid()) {
            throw new SimFailure("server " + server.id + " tree at " + Zxid.hex(server.node.tree().lastProcessedZxid())
                    + " but the peer delivered " + Zxid.hex(server.state.zxid()));
        }
        if (server.state.zxid() > server.disk.lastZxid() && server.disk.snapshot().zxid() < server.state.zxid()) {
            throw new SimFailure("durability: server " + server.id + " applied " + Zxid.hex(server.state.zxid())
                    + " but its durable log ends at " + Zxid.hex(server.disk.lastZxid()));
        }
    }

    // Whole servers: the tree digest the first server to reach each zxid had there.
    private final Map<Long, Long> digestAt = new HashMap<>();

    /**
     * The shadow hash-chain state of the committed history at {@code zxid}, for a whole server that
     * restarts from or installs a snapshot there; a zxid the history never reached fails (Integrity).
     */
    HashChainState stateAt(SimServer server, long zxid) {
        if (zxid == 0) {
            return HashChainState.EMPTY;
        }
        Long hash = canonicalHash.get(zxid);
        if (hash == null) {
            throw new SimFailure("integrity: server " + server.id + " holds a snapshot at " + Zxid.hex(zxid)
                    + " that the committed history never reached");
        }
        return new HashChainState(zxid, hash, 1);
    }

    /** A whole server's tree is at {@code zxid} with {@code digest}: every server's tree is the same there. */
    void onTree(SimServer server, long zxid, long digest) {
        Long first = digestAt.putIfAbsent(zxid, digest);
        if (first != null && first != digest) {
            throw new SimFailure("trees: server " + server.id + " has digest " + Long.toHexString(digest) + " at " + Zxid.hex(zxid)
                    + ", another server had " + Long.toHexString(first));
        }
    }

    /** The txn committed at {@code zxid}, as delivered by the servers, or null if none delivered it yet. */
    LogEntry committed(long zxid) {
        return canonical.get(zxid);
    }
}
