package dev.corral.compat;

import dev.corral.testkit.Target;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README's compatibility table says what the client suites ran (issue 13): runs
 * {@code compat/render-compat-table.py --check} over the results the suites of this build wrote on both
 * targets. The surefire execution {@code compat-table} runs it after the others; its name keeps it out of
 * the default execution, which runs before the ZooKeeper results exist.
 */
class CompatTableCheck {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void theReadmeTableMatchesWhatTheClientSuitesRanOnBothTargets() throws Exception {
        // With -Dcompat.target=zookeeper (the oracle run) no execution ran the suites against Corral: nothing to check.
        Assumptions.assumeTrue(CompatRun.target() == Target.CORRAL, "the suites ran against ZooKeeper only");
        Toolchain.build(new ProcessBuilder("python3", "render-compat-table.py", "--check").redirectErrorStream(true), BOUND);
    }
}
