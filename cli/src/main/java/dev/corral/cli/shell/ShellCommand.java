package dev.corral.cli.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corral shell}: zkCli for Corral. Without a command it is interactive ({@link InteractiveShell});
 * with one ({@code corral shell -server host:port create -e /a data}) it runs that command and exits
 * 0, or 1 with the error on stderr, for scripts. Options are zkCli's ({@code -server}, {@code -timeout});
 * everything from the first word that is not one of them is the command, options included, so that
 * {@code ls -R /} reaches the shell's {@code ls} rather than picocli.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, modelTransformer = ShellCommand.CommandStartsAtFirstWord.class,
        description = {"An interactive shell for Corral and ZooKeeper servers that a zkCli user already knows,",
            "or, given a command, a tool for scripts that runs it and exits non-zero on error."},
        footer = {"", "Commands: connect, close, ls, create, get, set, delete, deleteall, stat, getAcl, setAcl, addauth,",
            "sync, config, addWatch, removewatches, whoami, getAllChildrenNumber, getEphemerals, history, redo,",
            "printwatches, version, quit; and tree [path], export path file.json, import file.json [path],",
            "watch [-R] [-n count] path. Type help in the shell for their options.", "",
            "Examples:", "  corral shell -server 127.0.0.1:2181", "  corral shell -server 127.0.0.1:2181 ls -R /app",
            "  corral shell -server 127.0.0.1:2181 export /app app.json", "  corral shell -server zk1:2181,zk2:2181/app ls /    (paths under the chroot /app)"})
public final class ShellCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-server", paramLabel = "host:port[,host:port][/chroot]", defaultValue = "localhost:2181",
            description = "server(s) to connect to (default: ${DEFAULT-VALUE})")
    String server;

    @Option(names = "-timeout", paramLabel = "ms", defaultValue = "30000",
            description = "session timeout to ask for; also the request timeout and, divided among the servers, the connect timeout (default: ${DEFAULT-VALUE})")
    int timeoutMs;

    @Option(names = "--history-file", paramLabel = "FILE", description = "interactive history file (default: ~/.corral_history)")
    Path historyFile;

    @Parameters(paramLabel = "CMD", arity = "0..*", description = "a command and its arguments; none for an interactive shell")
    List<String> command = new ArrayList<>();

    /** Stops picocli's option parsing at the first word that is not a shell option: the command's name. */
    static final class CommandStartsAtFirstWord implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            commandSpec.parser().stopAtPositional(true);
            return commandSpec;
        }
    }

    /**
     * Runs the shell on its own, as {@code corral shell} does; for the pseudo-terminal test and for running
     * the shell from the cli jar without the {@code corral} command.
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ShellCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (timeoutMs <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-timeout must be a positive number of milliseconds, not " + timeoutMs);
        }
        if (command.isEmpty()) {
            return interactive();
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Shell shell = new Shell(out, err, timeoutMs)) {
            shell.stdin(System.in);
            try {
                shell.connect(server);
            } catch (ShellException e) {
                err.println(e.getMessage());
                err.flush();
                return 1;
            }
            return shell.run(command);
        }
    }

    /**
     * The shell at the terminal. With stdin not a terminal ({@code corral shell < commands.txt}) JLine
     * falls back, as allowed here, to a dumb terminal that reads one command per line.
     */
    private int interactive() throws IOException {
        Path history = historyFile != null ? historyFile : Path.of(System.getProperty("user.home"), ".corral_history");
        try (Terminal terminal = TerminalBuilder.builder().name("corral").system(true).dumb(true).build()) {
            PrintWriter writer = terminal.writer();
            try (Shell shell = new Shell(writer, writer, timeoutMs)) {
                return new InteractiveShell(shell, terminal, history).run(server);
            }
        }
    }
}
