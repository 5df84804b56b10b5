package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReportTest {

    record Case(String name, List<LoadResult> runs, String expectedLine, boolean differ) {}

    static Stream<Case> tlsCases() {
        String tls13 = "TLSv1.3 TLS_AES_256_GCM_SHA384";
        return Stream.of(
                // both servers negotiated the same on every run
                new Case("same", List.of(run("zookeeper", tls13), run("corral", tls13), run("zookeeper", tls13), run("corral", tls13)),
                        "- `tls-set`: Apache ZooKeeper " + tls13 + " (2 runs); Corral " + tls13 + " (2 runs)", false),
                // a failed run has no negotiated parameters, and the line says the servers' runs differ
                new Case("failed run", List.of(run("zookeeper", tls13), run("corral", null)),
                        "- `tls-set`: Apache ZooKeeper " + tls13 + " (1 run); Corral not measured (1 run)", true),
                // different suites
                new Case("different suites", List.of(run("zookeeper", tls13), run("corral", "TLSv1.3 TLS_AES_128_GCM_SHA256")),
                        "- `tls-set`: Apache ZooKeeper " + tls13 + " (1 run); Corral TLSv1.3 TLS_AES_128_GCM_SHA256 (1 run)", true));
    }

    @ParameterizedTest
    @MethodSource("tlsCases")
    void tlsLinesShowWhatEachServersRunsNegotiatedAndFlagADifference(Case c) {
        StringBuilder md = new StringBuilder();

        Report.tlsLines(md, c.runs());

        assertThat(md.toString()).contains(c.expectedLine());
        assertThat(md.toString().contains("the servers' runs differ")).isEqualTo(c.differ());
    }

    @org.junit.jupiter.api.Test
    void noTlsLinesWithoutTlsRuns() {
        StringBuilder md = new StringBuilder();

        Report.tlsLines(md, List.of(SummaryTest.run("zookeeper", 1, 1000), SummaryTest.run("corral", 1, 1000)));

        assertThat(md.toString()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void throughputTableGivesEachServersJitCpuAndTheCpuRatioWithoutIt() {
        StringBuilder md = new StringBuilder();
        List<LoadResult> runs = List.of(SummaryTest.run("zookeeper", 1, 1_000, 1_000, 360),
                SummaryTest.run("corral", 1, 1_000, 1_100, 530));

        Report.throughputTable(md, Summary.of(runs));

        String[] lines = md.toString().split("\n");
        assertThat(lines[2]).contains("| of it JIT ZK / Corral | Corral/ZK less JIT |");
        assertThat(lines[3]).matches("(\\|[-:]+)+\\|")
                .satisfies(rule -> assertThat(rule.split("\\|", -1)).hasSameSizeAs(lines[2].split("\\|", -1)));
        // CPU 1000 and 1100 (ratio 1.10); of it JIT 360 and 530; without it 640 and 570 (ratio 0.89)
        assertThat(lines[4]).contains("| 1000 | 1100 | 1.10 | 360 / 530 | 0.89 |")
                .satisfies(row -> assertThat(row.split("\\|", -1)).hasSameSizeAs(lines[2].split("\\|", -1)));
    }

    @org.junit.jupiter.api.Test
    void anUnknownJitFigureShowsAsADashAndLeavesTheTotalAlone() {
        StringBuilder md = new StringBuilder();
        List<LoadResult> runs = List.of(SummaryTest.run("zookeeper", 1, 1_000, 1_000, Double.NaN),
                SummaryTest.run("corral", 1, 1_000, 1_100, 530));

        Report.throughputTable(md, Summary.of(runs));
        Report.runsTable(md, runs);

        assertThat(md.toString()).contains("| 1000 | 1100 | 1.10 | – / 530 | – |")
                .contains("| 1000 | – | 0.50 |").contains("| 1100 | 530 | 0.50 |");
    }

    @org.junit.jupiter.api.Test
    void everyRunsTableHasTheJitColumnAfterTheServerCpu() {
        StringBuilder md = new StringBuilder();

        Report.runsTable(md, List.of(SummaryTest.run("corral", 2, 300, 1_528.2, 620)));

        String table = md.toString();
        assertThat(table).contains("| server CPU µs/op | of it JIT | client cores |")
                .contains("| `set` | corral | 2 | 300 | 0.500 | 0.900 | 1.50 | 1528 | 620 | 0.50 | 1.00 | 0 | 0 |");
    }

    @org.junit.jupiter.api.Test
    void aRunsJsonAndHumanLinesCarryItsJitCpu() {
        LoadResult known = SummaryTest.run("corral", 1, 300, 1_528.2, 620);
        LoadResult unknown = SummaryTest.run("corral", 1, 300, 1_528.2, Double.NaN);

        assertThat(known.toJson()).contains("\"serverCpuUsPerOp\":1528.200,\"serverJitCpuUsPerOp\":620.000,");
        assertThat(known.toHuman()).contains("server CPU 1528.2 us/op (JIT 620.0)");
        assertThat(unknown.toJson()).contains("\"serverJitCpuUsPerOp\":null,");
        assertThat(unknown.toHuman()).contains("server CPU 1528.2 us/op (JIT NaN)");
    }

    private static LoadResult run(String server, String tls) {
        return new LoadResult(server, 1, "tls-set", "official", "set", "official over TLS set", tls == null ? 0 : 1000, 0, 0, 0, 1,
                tls == null ? 0 : 1000, 500, 900, 1_500, 2_000, 550, 40, 10, 0.5, 1.0, null, tls);
    }
}
