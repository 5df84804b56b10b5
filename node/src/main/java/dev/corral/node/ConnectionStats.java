package dev.corral.node;

/**
 * What cons shows of one connection (ZooKeeper's {@code ServerCnxn} stats): frames each way, the last
 * request answered and its latency. Times are event-clock milliseconds. Crst resets everything but the
 * time the connection opened.
 */
final class ConnectionStats {
    final long openedMs;
    long framesReceived;
    long framesSent;
    // -1 until a request is answered, as ZooKeeper shows no last operation then.
    int lastOpcode = -1;
    int lastCxid;
    long lastZxid;
    long lastResponseMs;
    long lastLatencyMs;
    final LatencySummary latency = LatencySummary.basic("latency");

    ConnectionStats(long openedMs) {
        this.openedMs = openedMs;
    }

    void answered(PendingRequest request, long latencyMs, long nowMs, long lastZxid) {
        latency.add(latencyMs);
        lastLatencyMs = latencyMs;
        lastResponseMs = nowMs;
        lastOpcode = request.type;
        lastCxid = request.xid;
        this.lastZxid = lastZxid;
    }

    void reset() {
        latency.reset();
        framesReceived = 0;
        framesSent = 0;
        lastOpcode = -1;
        lastCxid = 0;
        lastZxid = 0;
        lastResponseMs = 0;
        lastLatencyMs = 0;
    }
}
