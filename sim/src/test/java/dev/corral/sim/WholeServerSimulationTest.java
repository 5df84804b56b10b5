package dev.corral.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole servers (Node over Peer, with the real tree, sessions and watches) under the same seeded faults as
 * {@link SimulationTest}, with simulated clients speaking the client protocol through them: every safety
 * invariant after every event, equal trees at equal zxids, per-session FIFO, watches that fire at most
 * once, ephemerals gone with their sessions, every acknowledged write on every server, and a
 * linearizable history at the end. {@code -Dsim.wholeSeeds=N} scales it; a failure names its seed and
 * the command that replays it.
 */
class WholeServerSimulationTest {
    record Shape(int voters, int observers, int clients, int share) {
        @Override
        public String toString() {
            return voters + " voters, " + observers + " observers, " + clients + " clients";
        }
    }

    static List<Shape> shapes() {
        return List.of(
                new Shape(3, 0, 4, 45),
                new Shape(5, 0, 4, 25),
                new Shape(3, 1, 4, 20),
                new Shape(1, 0, 3, 10));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void everySeedStaysSafeConvergesAndIsLinearizable(Shape shape) {
        long total = Long.getLong("sim.wholeSeeds", 400);
        long seeds = Math.max(1, total * shape.share() / 100);
        long first = Long.getLong("sim.firstSeed", 1);
        List<String> failures = new ArrayList<>();
        long acknowledged = 0;
        long start = System.nanoTime();
        for (long seed = first; seed < first + seeds && failures.size() < 3; seed++) {
            try {
                acknowledged += new Simulation(seed, SimOptions.defaults(shape.voters(), shape.observers()).withClients(shape.clients()), false)
                        .run().acknowledgedWrites();
            } catch (SimFailure failure) {
                failures.add(failure.getMessage());
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%s: %d seeds in %d ms (%.0f seeds/minute), %d acknowledged client writes%n", shape, seeds, ms,
                seeds * 60_000.0 / Math.max(1, ms), acknowledged);
        assertThat(failures).as("failed seeds").isEmpty();
        assertThat(acknowledged).as("client writes acknowledged over all seeds").isGreaterThan(seeds);
    }
}
