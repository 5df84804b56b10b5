package dev.corral.server.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** When a Kerberos login is renewed: ZooKeeper 3.9.5's Login thread's arithmetic (80% of the ticket's life + jitter). */
class ReloginScheduleTest {
    private static final long HOUR = 3_600_000;
    private static final long MINUTE = 60_000;

    record Case(String name, long startMs, long endMs, long nowMs, long lastLoginMs, double jitter, long expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("80% of a 10 h ticket, no jitter", 0, 10 * HOUR, 0, 0, 0.0, 8 * HOUR),
                new Case("up to 5% more with jitter", 0, 10 * HOUR, 0, 0, 0.999999, 8 * HOUR + (long) (10 * HOUR * 0.05 * 0.999999)),
                new Case("no sooner than the minimum after now", 0, 10 * MINUTE, 7 * MINUTE + 30_000, 0, 0.0, 8 * MINUTE + 30_000),
                new Case("a ticket ending within the minimum: at once", 0, 10 * MINUTE, 9 * MINUTE + 30_000, 0, 0.0,
                        9 * MINUTE + 30_000),
                new Case("but never twice within the minimum", 0, 10 * MINUTE, 9 * MINUTE + 30_000, 9 * MINUTE, 0.0, 10 * MINUTE),
                new Case("a ticket already ended: at once", 0, 10 * MINUTE, 20 * MINUTE, 0, 0.0, 20 * MINUTE));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void nextRelogin(Case row) {
        assertThat(KerberosLogin.nextReloginMs(row.startMs(), row.endMs(), row.nowMs(), row.lastLoginMs(), MINUTE, row.jitter()))
                .isEqualTo(row.expected());
    }
}
