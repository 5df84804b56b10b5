package dev.corral.zab;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a {@link Peer} knows of its ensemble and its timers. Times are counted in peer ticks, a short
 * tick of its own (tens of milliseconds), not the session tickTime: a failed leader is replaced in a
 * few of them.
 *
 * @param serverId this server's myid
 * @param voters the participants (ZooKeeper {@code server.N=...:participant}); quorums are majorities of them
 * @param observers members that learn committed txns and never vote
 * @param incarnation a number that grows with each start of this server, below 2^31 (the host's boot
 *     time in seconds, or a restart count): it keeps connection numbers of an earlier run from being taken
 *     for this run's
 * @param resendTicks how long an election waits for an answer before it sends its vote again (doubled
 *     each time, up to eight times this)
 * @param finalizeTicks how long an election that a quorum agrees on waits for the voters that have not
 *     answered yet (ZooKeeper's finalizeWait); it ends at once when every voter answered
 * @param initLimitTicks how long discovery and synchronization may take (ZooKeeper initLimit)
 * @param syncLimitTicks how long a leader and a learner may go without hearing from each other (syncLimit)
 * @param committedLogMax how many committed txns the leader keeps in memory to synchronize a learner with
 *     a DIFF; a learner further behind gets a SNAP (ZooKeeper's committedLog, 500)
 * @param plantedBug a deliberate bug, for the simulator's tests of its own checkers; NONE otherwise
 * @param rejoining the operator's statement that this server's data directory was lost or replaced
 *     (as etcd's {@code --initial-cluster-state=existing}): while it is blank it may have forgotten acks a
 *     commit counted on, so it counts in no quorum until synchronized once ({@link Peer#rejoining()}). A
 *     blank server of a new ensemble has acked nothing and votes as usual.
 */
public record PeerConfig(
        long serverId,
        Set<Long> voters,
        Set<Long> observers,
        long incarnation,
        int resendTicks,
        int finalizeTicks,
        int initLimitTicks,
        int syncLimitTicks,
        int committedLogMax,
        PlantedBug plantedBug,
        boolean rejoining) {

    public PeerConfig {
        voters = Set.copyOf(new TreeSet<>(voters));
        observers = Set.copyOf(new TreeSet<>(observers));
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one voter");
        }
        if (!voters.contains(serverId) && !observers.contains(serverId)) {
            throw new IllegalArgumentException("server " + serverId + " is neither a voter nor an observer of " + voters + " / " + observers);
        }
        for (long observer : observers) {
            if (voters.contains(observer)) {
                throw new IllegalArgumentException("server " + observer + " is both a voter and an observer");
            }
        }
        if (incarnation < 0 || incarnation >= 1L << 31) {
            throw new IllegalArgumentException("incarnation must be in [0, 2^31), was " + incarnation);
        }
        if (resendTicks < 1 || finalizeTicks < 0 || initLimitTicks < 1 || syncLimitTicks < 1 || committedLogMax < 0) {
            throw new IllegalArgumentException("peer timers must be positive");
        }
    }

    /** Defaults for a 20 ms peer tick: resend after 2 ticks, finalize 5, initLimit 100, syncLimit 25. */
    public static PeerConfig of(long serverId, Set<Long> voters, Set<Long> observers, long incarnation) {
        return new PeerConfig(serverId, voters, observers, incarnation, 2, 5, 100, 25, 500, PlantedBug.NONE, false);
    }

    public boolean isVoter(long id) {
        return voters.contains(id);
    }

    public boolean isObserver() {
        return observers.contains(serverId);
    }

    /** The number of voters that makes a quorum: a majority. */
    public int quorumSize() {
        return voters.size() / 2 + 1;
    }

    /** Every member but this one: where election notifications go. */
    public Set<Long> others() {
        Set<Long> all = new TreeSet<>(voters);
        all.addAll(observers);
        all.remove(serverId);
        return all;
    }
}
