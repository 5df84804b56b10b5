package dev.corral.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * One server, Corral or ZooKeeper, in its own JVM, described by a {@link Launch}: its zoo.cfg and log in its
 * home directory, serving clients on the config's clientPort on 127.0.0.1. The same class runs a standalone
 * server and an ensemble member ({@link Ensemble}); {@link #launch} returns at once, because a member alone
 * cannot serve until a quorum has started.
 *
 * <p>Invariants: once {@link #startOnFreePort}, {@link #awaitServing} or {@link #restart} returns, the server has opened
 * and closed a session; {@link #startMillis()} is the time from launching the JVM to that moment.
 * {@link #close} stops the process within a bound (SIGTERM, then SIGKILL), keeps its log in the launch's
 * logs directory and, if asked, deletes its home.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Duration STOP_BOUND = Duration.ofSeconds(15);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(50);
    private static final int PROBE_TIMEOUT_MS = 1_000;
    private static final int START_ATTEMPTS_MAX = 3;
    private static final int LOG_TAIL_LINES = 80;

    private final Launch launch;
    private final List<String> command;
    private Process process;
    private long launchedNanos;
    private long startMillis = -1;

    private ServerProcess(Launch launch) throws IOException {
        this.launch = launch;
        this.command = launch.command();
        Files.createDirectories(launch.home());
        launch.config().write(launch.configFile());
        if (launch.target() == Target.ZOOKEEPER) {
            Files.writeString(launch.home().resolve("logback.xml"), Launch.ZOOKEEPER_LOGBACK, StandardCharsets.UTF_8);
        }
        this.process = startProcess(command);
    }

    /** Starts the process and returns at once, without waiting for it to serve (an ensemble member cannot alone). */
    public static ServerProcess launch(Launch launch) throws IOException {
        return new ServerProcess(launch);
    }

    /**
     * Starts a server on a port free when asked ({@code launchForPort} makes the launch for a port) and waits
     * until it serves (a session opens), at most the launch's startup bound. A port
     * taken between choosing and binding it ("Address already in use" in the log) is retried with another,
     * at most {@value #START_ATTEMPTS_MAX} times.
     */
    public static ServerProcess startOnFreePort(IntFunction<Launch> launchForPort) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS_MAX; attempt++) {
            ServerProcess server = launch(launchForPort.apply(Ports.freeLoopbackPort()));
            try {
                server.awaitServing();
                return server;
            } catch (IOException e) {
                last = e;
                boolean portTaken = server.portTaken();
                server.close();
                if (!portTaken) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private Process startProcess(List<String> commandLine) throws IOException {
        launchedNanos = System.nanoTime();
        startMillis = -1;
        return new ProcessBuilder(commandLine)
                .directory(launch.home().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()))
                .start();
    }

    /**
     * Waits until a session opens, at most the launch's startup bound: an IOException with the log's tail if
     * the process exits meanwhile or the bound passes.
     */
    public void awaitServing() throws IOException, InterruptedException {
        try {
            boolean serving = Poll.until(launch.startupBound(), PROBE_INTERVAL, () -> {
                if (!process.isAlive()) {
                    throw new UncheckedIOException(new IOException(failure(exitDescription() + " while starting")));
                }
                return ServerProbe.opensSession(port(), PROBE_TIMEOUT_MS);
            });
            if (!serving) {
                throw new IOException(failure("did not open a session within " + launch.startupBound().toMillis() + " ms"));
            }
        } catch (UncheckedIOException exited) {
            throw exited.getCause();
        }
        startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedNanos);
    }

    /**
     * Kills the process with SIGKILL, as a crash would end it, and waits for it to be gone. The kernel keeps
     * what the process wrote; losing unsynced pages, as a power cut would, is beyond what a test can do here.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(launch.label() + " still alive " + STOP_BOUND + " after SIGKILL");
        }
    }

    /**
     * Stops the process with SIGTERM, as an operator's stop script does, and waits for it to be gone; SIGKILL
     * if it ignores SIGTERM for {@link #STOP_BOUND}. Its home and data stay for {@link #restart}.
     */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new IllegalStateException(launch.label() + " ignored SIGTERM for " + STOP_BOUND + "; killed it");
        }
    }

    /** Starts the server again with the same command, zoo.cfg and data after {@link #kill}, and waits for it to serve. */
    public void restart() throws IOException, InterruptedException {
        restartUnderUlimit(null);
    }

    /**
     * As {@link #restart()}, with the size of any file the server writes limited to {@code fileSizeLimitKb}
     * (the shell's {@code ulimit -f}; 0 for none): a write past it fails with EFBIG, "File too large", as a
     * write to a full disk fails with ENOSPC, without needing a small file system.
     */
    public void restart(long fileSizeLimitKb) throws IOException, InterruptedException {
        restartUnderUlimit(fileSizeLimitKb > 0 ? "-f " + fileSizeLimitKb : null);
    }

    /**
     * Starts the server again with the same command, zoo.cfg and data after {@link #kill} or {@link #stop}, and
     * returns at once: an ensemble member cannot serve until enough of the others are back.
     */
    public void relaunch() throws IOException {
        relaunchUnderUlimit(null);
    }

    /**
     * Stops the process with SIGSTOP: it is alive and its sockets stay open, but it neither reads, writes nor
     * answers (a hung server, or a very long GC pause), until {@link #thaw}.
     */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a {@link #freeze frozen} process run again with SIGCONT. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Starts the server again after {@link #kill} with {@code options} added to its JVM's for this start only
     * (a {@code -D} setting such as the one behind {@code corral server --rejoining}), and waits for it to serve.
     */
    public void restartWithJvmOptions(List<String> options) throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException(launch.label() + " is still running");
        }
        List<String> commandLine = new ArrayList<>(command);
        commandLine.addAll(1, options); // right after the java executable
        process = startProcess(commandLine);
        awaitServing();
    }

    /**
     * As {@link #restart()}, under the shell's {@code ulimit} with {@code limit} (for example {@code "-n 300"},
     * at most 300 open files; null for none). The server is the same process as the shell ({@code exec}).
     */
    public void restartUnderUlimit(String limit) throws IOException, InterruptedException {
        relaunchUnderUlimit(limit);
        awaitServing();
    }

    private void relaunchUnderUlimit(String limit) throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(launch.label() + " is still running");
        }
        List<String> commandLine = command;
        if (limit != null) {
            commandLine = new ArrayList<>(List.of("bash", "-c", "ulimit " + limit + " && exec \"$@\"", "bash"));
            commandLine.addAll(command);
        }
        process = startProcess(commandLine);
    }

    /** Waits at most {@code bound} for the process to end by itself; its exit status, or empty if it still runs. */
    public OptionalInt awaitExit(Duration bound) throws InterruptedException {
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    public Target target() {
        return launch.target();
    }

    public String label() {
        return launch.label();
    }

    public int port() {
        return launch.config().clientPort();
    }

    public String connectString() {
        return "127.0.0.1:" + port();
    }

    /** The server JVM's process id, e.g. to sample its heap with jstat. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Milliseconds from launching the JVM to its first open session; -1 until then. */
    public long startMillis() {
        return startMillis;
    }

    public Path home() {
        return launch.home();
    }

    public Path logFile() {
        return launch.logFile();
    }

    /** The mode this server reports in {@code srvr} (leader, follower, observer, standalone); empty while not serving. */
    public java.util.Optional<String> mode() {
        return ServerProbe.mode(port(), PROBE_TIMEOUT_MS);
    }

    /** The server's resident set size now, from /proc (Linux), in bytes. */
    public long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS line in /proc/" + process.pid() + "/status");
    }

    /** How many files (sockets included) the server has open now, from /proc (Linux). */
    public long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    /**
     * How the process ended, for a report: its exit status, and for the statuses of SIGTERM and SIGKILL a
     * reminder that whoever reads this had not stopped it (another process did, or the kernel's OOM killer).
     */
    public String exitDescription() {
        if (process.isAlive()) {
            return "still running";
        }
        int status = process.exitValue();
        return "exited with status " + status + switch (status) {
            case 143 -> " (SIGTERM: another process stopped it)";
            case 137 -> " (SIGKILL: another process or the OOM killer)";
            case 70 -> " (Corral's exit on an internal error)";
            default -> "";
        };
    }

    /** A message naming the server, what happened, and the last lines of its log. */
    public String failure(String what) {
        return launch.target().displayName() + " " + launch.label() + " (pid " + process.pid() + ", port " + port() + ") "
                + what + "\n--- last lines of " + launch.logFile() + " ---\n" + logTail();
    }

    /** Everything the server logged so far. */
    public String log() throws IOException {
        return Files.exists(launch.logFile()) ? Files.readString(launch.logFile(), StandardCharsets.UTF_8) : "";
    }

    /** The last {@code bytesMax} bytes of the server's log (all of it if shorter); "" if unreadable. */
    public String logText(int bytesMax) {
        try {
            byte[] bytes = Files.readAllBytes(launch.logFile());
            int from = Math.max(0, bytes.length - bytesMax);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public String logTail() {
        try {
            if (!Files.exists(launch.logFile())) {
                return "(no log file)";
            }
            List<String> lines = Files.readAllLines(launch.logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** True when the log says a port was taken, so a start on other ports may succeed. */
    boolean portTaken() {
        return logTail().contains("Address already in use");
    }

    /** Stops the process (SIGTERM, then SIGKILL after a bound), keeps the log and deletes the home if asked. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println(launch.label() + " ignored SIGTERM for " + STOP_BOUND + "; killing it");
                process.destroyForcibly();
                process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            keepLog();
            if (launch.deleteHomeOnClose()) {
                Directories.deleteRecursively(launch.home());
            }
        }
    }

    private void keepLog() {
        if (launch.logsDirectory() == null || !Files.exists(launch.logFile())) {
            return;
        }
        try {
            Files.copy(launch.logFile(), Files.createDirectories(launch.logsDirectory()).resolve(launch.logFile().getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("could not keep server log " + launch.logFile() + ": " + e);
        }
    }
}
