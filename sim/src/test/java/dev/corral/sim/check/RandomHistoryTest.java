package dev.corral.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker on histories of real sequential executions with random overlapping intervals and lost
 * operations (always accepted), and on the same histories with one read made stale (always rejected).
 */
class RandomHistoryTest {
    private static final int SEEDS = 300;
    private static final long STALE_BUDGET = 200_000;

    record Case(String name, RandomHistories.Shape shape) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> shapes() {
        return List.of(
                new Case("4 clients, 3 keys, linearizable reads",
                        new RandomHistories.Shape(4, 25, 3, false, 0.0, ZkModel.Reads.LINEARIZABLE)),
                new Case("4 clients, 3 keys, lost operations",
                        new RandomHistories.Shape(4, 25, 3, false, 0.1, ZkModel.Reads.LINEARIZABLE)),
                new Case("6 clients, 3 keys, lost operations with deadlines",
                        new RandomHistories.Shape(6, 25, 3, false, 0.15, ZkModel.Reads.LINEARIZABLE, 20)),
                new Case("6 clients, 2 keys, sequential creates and lost operations",
                        new RandomHistories.Shape(6, 15, 2, true, 0.05, ZkModel.Reads.LINEARIZABLE)),
                new Case("5 clients, 3 keys, sequentially consistent reads and lost operations",
                        new RandomHistories.Shape(5, 25, 3, false, 0.05, ZkModel.Reads.SEQUENTIAL)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void recordedExecutionsAreAcceptedWithAndWithoutPartitions(Case row) {
        ZkModel model = RandomHistories.model(row.shape().reads());
        for (long seed = 0; seed < SEEDS; seed++) {
            List<Operation<ZkOp, ZkResult>> history = RandomHistories.generate(seed, row.shape()).history();

            CheckResult<ZkOp, ZkResult> partitioned = new LinearizabilityChecker().check(model, history);
            CheckResult<ZkOp, ZkResult> whole = new LinearizabilityChecker().check(unpartitioned(model), history);

            assertThat(partitioned.verdict()).as("seed " + seed + ": " + partitioned.explain()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
            assertThat(whole.verdict()).as("seed " + seed + " unpartitioned: " + whole.explain()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void aReadMadeStaleIsRejected(Case row) {
        ZkModel model = RandomHistories.model(row.shape().reads());
        boolean ownSessionOnly = row.shape().reads() == ZkModel.Reads.SEQUENTIAL;
        int mutated = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            RandomHistories.Recorded recorded = RandomHistories.generate(seed, row.shape());
            Optional<List<Operation<ZkOp, ZkResult>>> stale = RandomHistories.withStaleRead(recorded, ownSessionOnly, new Random(seed));
            if (stale.isEmpty()) {
                continue;
            }
            mutated++;

            CheckResult<ZkOp, ZkResult> result = new LinearizabilityChecker().check(model, stale.get());
            CheckResult<ZkOp, ZkResult> whole = new LinearizabilityChecker().check(unpartitioned(model), stale.get());

            assertThat(result.verdict()).as("seed " + seed).isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
            assertThat(whole.verdict()).as("seed " + seed + " unpartitioned").isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
        }
        assertThat(mutated).as("histories with a read that could be made stale").isGreaterThan(SEEDS / 2);
    }

    /**
     * Not asserted, printed: the time to check histories of the size the simulator produces. Reported by
     * the test and in the branch's notes.
     */
    @Test
    void printsTheCheckerSpeed() {
        // Once to warm the JIT up, so that the lines after it measure the checker, not the compiler.
        measure("warm-up", new RandomHistories.Shape(10, 200, 5, false, 0.02, ZkModel.Reads.LINEARIZABLE), 5);
        measure("10 clients x 200 ops, 5 keys, linearizable reads, 2% lost",
                new RandomHistories.Shape(10, 200, 5, false, 0.02, ZkModel.Reads.LINEARIZABLE), 20);
        measure("10 clients x 200 ops, 5 keys, sequential reads, 2% lost",
                new RandomHistories.Shape(10, 200, 5, false, 0.02, ZkModel.Reads.SEQUENTIAL), 5);
        measure("10 clients x 200 ops, 5 keys and sequential creates (one part), 2% lost",
                new RandomHistories.Shape(10, 200, 5, true, 0.02, ZkModel.Reads.LINEARIZABLE), 5);
        measure("10 clients x 200 ops, 5 keys, linearizable reads, 10% lost",
                new RandomHistories.Shape(10, 200, 5, false, 0.1, ZkModel.Reads.LINEARIZABLE), 5);
        measure("10 clients x 200 ops, 5 keys, linearizable reads, 2% lost with deadlines 0-50 steps after",
                new RandomHistories.Shape(10, 200, 5, false, 0.02, ZkModel.Reads.LINEARIZABLE, 50), 5);
        measure("10 clients x 200 ops, 5 keys, linearizable reads, 10% lost with deadlines 0-50 steps after",
                new RandomHistories.Shape(10, 200, 5, false, 0.1, ZkModel.Reads.LINEARIZABLE, 50), 5);
        measure("5 clients x 40 ops, 3 keys, 2% lost (a small seed)",
                new RandomHistories.Shape(5, 40, 3, false, 0.02, ZkModel.Reads.LINEARIZABLE), 200);
    }

    private static void measure(String name, RandomHistories.Shape shape, int histories) {
        ZkModel model = RandomHistories.model(shape.reads());
        long steps = 0;
        long checkNanos = 0;
        long maxNanos = 0;
        long staleNanos = 0;
        int staleChecked = 0;
        int[] verdicts = new int[CheckResult.Verdict.values().length];
        int[] staleVerdicts = new int[CheckResult.Verdict.values().length];
        for (long seed = 0; seed < histories; seed++) {
            RandomHistories.Recorded recorded = RandomHistories.generate(seed, shape);
            long start = System.nanoTime();
            CheckResult<ZkOp, ZkResult> result = new LinearizabilityChecker().check(model, recorded.history());
            long nanos = System.nanoTime() - start;
            checkNanos += nanos;
            maxNanos = Math.max(maxNanos, nanos);
            steps += result.steps();
            verdicts[result.verdict().ordinal()]++;
            // The same history with a stale read: a failing search, which must explore every branch, so
            // it is given a smaller budget here to keep this test short.
            Optional<List<Operation<ZkOp, ZkResult>>> stale = RandomHistories.withStaleRead(recorded,
                    shape.reads() == ZkModel.Reads.SEQUENTIAL, new Random(seed));
            if (stale.isPresent()) {
                start = System.nanoTime();
                staleVerdicts[new LinearizabilityChecker(STALE_BUDGET).check(model, stale.get()).verdict().ordinal()]++;
                staleNanos += System.nanoTime() - start;
                staleChecked++;
            }
        }
        System.out.printf("checker speed: %s: %d histories, %.2f ms each (max %.2f), %d steps each, verdicts %s;"
                + " with a stale read (budget %d steps a part): %.2f ms each, verdicts %s%n", name, histories,
                checkNanos / 1e6 / histories, maxNanos / 1e6, steps / histories, java.util.Arrays.toString(verdicts),
                STALE_BUDGET, staleNanos / 1e6 / Math.max(1, staleChecked), java.util.Arrays.toString(staleVerdicts));
    }

    /** The same model without its partition, so that the whole history is one search. */
    static <S, I, O> Model<S, I, O> unpartitioned(Model<S, I, O> model) {
        return new Model<>() {
            @Override
            public S init() {
                return model.init();
            }

            @Override
            public StepResult<S> step(S state, I input, O output) {
                return model.step(state, input, output);
            }

            @Override
            public boolean sequentialOnly(I input) {
                return model.sequentialOnly(input);
            }

            @Override
            public boolean readOnly(I input, O output) {
                return model.readOnly(input, output);
            }
        };
    }
}
