package dev.corral.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A bounded wait for a condition on something outside this JVM (a server process, a port). This is
 * Awaitility's {@code await().atMost(bound).until(condition)} without Awaitility, because the bench's
 * classpaths are built from its dependencies and should hold only what the bench measures with.
 */
public final class Poll {
    private Poll() {}

    /**
     * True as soon as {@code condition} holds, checked every {@code interval}; false when it still does not
     * hold after {@code bound}. The condition may throw to end the wait early (a process that died).
     */
    public static boolean until(Duration bound, Duration interval, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(interval.toMillis()); // polling a process we do not control, not synchronising threads
        }
    }
}
