package dev.corral.cli.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingReader;

/**
 * The shell at a terminal: JLine line editing, history kept in a file across runs (up-arrow, Ctrl-R),
 * tab completion of commands and znode paths ({@link ZnodeCompleter}), zkCli's prompt, and watch
 * notifications printed above the line being typed.
 *
 * <p>Keys: Ctrl-C at the prompt drops the line; Ctrl-C while a command runs interrupts it (a {@code
 * watch} stops, anything else fails with "Interrupted") and returns to the prompt, where zkCli would
 * exit; Ctrl-D or {@code quit} ends the shell. '!' is not history expansion, since it is a legal
 * character in znode data.
 */
final class InteractiveShell {
    /** Lines kept in the history file; JLine trims the file to this many. */
    static final int HISTORY_FILE_LINES_MAX = 10_000;
    /** Lines kept in memory for up-arrow and Ctrl-R. */
    static final int HISTORY_LINES_MAX = 1_000;
    /** How long {@code watch} waits for a key before looking for events again. */
    private static final long KEY_WAIT_MS = 10;
    private static final int CTRL_C = 3;

    private final Shell shell;
    private final Terminal terminal;
    private final Path historyFile;

    /** {@code historyFile} null keeps history in memory only. */
    InteractiveShell(Shell shell, Terminal terminal, Path historyFile) {
        this.shell = shell;
        this.terminal = terminal;
        this.historyFile = historyFile;
    }

    /** Connects to {@code server} (or not, if null), then reads and runs lines until quit or end of input. */
    int run(String server) {
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(false);
        parser.setEofOnEscapedNewLine(false);
        LineReaderBuilder builder = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("corral")
                .parser(parser)
                .completer(new ZnodeCompleter(shell::clientOrNull, shell::commandNames))
                .variable(LineReader.HISTORY_SIZE, HISTORY_LINES_MAX)
                .variable(LineReader.HISTORY_FILE_SIZE, HISTORY_FILE_LINES_MAX)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        if (historyFile != null) {
            builder.variable(LineReader.HISTORY_FILE, historyFile);
        }
        LineReader reader = builder.build();
        PrintWriter out = terminal.writer();
        CommandThread command = new CommandThread(Thread.currentThread());
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> command.interruptIfRunning());
        shell.printNotificationsTo(reader::printAbove);
        shell.stopKey(new EnterKey(terminal));
        try {
            if (server != null) {
                out.println("Connecting to " + server);
                out.flush();
                try {
                    shell.connect(server);
                } catch (ShellException e) {
                    out.println(e.getMessage());
                }
            }
            while (!shell.quitRequested()) {
                String line;
                try {
                    line = reader.readLine(shell.prompt());
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                command.begin();
                try {
                    shell.executeLine(line);
                } finally {
                    command.end();
                }
            }
        } finally {
            shell.printNotificationsTo(null);
            terminal.handle(Terminal.Signal.INT, previous);
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                out.println("could not save history to " + historyFile + ": " + e.getMessage());
            }
            out.flush();
        }
        return shell.lastExit();
    }

    /** The thread that runs commands, which Ctrl-C interrupts while a command runs and never at the prompt. */
    private static final class CommandThread {
        private final Thread thread;
        // Guarded by this.
        private boolean running;

        CommandThread(Thread thread) {
            this.thread = thread;
        }

        synchronized void begin() {
            running = true;
        }

        /** Ends the command and clears an interrupt it did not see, so that the next prompt is not cut short. */
        synchronized void end() {
            running = false;
            Thread.interrupted();
        }

        synchronized void interruptIfRunning() {
            if (running) {
                thread.interrupt();
            }
        }
    }

    /**
     * Enter or Ctrl-C, for a running {@code watch}. The terminal is in raw mode meanwhile, since JLine's
     * timed reads only time out when the terminal is not waiting for whole lines and the watch must print
     * events while no key is pressed; and Ctrl-C comes as a key rather than a signal, so that stopping a
     * watch interrupts nothing.
     */
    private static final class EnterKey implements Shell.StopKey {
        private final Terminal terminal;
        private Attributes saved;

        EnterKey(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public void begin() {
            saved = terminal.enterRawMode();
            Attributes keys = terminal.getAttributes();
            keys.setLocalFlag(Attributes.LocalFlag.ISIG, false);
            terminal.setAttributes(keys);
        }

        /** True once Enter or Ctrl-C is pressed or input ends; other keys are dropped. */
        @Override
        public boolean pressed() throws IOException {
            NonBlockingReader keys = terminal.reader();
            while (true) {
                int key = keys.read(KEY_WAIT_MS);
                if (key == NonBlockingReader.READ_EXPIRED) {
                    return false;
                }
                if (key == '\n' || key == '\r' || key == CTRL_C || key == NonBlockingReader.EOF) {
                    return true;
                }
            }
        }

        @Override
        public void end() {
            if (saved != null) {
                terminal.setAttributes(saved);
                saved = null;
            }
        }
    }
}
