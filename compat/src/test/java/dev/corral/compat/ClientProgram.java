package dev.corral.compat;

import static org.assertj.core.api.Assertions.fail;

import dev.corral.testkit.TcpProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * A test program written against a non-Java ZooKeeper client (the kazoo, C, Go and Node.js suites), run
 * as a subprocess whose stdout speaks a small line protocol, and turned into one JUnit dynamic test per test
 * case it reports. Exists so that each client's suite is a plain program of its own language, while
 * JUnit still names every case, its time and its failure.
 *
 * <pre>
 *   line    := plan | result | control | free text
 *   plan    := "@@PLAN" (" " name)*                       the cases about to run, in order
 *   result  := "@@RESULT " outcome " " seconds " " name [" " detail]
 *   outcome := "pass" | "fail" | "error"                   detail: "\\" doubled, newline as "\n"
 *   control := "@@CONTROL " command (" " argument)*       answered on stdin: "done" [" " value]
 * </pre>
 *
 * <p>Invariants: the whole run is bounded by the given duration (the process is killed past it); every
 * planned case must report exactly once, and a case that reports without being planned, or a plan that
 * names nothing, fails the run. Nothing is skipped: a missing case is a failure. Each dynamic test's outcome
 * is counted for the README's compatibility table ({@link CompatResults}).
 */
final class ClientProgram {

    /**
     * What the driver does for a {@code @@CONTROL} command, e.g. restart the server; given the words after
     * the command, it returns what to tell the program after "done" (empty for nothing).
     */
    interface Control {
        String run(List<String> arguments) throws Exception;
    }

    record Result(String name, String outcome, double seconds, String detail) {}

    private static final int OUTPUT_LINES_MAX = 20_000;
    /** Put on the line queue by the reader when the output ends; compared by identity. */
    private static final String END = new String("end of output");

    private final List<String> output = new ArrayList<>();
    private final Map<String, Result> results = new LinkedHashMap<>();
    private List<String> plan;
    private String ending = "";
    private final Duration elapsed;

    private ClientProgram(List<String> command, Path directory, Map<String, Control> controls, Duration bound)
            throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(process, lines), "client-program-reader");
        reader.setDaemon(true);
        reader.start();
        long deadline = start + bound.toNanos();
        try (Writer stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    process.destroyForcibly();
                    ending = "killed: still running after " + bound;
                    break;
                }
                if (line == END) {
                    process.waitFor(5, TimeUnit.SECONDS);
                    ending = process.isAlive() ? "closed its output but did not exit"
                            : "exited with status " + process.exitValue();
                    break;
                }
                onLine(line, controls, stdin);
            }
        } finally {
            process.destroyForcibly();
            elapsed = Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /**
     * The control commands every client program may send about {@code server}: {@code restart} kills the
     * server (SIGKILL, as a crash; every member of an ensemble) and starts it again on the same ports and
     * data; {@code proxy} starts a {@link TcpProxy} to {@code port} (the server, or a member of the
     * ensemble) and answers its connect string; {@code cut} and {@code restore} cut and restore the proxy
     * started last (to let a session expire while its client is cut off, as a partition would);
     * {@code cut-at-next-reply} makes that proxy drop the next reply and close its connection
     * ({@link TcpProxy#cutAtNextReply}). Proxies are closed with the test's clients.
     */
    static Map<String, Control> serverControls(CompatServer server, IntSupplier port) {
        List<TcpProxy> proxies = new ArrayList<>();
        return Map.of(
                "restart", arguments -> {
                    server.crashAndRestart();
                    return "";
                },
                "proxy", arguments -> {
                    proxies.add(server.clients().track(TcpProxy.start(port.getAsInt())));
                    return proxies.get(proxies.size() - 1).connectString();
                },
                "cut", arguments -> {
                    proxies.get(proxies.size() - 1).cut();
                    return "";
                },
                "restore", arguments -> {
                    proxies.get(proxies.size() - 1).restore();
                    return "";
                },
                "cut-at-next-reply", arguments -> {
                    proxies.get(proxies.size() - 1).cutAtNextReply();
                    return "";
                });
    }

    /**
     * Runs a client's test program against {@code server} with the {@link #serverControls}, prints what it
     * ran, and returns its dynamic tests ({@link #tests}).
     */
    static Stream<DynamicTest> suite(String client, String programName, List<String> command, Path directory,
            CompatServer server, Duration bound) throws Exception {
        return suite(client, programName, command, directory, server, server::port, bound);
    }

    /** As {@link #suite(String, String, List, Path, CompatServer, Duration)}, with its proxies to {@code port}. */
    static Stream<DynamicTest> suite(String client, String programName, List<String> command, Path directory,
            CompatServer server, IntSupplier port, Duration bound) throws Exception {
        ClientProgram run = new ClientProgram(command, directory, serverControls(server, port), bound);
        System.out.printf("%s against %s: %d cases in %d ms%n", client, CompatRun.target(), run.results().size(),
                run.elapsed().toMillis());
        return run.tests(programName);
    }

    private static void readLines(Process process, BlockingQueue<String> lines) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output unreadable: " + e + ")");
        } finally {
            lines.add(END);
        }
    }

    private void onLine(String line, Map<String, Control> controls, Writer stdin) throws Exception {
        if (output.size() < OUTPUT_LINES_MAX) {
            output.add(line.startsWith("@@RESULT") ? line.replaceAll("^(@@RESULT \\S+ \\S+ \\S+).*", "$1") : line);
        }
        if (line.startsWith("@@PLAN")) {
            plan = Arrays.stream(line.substring("@@PLAN".length()).trim().split(" "))
                    .filter(name -> !name.isEmpty())
                    .toList();
        } else if (line.startsWith("@@RESULT ")) {
            String[] parts = line.split(" ", 5);
            String detail = parts.length == 5 ? unescape(parts[4]) : "";
            Result result = new Result(parts[3], parts[1], Double.parseDouble(parts[2]), detail);
            if (results.putIfAbsent(result.name(), result) != null) {
                results.put(result.name(), new Result(result.name(), "fail", 0, "reported twice"));
            }
        } else if (line.startsWith("@@CONTROL ")) {
            List<String> words = List.of(line.substring("@@CONTROL ".length()).trim().split(" +"));
            String command = words.get(0);
            Control control = controls.get(command);
            if (control == null) {
                throw new IllegalStateException("the program asked for an unknown control command: " + line);
            }
            String value = control.run(words.subList(1, words.size()));
            stdin.write(value.isEmpty() ? "done\n" : "done " + value + "\n");
            stdin.flush();
        }
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    List<Result> results() {
        return List.copyOf(results.values());
    }

    Duration elapsed() {
        return elapsed;
    }

    /**
     * One dynamic test per planned case (failing with the case's detail and the program's output), then
     * one for the run as a whole: the program ended by itself (status 0, or 1 after a failed case),
     * planned at least one case and reported every case it planned, and nothing else.
     */
    Stream<DynamicTest> tests(String programName) {
        List<String> planned = plan == null ? List.of() : plan;
        Stream<DynamicTest> cases = planned.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Result result = results.get(name);
            if (result == null) {
                fail(programName + " never reported " + name + " (" + ending + ")\n" + outputText());
            } else if (!result.outcome().equals("pass")) {
                fail(programName + " " + name + ": " + result.outcome() + "\n" + result.detail()
                        + "\n--- output of the run ---\n" + outputText());
            }
        }));
        DynamicTest whole = DynamicTest.dynamicTest(programName + " ran to completion", () -> {
            List<String> unplanned = results.keySet().stream().filter(name -> !planned.contains(name)).toList();
            boolean anyFailed = results.values().stream().anyMatch(result -> !result.outcome().equals("pass"));
            boolean endedByItself = ending.equals("exited with status 0")
                    || anyFailed && ending.equals("exited with status 1");
            if (planned.isEmpty() || !unplanned.isEmpty() || !endedByItself) {
                fail(programName + " " + ending + " after " + elapsed.toMillis() + " ms; planned " + planned.size()
                        + " cases, reported " + results.size() + ", unplanned " + unplanned + "\n" + outputText());
            }
        });
        return Stream.concat(cases, Stream.of(whole)).map(ClientProgram::counted);
    }

    /** The same dynamic test, its outcome counted for the compatibility table ({@link CompatResults}). */
    private static DynamicTest counted(DynamicTest test) {
        return DynamicTest.dynamicTest(test.getDisplayName(), () -> {
            try {
                test.getExecutable().execute();
            } catch (Throwable failure) {
                CompatResults.recordDynamic(false);
                throw failure;
            }
            CompatResults.recordDynamic(true);
        });
    }

    private String outputText() {
        return String.join("\n", output);
    }
}
