package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProcessStatsTest {

    record StatCase(String name, String line, String comm, long cpuTicks) {}

    static Stream<StatCase> statLines() {
        return Stream.of(
                // a HotSpot compiler thread: the kernel cuts "C2 CompilerThread0" to 15 characters, spaces kept
                new StatCase("compiler thread", "4242 (C2 CompilerThre) S 4200 4200 4100 0 -1 1077936192 5120 0 3 0"
                        + " 530 12 0 0 20 0 31 0 2152655 4513927168 30211 18446744073709551615 1 1 0 0 0 0 4 0 16796878"
                        + " 0 0 0 -1 1 0 0 0 0 0", "C2 CompilerThre", 542),
                // a name holding parentheses and ") " of its own: the name runs to the last ')'
                new StatCase("parentheses", "77 (a) b (c) d) R 1 77 77 0 -1 4194304 131 0 0 0 7 3 0 0 20 0 1 0 2152655"
                        + " 3133440 393", "a) b (c) d", 10),
                // an empty name
                new StatCase("empty name", "1 () S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0", "", 0));
    }

    @ParameterizedTest
    @MethodSource("statLines")
    void statLineGivesTheNameBetweenTheOuterParenthesesAndUtimePlusStime(StatCase c) {
        ProcessStats.TaskStat stat = ProcessStats.TaskStat.parse(c.line());

        assertThat(stat.comm()).isEqualTo(c.comm());
        assertThat(stat.cpuTicks()).isEqualTo(c.cpuTicks());
    }

    @Test
    void aLineWithoutTheNameInParenthesesIsRefused() {
        assertThatThrownBy(() -> ProcessStats.TaskStat.parse("4242 C2 S 1 2 3")).isInstanceOf(IllegalArgumentException.class);
    }

    record NameCase(String comm, boolean jit) {}

    static Stream<NameCase> threadNames() {
        return Stream.of(
                // HotSpot's C1 and C2 compiler threads, as /proc shows them
                new NameCase("C2 CompilerThre", true), new NameCase("C1 CompilerThre", true),
                new NameCase("C2 CompilerThread12", true),
                // other JVM threads
                new NameCase("VM Thread", false), new NameCase("GC Thread#0", false), new NameCase("G1 Conc#0", false),
                new NameCase("Sweeper thread", false), new NameCase("java", false), new NameCase("", false),
                // near misses: case, another compiler's name, a name cut shorter
                new NameCase("c2 compilerthre", false), new NameCase("JVMCI CompilerT", false), new NameCase("C2 Compiler", false),
                new NameCase("C3 CompilerThre", false));
    }

    @ParameterizedTest
    @MethodSource("threadNames")
    void onlyHotSpotsC1AndC2CompilerThreadsCountAsJit(NameCase c) {
        assertThat(ProcessStats.isJitCompilerThread(c.comm())).isEqualTo(c.jit());
    }

    record WindowCase(String name, ProcessStats.Cpu start, ProcessStats.Cpu end, long total, long jit) {}

    static Stream<WindowCase> windows() {
        return Stream.of(
                // a thread that ran through the window counts its difference; one started in it all of its time
                new WindowCase("running and new", new ProcessStats.Cpu(1_000, Map.of(11L, 300L)),
                        new ProcessStats.Cpu(1_900, Map.of(11L, 450L, 12L, 40L)), 900, 190),
                // a thread that exited in the window takes its time out (a lower bound), never below zero
                new WindowCase("exited", new ProcessStats.Cpu(1_000, Map.of(11L, 300L, 12L, 500L)),
                        new ProcessStats.Cpu(1_900, Map.of(11L, 350L)), 900, 50),
                // a thread id given again to a new thread: its figure is all new time
                new WindowCase("id reused", new ProcessStats.Cpu(1_000, Map.of(11L, 300L)),
                        new ProcessStats.Cpu(1_900, Map.of(11L, 20L)), 900, 20),
                // unknown on either side stays unknown
                new WindowCase("unknown start", ProcessStats.Cpu.UNKNOWN, new ProcessStats.Cpu(1_900, Map.of()), -1, -1),
                new WindowCase("unknown jit", new ProcessStats.Cpu(1_000, null), new ProcessStats.Cpu(1_900, Map.of()), 900, -1));
    }

    @ParameterizedTest
    @MethodSource("windows")
    void windowFiguresAreTakenThreadByThread(WindowCase c) {
        assertThat(c.end().totalNanosSince(c.start())).isEqualTo(c.total());
        assertThat(c.end().jitNanosSince(c.start())).isEqualTo(c.jit());
    }

    @Test
    void readingsOfSeveralProcessesAddUpAndAnUnknownOneMakesTheSumUnknown() {
        ProcessStats.Cpu sum = new ProcessStats.Cpu(100, Map.of(1L, 10L)).plus(new ProcessStats.Cpu(200, Map.of(2L, 20L)));

        assertThat(sum).isEqualTo(new ProcessStats.Cpu(300, Map.of(1L, 10L, 2L, 20L)));
        assertThat(sum.plus(ProcessStats.Cpu.UNKNOWN)).isEqualTo(ProcessStats.Cpu.UNKNOWN);
    }

    @Test
    void thisJvmsCompilerThreadsAreFoundAndArePartOfItsCpu() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        long pid = ProcessHandle.current().pid();

        Map<Long, Long> threads = ProcessStats.jitCpuNanosByThread(pid);
        long jit = ProcessStats.jitCpuNanos(pid);
        long total = ProcessStats.cpuNanos(pid);

        assertThat(threads).isNotEmpty(); // a HotSpot JVM has at least one C1 or C2 compiler thread running
        assertThat(jit).isBetween(0L, total);
        assertThat(ProcessStats.jitCpuNanos(Long.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void aProcessWithoutCompilerThreadsHasAnUnknownJitShareNotAZeroOne() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(ProcessStats.jitCpuNanosByThread(sleep.pid())).isNull();
            assertThat(ProcessStats.jitCpuNanos(sleep.pid())).isEqualTo(-1);
        } finally {
            sleep.destroyForcibly();
        }
    }
}
