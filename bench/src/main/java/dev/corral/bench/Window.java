package dev.corral.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The measured part of a load run: what happened between the end of the warm-up and the end of the
 * duration (or the moment every driver stopped, whichever comes first). Latencies of the warm-up are
 * discarded; operations completing inside the window count, whenever they were issued.
 *
 * @param elapsedNanos       length of the window
 * @param ops                operations completed well inside it
 * @param errors             operations failed since the run began, warm-up included: any error is a problem
 * @param latencyNanos       latencies of the successful operations
 * @param serverCpuNanos     CPU time (user + system) the server process spent in the window; -1 if unknown
 * @param serverJitCpuNanos  the part of it its JIT compiler threads spent, thread by thread (a lower bound
 *                           where a compiler thread exited in the window: {@link ProcessStats.Cpu#jitNanosSince});
 *                           -1 if unknown
 * @param clientCpuNanos     CPU time this (load generator) JVM spent in the window
 * @param loadAverageStart   the machine's 1-minute load average when the window opened, a noise indicator
 */
record Window(long elapsedNanos, long ops, long errors, Histogram latencyNanos, long serverCpuNanos,
        long serverJitCpuNanos, long clientCpuNanos, double loadAverageStart) {

    /**
     * Runs the timeline of a load run whose drivers are already going: waits out the warm-up, opens the
     * window, waits for the duration or until every driver has finished ({@code driversDone}), closes it.
     * Both waits are bounded by the spec.
     */
    static Window measure(LoadSpec spec, LoadCounters counters, Supplier<ProcessStats.Cpu> serverCpu, CountDownLatch driversDone)
            throws InterruptedException {
        driversDone.await(spec.warmupMs(), TimeUnit.MILLISECONDS);
        counters.latency().reset();
        double load = ProcessStats.loadAverage();
        long ops0 = counters.ops();
        ProcessStats.Cpu server0 = serverCpu.get();
        long client0 = processCpuNanos();
        long t0 = System.nanoTime();
        driversDone.await(spec.durationMs(), TimeUnit.MILLISECONDS);
        Histogram latency = counters.latency().getIntervalHistogram();
        long t1 = System.nanoTime();
        ProcessStats.Cpu server1 = serverCpu.get();
        long client1 = processCpuNanos();
        return new Window(t1 - t0, counters.ops() - ops0, counters.errors(), latency,
                server1.totalNanosSince(server0), server1.jitNanosSince(server0), client1 - client0, load);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
