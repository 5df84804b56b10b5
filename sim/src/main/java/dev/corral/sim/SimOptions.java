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
 * @param plantedBug a deliberate bug in every server, to test the checkers; NONE for real runs
 * @param clients 0 to replicate a hash chain with the Peers alone; otherwise every server is a whole
 *     {@link dev.corral.node.Node} (tree, sessions, watches) over its Peer, and this many simulated
 *     clients speak the client protocol to them
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
        int writesPerMille,
        dev.corral.zab.PlantedBug plantedBug,
        int clients) {
    public static final int UNITS_PER_TICK = 10;

    public static SimOptions defaults(int voters, int observers) {
        return new SimOptions(voters, observers, 400, 400, 60, 20, 20, 40, 30, 100, dev.corral.zab.PlantedBug.NONE, 0);
    }

    /**
     * The knobs of one seed drawn from it, as FoundationDB randomizes its knobs: some seeds have fast disks
     * and reliable links, others slow disks, frequent crashes or lossy links, so that every timing
     * relation between syncs, messages and faults gets explored.
     */
    public SimOptions randomizedBy(java.util.Random random) {
        int[] faults = {20, 60, 150};
        int[] losses = {0, 20, 100};
        int[] delays = {5, 40, 120};
        int[] syncs = {3, 30, 150};
        return new SimOptions(voters, observers, safetyTicks, livenessTicks, faults[random.nextInt(3)], losses[random.nextInt(3)],
                duplicatePerMille, delays[random.nextInt(3)], syncs[random.nextInt(3)], writesPerMille, plantedBug, clients);
    }

    public SimOptions withPlantedBug(dev.corral.zab.PlantedBug bug) {
        return new SimOptions(voters, observers, safetyTicks, livenessTicks, faultPerMille, lossPerMille, duplicatePerMille,
                maxDelayUnits, maxSyncUnits, writesPerMille, bug, clients);
    }

    /** Whole Nodes with {@code count} clients (at least 1) instead of the Peers' hash chain. */
    public SimOptions withClients(int count) {
        return new SimOptions(voters, observers, safetyTicks, livenessTicks, faultPerMille, lossPerMille, duplicatePerMille,
                maxDelayUnits, maxSyncUnits, writesPerMille, plantedBug, count);
    }
}
