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

    static LoadResult run(String server, int rep, double opsPerSecond) {
        return new LoadResult(server, rep, "set", "official", "set", "official set", (long) opsPerSecond, 0, 0, 0, 1,
                opsPerSecond, 500, 900, 1_500, 2_000, 550, 40, 0.5, 1.0, null, null);
    }
}
