package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.testkit.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
}
