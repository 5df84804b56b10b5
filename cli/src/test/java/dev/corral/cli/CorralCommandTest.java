package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorralCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"server", "shell", "purge", "log", "snapshot"})
    void everyCommandHasHelpAndExitsZero(String command) {
        Cli.Run run = Cli.run(command, "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("Usage: corral " + command).contains("-h, --help");
    }

    @Test
    void topLevelHelpListsTheTools() {
        Cli.Run run = Cli.run("--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("server", "purge", "log", "snapshot");
    }

    @Test
    void noCommandIsBadUsage() {
        Cli.Run run = Cli.run();

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Missing a command").contains("Usage: corral");
    }
}
