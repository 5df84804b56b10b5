package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell in its own process at a pseudo-terminal made by util-linux {@code script}, so that JLine
 * runs on a real tty as a user's shell does: keys typed at the tty reach the line editor, Tab completes
 * a path from the server, and the history file is written. Skipped where {@code script} is missing.
 */
class PseudoTerminalTest {
    private static final long BOUND_S = 60;

    @RegisterExtension
    static final ShellFixture fixture = new ShellFixture();

    @TempDir
    Path dir;

    @Test
    void atATerminalTabCompletesAPathAndTheHistoryFileIsWritten() throws Exception {
        assumeTrue(scriptWorks(), "util-linux script is not available");
        fixture.ok("create", "/pty-node", "from-the-server");
        Path history = dir.resolve("history");
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = String.join(" ", quote(java), "-cp", quote(System.getProperty("java.class.path")),
                ShellCommand.class.getName(), "-server", fixture.connectString(), "--history-file", quote(history.toString()));
        Process process = new ProcessBuilder("script", "-qfec", command, "/dev/null").redirectErrorStream(true).start();
        try (OutputStream keys = process.getOutputStream()) {
            keys.write("get /pty-n\t\nquit\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(BOUND_S, TimeUnit.SECONDS)).as("the shell ends on quit").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).as(output).contains("from-the-server");
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(Files.readString(history)).contains("get /pty-node").contains("quit");
    }

    private static boolean scriptWorks() {
        try {
            Process probe = new ProcessBuilder(List.of("script", "-qfec", "true", "/dev/null")).redirectErrorStream(true).start();
            probe.getOutputStream().close();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
