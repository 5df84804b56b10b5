package dev.corral.node;

import java.util.Arrays;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * One of ZooKeeper's latency summaries as mntr prints it: count, sum, minimum, average and maximum
 * ({@code AvgMinMaxCounter}, a BASIC summary), and with percentiles the median, 95th, 99th and 99.9th of
 * a uniform sample of {@value #RESERVOIR} values ({@code AvgMinMaxPercentileCounter}, an ADVANCED one,
 * whose reservoir has that size). Keys are ZooKeeper's: {@code zk_avg_<name>}, ..., {@code zk_p999_<name>}.
 * A basic one is also the request latency of srvr, stat, cons and mntr ({@code ServerStats}, whose
 * {@code requestLatency} is an AvgMinMaxCounter too), overall, per opcode and per connection, in
 * milliseconds of the node's event clock, and srst and crst {@link #reset} it.
 *
 * <p>Fed on the node loop only. The sample's choice of which value to replace is pseudo-random with a
 * fixed seed, so that a simulated run stays the same run.
 */
public final class LatencySummary {
    static final int RESERVOIR = 1028;
    private static final double[] QUANTILES = {0.5, 0.95, 0.99, 0.999};
    private static final String[] QUANTILE_KEYS = {"p50_", "p95_", "p99_", "p999_"};

    private final String name;
    private final long[] sample;
    private long count;
    private long total;
    private long min;
    private long max;
    private long random = 0x9E3779B97F4A7C15L;

    private LatencySummary(String name, boolean percentiles) {
        this.name = name;
        this.sample = percentiles ? new long[RESERVOIR] : null;
    }

    /** A BASIC summary: count, sum, min, avg, max. */
    public static LatencySummary basic(String name) {
        return new LatencySummary(name, false);
    }

    /** An ADVANCED summary: the basic figures and four percentiles. */
    public static LatencySummary withPercentiles(String name) {
        return new LatencySummary(name, true);
    }

    /** Adds one value; a negative one (a clock that went back) is dropped, as ZooKeeper drops it. */
    public void add(long value) {
        if (value < 0) {
            return;
        }
        count++;
        total += value;
        min = count == 1 ? value : Math.min(min, value);
        max = Math.max(max, value);
        if (sample != null) {
            if (count <= sample.length) {
                sample[(int) (count - 1)] = value;
            } else {
                long slot = Long.remainderUnsigned(nextRandom(), count);
                if (slot < sample.length) {
                    sample[(int) slot] = value;
                }
            }
        }
    }

    public String name() {
        return name;
    }

    public long count() {
        return count;
    }

    public long total() {
        return total;
    }

    /** 0 before the first value, as ZooKeeper shows it. */
    public long min() {
        return min;
    }

    public double avg() {
        return count == 0 ? 0 : (double) total / count;
    }

    public long max() {
        return max;
    }

    /** Starts again from nothing (ZooKeeper's srst and crst). */
    public void reset() {
        count = 0;
        total = 0;
        min = 0;
        max = 0;
    }

    /**
     * The value at {@code quantile} of the sample, interpolated between neighbours as the metrics library
     * behind ZooKeeper's summaries does ({@code UniformSnapshot#getValue}); 0 before the first value.
     */
    public double quantile(double quantile) {
        int n = (int) Math.min(count, sample == null ? 0 : sample.length);
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(sample, n);
        Arrays.sort(sorted);
        double position = quantile * (n + 1);
        if (position < 1) {
            return sorted[0];
        }
        if (position >= n) {
            return sorted[n - 1];
        }
        int index = (int) position;
        return sorted[index - 1] + (position - index) * (sorted[index] - sorted[index - 1]);
    }

    /** Puts the summary's mntr keys into {@code m}; {@code average} formats the average as mntr does. */
    public void monitor(Map<String, Object> m, DoubleFunction<String> average) {
        m.put("zk_avg_" + name, average.apply(avg()));
        m.put("zk_min_" + name, min);
        m.put("zk_max_" + name, max);
        m.put("zk_cnt_" + name, count);
        m.put("zk_sum_" + name, total);
        if (sample != null) {
            for (int i = 0; i < QUANTILES.length; i++) {
                m.put("zk_" + QUANTILE_KEYS[i] + name, Math.round(quantile(QUANTILES[i])));
            }
        }
    }

    // xorshift64*: enough to pick reservoir slots without a java.util.Random per summary.
    private long nextRandom() {
        random ^= random >>> 12;
        random ^= random << 25;
        random ^= random >>> 27;
        return random * 0x2545F4914F6CDD1DL;
    }
}
