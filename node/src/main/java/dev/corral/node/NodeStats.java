package dev.corral.node;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's counters for the four-letter words and the admin and metrics endpoints (ZooKeeper's
 * {@code ServerStats}): frames received and sent, the latency of answered requests overall and per
 * opcode, and the view of each connection that cons shows. It only counts: no decision of the Node
 * reads it.
 *
 * <p>Invariant: {@code latencyByOpcode} is never reset, so its counts only grow; srst resets the
 * server's other counters and crst each connection's, independently, as in ZooKeeper.
 */
final class NodeStats {
    private long framesReceived;
    private long framesSent;
    private final LatencySummary latency = LatencySummary.basic("latency");
    // Never reset: Prometheus counters only grow.
    private final Map<Integer, LatencySummary> latencyByOpcode = new TreeMap<>();
    // The console's charts take it every sampling interval; srst leaves it alone.
    private final IntervalHistogram latencyInterval = new IntervalHistogram();

    long framesReceived() {
        return framesReceived;
    }

    long framesSent() {
        return framesSent;
    }

    LatencySummary latency() {
        return latency;
    }

    IntervalHistogram latencyInterval() {
        return latencyInterval;
    }

    Map<Integer, LatencySummary> latencyByOpcode() {
        return Collections.unmodifiableMap(latencyByOpcode);
    }

    void frameReceived(ClientConnection connection) {
        connection.stats.framesReceived++;
        framesReceived++;
    }

    void frameSent(ClientConnection connection) {
        connection.stats.framesSent++;
        framesSent++;
    }

    /** Records a reply's latency for the connection and the server (srvr, cons, mntr). */
    void answered(ClientConnection connection, PendingRequest request, long nowMs, long lastZxid) {
        long latencyMs = nowMs - request.receivedMs;
        latency.add(latencyMs);
        latencyInterval.record(latencyMs);
        // Clamped, not dropped: these counts are also requests_total, which must count every answered request.
        latencyByOpcode.computeIfAbsent(request.type, type -> LatencySummary.basic("latency")).add(Math.max(0, latencyMs));
        connection.stats.answered(request, latencyMs, nowMs, lastZxid);
    }

    /** ZooKeeper's srst: server latency and packet counts start again. */
    void reset() {
        latency.reset();
        framesReceived = 0;
        framesSent = 0;
    }

    /** ZooKeeper's crst: every connection's counters start again. */
    static void resetConnections(Collection<ClientConnection> connections) {
        for (ClientConnection connection : connections) {
            connection.stats.reset();
        }
    }

    /** What cons shows of each open connection, in connection order. */
    static List<ConnectionView> views(Collection<ClientConnection> connections, Sessions sessions) {
        List<ConnectionView> views = new ArrayList<>();
        for (ClientConnection c : connections) {
            Session session = sessions.get(c.sessionId);
            int queued = 0;
            if (session != null) {
                for (PendingRequest request : session.queue) {
                    queued += request.connectionId == c.connectionId ? 1 : 0;
                }
            }
            ConnectionStats s = c.stats;
            views.add(new ConnectionView(c.connectionId, c.remoteAddress, queued, s.framesReceived, s.framesSent,
                    c.sessionId, s.lastOpcode, s.openedMs, session == null ? 0 : session.timeoutMs, s.lastCxid,
                    s.lastZxid, s.lastResponseMs, s.lastLatencyMs, s.latency.min(), s.latency.avg(),
                    s.latency.max()));
        }
        views.sort(Comparator.comparingLong(ConnectionView::connectionId));
        return views;
    }
}
