package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.server.CorralServer;
import dev.corral.testkit.Ports;
import dev.corral.testkit.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bin/corral-server.sh} driven as an operator drives ZooKeeper's {@code bin/zkServer.sh}: a zoo.cfg
 * in a temporary directory, then start, status, restart and stop as separate invocations. The verbs,
 * messages and exit codes are those of zkServer.sh at release-3.9.5 (read from its source), except where
 * the script's header says it tells more of the truth (start waits for the client port; stop waits for the
 * process to exit; a reused pid is not taken for the server).
 *
 * <p>Runs against Corral only: the script starts Corral. It runs the jars already built in
 * {@code cli/target} ({@code CORRAL_NO_BUILD=1}), so that no Maven build starts inside a test while other
 * sources change. Every wait is bounded: the script's own (30 s to start or stop) and this class's.
 */
class ServerScriptTest {

    private static final Duration SCRIPT_BOUND = Duration.ofSeconds(60);
    private static final Duration PROCESS_BOUND = Duration.ofSeconds(15);
    private static final String SERVER_MAIN = "dev.corral.cli.Corral";
    private static final String SERVER_FLAG = "-Dcorral.script.test.server=yes";
    private static final String JVM_FLAG = "-Dcorral.script.test.jvm=yes";
    private static final String NOT_RUNNING = "Error contacting service. It is probably not running.";

    private static Path script;

    @TempDir
    Path directory;

    private Path config;
    private Path pidFile;
    private int port;
    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void findScript() {
        assumeTrue(CompatRun.target() == Target.CORRAL, "the service script starts Corral");
        assumeTrue(!System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows"), "needs bash");
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("bin/corral-server.sh"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("a directory above %s holding bin/corral-server.sh", System.getProperty("user.dir"))
                .isNotNull();
        script = dir.resolve("bin/corral-server.sh");
    }

    @BeforeEach
    void writeConfig() throws IOException {
        port = Ports.freeLoopbackPort();
        config = directory.resolve("zoo.cfg");
        pidFile = directory.resolve("data/corral_server.pid");
        Files.writeString(config, zooCfg(port, directory.resolve("data")), StandardCharsets.UTF_8);
    }

    /** Kills a server a failed test left running, and keeps the script's log for a post-mortem. */
    @AfterEach
    void killLeftovers(TestInfo test) throws IOException {
        children.forEach(Process::destroyForcibly);
        readPid().flatMap(ProcessHandle::of).filter(ServerScriptTest::runsCorral).ifPresent(leftover -> {
            leftover.destroyForcibly();
            await("leftover server " + leftover.pid() + " gone").atMost(PROCESS_BOUND).pollInSameThread()
                    .until(() -> !runsCorral(leftover));
        });
        keepLogs(test.getTestMethod().map(method -> method.getName()).orElse("unknown"));
    }

    // --- start, status, stop, restart ----------------------------------------------------------------------

    @Test
    void startRunsTheServerInTheBackgroundWithItsFlagsAndStatusPrintsItsMode() throws Exception {
        ScriptRun start = run("start", config.toString());

        assertThat(start.exitCode()).as(start.describe()).isZero();
        assertThat(start.stdout()).as(start.describe()).isEqualTo("Starting Corral ... STARTED\n");
        assertThat(start.stderr()).as(start.describe()).contains("Using config: " + config);
        ProcessHandle server = ProcessHandle.of(readPid().orElseThrow()).orElseThrow();
        assertThat(runsCorral(server)).as("pid file names the server").isTrue();
        assertThat(server.info().commandLine().orElse("")).contains(SERVER_FLAG, JVM_FLAG);
        // The process output, and the rolling log that conf/logback.xml (found beside the default
        // config directory) writes into the same directory.
        try (Stream<Path> logs = Files.list(directory.resolve("logs"))) {
            assertThat(logs.map(path -> path.getFileName().toString()).toList())
                    .anyMatch(name -> name.matches("corral-.+-server-.+\\.out")).contains("corral.log");
        }

        ScriptRun status = run("status", config.toString());

        assertThat(status.exitCode()).as(status.describe()).isZero();
        assertThat(status.stdout()).as(status.describe()).isEqualTo(
                "Client port found: " + port + ". Client address: 127.0.0.1. Client SSL: false.\n"
                        + "Mode: standalone\n");
    }

    /** zkServer.sh status with only a secureClientPort: "Client SSL: true", and srvr asked over TLS. */
    @Test
    void statusWithOnlyASecureClientPortAsksSrvrOverTls() throws Exception {
        dev.corral.testkit.TestCertificates certs = dev.corral.testkit.TestCertificates.generate(directory.resolve("certs"));
        String password = dev.corral.testkit.TestCertificates.PASSWORD;
        Files.writeString(config, "tickTime=200\ndataDir=" + directory.resolve("data") + "\nsecureClientPort=" + port
                + "\nsecureClientPortAddress=127.0.0.1\nssl.keyStore.location=" + certs.file("server.p12")
                + "\nssl.keyStore.password=" + password + "\nssl.trustStore.location=" + certs.file("truststore.p12")
                + "\nssl.trustStore.password=" + password + "\n4lw.commands.whitelist=*\nadmin.enableServer=false\n",
                StandardCharsets.UTF_8);
        ScriptRun start = run("start", config.toString());
        assertThat(start.stdout()).as(start.describe()).isEqualTo("Starting Corral ... STARTED\n");

        ScriptRun status = run(List.of("status", config.toString()), Map.of("CORRAL_STATUS_TLS_FLAGS",
                "-cert " + certs.file("client.pem") + " -key " + certs.file("client.pem")));

        assertThat(status.exitCode()).as(status.describe()).isZero();
        assertThat(status.stdout()).as(status.describe()).isEqualTo(
                "Client port not found. Looking for secureClientPort in the static config.\n"
                        + "Client port found: " + port + ". Client address: 127.0.0.1. Client SSL: true.\nMode: standalone\n");
        // Without a client certificate the server (ssl.clientAuth=need) refuses, and the note says what to set.
        ScriptRun anonymous = run("status", config.toString());
        assertThat(anonymous.exitCode()).as(anonymous.describe()).isEqualTo(1);
        assertThat(anonymous.stdout()).as(anonymous.describe()).contains("Client SSL: true.", "CORRAL_STATUS_TLS_FLAGS", NOT_RUNNING);
    }

    @Test
    void startRefusesWhileThePidFileNamesARunningServer() throws Exception {
        assertThat(run("start", config.toString()).exitCode()).isZero();
        long pid = readPid().orElseThrow();

        ScriptRun again = run("start", config.toString());

        assertThat(again.exitCode()).as(again.describe()).isEqualTo(1);
        assertThat(again.stdout()).as(again.describe())
                .isEqualTo("Starting Corral ... already running as process " + pid + ".\n");
        assertThat(readPid()).contains(pid);
    }

    @Test
    void restartReplacesTheProcessAndTheNewOneServes() throws Exception {
        assertThat(run("start", config.toString()).exitCode()).isZero();
        ProcessHandle first = ProcessHandle.of(readPid().orElseThrow()).orElseThrow();

        ScriptRun restart = run("restart", config.toString());

        assertThat(restart.exitCode()).as(restart.describe()).isZero();
        assertThat(restart.stdout()).as(restart.describe())
                .isEqualTo("Stopping Corral ... STOPPED\nStarting Corral ... STARTED\n");
        assertThat(runsCorral(first)).as("the first server is gone").isFalse();
        assertThat(readPid()).isPresent().get().isNotEqualTo(first.pid());
        ScriptRun status = run("status", config.toString());
        assertThat(status.stdout()).as(status.describe()).endsWith("Mode: standalone\n");
    }

    @Test
    void stopEndsTheServerClosesThePortAndRemovesThePidFileAndStatusThenFails() throws Exception {
        assertThat(run("start", config.toString()).exitCode()).isZero();
        ProcessHandle server = ProcessHandle.of(readPid().orElseThrow()).orElseThrow();

        ScriptRun stop = run("stop", config.toString());

        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(stop.stdout()).as(stop.describe()).isEqualTo("Stopping Corral ... STOPPED\n");
        assertThat(runsCorral(server)).as("stop returns once the process has exited").isFalse();
        assertThat(pidFile).doesNotExist();
        assertThat(acceptsConnections(port)).as("client port after stop").isFalse();

        ScriptRun status = run("status", config.toString());

        assertThat(status.exitCode()).as(status.describe()).isEqualTo(1);
        assertThat(status.stdout()).as(status.describe()).endsWith(NOT_RUNNING + "\n");
    }

    /** zkServer.sh 3.9.5 ends its stop branch with "exit 0" whether or not it found a pid file. */
    @Test
    void stopWithoutAPidFileSaysSoAndSucceedsAsZkServerShDoes() throws Exception {
        ScriptRun stop = run("stop", config.toString());

        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(stop.stdout()).as(stop.describe())
                .isEqualTo("Stopping Corral ... no server to stop (could not find file " + pidFile + ")\n");
    }

    @Test
    void startReportsFailureWithTheServersMessageWhenTheServerExits() throws Exception {
        Files.writeString(config, zooCfg(port, directory.resolve("data")).replace("tickTime=200", "tickTime=abc"));

        ScriptRun start = run("start", config.toString());

        assertThat(start.exitCode()).as(start.describe()).isEqualTo(1);
        assertThat(start.stdout()).as(start.describe()).startsWith("Starting Corral ... FAILED TO START");
        assertThat(start.stderr()).as(start.describe()).contains("tickTime", "abc");
        assertThat(pidFile).doesNotExist();
    }

    /** A pid file can outlive its server and its pid be reused: that process is neither waited for nor killed. */
    @Test
    void aPidFileNamingAnotherProgramIsStaleForStopAndStart() throws Exception {
        Process other = child(new ProcessBuilder("sleep", "60"));
        Files.createDirectories(pidFile.getParent());
        Files.writeString(pidFile, Long.toString(other.pid()));

        ScriptRun stop = run("stop", config.toString());

        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(stop.stdout()).as(stop.describe()).contains("no server to stop");
        assertThat(other.isAlive()).as("the other program was not signalled").isTrue();
        Files.writeString(pidFile, Long.toString(other.pid()));

        ScriptRun start = run("start", config.toString());

        assertThat(start.stdout()).as(start.describe()).isEqualTo("Starting Corral ... STARTED\n");
        assertThat(readPid()).isPresent().get().isNotEqualTo(other.pid());
        assertThat(other.isAlive()).isTrue();
    }

    @Test
    void startForegroundExecsTheServerInPlaceOfTheScript() throws Exception {
        Process foreground = child(scriptProcess(List.of("start-foreground", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("foreground.out").toFile()));

        await("start-foreground serving on port " + port).atMost(PROCESS_BOUND).pollInSameThread()
                .pollInterval(Duration.ofMillis(100))
                .until(() -> acceptsConnections(port) || !foreground.isAlive());
        assertThat(foreground.isAlive()).as("still in the foreground").isTrue();
        assertThat(runsCorral(foreground.toHandle())).as("the script's own pid runs the server (exec)").isTrue();
        assertThat(pidFile).as("start-foreground writes no pid file, as in zkServer.sh").doesNotExist();

        foreground.destroy();
        assertThat(foreground.waitFor(PROCESS_BOUND.toSeconds(), TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
    }

    @Test
    void versionPrintsTheCorralVersion() throws Exception {
        ScriptRun version = run("version");

        assertThat(version.exitCode()).as(version.describe()).isZero();
        assertThat(version.stdout()).isEqualTo(CorralServer.VERSION + "\n");
    }

    @Test
    void anUnknownVerbPrintsUsageAndFails() throws Exception {
        ScriptRun bad = run("launch");

        assertThat(bad.exitCode()).as(bad.describe()).isEqualTo(2);
        assertThat(bad.stderr()).startsWith("Usage: ").contains("start|start-foreground|stop|restart|status");
    }

    // --- which config is read (zkEnv.sh's rules) -----------------------------------------------------------

    /**
     * @param name      what the row shows
     * @param arguments script arguments; {@code {dir}} stands for the test's directory
     * @param env       extra environment; {@code {dir}} likewise
     * @param expected  the config the script reads, as its "Using config:" line names it
     */
    record ConfigCase(String name, List<String> arguments, Map<String, String> env, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<ConfigCase> configCases() {
        return List.of(
                // The config directory: --config, else ZOOCFGDIR, else conf/ beside bin/.
                new ConfigCase("--config <dir> names the directory", List.of("--config", "{dir}", "status"),
                        Map.of(), "{dir}/zoo.cfg"),
                new ConfigCase("ZOOCFGDIR names the directory", List.of("status"),
                        Map.of("ZOOCFGDIR", "{dir}"), "{dir}/zoo.cfg"),
                new ConfigCase("default directory is conf/ beside bin/", List.of("status"),
                        Map.of(), "{repo}/conf/zoo.cfg"),
                // The file: a bare name is in the directory, a name with a slash is a path.
                new ConfigCase("ZOOCFG names a file in the directory", List.of("status"),
                        Map.of("ZOOCFGDIR", "{dir}", "ZOOCFG", "other.cfg"), "{dir}/other.cfg"),
                new ConfigCase("a bare [conf] argument is a file in the directory", List.of("status", "other.cfg"),
                        Map.of("ZOOCFGDIR", "{dir}"), "{dir}/other.cfg"),
                new ConfigCase("a [conf] argument with a slash is a path", List.of("status", "{dir}/other.cfg"),
                        Map.of("ZOOCFGDIR", "/nonexistent"), "{dir}/other.cfg"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configCases")
    void theConfigIsFoundAsZkEnvShFindsIt(ConfigCase row) throws Exception {
        Files.copy(config, directory.resolve("other.cfg"));
        Map<String, String> env = new java.util.HashMap<>();
        row.env().forEach((key, value) -> env.put(key, expand(value)));

        ScriptRun status = run(row.arguments().stream().map(this::expand).toList(), env);

        assertThat(status.stderr()).as(status.describe()).contains("Using config: " + expand(row.expected()) + "\n");
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    /** One finished invocation of the script. */
    record ScriptRun(List<String> arguments, int exitCode, String stdout, String stderr) {
        String describe() {
            return "corral-server.sh " + String.join(" ", arguments) + " exited " + exitCode
                    + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    private ScriptRun run(String... arguments) throws IOException, InterruptedException {
        return run(List.of(arguments), Map.of());
    }

    private ScriptRun run(List<String> arguments, Map<String, String> env) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(directory, "script-", ".stdout");
        Path stderr = Files.createTempFile(directory, "script-", ".stderr");
        ProcessBuilder builder = scriptProcess(arguments)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(SCRIPT_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("corral-server.sh " + arguments + " did not finish within " + SCRIPT_BOUND
                    + "\n--- stderr ---\n" + Files.readString(stderr));
        }
        return new ScriptRun(arguments, process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    /** The script as an operator runs it, from the test's directory, with a prebuilt jar and our flags. */
    private ProcessBuilder scriptProcess(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> env = builder.environment();
        List.of("ZOOCFGDIR", "ZOOCFG", "ZOOPIDFILE", "ZOO_NOEXEC", "ZK_SERVER_HEAP").forEach(env::remove);
        env.put("CORRAL_NO_BUILD", "1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("ZOO_LOG_DIR", directory.resolve("logs").toString());
        // C1 only: the servers live for a second or two, and start faster on a loaded machine.
        env.put("SERVER_JVMFLAGS", "-Xmx128m -XX:TieredStopAtLevel=1 " + SERVER_FLAG);
        env.put("JVMFLAGS", JVM_FLAG);
        return builder;
    }

    private Process child(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        children.add(process);
        return process;
    }

    private String expand(String text) {
        return text.replace("{dir}", directory.toString())
                .replace("{repo}", script.getParent().getParent().toString());
    }

    private Optional<Long> readPid() throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
    }

    /** As the script decides it: alive and running Corral's main class (a zombie has no command line). */
    private static boolean runsCorral(ProcessHandle process) {
        return process.isAlive() && process.info().commandLine().orElse("").contains(SERVER_MAIN);
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static String zooCfg(int port, Path dataDirectory) {
        return "tickTime=200\n"
                + "dataDir=" + dataDirectory + "\n"
                + "clientPort=" + port + "\n"
                + "clientPortAddress=127.0.0.1\n"
                + "4lw.commands.whitelist=*\n";
    }

    private void keepLogs(String testName) throws IOException {
        String logDirectory = System.getProperty("compat.log.dir");
        Path logs = directory.resolve("logs");
        if (logDirectory == null || !Files.isDirectory(logs)) {
            return;
        }
        Path target = Files.createDirectories(Path.of(logDirectory));
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve("script-" + testName + "-" + file.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
