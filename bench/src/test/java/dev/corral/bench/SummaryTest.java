package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SummaryTest {

    record MedianCase(double[] values, double median) {}

    static Stream<MedianCase> medians() {
        return Stream.of(
                new MedianCase(new double[] {}, Double.NaN),
                new MedianCase(new double[] {3}, 3),
                // odd count: the middle value, whatever the input order
                new MedianCase(new double[] {5, 1, 3}, 3),
                // even count: the mean of the two middle values
                new MedianCase(new double[] {4, 1, 3, 2}, 2.5));
    }

    @ParameterizedTest
    @MethodSource("medians")
    void medianIsTheMiddleOfTheSortedValues(MedianCase c) {
        assertThat(Double.valueOf(Summary.median(c.values()))).isEqualTo(Double.valueOf(c.median())); // NaN equals NaN as a Double
    }

    @Test
    void summaryPairsEachSpecsRunsByServerAndLeavesFailedRunsOutOfTheMedians() {
        LoadSpec spec = LoadSpec.parse("set", 1_000, 0);
        List<LoadResult> runs = List.of(
                run("zookeeper", 1, 1_000), run("corral", 1, 3_000),
                run("zookeeper", 2, 1_200), LoadResult.failed("corral", 2, spec, "boom"),
                run("zookeeper", 3, 800), run("corral", 3, 2_000));

        List<Summary> summaries = Summary.of(runs);

        assertThat(summaries).hasSize(1);
        Summary summary = summaries.get(0);
        assertThat(summary.zookeeper().opsPerSecond()).isEqualTo(1_000);
        assertThat(summary.zookeeper().spread()).isCloseTo(0.4, within(1e-9));
        assertThat(summary.corral().failedRuns()).isEqualTo(1);
        assertThat(summary.corral().opsPerSecond()).isEqualTo(2_500);
        assertThat(Report.ratio(summary.corral().opsPerSecond(), summary.zookeeper().opsPerSecond())).isEqualTo("2.50");
    }

    @Test
    void jitCpuIsTheMedianOfTheRunsThatKnowItAndIsTakenOffTheCpuMedian() {
        List<LoadResult> runs = List.of(
                run("zookeeper", 1, 1_000, 100, 30), run("zookeeper", 2, 1_000, 120, 50), run("zookeeper", 3, 1_000, 90, 20),
                // a run whose JIT figure is unknown counts for the CPU median only
                run("corral", 1, 1_000, 60, 10), run("corral", 2, 1_000, 80, Double.NaN), run("corral", 3, 1_000, 70, 20));

        Summary summary = Summary.of(runs).get(0);

        assertThat(summary.zookeeper().serverJitCpuUsPerOp()).isEqualTo(30);
        assertThat(summary.zookeeper().serverCpuLessJitUsPerOp()).isEqualTo(70);
        assertThat(summary.corral().serverJitCpuUsPerOp()).isEqualTo(15);
        assertThat(summary.corral().serverCpuLessJitUsPerOp()).isEqualTo(55);
        assertThat(Double.valueOf(Summary.of(List.of(run("corral", 1, 1_000, 60, Double.NaN))).get(0).corral()
                .serverCpuLessJitUsPerOp())).isEqualTo(Double.valueOf(Double.NaN));
    }

    static LoadResult run(String server, int rep, double opsPerSecond) {
        return run(server, rep, opsPerSecond, 40, 10);
    }

    static LoadResult run(String server, int rep, double opsPerSecond, double serverCpuUsPerOp, double serverJitCpuUsPerOp) {
        return new LoadResult(server, rep, "set", "official", "set", "official set", (long) opsPerSecond, 0, 0, 0, 1,
                opsPerSecond, 500, 900, 1_500, 2_000, 550, serverCpuUsPerOp, serverJitCpuUsPerOp, 0.5, 1.0, null, null);
    }
}
