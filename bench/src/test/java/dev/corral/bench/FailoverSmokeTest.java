package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The failover workload with one round, end to end: a 3-server ensemble of each target, the leader of each
 * killed, both figures measured, the killed server restarted, the report written. It asserts that a new
 * leader was found and a write went through a survivor on both, never how fast.
 */
class FailoverSmokeTest {

    @Test
    void oneRoundKillsEachLeaderMeasuresBothFiguresAndWritesTheReport(@TempDir Path results) throws Exception {
        Failover failover = new Failover();
        new CommandLine(failover).parseArgs("--rounds", "1", "--xmx", "256m", "--results", results.toString());

        assertThat(failover.call()).isZero();

        assertThat(failover.rounds()).extracting(FailoverRound::server)
                .containsExactly(Target.ZOOKEEPER.id(), Target.CORRAL.id());
        for (FailoverRound round : failover.rounds()) {
            assertThat(round.measured()).as(round.toHuman()).isTrue();
            assertThat(round.newLeader()).as(round.toHuman()).isNotEqualTo(round.killedLeader()).isPositive();
            assertThat(round.survivor()).as(round.toHuman()).isNotEqualTo(round.killedLeader());
            assertThat(round.firstWriteMs()).as(round.toHuman()).isPositive();
            assertThat(round.rejoinMs()).as("the killed server rejoined: %s", round.toHuman()).isPositive();
        }
        Path folder = failover.resultsFolder;
        assertThat(Files.readAllLines(folder.resolve("failover.jsonl"), StandardCharsets.UTF_8)).hasSize(2);
        String report = Files.readString(folder.resolve("report.md"), StandardCharsets.UTF_8);
        assertThat(report).contains("| every survivor serving (srvr) | 1 / 1 |", "| first write through a survivor | 1 / 1 |",
                "## Problems\n\nNone.");
    }
}
