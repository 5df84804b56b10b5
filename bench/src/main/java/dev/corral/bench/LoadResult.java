package dev.corral.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The figures of one measured load run against one server, as written to the JSON lines file and the
 * console. Latencies are in microseconds; CPU per operation is the server process's user + system time
 * over the window divided by the operations completed in it; {@code serverJitCpuUsPerOp} is the part of it the
 * server JVM's JIT compiler threads spent ({@link Window#serverJitCpuNanos}), NaN where unknown.
 *
 * <p>{@code tls} is what every session of a {@code tls-} run negotiated (e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384",
 * checked on both ends by {@link BenchTls#verify}); null for a run over plain TCP and for a failed run.
 *
 * <p>{@code unanswered} counts requests still without a reply {@code DRAIN_MS} after the run stopped;
 * with {@code stalls} and {@code errors} it is what a healthy server keeps at zero.
 */
record LoadResult(
        String server,
        int rep,
        String spec,
        String generator,
        String workload,
        String description,
        long ops,
        long errors,
        long stalls,
        long unanswered,
        double seconds,
        double opsPerSecond,
        double p50Us,
        double p99Us,
        double p999Us,
        double maxUs,
        double meanUs,
        double serverCpuUsPerOp,
        double serverJitCpuUsPerOp,
        double clientCpuCores,
        double loadAverage,
        String firstError,
        String tls) {

    static LoadResult of(String server, int rep, LoadSpec spec, Window window, long stalls, long unanswered,
            String firstError, String tls) {
        Histogram latency = window.latencyNanos();
        double seconds = window.elapsedNanos() / 1e9;
        boolean measured = latency.getTotalCount() > 0;
        return new LoadResult(server, rep, spec.label(), spec.generator().name().toLowerCase(Locale.ROOT),
                spec.workload().label(), spec.describe(), window.ops(), window.errors(), stalls, unanswered, seconds,
                window.ops() / seconds,
                measured ? latency.getValueAtPercentile(50) / 1e3 : Double.NaN,
                measured ? latency.getValueAtPercentile(99) / 1e3 : Double.NaN,
                measured ? latency.getValueAtPercentile(99.9) / 1e3 : Double.NaN,
                measured ? latency.getMaxValue() / 1e3 : Double.NaN,
                measured ? latency.getMean() / 1e3 : Double.NaN,
                perOpUs(window.serverCpuNanos(), window.ops()), perOpUs(window.serverJitCpuNanos(), window.ops()),
                window.clientCpuNanos() < 0 ? Double.NaN : window.clientCpuNanos() / (double) window.elapsedNanos(),
                window.loadAverageStart(), firstError, tls);
    }

    /** A run that measured nothing because it failed before or during its window. */
    static LoadResult failed(String server, int rep, LoadSpec spec, String failure) {
        return new LoadResult(server, rep, spec.label(), spec.generator().name().toLowerCase(Locale.ROOT),
                spec.workload().label(), spec.describe(), 0, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, ProcessStats.loadAverage(), failure, null);
    }

    private static double perOpUs(long nanos, long ops) {
        return nanos < 0 || ops == 0 ? Double.NaN : nanos / 1e3 / ops;
    }

    /** True when the run measured something and nothing went wrong. */
    boolean clean() {
        return ops > 0 && errors == 0 && stalls == 0 && unanswered == 0;
    }

    String toJson() {
        return new Json()
                .field("server", server).field("rep", rep).field("spec", spec).field("generator", generator)
                .field("workload", workload).field("description", description)
                .field("ops", ops).field("errors", errors).field("stalls", stalls).field("unanswered", unanswered)
                .field("seconds", seconds).field("opsPerSecond", opsPerSecond)
                .field("p50Us", p50Us).field("p99Us", p99Us).field("p999Us", p999Us).field("maxUs", maxUs)
                .field("meanUs", meanUs).field("serverCpuUsPerOp", serverCpuUsPerOp)
                .field("serverJitCpuUsPerOp", serverJitCpuUsPerOp)
                .field("clientCpuCores", clientCpuCores).field("loadAverage", loadAverage)
                .field("firstError", firstError).field("tls", tls)
                .toString();
    }

    String toHuman() {
        String text = String.format(Locale.ROOT,
                "%-9s #%d %-28s %9.0f ops/s  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %8.3f ms"
                        + "  server CPU %6.1f us/op (JIT %.1f)  client CPU %.2f cores  load %.2f",
                server, rep, spec, opsPerSecond, p50Us / 1e3, p99Us / 1e3, p999Us / 1e3, maxUs / 1e3,
                serverCpuUsPerOp, serverJitCpuUsPerOp, clientCpuCores, loadAverage);
        if (tls != null) {
            text += "  over " + tls;
        }
        if (!clean()) {
            text += String.format(Locale.ROOT, "  PROBLEM: %d errors, %d stalls, %d unanswered; first: %s",
                    errors, stalls, unanswered, firstError);
        }
        return text;
    }
}
