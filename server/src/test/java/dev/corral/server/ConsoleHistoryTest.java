package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.node.IntervalHistogram.Percentiles;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The console's charts: rates and averages over each interval from cumulative counters, and the interval's
 * percentiles as the reading brings them.
 */
class ConsoleHistoryTest {
    /** Two readings and the sample they make. */
    record Case(String name, ConsoleHistory.Reading first, ConsoleHistory.Reading second, ConsoleHistory.Sample expected) {}

    private static final Percentiles LATENCY = new Percentiles(500, 1, 4, 9, 30, 41);
    private static final Percentiles FSYNC = new Percentiles(10, 1500, 2000, 2500, 2500, 3000);

    static Stream<Case> cases() {
        return Stream.of(
                // Rates are per second of the interval; averages are over what happened in it only.
                new Case("busy interval",
                        new ConsoleHistory.Reading(0, 100, 100, 500, 10, 10_000, 0, 5, 1, Percentiles.NONE, Percentiles.NONE),
                        new ConsoleHistory.Reading(10_000, 1100, 600, 1500, 20, 30_000, 7, 9, 2, LATENCY, FSYNC),
                        new ConsoleHistory.Sample(10_000, 100.0, 2.0, 2.0, 7, 9, 2, LATENCY, FSYNC)),
                // Nothing happened: zero rates, and no division by zero for the averages.
                new Case("idle interval",
                        new ConsoleHistory.Reading(0, 100, 100, 500, 10, 10_000, 0, 5, 1, LATENCY, FSYNC),
                        new ConsoleHistory.Reading(5_000, 100, 100, 500, 10, 10_000, 0, 5, 1, Percentiles.NONE, Percentiles.NONE),
                        new ConsoleHistory.Sample(5_000, 0.0, 0.0, 0.0, 0, 5, 1, Percentiles.NONE, Percentiles.NONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void samplesTheIntervalBetweenTwoReadings(Case c) {
        ConsoleHistory history = new ConsoleHistory();
        history.record(c.first());
        assertThat(((List<?>) history.samples().get("at"))).as("the first reading is only the baseline").isEmpty();
        ConsoleHistory.Sample e = c.expected();
        assertThat(history.record(c.second())).isEqualTo(e);
        Map<String, Object> samples = history.samples();
        assertThat(samples.get("at")).isEqualTo(List.of(e.atMs()));
        assertThat(samples.get("requestsPerSecond")).isEqualTo(List.of(e.requestsPerSecond()));
        assertThat(samples.get("latencyAvgMs")).isEqualTo(List.of(e.latencyAvgMs()));
        assertThat(samples.get("fsyncAvgMs")).isEqualTo(List.of(e.fsyncAvgMs()));
        assertThat(samples.get("outstanding")).isEqualTo(List.of(e.outstanding()));
        assertThat(samples.get("znodes")).isEqualTo(List.of(e.znodes()));
        assertThat(samples.get("connections")).isEqualTo(List.of(e.connections()));
        // Percentiles are the second reading's own (its interval's), never the baseline's; fsync in ms from µs.
        assertThat(samples.get("latencyP50Ms")).isEqualTo(List.of(e.latencyMs().p50()));
        assertThat(samples.get("latencyP99Ms")).isEqualTo(List.of(e.latencyMs().p99()));
        assertThat(samples.get("latencyP999Ms")).isEqualTo(List.of(e.latencyMs().p999()));
        assertThat(samples.get("latencyMaxMs")).isEqualTo(List.of(e.latencyMs().max()));
        assertThat(samples.get("fsyncP50Ms")).isEqualTo(List.of(e.fsyncMicros().p50() / 1000.0));
        assertThat(samples.get("fsyncP99Ms")).isEqualTo(List.of(e.fsyncMicros().p99() / 1000.0));
        assertThat(samples.get("fsyncMaxMs")).isEqualTo(List.of(e.fsyncMicros().max() / 1000.0));
    }

    @Test
    void keepsTheLastHourOnly() {
        ConsoleHistory history = new ConsoleHistory();
        for (int i = 0; i <= ConsoleHistory.SAMPLES_MAX + 10; i++) {
            history.record(new ConsoleHistory.Reading(i * ConsoleHistory.INTERVAL_MS, i, 0, 0, 0, 0, 0, i, 0, Percentiles.NONE,
                    Percentiles.NONE));
        }
        List<?> at = (List<?>) history.samples().get("at");
        assertThat(at).hasSize(ConsoleHistory.SAMPLES_MAX);
        assertThat(at.get(0)).isEqualTo(11 * ConsoleHistory.INTERVAL_MS);
    }
}
