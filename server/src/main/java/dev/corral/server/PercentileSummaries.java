package dev.corral.server;

import dev.corral.node.IntervalHistogram.Percentiles;

/**
 * The request latency and fsync percentiles the console's charts show, in the Prometheus scrape as summaries
 * with quantile labels: those of the last sampling interval ({@link ConsoleHistory#INTERVAL_MS}), the same
 * numbers as the charts' last point, with the cumulative {@code _sum} and {@code _count} beside them.
 *
 * <p>Names. fsync time is ZooKeeper 3.9.5's {@code fsynctime} (ServerMetrics#FSYNC_TIME, FileTxnLog's time of
 * each fsync, in milliseconds), so its dashboards and alerts (zookeeperMonitor.md: {@code rate(fsynctime_sum[1m])})
 * read Corral's too. ZooKeeper has no summary of the latency of every request: it splits it into
 * {@code readlatency} and {@code updatelatency}; the charts' figure is all requests, so it is named in the same
 * style, {@code requestlatency}, in milliseconds, rather than passed off as one of those.
 *
 * <p>Window. ZooKeeper's Prometheus provider gives the quantiles of a sliding ten-minute window (the Prometheus
 * client's Summary defaults: maxAgeSeconds 600, five age buckets), with quantiles 0.5 (fsynctime) and 0.5, 0.9,
 * 0.99 (its advanced summaries). Here the window is the last interval and the quantiles are those the console
 * keeps, 0.5, 0.9, 0.99 and 0.999, and 1 for the largest value; an interval with no value gives NaN, as the
 * Prometheus client does for an empty window.
 */
final class PercentileSummaries {
    private PercentileSummaries() {}

    /** Cumulative totals for the summaries' _sum and _count, which must only grow. */
    record Totals(long requests, long requestsTotalMs, long fsyncs, long fsyncTotalMicros) {}

    /** Writes both summaries from {@code last}, the last interval's sample (null before the first one). */
    static void write(PrometheusText text, ConsoleHistory.Sample last, Totals totals) {
        Percentiles latency = last == null ? Percentiles.NONE : last.latencyMs();
        Percentiles fsync = last == null ? Percentiles.NONE : last.fsyncMicros();
        summary(text, "requestlatency", "Latency of every answered request in ms; quantiles of the last " + seconds()
                + " s interval (ZooKeeper splits it into readlatency and updatelatency)", latency, 1, totals.requestsTotalMs(),
                totals.requests());
        summary(text, "fsynctime", "Time of each log fsync in ms (ZooKeeper's fsynctime); quantiles of the last " + seconds()
                + " s interval", fsync, 1000, totals.fsyncTotalMicros() / 1000.0, totals.fsyncs());
    }

    private static long seconds() {
        return ConsoleHistory.INTERVAL_MS / 1000;
    }

    /** One summary of values recorded in units of 1/{@code perMs} ms. */
    private static void summary(PrometheusText text, String name, String help, Percentiles p, double perMs, double sumMs, long count) {
        text.header(name, "summary", help);
        long[] values = {p.p50(), p.p90(), p.p99(), p.p999(), p.max()};
        String[] quantiles = {"0.5", "0.9", "0.99", "0.999", "1"};
        for (int i = 0; i < values.length; i++) {
            text.sample(name, p.count() == 0 ? Double.NaN : values[i] / perMs, "quantile", quantiles[i]);
        }
        text.sample(name + "_sum", sumMs);
        text.sample(name + "_count", count);
    }
}
