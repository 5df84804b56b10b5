package dev.corral.node;

/**
 * One client connection as the cons four-letter word and the connections admin command show it
 * (ZooKeeper's {@code ServerCnxn#dumpConnectionInfo}). Times are event-clock milliseconds.
 */
public record ConnectionView(
        long connectionId,
        String remoteAddress,
        int queued,
        long received,
        long sent,
        long sessionId,
        int lastOpcode,
        long establishedMs,
        int timeoutMs,
        int lastCxid,
        long lastZxid,
        long lastResponseMs,
        long lastLatencyMs,
        long minLatencyMs,
        double avgLatencyMs,
        long maxLatencyMs) {}
