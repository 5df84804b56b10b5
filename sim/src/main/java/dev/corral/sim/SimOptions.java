package dev.corral.sim;

/**
 * The shape of an ensemble and the faults of one simulated run. Time is counted in units; a peer tick is
 * {@link #UNITS_PER_TICK} units, so messages and syncs take a fraction of a tick or several ticks.
 *
 * @param voters how many voting servers (ids 1..voters)
 * @param observers how many observers (ids after the voters)
 * @param safetyTicks how long faults are injected
 * @param livenessTicks how long a healed ensemble has to elect, synchronize and commit again
 * @param faultPerMille chance per tick of a new fault (crash, restart, partition, clog, heal)
 * @param lossPerMille chance that a message is lost (on a connection: the connection breaks)
 * @param duplicatePerMille chance that an election message arrives twice
 * @param maxDelayUnits the longest delay of a message under faults
 * @param maxSyncUnits the longest time a disk takes to sync
 * @param writesPerMille chance per unit that a client asks the leader for a write
 */
public record SimOptions(
        int voters,
        int observers,
        int safetyTicks,
        int livenessTicks,
        int faultPerMille,
        int lossPerMille,
        int duplicatePerMille,
        int maxDelayUnits,
        int maxSyncUnits,
        int writesPerMille) {
    public static final int UNITS_PER_TICK = 10;

    public static SimOptions defaults(int voters, int observers) {
        return new SimOptions(voters, observers, 400, 400, 60, 20, 20, 40, 30, 100);
    }

    public SimOptions withServers(int newVoters, int newObservers) {
        return new SimOptions(newVoters, newObservers, safetyTicks, livenessTicks, faultPerMille, lossPerMille, duplicatePerMille,
                maxDelayUnits, maxSyncUnits, writesPerMille);
    }
}
