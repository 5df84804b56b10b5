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
 * The side-by-side runner's ensemble mode ({@code --ensemble 3}) with the smoke profile, end to end: a
 * 3-server ensemble of Apache ZooKeeper and of Corral, the profile's ensemble workloads on each with the
 * clients spread over the members, the report. It asserts that both ensembles were measured without a
 * problem, that CPU was charged to the servers, and that the report says it was an ensemble; never a speed.
 */
class CompareEnsembleSmokeTest {

    @Test
    void ensembleModeMeasuresEveryWorkloadOnBothEnsemblesAndWritesTheReport(@TempDir Path results) throws Exception {
        Compare compare = new Compare();
        new CommandLine(compare).parseArgs("--profile", "smoke", "--ensemble", "3", "--xmx", "256m",
                "--results", results.toString());

        assertThat(compare.call()).isZero();

        List<String> specs = Profile.named("smoke").ensembleSpecs();
        for (String spec : specs) {
            for (Target kind : Target.values()) {
                LoadResult run = CompareSmokeTest.onlyRun(compare, spec, kind);
                assertThat(run.clean()).as("measured without errors, stalls or unanswered requests: %s", run.toHuman()).isTrue();
                assertThat(run.serverCpuUsPerOp()).as("server CPU per op: %s", run.toHuman()).isPositive();
            }
        }
        assertThat(compare.footprints()).as("footprint is a standalone figure").isEmpty();
        Path folder = compare.resultsFolder;
        assertThat(folder.getFileName().toString()).endsWith("-ensemble3");
        String report = Files.readString(folder.resolve("report.md"), StandardCharsets.UTF_8);
        assertThat(report).contains("A 3-server ensemble of each kind", "summed over the 3 members",
                "| `set:clients=1,outstanding=1` |");
        // Every member of both ensembles left its log: six servers.
        try (var logs = Files.list(folder.resolve("logs"))) {
            assertThat(logs.map(p -> p.getFileName().toString()).filter(name -> name.matches(".*-server[123]\\.log")))
                    .hasSize(6);
        }
    }
}
