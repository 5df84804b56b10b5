package dev.corral.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole ensembles under seeded faults: every seed must keep every safety invariant after every event and
 * converge once healed. {@code -Dsim.seeds=N} scales every shape (the default keeps {@code mvn verify}
 * at a few thousand seeds in all); a failure names its seed and the command that replays it.
 */
class SimulationTest {
    record Shape(int voters, int observers, int share) {
        @Override
        public String toString() {
            return voters + " voters, " + observers + " observers";
        }
    }

    static List<Shape> shapes() {
        return List.of(
                // The common ensembles, most of the seeds.
                new Shape(3, 0, 40),
                new Shape(5, 0, 25),
                // Observers learn committed txns and never count in a quorum.
                new Shape(3, 1, 20),
                new Shape(5, 2, 10),
                // One voter: the standalone server is this case.
                new Shape(1, 0, 5));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void everySeedStaysSafeAndConvergesAfterHealing(Shape shape) {
        long total = Long.getLong("sim.seeds", 2500);
        long seeds = Math.max(1, total * shape.share() / 100);
        long first = Long.getLong("sim.firstSeed", 1);
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (long seed = first; seed < first + seeds && failures.size() < 3; seed++) {
            try {
                new Simulation(seed, SimOptions.defaults(shape.voters(), shape.observers()), false).run();
            } catch (SimFailure failure) {
                failures.add(failure.getMessage());
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%s: %d seeds in %d ms (%.0f seeds/minute)%n", shape, seeds, ms, seeds * 60_000.0 / Math.max(1, ms));
        assertThat(failures).as("failed seeds").isEmpty();
    }
}
