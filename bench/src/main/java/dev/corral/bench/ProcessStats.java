package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures about a process read from Linux's /proc and from {@code jcmd}, for the server processes the bench
 * starts. CPU time comes from {@code /proc/<pid>/stat} (fields 14 utime and 15 stime, in clock ticks, summed
 * over all threads), so it is the server's own cost whatever the load generator does; resident memory from
 * {@code /proc/<pid>/status} (VmRSS). Where /proc is missing every figure is -1 ("unknown").
 */
final class ProcessStats {
    private static final long CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final long JCMD_BOUND_MS = 60_000;

    private ProcessStats() {}

    /** User + system CPU time of {@code pid} in nanoseconds, or -1. */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces; count fields after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size of {@code pid} in bytes, or -1. */
    static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The 1-minute load average of the machine, or NaN. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Asks the JVM {@code pid} for a full GC ({@code jcmd <pid> GC.run}); bounded. */
    static void gc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
    }

    /** Java heap in use in the JVM {@code pid} after its last GC, from {@code jcmd <pid> GC.heap_info}; or -1. */
    static long heapUsedBytes(long pid) throws IOException, InterruptedException {
        Matcher matcher = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) * 1024 : -1;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return run(List.of(jcmd.toString(), Long.toString(pid), command), null, JCMD_BOUND_MS);
    }

    /**
     * Runs a command to its end, at most {@code boundMs}, and returns its output (stdout and stderr); a
     * non-zero exit is an IOException carrying the output.
     */
    static String run(List<String> command, Path directory, long boundMs) throws IOException, InterruptedException {
        // Output goes to a file so that the wait below, not a blocking read, bounds a command that hangs.
        Path output = Files.createTempFile("corral-bench-command-", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process process = builder.start();
            if (!process.waitFor(boundMs, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + boundMs + " ms");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** sysconf(_SC_CLK_TCK) via getconf; 100 (Linux's USER_HZ everywhere in practice) if that fails. */
    private static long clockTicksPerSecond() {
        try {
            return Long.parseLong(run(List.of("getconf", "CLK_TCK"), null, 5_000).trim());
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
