package dev.corral.sim;

import dev.corral.zab.LogEntry;
import dev.corral.zab.Peer;
import dev.corral.zab.PeerConfig;
import dev.corral.zab.Snapshot;
import java.util.Set;

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
        state = null;
        disk.crash(random);
        syncScheduled = false;
        pausedUntil = 0;
        held.clear();
        resumeScheduled = false;
    }
}
