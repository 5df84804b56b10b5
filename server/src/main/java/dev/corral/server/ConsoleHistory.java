package dev.corral.server;

import dev.corral.node.IntervalHistogram.Percentiles;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last hour of the server's own counters, for the console's charts: a sample every
 * {@link #INTERVAL_MS} turned into rates and averages over the interval before it. It takes counter
 * readings and keeps numbers; the server's clock and loop call {@link #record}. Latency and fsync
 * percentiles come with each reading already limited to its interval (the server's interval histograms
 * start again at each reading), since percentiles, unlike sums and counts, cannot be subtracted.
 *
 * <p>Invariant: at most {@link #SAMPLES_MAX} samples, oldest first.
 */
final class ConsoleHistory {
    static final long INTERVAL_MS = 10_000;
    static final int SAMPLES_MAX = (int) (3_600_000 / INTERVAL_MS);

    /**
     * Cumulative counters read at one moment, the gauges of that moment, and the percentiles of request
     * latency (ms) and fsync time (µs) since the reading before.
     */
    record Reading(long atMs, long requests, long latencyCount, long latencyTotalMs, long fsyncCount, long fsyncTotalMicros,
            int outstanding, int znodes, int connections, Percentiles latencyMs, Percentiles fsyncMicros) {}

    /** One point of the charts: what happened since the reading before it. */
    record Sample(long atMs, double requestsPerSecond, double latencyAvgMs, double fsyncAvgMs, int outstanding, int znodes,
            int connections, Percentiles latencyMs, Percentiles fsyncMicros) {}

    // The percentile series, in the order of the values each sample adds to them.
    private static final List<String> PERCENTILE_KEYS = List.of("latencyP50Ms", "latencyP99Ms", "latencyP999Ms", "latencyMaxMs",
            "fsyncP50Ms", "fsyncP99Ms", "fsyncMaxMs");

    private final Deque<Sample> samples = new ArrayDeque<>();
    private Reading last;

    /**
     * Adds the sample since the previous reading and returns it; the first reading only sets the baseline
     * (null), as does one no later than the previous.
     */
    synchronized Sample record(Reading reading) {
        Sample sample = null;
        if (last != null && reading.atMs() > last.atMs()) {
            double seconds = (reading.atMs() - last.atMs()) / 1000.0;
            long latencyCount = reading.latencyCount() - last.latencyCount();
            long fsyncs = reading.fsyncCount() - last.fsyncCount();
            sample = new Sample(reading.atMs(), (reading.requests() - last.requests()) / seconds,
                    latencyCount <= 0 ? 0 : (double) (reading.latencyTotalMs() - last.latencyTotalMs()) / latencyCount,
                    fsyncs <= 0 ? 0 : (reading.fsyncTotalMicros() - last.fsyncTotalMicros()) / 1000.0 / fsyncs,
                    reading.outstanding(), reading.znodes(), reading.connections(), reading.latencyMs(), reading.fsyncMicros());
            samples.addLast(sample);
            while (samples.size() > SAMPLES_MAX) {
                samples.removeFirst();
            }
        }
        last = reading;
        return sample;
    }

    /** The newest sample, or null before the second reading. */
    synchronized Sample latest() {
        return samples.peekLast();
    }

    /** The samples as the browser draws them: one list per series, oldest first. */
    synchronized Map<String, Object> samples() {
        List<Long> at = new ArrayList<>();
        List<Double> rate = new ArrayList<>();
        List<Double> latency = new ArrayList<>();
        List<Double> fsync = new ArrayList<>();
        List<Integer> outstanding = new ArrayList<>();
        List<Integer> znodes = new ArrayList<>();
        List<Integer> connections = new ArrayList<>();
        Map<String, List<Number>> percentiles = new LinkedHashMap<>();
        for (String key : PERCENTILE_KEYS) {
            percentiles.put(key, new ArrayList<>());
        }
        for (Sample s : samples) {
            at.add(s.atMs());
            rate.add(s.requestsPerSecond());
            latency.add(s.latencyAvgMs());
            fsync.add(s.fsyncAvgMs());
            outstanding.add(s.outstanding());
            znodes.add(s.znodes());
            connections.add(s.connections());
            Percentiles l = s.latencyMs();
            Percentiles f = s.fsyncMicros();
            List<Number> values = List.of(l.p50(), l.p99(), l.p999(), l.max(), f.p50() / 1000.0, f.p99() / 1000.0, f.max() / 1000.0);
            for (int i = 0; i < PERCENTILE_KEYS.size(); i++) {
                percentiles.get(PERCENTILE_KEYS.get(i)).add(values.get(i));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intervalMs", INTERVAL_MS);
        m.put("at", at);
        m.put("requestsPerSecond", rate);
        m.put("latencyAvgMs", latency);
        m.put("fsyncAvgMs", fsync);
        m.putAll(percentiles);
        m.put("outstanding", outstanding);
        m.put("znodes", znodes);
        m.put("connections", connections);
        return m;
    }
}
