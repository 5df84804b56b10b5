package dev.corral.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last hour of the server's own counters, for the console's charts: a sample every
 * {@link #INTERVAL_MS} turned into rates and averages over the interval before it. It takes counter
 * readings and keeps numbers; the server's clock and loop call {@link #record}.
 *
 * <p>Invariant: at most {@link #SAMPLES_MAX} samples, oldest first.
 */
final class ConsoleHistory {
    static final long INTERVAL_MS = 10_000;
    static final int SAMPLES_MAX = (int) (3_600_000 / INTERVAL_MS);

    /** Cumulative counters read at one moment, and the gauges of that moment. */
    record Reading(long atMs, long requests, long latencyCount, long latencyTotalMs, long fsyncCount, long fsyncTotalMicros,
            int outstanding, int znodes, int connections) {}

    /** One point of the charts: what happened since the reading before it. */
    record Sample(long atMs, double requestsPerSecond, double latencyAvgMs, double fsyncAvgMs, int outstanding, int znodes,
            int connections) {}

    private final Deque<Sample> samples = new ArrayDeque<>();
    private Reading last;

    /** Adds the sample since the previous reading (the first reading only sets the baseline). */
    synchronized void record(Reading reading) {
        if (last != null && reading.atMs() > last.atMs()) {
            double seconds = (reading.atMs() - last.atMs()) / 1000.0;
            long latencyCount = reading.latencyCount() - last.latencyCount();
            long fsyncs = reading.fsyncCount() - last.fsyncCount();
            samples.addLast(new Sample(reading.atMs(), (reading.requests() - last.requests()) / seconds,
                    latencyCount <= 0 ? 0 : (double) (reading.latencyTotalMs() - last.latencyTotalMs()) / latencyCount,
                    fsyncs <= 0 ? 0 : (reading.fsyncTotalMicros() - last.fsyncTotalMicros()) / 1000.0 / fsyncs,
                    reading.outstanding(), reading.znodes(), reading.connections()));
            while (samples.size() > SAMPLES_MAX) {
                samples.removeFirst();
            }
        }
        last = reading;
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
        for (Sample s : samples) {
            at.add(s.atMs());
            rate.add(s.requestsPerSecond());
            latency.add(s.latencyAvgMs());
            fsync.add(s.fsyncAvgMs());
            outstanding.add(s.outstanding());
            znodes.add(s.znodes());
            connections.add(s.connections());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intervalMs", INTERVAL_MS);
        m.put("at", at);
        m.put("requestsPerSecond", rate);
        m.put("latencyAvgMs", latency);
        m.put("fsyncAvgMs", fsync);
        m.put("outstanding", outstanding);
        m.put("znodes", znodes);
        m.put("connections", connections);
        return m;
    }
}
