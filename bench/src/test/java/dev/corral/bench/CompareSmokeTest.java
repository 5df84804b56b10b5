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
 * The side-by-side runner's smoke profile, end to end: real Apache ZooKeeper and Corral processes, every
 * workload of the profile on each, footprint and recovery, the report and charts. It keeps the runner from
 * rotting silently; it asserts that both servers were measured and everything was written, never a speed.
 */
class CompareSmokeTest {

    @Test
    void smokeProfileMeasuresEveryWorkloadOnBothServersAndWritesTheReport(@TempDir Path results) throws Exception {
        Compare compare = new Compare();
        new CommandLine(compare).parseArgs("--profile", "smoke", "--results", results.toString());

        assertThat(compare.call()).isZero();

        Path folder = compare.resultsFolder;
        List<String> specs = Profile.named("smoke").specs();
        for (String spec : specs) {
            for (Target kind : Target.values()) {
                LoadResult run = onlyRun(compare, spec, kind);
                assertThat(run.ops()).as("operations measured: %s", run.toHuman()).isPositive();
                assertThat(run.errors()).as("errors: %s", run.toHuman()).isZero();
                assertThat(run.unanswered()).as("unanswered requests: %s", run.toHuman()).isZero();
                assertThat(run.serverCpuUsPerOp()).as("server CPU per op: %s", run.toHuman()).isPositive();
                assertThat(run.tls()).as("over plain TCP: %s", run.toHuman()).isNull();
            }
        }
        assertThat(Files.readAllLines(folder.resolve("runs.jsonl"), StandardCharsets.UTF_8))
                .hasSize(specs.size() * Target.values().length);

        assertThat(compare.footprints()).extracting(Footprint.Result::server)
                .containsExactly(Target.ZOOKEEPER.id(), Target.CORRAL.id());
        for (Footprint.Result footprint : compare.footprints()) {
            assertThat(footprint.failure()).as(footprint.toHuman()).isNull();
            assertThat(footprint.heapLoadedBytes()).as(footprint.toHuman()).isPositive();
        }

        String report = Files.readString(folder.resolve("report.md"), StandardCharsets.UTF_8);
        assertThat(report).contains("## Throughput and server CPU per operation", "## Latency (ms)",
                "## Footprint and recovery", "| `set` |", "Apache ZooKeeper: 3.9.5");
        if (!report.contains("Charts were not drawn")) { // a JDK without fonts cannot draw; the report says so
            for (String chart : List.of("throughput.png", "ratios.png", "latency.png", "server-cpu.png")) {
                assertThat(folder.resolve(chart)).isNotEmptyFile();
            }
        }
        assertThat(folder.resolve("logs")).isNotEmptyDirectory();
    }

    /** The one run of {@code spec} on {@code kind}; fails unless there is exactly one. */
    static LoadResult onlyRun(Compare compare, String spec, Target kind) {
        List<LoadResult> runs = compare.results().stream()
                .filter(run -> run.spec().equals(spec) && run.server().equals(kind.id()))
                .toList();
        assertThat(runs).as("runs of %s on %s", spec, kind).hasSize(1);
        return runs.get(0);
    }
}
