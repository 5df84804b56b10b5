package dev.corral.bench.jmh;

import dev.corral.node.IntervalHistogram;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the console's latency percentiles add to every answered request: one {@link IntervalHistogram#record}
 * of a latency in milliseconds (mostly 0-2, a long tail), against a baseline that only reads the same value.
 * The difference is the cost on the request path; the interval's take runs once per console sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IntervalHistogramBenchmark {
    private static final int VALUES = 4096;

    private final long[] latencies = new long[VALUES];
    private final IntervalHistogram histogram = new IntervalHistogram();
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < VALUES; i++) {
            latencies[i] = random.nextDouble() < 0.95 ? random.nextLong(3) : (long) Math.exp(random.nextDouble() * 9);
        }
    }

    @Benchmark
    public long baseline() {
        next = (next + 1) & (VALUES - 1);
        return latencies[next];
    }

    @Benchmark
    public long record() {
        next = (next + 1) & (VALUES - 1);
        long latency = latencies[next];
        histogram.record(latency);
        return latency;
    }

    /** A whole interval's take: percentiles and a cleared array, once per 10 s sample. */
    @Benchmark
    public IntervalHistogram.Percentiles recordThenTake() {
        for (int i = 0; i < 64; i++) {
            histogram.record(latencies[i]);
        }
        return histogram.takeInterval();
    }
}
