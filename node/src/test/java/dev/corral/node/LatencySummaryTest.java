package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
    record Case(String name, long[] values, double quantile, double expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Expected values as Dropwizard's UniformSnapshot#getValue gives them, which ZooKeeper's summaries use. */
    static Stream<Case> quantiles() {
        return Stream.of(
                new Case("empty", new long[0], 0.5, 0),
                new Case("one value", new long[] {4}, 0.99, 4),
                new Case("median of an odd count", new long[] {5, 1, 3}, 0.5, 3),
                new Case("median of an even count is interpolated", new long[] {1, 2, 3, 4}, 0.5, 2.5),
                new Case("below the first position", new long[] {10, 20}, 0.1, 10),
                new Case("past the last position", new long[] {10, 20}, 0.999, 20),
                new Case("p95 of 1..100", LongStream.rangeClosed(1, 100).toArray(), 0.95, 95.95));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quantiles")
    void quantileInterpolatesAsZooKeepersLibraryDoes(Case c) {
        LatencySummary summary = LatencySummary.withPercentiles("x");
        for (long value : c.values()) {
            summary.add(value);
        }
        assertThat(summary.quantile(c.quantile())).isCloseTo(c.expected(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void negativeValuesAreDroppedAndTheSampleStaysBounded() {
        LatencySummary summary = LatencySummary.withPercentiles("stage");
        summary.add(-3);
        assertThat(summary.count()).isZero();
        for (long v = 1; v <= 10 * LatencySummary.RESERVOIR; v++) {
            summary.add(v);
        }
        assertThat(summary.count()).isEqualTo(10L * LatencySummary.RESERVOIR);
        assertThat(summary.max()).isEqualTo(10L * LatencySummary.RESERVOIR);
        // A uniform sample of 1..10280: its median lies near the middle (the bound is loose, the seed fixed).
        assertThat(summary.quantile(0.5)).isBetween(0.35 * 10 * LatencySummary.RESERVOIR, 0.65 * 10 * LatencySummary.RESERVOIR);
    }

    @Test
    void basicSummaryGivesSrvrsMinAvgMaxAndResetsForSrst() {
        LatencySummary latency = LatencySummary.basic("latency");
        assertThat(List.of(latency.min(), latency.avg(), latency.max())).as("0/0/0 before the first request, as ZooKeeper")
                .containsExactly(0L, 0.0, 0L);
        for (long value : new long[] {7, 3, -1, 5}) {
            latency.add(value);
        }
        // The negative one (a clock stepped back) is dropped, as ZooKeeper's ServerStats#updateLatency drops it.
        assertThat(List.of(latency.count(), latency.total(), latency.min(), latency.max())).containsExactly(3L, 15L, 3L, 7L);
        assertThat(latency.avg()).isEqualTo(5.0);
        latency.reset();
        assertThat(List.of(latency.count(), latency.total(), latency.min(), latency.max())).containsExactly(0L, 0L, 0L, 0L);
        latency.add(9);
        assertThat(latency.min()).as("the first value after a reset is the minimum").isEqualTo(9);
    }

    @Test
    void mntrKeysAreZooKeepersForBothKinds() {
        Map<String, Object> m = new LinkedHashMap<>();
        LatencySummary basic = LatencySummary.basic("unavailable_time");
        basic.add(4);
        basic.add(8);
        basic.monitor(m, String::valueOf);
        LatencySummary.withPercentiles("quorum_ack_latency").monitor(m, String::valueOf);
        assertThat(m).containsExactly(
                Map.entry("zk_avg_unavailable_time", "6.0"), Map.entry("zk_min_unavailable_time", 4L),
                Map.entry("zk_max_unavailable_time", 8L), Map.entry("zk_cnt_unavailable_time", 2L),
                Map.entry("zk_sum_unavailable_time", 12L),
                Map.entry("zk_avg_quorum_ack_latency", "0.0"), Map.entry("zk_min_quorum_ack_latency", 0L),
                Map.entry("zk_max_quorum_ack_latency", 0L), Map.entry("zk_cnt_quorum_ack_latency", 0L),
                Map.entry("zk_sum_quorum_ack_latency", 0L), Map.entry("zk_p50_quorum_ack_latency", 0L),
                Map.entry("zk_p95_quorum_ack_latency", 0L), Map.entry("zk_p99_quorum_ack_latency", 0L),
                Map.entry("zk_p999_quorum_ack_latency", 0L));
    }
}
