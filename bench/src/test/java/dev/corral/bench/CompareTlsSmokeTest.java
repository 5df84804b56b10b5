package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code tls-} workloads of the side-by-side runner, end to end: Apache ZooKeeper and Corral each started
 * with a TLS client port and the bench's certificates, {@code tls-set} and {@code tls-get} on each for half a
 * second. It asserts that every run was measured over TLS as both ends saw it (the result's negotiated protocol
 * and suite exist only when each session's channel completed a TLS handshake and the server's whoAmI named the
 * client certificate), that both servers negotiated the same, and that the report says so; never a speed.
 */
class CompareTlsSmokeTest {
    private static final List<String> SPECS = List.of("tls-set", "tls-get");

    @Test
    void tlsWorkloadsAreMeasuredOverTlsOnBothServers(@TempDir Path results) throws Exception {
        Compare compare = new Compare();
        new CommandLine(compare).parseArgs("--profile", "smoke", "-w", SPECS.get(0), "-w", SPECS.get(1),
                "--footprint-znodes", "0", "--xmx", "256m", "--results", results.toString());

        assertThat(compare.call()).isZero();

        for (String spec : SPECS) {
            LoadResult zookeeper = CompareSmokeTest.onlyRun(compare, spec, Target.ZOOKEEPER);
            LoadResult corral = CompareSmokeTest.onlyRun(compare, spec, Target.CORRAL);
            for (LoadResult run : List.of(zookeeper, corral)) {
                assertThat(run.clean()).as("measured without errors, stalls or unanswered requests: %s", run.toHuman()).isTrue();
                assertThat(run.serverCpuUsPerOp()).as("server CPU per op: %s", run.toHuman()).isPositive();
                assertThat(run.tls()).as("negotiated over TLS: %s", run.toHuman()).matches("TLSv1\\.3 TLS_[A-Z0-9_]+");
            }
            assertThat(corral.tls()).as("the same protocol and suite on both servers").isEqualTo(zookeeper.tls());
        }
        String report = Files.readString(compare.resultsFolder.resolve("report.md"), StandardCharsets.UTF_8);
        assertThat(report).contains("| `tls-set` |", "| `tls-get` |", "official over TLS set", "secureClientPort",
                "Over TLS, as negotiated", "ZooKeeper " + compare.results().get(0).tls() + " (1 run); Corral "
                        + compare.results().get(0).tls() + " (1 run)")
                .doesNotContain("the servers' runs differ");
    }
}
