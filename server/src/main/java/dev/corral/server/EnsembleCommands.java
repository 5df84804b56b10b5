package dev.corral.server;

import dev.corral.node.Node;
import dev.corral.zab.Peer;
import dev.corral.zab.ServerState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admin commands about the ensemble, with ZooKeeper 3.9.5's names and fields (server/admin/Commands.java:
 * LeaderCommand, VotingViewCommand, SyncedObserverConsCommand, ZabStateCommand; its JSON is in snake case). Each runs on the
 * node loop and reads the consensus core's read-only accessors and the server.N lines of zoo.cfg.
 *
 * <p>Where Corral knows less than ZooKeeper it says less: an observer entry carries its server id
 * ({@code sid}) and how many txns it is behind, not ZooKeeper's per-connection packet counters, which
 * Corral's learner transport does not keep.
 */
final class EnsembleCommands {
    private final EnsembleConfig ensemble;
    private final Node node;
    // Where this server listens for clients, host:port, as ZooKeeper's zabstate prints its client address.
    private final String clientAddress;

    EnsembleCommands(EnsembleConfig ensemble, Node node, String clientAddress) {
        this.ensemble = ensemble;
        this.node = node;
        this.clientAddress = clientAddress;
    }

    /**
     * {@code zabstate}: this member's addresses, whether it votes, its last applied zxid split into epoch and
     * counter, and where in ZAB it is (election, discovery, synchronization, broadcast). A standalone server
     * says only that it does not vote, with an empty state, as ZooKeeper's.
     */
    Map<String, Object> zabState() {
        Map<String, Object> m = new LinkedHashMap<>();
        Peer peer = node.peer();
        if (!ensemble.isDistributed() || peer == null) {
            m.put("voting", false);
            m.put("zabstate", "");
            return m;
        }
        EnsembleConfig.Member me = ensemble.members().get(ensemble.myId());
        String host = EnsembleConfig.bracketed(me.host());
        long zxid = node.tree().lastProcessedZxid();
        m.put("myid", ensemble.myId());
        m.put("is_leader", peer.state() == ServerState.LEADING && node.serving());
        m.put("quorum_address", host + ":" + me.quorumPort());
        m.put("election_address", host + ":" + me.electionPort());
        m.put("client_address", clientAddress);
        m.put("voting", ensemble.voters().contains(ensemble.myId()));
        m.put("last_zxid", "0x" + Long.toHexString(zxid));
        m.put("zab_epoch", zxid >>> 32);
        m.put("zab_counter", zxid & 0xffffffffL);
        m.put("zabstate", peer.zabPhase());
        return m;
    }

    /** {@code leader}: whether this server leads, the leader's id and the host of its quorum address. */
    Map<String, Object> leader() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!ensemble.isDistributed() || node.peer() == null) {
            m.put("error", "server is not initialized");
            return m;
        }
        long leader = node.peer().leader();
        EnsembleConfig.Member member = ensemble.members().get(leader);
        m.put("is_leader", node.peer().state() == ServerState.LEADING);
        m.put("leader_id", leader);
        m.put("leader_ip", member == null ? "" : member.host());
        return m;
    }

    /** {@code voting_view}: the voters' lines of zoo.cfg, by server id. */
    Map<String, Object> votingView() {
        Map<String, Object> view = new TreeMap<>();
        if (ensemble.isDistributed()) {
            for (long id : ensemble.voters()) {
                EnsembleConfig.Member member = ensemble.members().get(id);
                Map<String, Object> server = new LinkedHashMap<>();
                server.put("server_addresses", List.of(member.host() + ":" + member.quorumPort()));
                server.put("election_addresses", List.of(member.host() + ":" + member.electionPort()));
                server.put("client_address", member.clientPort() < 0 ? ""
                        : (member.clientAddress() == null ? "0.0.0.0" : member.clientAddress()) + ":" + member.clientPort());
                server.put("learner_type", "participant");
                view.put(Long.toString(id), server);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("current_config", view);
        return m;
    }

    /**
     * {@code observers}: on the leader, the synchronized observers. A follower answers none, as ZooKeeper's
     * follower does when it is not an observer master (Corral has no observer masters).
     */
    Map<String, Object> observers() {
        Map<String, Object> m = new LinkedHashMap<>();
        Peer peer = node.peer();
        List<Map<String, Object>> observers = new ArrayList<>();
        int synced = 0;
        if (ensemble.isDistributed() && peer != null && peer.state() == ServerState.LEADING) {
            synced = peer.learners().syncedObservers();
            peer.learnerLags().forEach((id, lag) -> {
                if (ensemble.observers().contains(id)) {
                    Map<String, Object> observer = new LinkedHashMap<>();
                    observer.put("sid", id);
                    observer.put("lag_txns", lag);
                    observers.add(observer);
                }
            });
        }
        m.put("synced_observers", synced);
        m.put("observers", observers);
        return m;
    }
}
