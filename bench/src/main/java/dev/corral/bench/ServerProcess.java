package dev.corral.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One server, Corral or Apache ZooKeeper, in its own JVM, listening on a free port of 127.0.0.1, with its
 * zoo.cfg, data directory and log in a home directory the caller owns (so that a restart finds the data of
 * the previous start). Both servers get the same JDK, the same -Xmx and the same zoo.cfg:
 * tickTime=2000, forceSync=yes, no admin server, all four-letter words, no per-address connection limit.
 *
 * <p>Invariant: once {@link #start} returns, the server has opened and closed a session;
 * {@link #startMillis()} is the time from launching the JVM to that moment. {@link #close} stops the process
 * within a bound and keeps its log in the logs directory.
 */
final class ServerProcess implements AutoCloseable {
    private static final long STARTUP_BOUND_MS = 120_000;
    private static final long STOP_BOUND_MS = 15_000;
    private static final int START_ATTEMPTS_MAX = 3;
    private static final int PROBE_TIMEOUT_MS = 1_000;
    private static final long PROBE_INTERVAL_MS = 50;
    private static final int LOG_TAIL_LINES = 60;

    private final ServerKind kind;
    private final String label;
    private final int port;
    private final Process process;
    private final Path logFile;
    private final Path logsDirectory;
    private long startMillis = -1;

    private ServerProcess(ServerKind kind, String label, int port, Process process, Path logFile, Path logsDirectory) {
        this.kind = kind;
        this.label = label;
        this.port = port;
        this.process = process;
        this.logFile = logFile;
        this.logsDirectory = logsDirectory;
    }

    /**
     * Starts {@code kind} with its data in {@code home}/data and waits until it serves. {@code label} names
     * the log file. A port taken between choosing and binding it is retried with another port.
     */
    static ServerProcess start(ServerKind kind, ServerOptions options, Path home, String label)
            throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS_MAX; attempt++) {
            ServerProcess server = launch(kind, options, home, label + (attempt > 1 ? "-attempt" + attempt : ""));
            try {
                server.awaitReady();
                return server;
            } catch (IOException e) {
                last = e;
                boolean portTaken = server.logTail().contains("Address already in use");
                server.close();
                if (!portTaken) {
                    throw e;
                }
            }
        }
        throw last;
    }

    ServerKind kind() {
        return kind;
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * How the process ended, for a report: its exit status, and for the statuses of SIGTERM and SIGKILL a
     * reminder that the bench had not stopped it yet (another process did, or the kernel's OOM killer).
     */
    String exitDescription() {
        if (process.isAlive()) {
            return "still running";
        }
        int status = process.exitValue();
        return "exited with status " + status + switch (status) {
            case 143 -> " (SIGTERM, which the bench had not sent: another process stopped it)";
            case 137 -> " (SIGKILL, which the bench had not sent: another process or the OOM killer)";
            case 70 -> " (Corral's exit on an internal error)";
            default -> "";
        };
    }

    long startMillis() {
        return startMillis;
    }

    /** CPU time the server process has used so far, in nanoseconds; -1 if unknown or the process is gone. */
    long cpuNanos() {
        return process.isAlive() ? ProcessStats.cpuNanos(process.pid()) : -1;
    }

    Path logFile() {
        return logFile;
    }

    private static ServerProcess launch(ServerKind kind, ServerOptions options, Path home, String label)
            throws IOException {
        Path dataDirectory = Files.createDirectories(home.resolve("data"));
        int port = freeLoopbackPort();
        Path configFile = home.resolve("zoo.cfg");
        Files.writeString(configFile, zooCfg(dataDirectory, port), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(options.java().toString());
        command.add("-Xmx" + options.heapMax());
        if (options.flightRecordings()) {
            Files.createDirectories(options.logsDirectory());
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + options.logsDirectory().resolve(label + ".jfr"));
        }
        command.add("-cp");
        command.add(options.classpath(kind));
        switch (kind) {
            case ZOOKEEPER -> {
                Path logbackConfig = home.resolve("logback.xml");
                Files.writeString(logbackConfig, ZOOKEEPER_LOGBACK, StandardCharsets.UTF_8);
                command.add("-Dlogback.configurationFile=" + logbackConfig);
                command.add("org.apache.zookeeper.server.ZooKeeperServerMain");
                command.add(configFile.toString());
            }
            case CORRAL -> {
                command.add("dev.corral.cli.Corral");
                command.add("server");
                command.add("--config");
                command.add(configFile.toString());
            }
        }
        Path logFile = home.resolve(label + ".log");
        Process process = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        return new ServerProcess(kind, label, port, process, logFile, options.logsDirectory());
    }

    private static String zooCfg(Path dataDirectory, int port) {
        Map<String, String> config = new TreeMap<>();
        config.put("tickTime", "2000");
        config.put("dataDir", dataDirectory.toString());
        config.put("clientPort", Integer.toString(port));
        config.put("clientPortAddress", "127.0.0.1");
        config.put("maxClientCnxns", "0");
        config.put("forceSync", "yes");
        config.put("admin.enableServer", "false");
        config.put("4lw.commands.whitelist", "*");
        StringBuilder text = new StringBuilder();
        config.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long launched = System.nanoTime();
        long deadline = launched + TimeUnit.MILLISECONDS.toNanos(STARTUP_BOUND_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(failure(exitDescription() + " while starting"));
            }
            if (RawFrames.probe(port, PROBE_TIMEOUT_MS)) {
                startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched);
                return;
            }
            Thread.sleep(PROBE_INTERVAL_MS); // polling a process we do not control, not synchronising threads
        }
        throw new IOException(failure("did not open a session within " + STARTUP_BOUND_MS + " ms"));
    }

    String failure(String what) {
        return kind.displayName() + " " + label + " (pid " + process.pid() + ", port " + port + ") " + what
                + "\n--- last lines of " + logFile + " ---\n" + logTail();
    }

    /** The last {@code bytesMax} bytes of the server's log (all of it if shorter); "" if unreadable. */
    String logText(int bytesMax) {
        try {
            byte[] bytes = Files.readAllBytes(logFile);
            int from = Math.max(0, bytes.length - bytesMax);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    String logTail() {
        try {
            if (!Files.exists(logFile)) {
                return "(no log file)";
            }
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after a bound) and keeps its log. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(STOP_BOUND_MS, TimeUnit.MILLISECONDS)) {
                System.err.println(kind.displayName() + " " + label + " ignored SIGTERM for " + STOP_BOUND_MS + " ms; killing it");
                process.destroyForcibly();
                process.waitFor(STOP_BOUND_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            keepLog();
        }
    }

    private void keepLog() {
        if (logsDirectory == null || !Files.exists(logFile)) {
            return;
        }
        try {
            Files.copy(logFile, Files.createDirectories(logsDirectory).resolve(logFile.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("could not keep server log " + logFile + ": " + e);
        }
    }

    static Path createHome(String prefix) throws IOException {
        return Files.createTempDirectory("corral-bench-" + prefix + "-");
    }

    /** Size in bytes of the files under {@code directory}. */
    static long sizeOf(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            long total = 0;
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                total += Files.size(path);
            }
            return total;
        }
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static final String ZOOKEEPER_LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """;
}
