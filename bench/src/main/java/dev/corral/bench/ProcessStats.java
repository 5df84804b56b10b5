package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures about a process read from Linux's /proc and from {@code jcmd}, for the server processes the bench
 * starts. CPU time comes from {@code /proc/<pid>/stat} (fields 14 utime and 15 stime, in clock ticks, summed
 * over all threads), so it is the server's own cost whatever the load generator does; resident memory from
 * {@code /proc/<pid>/status} (VmRSS). The JIT compiler threads' share of the CPU comes from the threads'
 * own {@code /proc/<pid>/task/<tid>/stat}. Where /proc is missing every figure is -1 ("unknown").
 */
final class ProcessStats {
    private static final long CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final long JCMD_BOUND_MS = 60_000;

    private ProcessStats() {}

    /**
     * A reading of a server's CPU time, in nanoseconds: {@code totalNanos} for the whole process (-1 unknown),
     * {@code jitNanosByThread} for each of its JIT compiler threads alive at the reading, by thread id (null
     * unknown). The threads are kept apart so that a window's JIT time can be taken thread by thread
     * ({@link #jitNanosSince}).
     */
    record Cpu(long totalNanos, Map<Long, Long> jitNanosByThread) {
        static final Cpu UNKNOWN = new Cpu(-1, null);

        /** Both figures of {@code pid}, the compiler threads read first so that the total includes their time. */
        static Cpu of(long pid) {
            Map<Long, Long> jit = jitCpuNanosByThread(pid);
            return new Cpu(cpuNanos(pid), jit);
        }

        /** Two processes' readings together (thread ids are unique across processes); unknown where either is. */
        Cpu plus(Cpu other) {
            Map<Long, Long> jit = null;
            if (jitNanosByThread != null && other.jitNanosByThread != null) {
                jit = new HashMap<>(jitNanosByThread);
                jit.putAll(other.jitNanosByThread);
            }
            return new Cpu(totalNanos < 0 || other.totalNanos < 0 ? -1 : totalNanos + other.totalNanos, jit);
        }

        /** CPU time the process spent since {@code start}, or -1. */
        long totalNanosSince(Cpu start) {
            return totalNanos < 0 || start.totalNanos < 0 ? -1 : totalNanos - start.totalNanos;
        }

        /**
         * CPU time the JIT compiler threads spent since {@code start}, or -1: for each compiler thread of this
         * reading, its time less its time at {@code start} (all of it for a thread started since). A compiler
         * thread that exited in between is missing from this reading and its time since {@code start} with it
         * (see {@link #jitCpuNanos}), so the figure is a lower bound where HotSpot stopped a compiler thread
         * during the window; it is never made smaller by the time such a thread spent before {@code start}.
         */
        long jitNanosSince(Cpu start) {
            if (jitNanosByThread == null || start.jitNanosByThread == null) {
                return -1;
            }
            long nanos = 0;
            for (Map.Entry<Long, Long> thread : jitNanosByThread.entrySet()) {
                long before = start.jitNanosByThread.getOrDefault(thread.getKey(), 0L);
                // A smaller figure than before is a thread id the kernel gave again to a new thread.
                nanos += thread.getValue() >= before ? thread.getValue() - before : thread.getValue();
            }
            return nanos;
        }
    }

    /** The fields of a {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} line the bench uses. */
    record TaskStat(String comm, long cpuTicks) {
        /**
         * Parses one stat line. The command name (field 2) is in parentheses and may itself hold spaces and
         * parentheses, so it runs to the last ')'; utime and stime (fields 14 and 15) are counted after it.
         */
        static TaskStat parse(String stat) {
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open) {
                throw new IllegalArgumentException("not a /proc stat line: " + stat);
            }
            String[] fields = stat.substring(close + 2).split(" ");
            return new TaskStat(stat.substring(open + 1, close), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        }
    }

    /** User + system CPU time of {@code pid} in nanoseconds, or -1. */
    static long cpuNanos(long pid) {
        try {
            return ticksToNanos(readStat(Path.of("/proc", Long.toString(pid), "stat")).cpuTicks());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * User + system CPU time of the JIT compiler threads of the JVM {@code pid} in nanoseconds (the sum over
     * its {@code /proc/<pid>/task/<tid>/stat} of the threads {@link #isJitCompilerThread} names), or -1 where
     * /proc is missing.
     *
     * <p>It is a part of {@link #cpuNanos}, but not always all of the JIT's part: a thread that exits leaves the
     * task list and takes its CPU time with it, while the process total (which the kernel keeps for exited
     * threads too) still counts it. HotSpot starts and stops compiler threads as its compile queue grows and
     * shrinks ({@code -XX:+UseDynamicNumberOfCompilerThreads}, on by default), so this sum can fall between two
     * readings; {@link Cpu#jitNanosSince} takes a window's figure thread by thread for that reason.
     */
    static long jitCpuNanos(long pid) {
        Map<Long, Long> threads = jitCpuNanosByThread(pid);
        return threads == null ? -1 : threads.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The CPU time of each JIT compiler thread of {@code pid} alive now, in nanoseconds by thread id; or null
     * where /proc cannot tell or the process has no HotSpot compiler thread.
     */
    static Map<Long, Long> jitCpuNanosByThread(long pid) {
        Map<Long, Long> nanos = new HashMap<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads) {
                TaskStat stat;
                try {
                    stat = readStat(thread.resolve("stat"));
                } catch (IOException | RuntimeException e) {
                    continue; // the thread has exited since the listing
                }
                if (isJitCompilerThread(stat.comm())) {
                    nanos.put(Long.parseLong(thread.getFileName().toString()), ticksToNanos(stat.cpuTicks()));
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        // HotSpot keeps a C1 and a C2 compiler thread alive: none means another JVM (or a wrapper's pid), unknown.
        return nanos.isEmpty() ? null : nanos;
    }

    /**
     * Whether a thread's {@code comm} is a HotSpot JIT compiler thread's: HotSpot names them "C1 CompilerThread<n>"
     * and "C2 CompilerThread<n>", which the kernel cuts to 15 characters ("C2 CompilerThre"). JVMCI compilers
     * (Graal) name theirs otherwise and are not counted.
     */
    static boolean isJitCompilerThread(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    private static TaskStat readStat(Path file) throws IOException {
        return TaskStat.parse(Files.readString(file, StandardCharsets.US_ASCII));
    }

    private static long ticksToNanos(long ticks) {
        return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
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
