package dev.corral.compat;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the non-Java clients and tools the client suites need (Debian packages, installed by .ci/run
 * when missing). A missing one fails the test that needs it with the package to install: a client
 * suite is never skipped silently.
 */
final class Toolchain {

    private static final long PROBE_BOUND_S = 30;

    private Toolchain() {}

    /**
     * A python3 that can import kazoo: {@code -Dcompat.python} if given, else Debian's /usr/bin/python3
     * (where python3-kazoo installs), else the first python3 on the PATH.
     */
    static String pythonWithKazoo() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getProperty("compat.python");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        List<String> tried = new ArrayList<>();
        for (String python : candidates) {
            String version = probe(List.of(python, "-c", "import kazoo.version; print(kazoo.version.__version__)"));
            if (version != null) {
                return python;
            }
            tried.add(python);
        }
        return fail("no python3 that can import kazoo (tried " + tried + "): install the Debian package"
                + " python3-kazoo (apt-get install python3-kazoo; .ci/run does), or name a python with"
                + " -Dcompat.python=...");
    }

    /** kazoo's version string, for the report. */
    static String kazooVersion(String python) {
        return probe(List.of(python, "-c", "import kazoo.version; print(kazoo.version.__version__)"));
    }

    /** gcc, with the C client's header and library (Debian libzookeeper-mt-dev). */
    static String gccWithZooKeeperLibrary() {
        if (probe(List.of("gcc", "--version")) == null) {
            fail("gcc is missing: install the Debian package gcc (.ci/run does)");
        }
        if (!Files.exists(Path.of("/usr/include/zookeeper/zookeeper.h"))) {
            fail("/usr/include/zookeeper/zookeeper.h is missing: install the Debian package libzookeeper-mt-dev"
                    + " (.ci/run does)");
        }
        return "gcc";
    }

    /** Where Debian's golang-github-samuel-go-zookeeper-dev puts go-zookeeper: a GOPATH. */
    static final Path GO_PATH = Path.of("/usr/share/gocode");

    /**
     * The go command, with go-zookeeper in {@link #GO_PATH} (Debian golang-go and
     * golang-github-samuel-go-zookeeper-dev).
     */
    static String goWithZooKeeperLibrary() {
        if (probe(List.of("go", "version")) == null) {
            fail("go is missing: install the Debian package golang-go (.ci/run does)");
        }
        if (!Files.exists(GO_PATH.resolve("src/github.com/samuel/go-zookeeper/zk/conn.go"))) {
            fail(GO_PATH + "/src/github.com/samuel/go-zookeeper is missing: install the Debian package"
                    + " golang-github-samuel-go-zookeeper-dev (.ci/run does)");
        }
        return "go";
    }

    /** node and npm (Debian nodejs and npm), which fetches node-zookeeper-client from the npm registry. */
    static void nodeWithNpm() {
        if (probe(List.of("node", "--version")) == null || probe(List.of("npm", "--version")) == null) {
            fail("node or npm is missing: install the Debian packages nodejs and npm (.ci/run does)");
        }
    }

    /** The C client's command-line shell, cli_mt (Debian zookeeper-bin puts it off the PATH). */
    static String cliMt() {
        for (String candidate : List.of("/usr/lib/zookeeper/bin/cli_mt", "/usr/bin/cli_mt")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return fail("cli_mt is missing: install the Debian package zookeeper-bin (.ci/run does)");
    }

    /** Runs a build (gcc, go build) to its end within {@code bound}; fails with its output if it fails. */
    static void build(ProcessBuilder builder, Duration bound) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", builder.command()) + " still running after " + bound);
        }
        if (process.exitValue() != 0) {
            fail(String.join(" ", builder.command()) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** The program's first output line, or null if it cannot be run or fails. */
    static String probe(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(PROBE_BOUND_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            String text = new String(output, StandardCharsets.UTF_8).trim();
            return process.exitValue() == 0 ? text.lines().findFirst().orElse("") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
