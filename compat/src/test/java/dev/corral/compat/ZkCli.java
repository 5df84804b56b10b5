package dev.corral.compat;

import static org.assertj.core.api.Assertions.fail;

import dev.corral.testkit.ServerRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * ZooKeeper 3.9.5's command-line shell (zkCli.sh, whose main class is {@code org.apache.zookeeper.ZooKeeperMain})
 * run as a subprocess, on this test JVM's classpath, which holds ZooKeeper's jars and commons-cli as its
 * distribution's lib/ does. Two ways, as a user runs it: one command given on the command line
 * ({@link #runOnce}), or an interactive session typed into ({@link #interactive}).
 *
 * <p>With JLine 3 on the classpath (ZooKeeper's distribution ships it, and Corral's shell uses it too)
 * ZooKeeperMain reads stdin through a dumb terminal and prints its prompt, "[zk: host:port(CONNECTED) 3] ",
 * without a newline, so a command's output starts on the prompt's line; prompts are taken off the lines
 * here. The end of one command's output is found by typing a marker command after it: {@code ls} of a path
 * that does not exist, answered "Node does not exist: ...". Watch events, which the client's event thread
 * prints at any time, are taken out of the commands' output into {@link #events()}, and JLine's warning
 * that it found no terminal is left out.
 *
 * <p>Invariant: {@link #run} returns exactly the output lines printed between the command it typed and the
 * marker typed after it, blank lines and watch events left out.
 */
final class ZkCli implements AutoCloseable {

    static final Duration ANSWER_BOUND = Duration.ofSeconds(15);
    private static final String MARKER_PATH = "/zkcli-end-of-output-";
    /** One or more prompts at the start of a line: the shell prints one before reading each line. */
    private static final Pattern PROMPT = Pattern.compile("^(\\[zk: [^\\]]*\\] )+");
    /** A line of the client's log (at WARN, as logback-test.xml on this classpath sets it), not of its answer. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (WARN|ERROR) ");
    private static final String MAIN_CLASS = "org.apache.zookeeper.ZooKeeperMain";

    /** The lines of a one-shot run and its exit status. */
    record Outcome(int exitStatus, List<String> lines) {}

    private final ShellSession shell;
    private final List<String> events = new ArrayList<>();
    private int markers;

    private ZkCli(ShellSession shell) {
        this.shell = shell;
    }

    /** The command line of {@code zkCli.sh -server <connectString> [arguments]}. */
    static List<String> commandLine(String connectString, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(ServerRuntime.currentJava().toString(),
                "-cp", System.getProperty("java.class.path"), MAIN_CLASS, "-server", connectString));
        command.addAll(arguments);
        return command;
    }

    /**
     * Starts an interactive zkCli and waits until it is connected (the watcher prints the SyncConnected
     * event).
     */
    static ZkCli interactive(String connectString) throws IOException, InterruptedException {
        ZkCli cli = new ZkCli(ShellSession.start(commandLine(connectString, List.of())));
        cli.shell.expect("^Welcome to ZooKeeper!$", ANSWER_BOUND);
        cli.shell.expect("^WatchedEvent state:SyncConnected type:None path:null", ANSWER_BOUND);
        return cli;
    }

    /**
     * Runs {@code zkCli.sh -server <connectString> command arguments...} to its end; returns its exit status and
     * output, without the "Connecting to" line, blank lines, watch events and log lines (ZooKeeperMain logs
     * "Exiting JVM with code 1" at ERROR when a command fails).
     */
    static Outcome runOnce(String connectString, String... commandAndArguments)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(commandLine(connectString, List.of(commandAndArguments)))
                .redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(ANSWER_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("zkCli " + String.join(" ", commandAndArguments) + " still running after " + ANSWER_BOUND);
        }
        List<String> lines = new String(output, StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("Connecting to ") && !isEventOrBlank(line)
                        && !LOG_LINE.matcher(line).find())
                .toList();
        return new Outcome(process.exitValue(), lines);
    }

    /** Types {@code typed} and returns the output that answers it (see the class invariant). */
    List<String> run(String typed) throws IOException, InterruptedException {
        shell.send(typed);
        String marker = MARKER_PATH + markers++;
        shell.send("ls " + marker);
        List<String> output = new ArrayList<>();
        for (String line : shell.linesBefore("Node does not exist: " + marker + "$", ANSWER_BOUND)) {
            String printed = PROMPT.matcher(line).replaceFirst("");
            if (printed.contains("org.jline.utils.Log") || printed.startsWith("WARNING: Unable to create a system")) {
                continue;
            }
            if (printed.startsWith("WatchedEvent ")) {
                synchronized (events) {
                    events.add(printed);
                }
            } else if (!isEventOrBlank(printed)) {
                output.add(printed);
            }
        }
        return output;
    }

    /** How many commands a {@link #run} types: the command and its marker (zkCli's history counts both). */
    static final int TYPED_PER_RUN = 2;

    /** The watch events printed so far, each "WatchedEvent state:... type:... path:... zxid: ...". */
    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Types {@code line} without waiting for an answer (quit, or a command whose answer is awaited apart). */
    void send(String line) throws IOException {
        shell.send(line);
    }

    ShellSession shell() {
        return shell;
    }

    String transcript() {
        return shell.transcriptText();
    }

    private static boolean isEventOrBlank(String line) {
        return line.isBlank() || line.equals("WATCHER::") || line.startsWith("WatchedEvent ");
    }

    @Override
    public void close() {
        shell.close();
    }
}
