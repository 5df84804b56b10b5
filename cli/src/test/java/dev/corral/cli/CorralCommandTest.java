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
    void aServerWithOnlyItsConfigAndRejoiningIsParsedWithoutPicocli() {
        Corral.Server plain = Corral.Server.plain(new String[] {"server"});
        assertThat(plain).isNotNull();
        assertThat(plain.config).isNull();
        assertThat(plain.rejoining).isFalse();

        for (String[] args : new String[][] {{"server", "--config", "/etc/zoo.cfg"}, {"server", "-c", "/etc/zoo.cfg"},
                {"server", "--config=/etc/zoo.cfg"}}) {
            assertThat(Corral.Server.plain(args).config).as(String.join(" ", args)).isEqualTo(java.nio.file.Path.of("/etc/zoo.cfg"));
        }
        Corral.Server rejoining = Corral.Server.plain(new String[] {"server", "--rejoining", "-c", "zoo.cfg"});
        assertThat(rejoining.rejoining).isTrue();
        assertThat(rejoining.config).isEqualTo(java.nio.file.Path.of("zoo.cfg"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"server --help", "server -h", "server --version", "server -V", "server --config", "server -c",
        "server --config=", "server --config a --config b", "server --rejoining --rejoining", "server --config -h",
        "server -cFILE", "server --unknown", "server extra", "shell", "log --help"})
    void anythingElseGoesToPicocli(String line) {
        assertThat(Corral.Server.plain(line.split(" "))).isNull();
    }

    @Test
    void aConfigPathTheFileSystemRefusesGoesToPicocli() {
        assertThat(Corral.Server.plain(new String[] {"server", "--config", "bad\0path"})).isNull();
    }

    @Test
    void aServerWithAnUnknownOptionIsBadUsageAsBefore() {
        Cli.Run run = Cli.run("server", "--unknown");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--unknown'").contains("Usage: corral server");
    }

    @Test
    void noCommandIsBadUsage() {
        Cli.Run run = Cli.run();

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Missing a command").contains("Usage: corral");
    }
}
