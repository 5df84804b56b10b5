package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.testkit.Ports;
import dev.corral.testkit.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/corral} launcher on the jar the cli module packaged before this module's tests run
 * (with CORRAL_NO_BUILD the script starts no Maven build of its own).
 */
class CorralScriptTest {
    private static final long SCRIPT_BOUND_S = 60;

    @Test
    void binCorralRunsTheToolsOnThePackagedJar() throws Exception {
        assumeTrue(CompatRun.target() == Target.CORRAL, "the launcher starts Corral");
        Path home = Path.of("").toAbsolutePath().getParent();
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/corral").toString(), "log", "--help").redirectErrorStream(true);
        builder.environment().put("CORRAL_NO_BUILD", "1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        try {
            // The help text is far smaller than a pipe's buffer, so waiting before reading cannot block the script.
            assertThat(process.waitFor(SCRIPT_BOUND_S, TimeUnit.SECONDS)).as("bin/corral finished within %d s", SCRIPT_BOUND_S).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).startsWith("Usage: corral log").contains("--data-log-dir", "--from", "--limit", "--json");
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * {@code bin/corral server} starts its JVM with the class-data-sharing archive the build's training run
     * made (cli/pom.xml, CdsTraining): the server's own classes come out of it, so the archive matches the
     * class path the launcher gives and the JDK that runs it.
     */
    @Test
    void binCorralServerStartsWithTheBuildsClassArchive(@TempDir Path dir) throws Exception {
        assumeTrue(CompatRun.target() == Target.CORRAL, "the launcher starts Corral");
        Path home = Path.of("").toAbsolutePath().getParent();
        assertThat(home.resolve("cli/target/corral.jsa")).as("the archive the cli build makes").isRegularFile();
        int port = Ports.freeLoopbackPort();
        Path config = Files.writeString(dir.resolve("zoo.cfg"), String.join("\n", "tickTime=2000",
                "dataDir=" + dir.resolve("data"), "clientPortAddress=127.0.0.1", "clientPort=" + port,
                "admin.enableServer=false", "4lw.commands.whitelist=ruok", ""));
        Path classes = dir.resolve("classes.txt");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/corral").toString(), "server", "--config",
                config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        builder.environment().put("CORRAL_NO_BUILD", "1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SERVER_JVMFLAGS", "-Xlog:class+load=info:file=" + classes);
        Process process = builder.start();
        try {
            Awaitility.await().atMost(SCRIPT_BOUND_S, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                    .ignoreExceptions().until(() -> "imok".equals(ruok(port)));
        } finally {
            process.destroy();
            assertThat(process.waitFor(SCRIPT_BOUND_S, TimeUnit.SECONDS)).as("the server stopped").isTrue();
        }
        List<String> lines = Files.readAllLines(classes);
        assertThat(lines).as("class loading of the server's JVM")
                .anyMatch(line -> line.contains("dev.corral.server.CorralServer source: shared objects file"));
        assertThat(lines.stream().filter(line -> line.contains("source: shared objects file")).count())
                .as("classes from the shared archives").isGreaterThan(2_000);
    }

    private static String ruok(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write("ruok".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
