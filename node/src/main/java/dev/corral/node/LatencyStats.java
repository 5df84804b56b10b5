package dev.corral.node;

/**
 * Request latency in milliseconds of the node's event clock, as ZooKeeper's {@code ServerStats} keeps
 * it for srvr, stat, cons and mntr: minimum, average and maximum since the last reset, and the total.
 */
public final class LatencyStats {
    private long count;
    private long totalMs;
    private long minMs = Long.MAX_VALUE;
    private long maxMs;

    void record(long latencyMs) {
        long latency = Math.max(0, latencyMs);
        count++;
        totalMs += latency;
        minMs = Math.min(minMs, latency);
        maxMs = Math.max(maxMs, latency);
    }

    void reset() {
        count = 0;
        totalMs = 0;
        minMs = Long.MAX_VALUE;
        maxMs = 0;
    }

    public long count() {
        return count;
    }

    public long totalMs() {
        return totalMs;
    }

    /** 0 before the first request, as ZooKeeper shows it. */
    public long minMs() {
        return count == 0 ? 0 : minMs;
    }

    public double avgMs() {
        return count == 0 ? 0 : (double) totalMs / count;
    }

    public long maxMs() {
        return maxMs;
    }
}
