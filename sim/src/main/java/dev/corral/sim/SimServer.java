package dev.corral.sim;

import dev.corral.zab.LogEntry;
import dev.corral.zab.Peer;
import dev.corral.zab.PeerConfig;
import dev.corral.zab.Snapshot;
import dev.corral.node.Node;
import dev.corral.node.NodeConfig;
import dev.corral.tree.TreeSnapshot;
import dev.corral.zab.DurableState;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One simulated server: a real {@link Peer} over a {@link SimDisk}, with the state machine it delivers
 * to. A crash loses the Peer and the state machine; a restart rebuilds both from the disk alone, as a
 * real process would.
 */
final class SimServer {
    final long id;
    final SimDisk disk = new SimDisk();
    private final Set<Long> voters;
    private final Set<Long> observers;
    private int incarnation;
    Peer peer;
    HashChainState state;
    boolean alive;
    boolean syncScheduled;
    /** Until when the process is paused (a long GC pause, SIGSTOP): it neither ticks nor reads nor syncs. */
    long pausedUntil;
    /** Messages that arrived while the process was paused, in arrival order; read when it runs again. */
    final java.util.ArrayDeque<SimNetwork.Delivery> held = new java.util.ArrayDeque<>();
    boolean resumeScheduled;
    /** -1 for a clock that runs a third slow, +1 for a third fast, 0 for a true one. */
    int clockSkew;
    /** The operator's flag after this server's disk was replaced (PeerConfig#rejoining). */
    boolean diskReplaced;

    private final dev.corral.zab.PlantedBug plantedBug;

    SimServer(long id, Set<Long> voters, Set<Long> observers, dev.corral.zab.PlantedBug plantedBug) {
        this.id = id;
        this.plantedBug = plantedBug;
        this.voters = voters;
        this.observers = observers;
    }

    /** The session tick of a simulated Node: ten peer ticks of 20 ms. */
    static final int SESSION_TICK_MS = 200;
    Node node;

    /**
     * Starts a whole server: a Node restored from the disk's snapshot, over a Peer recovered from the disk;
     * {@code observer} sees every Peer output after the Node carried it out. Returns the Node's first outputs.
     */
    List<dev.corral.node.Output> startNode(Consumer<dev.corral.zab.Output> observer, long wallMs, java.util.function.LongFunction<HashChainState> shadowAt) {
        incarnation++;
        NodeConfig config = new NodeConfig(id, SESSION_TICK_MS, 2 * SESSION_TICK_MS, 20 * SESSION_TICK_MS, false, 60_000, 10_000, null,
                false, wallMs, true, 0, 0, false);
        node = new Node(config);
        Snapshot snapshot = disk.snapshot();
        if (snapshot.image() instanceof TreeSnapshot tree) {
            List<dev.corral.tree.Znode> nodes = new java.util.ArrayList<>();
            tree.forEach(nodes::add);
            node.restore(tree.zxid(), nodes, tree.sessions(), tree.digest());
        }
        state = shadowAt.apply(snapshot.zxid());
        PeerConfig peerConfig = new PeerConfig(id, voters, observers, incarnation, 2, 5, 60, 15, 50, plantedBug, diskReplaced);
        node.observe(observer);
        DurableState recovered = disk.recover();
        List<dev.corral.node.Output> outputs = node.start(source -> new Peer(peerConfig, recovered, source), wallMs);
        peer = node.peer();
        alive = true;
        syncScheduled = false;
        return outputs;
    }

    void start() {
        incarnation++;
        state = (HashChainState) disk.snapshot().image();
        PeerConfig config = new PeerConfig(id, voters, observers, incarnation, 2, 5, 60, 15, 50, plantedBug, diskReplaced);
        peer = new Peer(config, disk.recover(), () -> new Snapshot(state.zxid(), state));
        alive = true;
        syncScheduled = false;
    }

    /** Applies a committed txn to the state machine and has the checker look at the step. */
    void deliver(LogEntry entry, SafetyChecker checker) {
        HashChainState before = state;
        state = before.apply(entry);
        checker.onDeliver(this, entry, before, state);
    }

    /** Replaces the state machine's state with a snapshot's, checked against the committed history. */
    void restore(Snapshot snapshot, SafetyChecker checker) {
        state = (HashChainState) snapshot.image();
        checker.onRestore(this, state);
    }

    int incarnation() {
        return incarnation;
    }

    void crash(java.util.Random random) {
        alive = false;
        peer = null;
        node = null;
        state = null;
        disk.crash(random);
        syncScheduled = false;
        pausedUntil = 0;
        held.clear();
        resumeScheduled = false;
    }
}
