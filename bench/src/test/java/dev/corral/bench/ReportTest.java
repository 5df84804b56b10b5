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

    private static LoadResult run(String server, String tls) {
        return new LoadResult(server, 1, "tls-set", "official", "set", "official over TLS set", tls == null ? 0 : 1000, 0, 0, 0, 1,
                tls == null ? 0 : 1000, 500, 900, 1_500, 2_000, 550, 40, 0.5, 1.0, null, tls);
    }
}
