package dev.corral.server;

import dev.corral.node.Node;
import dev.corral.tree.Zxid;
import dev.corral.zab.Peer;
import dev.corral.zab.ServerState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's view of the quorum's members and how far behind each is, from where this server stands.
 * The leader tracks every learner (what it acked or was sent, when it was last heard), so on the leader
 * every member has a lag; a follower or observer knows only itself and its leader: how many txns it has
 * not yet applied of the commits it got, how many proposals it holds uncommitted, and when it last heard
 * from the leader. A member this server cannot see says so rather than showing a guess.
 *
 * <p>ZooKeeper 3.9.5 has no such command (mntr gives the leader's counts, zk_synced_followers and the
 * like; its per-learner detail is the JMX LearnerHandler bean); the fields here are Corral's. Runs on the
 * node loop, which owns the Node it reads.
 */
final class EnsembleMembers {
    private final EnsembleConfig ensemble;
    private final Node node;
    private final long peerTickMs;

    EnsembleMembers(EnsembleConfig ensemble, Node node, long peerTickMs) {
        this.ensemble = ensemble;
        this.node = node;
        this.peerTickMs = peerTickMs;
    }

    Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        Peer peer = node.peer();
        m.put("distributed", ensemble.isDistributed() && peer != null);
        if (!ensemble.isDistributed() || peer == null) {
            return m;
        }
        ServerState state = peer.state();
        m.put("myId", ensemble.myId());
        m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        m.put("serving", node.serving());
        m.put("leaderId", peer.leader());
        m.put("lastLoggedZxid", Zxid.hex(peer.lastLoggedZxid()));
        m.put("lastCommittedZxid", Zxid.hex(peer.commitZxid()));
        m.put("lastAppliedZxid", Zxid.hex(peer.lastDelivered()));
        Map<Long, Peer.LearnerState> learners = new HashMap<>();
        for (Peer.LearnerState learner : peer.learnerStates()) {
            learners.put(learner.serverId(), learner);
        }
        List<Map<String, Object>> members = new ArrayList<>();
        for (EnsembleConfig.Member member : ensemble.members().values()) {
            members.add(member(member, peer, state, learners.get(member.serverId())));
        }
        m.put("members", members);
        return m;
    }

    private Map<String, Object> member(EnsembleConfig.Member member, Peer peer, ServerState state, Peer.LearnerState learner) {
        long id = member.serverId();
        boolean self = id == ensemble.myId();
        boolean leader = id == peer.leader();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("self", self);
        row.put("role", leader ? "leader" : member.observer() ? "observer" : "follower");
        row.put("address", EnsembleConfig.bracketed(member.host()) + ":" + member.quorumPort());
        if (state == ServerState.LEADING && self) {
            known(row, "leading", peer.lastLoggedZxid(), 0, -1);
        } else if (state == ServerState.LEADING) {
            if (learner == null) {
                row.put("state", "not connected");
            } else {
                known(row, learner.synced() ? "synced" : "synchronizing", learner.zxid(), learner.lagTxns(), learner.silentTicks() * peerTickMs);
            }
        } else if (self && (state == ServerState.FOLLOWING || state == ServerState.OBSERVING)) {
            // Its lag is to the last commit it got; the proposals it logged and that are not committed yet wait apart.
            known(row, state.name().toLowerCase(java.util.Locale.ROOT), peer.lastDelivered(), Zxid.txnsBehind(peer.lastDelivered(), peer.commitZxid()), -1);
            row.put("uncommittedTxns", Zxid.txnsBehind(peer.commitZxid(), peer.lastLoggedZxid()));
        } else if (leader && state != ServerState.LOOKING) {
            // A learner knows of its leader what the leader sent it: commits up to this zxid, and when.
            row.put("state", "leading");
            row.put("zxid", Zxid.hex(peer.commitZxid()));
            row.put("heardMsAgo", peer.ticksSinceLeaderHeard() * peerTickMs);
        } else {
            row.put("state", state == ServerState.LOOKING ? (self ? "looking" : "unknown (electing)") : "unknown (only the leader tracks it)");
        }
        return row;
    }

    // heardMsAgo -1: not a member this server hears from (itself), so the row has none.
    private static void known(Map<String, Object> row, String state, long zxid, long lagTxns, long heardMsAgo) {
        row.put("state", state);
        row.put("zxid", Zxid.hex(zxid));
        row.put("lagTxns", lagTxns);
        if (heardMsAgo >= 0) {
            row.put("heardMsAgo", heardMsAgo);
        }
    }
}
