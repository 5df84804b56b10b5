package dev.corral.compat;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One server (Corral or ZooKeeper, see {@link Target}) running in its own JVM on a free loopback
 * port, with its own temporary directory holding zoo.cfg, the data directory and the server log.
 *
 * <p>Invariant: once {@link #start} returns, the port accepts connections and has answered a
 * session handshake. {@link #close} stops the process (bounded wait), copies the log to
 * {@code compat.log.dir} for post-mortems and deletes the temporary directory.
 */
final class ServerProcess implements AutoCloseable {

    /** The super user: {@code addAuthInfo("digest", "super:test")} may do anything. */
    static final String SUPER_CREDENTIALS = "super:test";

    private static final Duration STARTUP_BOUND = Duration.ofSeconds(30);
    private static final Duration STOP_BOUND = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS_MAX = 3;
    private static final int LOG_TAIL_LINES = 80;
    private static final int PROBE_READ_TIMEOUT_MS = 1_000;

    private final String name;
    private final Path directory;
    private final Path logFile;
    private final int port;
    private final List<String> command;
    private Process process;

    private ServerProcess(String name, Path directory, int port, List<String> command) throws IOException {
        this.name = name;
        this.directory = directory;
        this.logFile = directory.resolve("server.log");
        this.port = port;
        this.command = List.copyOf(command);
        this.process = startProcess(command);
    }

    private Process startProcess(List<String> commandLine) throws IOException {
        return new ProcessBuilder(commandLine)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /**
     * Kills the process with SIGKILL, as a crash would end it, and waits for it to be gone. The kernel keeps
     * what the process wrote; losing unsynced pages, as a power cut would, is beyond what a test can do here.
     */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("server " + name + " still alive " + STOP_BOUND + " after SIGKILL");
        }
    }

    /** Starts the server again on the same port, configuration and data directory, after {@link #kill}. */
    void restart() throws IOException {
        restart(0);
    }

    /**
     * As {@link #restart()}, with the size of any file the server writes limited to {@code fileSizeLimitKb}
     * (the shell's {@code ulimit -f}; 0 for none): a write past it fails with EFBIG, "File too large", as a
     * write to a full disk fails with ENOSPC, without needing a small file system.
     */
    void restart(long fileSizeLimitKb) throws IOException {
        restartUnderUlimit(fileSizeLimitKb > 0 ? "-f " + fileSizeLimitKb : null);
    }

    /**
     * As {@link #restart()}, under the shell's {@code ulimit} with {@code limit} (for example {@code "-n 300"},
     * at most 300 open files; null for none). The server is the same process as the shell ({@code exec}).
     */
    void restartUnderUlimit(String limit) throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("server " + name + " is still running");
        }
        List<String> commandLine = command;
        if (limit != null) {
            commandLine = new ArrayList<>(List.of("bash", "-c", "ulimit " + limit + " && exec \"$@\"", "bash"));
            commandLine.addAll(command);
        }
        process = startProcess(commandLine);
        awaitReady();
    }

    /** The server's resident set size now, from /proc (Linux), in bytes. */
    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS line in /proc/" + process.pid() + "/status");
    }

    /** How many files (sockets included) the server has open now, from /proc (Linux). */
    long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    /** Waits at most {@code bound} for the process to end by itself; its exit status, or empty if it still runs. */
    java.util.OptionalInt awaitExit(Duration bound) throws InterruptedException {
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)
                ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
    }

    /** The data directory named in zoo.cfg. */
    Path dataDirectory() {
        return directory.resolve("data");
    }

    /**
     * Starts a server and waits until it answers a handshake. A port taken between choosing and
     * binding it is retried with another port, at most {@value #START_ATTEMPTS_MAX} times.
     */
    static ServerProcess start(ServerSpec spec, String name) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS_MAX; attempt++) {
            ServerProcess server = launch(spec, name);
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

    int port() {
        return port;
    }

    /** The server JVM's process id, e.g. to sample its heap with jstat. */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    /**
     * Launches a server whose zoo.cfg lacks {@code omittedKey} (one of the keys every test's zoo.cfg has,
     * such as dataDir), without waiting for it to answer: for a configuration the server must refuse
     * ({@link #awaitExit}). The caller closes it.
     */
    static ServerProcess startWithout(ServerSpec spec, String name, String omittedKey) throws IOException {
        return launch(spec, name, omittedKey);
    }

    private static ServerProcess launch(ServerSpec spec, String name) throws IOException {
        return launch(spec, name, null);
    }

    private static ServerProcess launch(ServerSpec spec, String name, String omittedKey) throws IOException {
        Target target = Target.current();
        Path directory = Files.createTempDirectory("corral-compat-");
        Path dataDirectory = Files.createDirectories(directory.resolve("data"));
        int port = freeLoopbackPort();
        Path configFile = directory.resolve("zoo.cfg");
        Files.writeString(configFile, zooCfg(spec, dataDirectory, port, omittedKey), StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        if (spec.extendedTypes()) {
            command.add("-Dzookeeper.extendedTypesEnabled=true");
        }
        command.add("-Dznode.container.checkIntervalMs=100");
        command.add("-Dzookeeper.DigestAuthenticationProvider.superDigest=" + digest(SUPER_CREDENTIALS));
        new TreeMap<>(spec.systemProperties()).forEach((key, value) -> command.add("-D" + key + "=" + value));
        switch (target) {
            case ZOOKEEPER -> {
                Path logbackConfig = directory.resolve("logback.xml");
                Files.writeString(logbackConfig, LOGBACK_CONFIG, StandardCharsets.UTF_8);
                command.add("-Dzookeeper.admin.enableServer=false");
                command.add("-Dlogback.configurationFile=" + logbackConfig);
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add("org.apache.zookeeper.server.ZooKeeperServerMain");
                command.add(configFile.toString());
            }
            case CORRAL -> {
                command.add("-cp");
                command.add(corralClasspath());
                command.add("dev.corral.cli.Corral");
                command.add("server");
                command.add("--config");
                command.add(configFile.toString());
            }
        }
        return new ServerProcess(name, directory, port, command);
    }

    private static String zooCfg(ServerSpec spec, Path dataDirectory, int port, String omittedKey) {
        Map<String, String> config = new TreeMap<>();
        config.put("tickTime", Integer.toString(spec.tickMs()));
        config.put("dataDir", dataDirectory.toString());
        config.put("clientPort", Integer.toString(port));
        config.put("clientPortAddress", "127.0.0.1");
        config.put("maxClientCnxns", "60");
        config.put("admin.enableServer", "false");
        config.put("4lw.commands.whitelist", "*");
        config.putAll(spec.config());
        if (omittedKey != null) {
            config.remove(omittedKey);
        }
        StringBuilder text = new StringBuilder();
        config.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    /** The runtime classpath of corral-cli, written by maven-dependency-plugin (build-classpath). */
    private static String corralClasspath() throws IOException {
        String file = System.getProperty("compat.corral.classpath.file");
        if (file == null) {
            throw new IOException("system property compat.corral.classpath.file is not set; run through Maven");
        }
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
    }

    private void awaitReady() throws IOException {
        try {
            await("server " + name + " answering a handshake on port " + port)
                    .atMost(STARTUP_BOUND)
                    .pollInterval(Duration.ofMillis(100))
                    .pollInSameThread()
                    .until(this::answersHandshake);
        } catch (ConditionTimeoutException e) {
            throw new IOException(failureMessage("did not answer a session handshake within " + STARTUP_BOUND), e);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof UncheckedIOException exited) {
                    throw exited.getCause();
                }
            }
            throw e;
        }
    }

    /** True when a fresh session can be opened (and is then closed properly); false while starting. */
    private boolean answersHandshake() {
        if (!process.isAlive()) {
            throw new UncheckedIOException(new IOException(
                    failureMessage("exited with status " + process.exitValue() + " while starting")));
        }
        // A short read bound: a server still starting may accept a connection and never answer.
        try (RawClient probe = RawClient.connect(port, 4_000, PROBE_READ_TIMEOUT_MS)) {
            probe.setReadTimeout(RawClient.READ_TIMEOUT_MS); // the session exists: close it for sure
            probe.closeSession();
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private String failureMessage(String what) {
        return Target.current() + " server " + name + " on port " + port + " " + what
                + "\n--- last lines of " + logFile + " ---\n" + logTail();
    }

    /** Everything the server logged so far. */
    String log() throws IOException {
        return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    }

    String logTail() {
        try {
            if (!Files.exists(logFile)) {
                return "(no log file)";
            }
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after a bound), keeps the log, deletes the directory. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            keepLog();
            deleteRecursively(directory);
        }
    }

    private void keepLog() {
        String logDirectory = System.getProperty("compat.log.dir");
        if (logDirectory == null || !Files.exists(logFile)) {
            return;
        }
        try {
            Path target = Files.createDirectories(Path.of(logDirectory))
                    .resolve(Target.current().name().toLowerCase() + "-" + name + "-" + port + ".log");
            Files.copy(logFile, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("could not keep server log " + logFile + ": " + e);
        }
    }

    private static void deleteRecursively(Path root) {
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

    /** user:base64(sha1(user:password)), DigestAuthenticationProvider#generateDigest in ZooKeeper 3.9. */
    static String digest(String credentials) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA1").digest(credentials.getBytes(StandardCharsets.UTF_8));
            String user = credentials.substring(0, credentials.indexOf(':'));
            return user + ":" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1 is required of every JVM", e);
        }
    }

    private static final String LOGBACK_CONFIG = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """;
}
