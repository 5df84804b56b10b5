package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.terminal.Terminal;
import org.jline.terminal.Size;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell at a terminal, driven through JLine with a dumb terminal fed from a string: zkCli's prompt,
 * numbered history and redo, history kept in a file across runs, tab completion of paths, and a
 * session that lives across commands (ephemerals, auth, close and connect).
 */
class InteractiveShellTest {
    @RegisterExtension
    static final ShellFixture fixture = new ShellFixture();

    @TempDir
    Path dir;

    @BeforeEach
    void emptyTree() throws Exception {
        fixture.wipe();
    }

    /** What one interactive run printed, and its exit status. */
    private record Session(int exit, String output) {}

    /**
     * A terminal that reads {@code input} and writes into {@code output}. It is JLine's DumbTerminal,
     * which reads its input stream directly (TerminalBuilder with streams makes a pty-backed terminal
     * whose pump may close the input before the reader sees it), with an ANSI type and a size so that
     * the line editor's keys (Ctrl-P, Tab) work as at a real terminal.
     */
    private static Terminal terminal(String input, ByteArrayOutputStream output) throws IOException {
        Terminal terminal = new DumbTerminal("corral-test", "ansi", new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                output, StandardCharsets.UTF_8);
        terminal.setSize(new Size(160, 40));
        return terminal;
    }

    private static Session type(String input, Path historyFile) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (Terminal terminal = terminal(input, output)) {
            int exit;
            try (Shell shell = new Shell(terminal.writer(), terminal.writer(), ShellFixture.SESSION_TIMEOUT_MS)) {
                exit = new InteractiveShell(shell, terminal, historyFile).run(fixture.connectString());
            }
            terminal.flush();
            return new Session(exit, output.toString(StandardCharsets.UTF_8).replace("\r", "").replaceAll("\u001b\\[[?0-9;]*[a-zA-Z]", ""));
        }
    }

    @Test
    void historyListsTheNumberedCommandsAndRedoRunsOneAgain() throws Exception {
        Session session = type("create /h one\nget /h\nset /h two\nhistory\nredo 1\nredo 9\nredo 5\nquit\n", null);
        String output = session.output();
        assertThat(output).contains("Connecting to " + fixture.connectString() + "\n")
                .contains("WATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null zxid: -1")
                .contains("[corral: " + fixture.connectString() + "(CONNECTED) 0] ")
                .contains("Created /h\n")
                .contains("one\n")
                .contains("0 - create /h one\n1 - get /h\n2 - set /h two\n3 - history\n")
                .contains("[corral: " + fixture.connectString() + "(CONNECTED) 4] ");
        assertThat(output.substring(output.indexOf("3 - history"))).as("redo 1 runs get /h after the set").contains("two\n");
        assertThat(output).contains("Command index out of range\n").contains("No redoing redos\n");
        assertThat(session.exit()).as("the exit status is the last command's, as zkCli's").isZero();
    }

    @Test
    void historyIsKeptInAFileAndRecalledInTheNextRun() throws Exception {
        Path historyFile = dir.resolve("history");
        type("create /p x\nquit\n", historyFile);
        assertThat(Files.readString(historyFile)).contains("create /p x").contains("quit");
        // Ctrl-P twice recalls the line before "quit" from the previous run.
        Session again = type("\u0010\u0010\nquit\n", historyFile);
        assertThat(again.output()).contains("Node already exists: /p\n");
    }

    @Test
    void tabCompletesAPathFromTheServer() throws Exception {
        fixture.ok("create", "/completion");
        fixture.ok("create", "/completion/alpha", "A");
        Session session = type("get /completion/al\t\nquit\n", null);
        assertThat(session.output()).contains("A\n");
    }

    @Test
    void theSessionLivesAcrossCommandsUntilCloseAndConnectMakesANewOne() throws Exception {
        String digestAcl = "digest:" + ShellFixture.digest("user:pass") + ":cdrwa";
        Session session = type(String.join("\n",
                "create -e /e x",
                "create /e/c",
                "getEphemerals",
                "addauth digest user:pass",
                "create /s secret " + digestAcl,
                "get /s",
                "whoami",
                "close",
                "ls /",
                "connect " + fixture.connectString(),
                "ls /",
                "get /s",
                "quit", ""), null);
        String output = session.output();
        assertThat(output).contains("Ephemerals cannot have children: /e/c\n")
                .contains("[/e]\n")
                .contains("secret\n")
                .contains("Auth scheme: User\nip: 127.0.0.1\ndigest: user\n")
                .contains("(CLOSED) 8] ")
                .contains("Not connected\n")
                .contains("[s, zookeeper]\n")
                .contains("Insufficient permission : /s\n");
        assertThat(session.exit()).isZero();
    }

    @Test
    void anUnknownCommandPrintsTheUsageAndTheShellCarriesOn() throws Exception {
        Session session = type("frobnicate\n\n   \nls /\nquit\n", null);
        assertThat(session.output()).contains("Command not found frobnicate\n").contains("[zookeeper]\n")
                .contains("(CONNECTED) 2] ");
    }

    @Test
    void endOfInputEndsTheShellWithTheLastCommandsStatus() throws Exception {
        Session session = type("get /nope\n", null);
        assertThat(session.output()).contains("Node does not exist: /nope\n");
        assertThat(session.exit()).isEqualTo(1);
    }

    @Test
    void anUnreachableServerLeavesTheShellRunningSoThatConnectCanBeTyped() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String input = "ls /\nconnect " + fixture.connectString() + "\nls /\nquit\n";
        try (Terminal terminal = terminal(input, output);
                Shell shell = new Shell(terminal.writer(), terminal.writer(), 2000)) {
            new InteractiveShell(shell, terminal, null).run("127.0.0.1:1");
            terminal.flush();
        }
        String text = output.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("cannot connect to 127.0.0.1:1").contains("Not connected").contains("[zookeeper]");
    }

    @Test
    void watchAtTheTerminalStopsOnEnterOrCtrlCAndRemovesItsWatch() throws Exception {
        fixture.ok("create", "/w");
        Session session = type("watch /w\n\nremovewatches /w\nwatch -R /w\n\u0003removewatches /w\nquit\n", null);
        assertThat(session.output().split("No such watcher for /w", -1)).as(session.output()).hasSize(3);
        assertThat(session.output()).contains("(CONNECTED) 3] ");
    }
}
