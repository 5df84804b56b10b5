package dev.corral.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.zab.PlantedBug;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulator's checkers must catch each kind of consensus bug: with a deliberate bug planted in every
 * server, some seed within a bounded number must fail, and the test reports how many seeds it took.
 */
class PlantedBugTest {
    private static final int SEED_BOUND = 5000;

    @ParameterizedTest
    @EnumSource(value = PlantedBug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void theSimulatorCatchesThePlantedBug(PlantedBug bug) {
        long caughtAt = -1;
        String failure = null;
        for (long seed = 1; seed <= SEED_BOUND && caughtAt < 0; seed++) {
            try {
                new Simulation(seed, SimOptions.defaults(3, 0).withPlantedBug(bug), false).run();
            } catch (SimFailure e) {
                caughtAt = seed;
                failure = e.getMessage().lines().findFirst().orElse("");
            }
        }
        System.out.printf("%s caught after %d seeds: %s%n", bug, caughtAt, failure);
        assertThat(caughtAt).as(bug + " caught within " + SEED_BOUND + " seeds").isPositive();
    }
}
