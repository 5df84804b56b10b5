package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorralCommandTest {
    private static final int SCRIPT_BOUND_S = 30;

    @ParameterizedTest
    @ValueSource(strings = {"server", "purge", "log", "snapshot"})
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

    /**
     * The real script, on the jar the last package built (tests run before this build packages; with
     * CORRAL_NO_BUILD the script never starts a Maven build of its own). Skipped until a packaged jar
     * has the log command.
     */
    @Test
    void binCorralLogHelpRunsTheScript() throws Exception {
        Path home = Path.of("").toAbsolutePath().getParent();
        Path jar = home.resolve("cli/target/corral-cli-0.1.0-SNAPSHOT.jar");
        assumeTrue(hasLogCommand(jar), "no packaged cli jar with the log command yet");

        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/corral").toString(), "log", "--help").redirectErrorStream(true);
        builder.environment().put("CORRAL_NO_BUILD", "1");
        Process process = builder.start();
        try {
            // The help text is far smaller than a pipe's buffer, so waiting before reading cannot block the script.
            assertThat(process.waitFor(SCRIPT_BOUND_S, TimeUnit.SECONDS)).as("bin/corral finished within " + SCRIPT_BOUND_S + " s").isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).startsWith("Usage: corral log").contains("--data-log-dir", "--from", "--limit", "--json");
        } finally {
            process.destroyForcibly();
        }
    }

    private static boolean hasLogCommand(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return false;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(LogCommand.class.getName().replace('.', '/') + ".class") != null;
        }
    }
}
