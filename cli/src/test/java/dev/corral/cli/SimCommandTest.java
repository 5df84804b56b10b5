package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimCommandTest {
    @Test
    void passingSeedsEndWithThePlainCountLineAndStatusZero() {
        Cli.Run run = Cli.run("sim", "--seeds", "3", "--servers", "3");

        assertThat(run.exit()).isZero();
        assertThat(run.out().strip().lines().reduce((a, b) -> b).orElse("")).isEqualTo("3 passed, 0 failed");
    }

    @Test
    void aPlantedBugFailsASeedWithItsReplayCommandAndStatusOne() {
        Cli.Run run = Cli.run("sim", "--seeds", "5", "--plant", "COMMIT_WITHOUT_QUORUM");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("replay: bin/corral sim --seed ").containsPattern("\\d+ passed, [1-9]\\d* failed");
    }

    @Test
    void oneSeedWithTraceReplaysTheSameRunTwice() {
        Cli.Run first = Cli.run("sim", "--seed", "42", "--servers", "5", "--observers", "1", "--trace");
        Cli.Run second = Cli.run("sim", "--seed", "42", "--servers", "5", "--observers", "1", "--trace");

        assertThat(first.exit()).isZero();
        assertThat(withoutTiming(first.out())).isEqualTo(withoutTiming(second.out())).contains("seed 42: SimOptions[voters=5");
    }

    @Test
    void wholeServersWithClientsPassAndTheirReplayNamesTheClients() {
        Cli.Run run = Cli.run("sim", "--seeds", "2", "--servers", "3", "--clients", "3");

        assertThat(run.exit()).isZero();
        assertThat(run.out().strip().lines().reduce((a, b) -> b).orElse("")).isEqualTo("2 passed, 0 failed");
    }

    private static String withoutTiming(String out) {
        return out.replaceAll("\\d+ seeds in \\d+ ms \\(\\d+ seeds/minute\\)", "");
    }
}
