package dev.corral.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Figures the shell measures with the wall clock, outside the Node: fsync time and batch size of the
 * disk worker, snapshot time, and bytes in and out of the client port. Written from their own threads,
 * read by the scrape.
 */
final class ServerMetrics {
    final AtomicLong fsyncCount = new AtomicLong();
    final AtomicLong fsyncTotalMicros = new AtomicLong();
    final AtomicLong fsyncMaxMicros = new AtomicLong();
    final AtomicLong fsyncBatchTxns = new AtomicLong();
    final AtomicLong snapshotCount = new AtomicLong();
    final AtomicLong snapshotTotalMillis = new AtomicLong();
    // The admin restore command's, under ZooKeeper 3.9.5's names (ServerMetrics RESTORE_*).
    final AtomicLong restoreCount = new AtomicLong();
    final AtomicLong restoreTotalMillis = new AtomicLong();
    final AtomicLong restoreErrors = new AtomicLong();
    final AtomicLong restoreRateLimited = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong readPauses = new AtomicLong();
    final AtomicLong requestsPauses = new AtomicLong();
    final AtomicLong outgoingPauses = new AtomicLong();
    final AtomicLong outgoingBytesCloses = new AtomicLong();
    final AtomicLong handshakeTimeouts = new AtomicLong();
    final AtomicLong acceptFailures = new AtomicLong();
    // fsync times in microseconds since the console's last sample; recorded by the disk worker, taken by the
    // node loop, so guarded by its own monitor (one uncontended lock per fsync, which takes far longer).
    private final dev.corral.node.IntervalHistogram fsyncInterval = new dev.corral.node.IntervalHistogram();

    void fsync(long micros, int txns) {
        fsyncCount.incrementAndGet();
        fsyncTotalMicros.addAndGet(micros);
        fsyncMaxMicros.accumulateAndGet(micros, Math::max);
        fsyncBatchTxns.addAndGet(txns);
        synchronized (fsyncInterval) {
            fsyncInterval.record(micros);
        }
    }

    /** Percentiles of the fsync times in microseconds since the last call, which starts the next interval. */
    dev.corral.node.IntervalHistogram.Percentiles takeFsyncInterval() {
        synchronized (fsyncInterval) {
            return fsyncInterval.takeInterval();
        }
    }

    void snapshot(long millis) {
        snapshotCount.incrementAndGet();
        snapshotTotalMillis.addAndGet(millis);
    }

    void restore(long millis) {
        restoreCount.incrementAndGet();
        restoreTotalMillis.addAndGet(millis);
    }

    void write(PrometheusText text) {
        text.header("fsync_time_seconds", "summary", "Time of each log fsync, which covers a batch of txns (group commit)");
        text.sample("fsync_time_seconds_sum", fsyncTotalMicros.get() / 1e6);
        text.sample("fsync_time_seconds_count", fsyncCount.get());
        text.gauge("fsync_time_seconds_max", "Longest log fsync so far", fsyncMaxMicros.get() / 1e6);
        text.counter("fsync_batch_txns_total", "Txns made durable, summed over fsyncs (divide by the fsync count for the batch size)",
                fsyncBatchTxns.get());
        text.header("snapshot_time_seconds", "summary", "Time to write a snapshot");
        text.sample("snapshot_time_seconds_sum", snapshotTotalMillis.get() / 1e3);
        text.sample("snapshot_time_seconds_count", snapshotCount.get());
        text.header("restore_time", "summary", "Milliseconds each admin restore took, upload checked to state served (ZooKeeper's name)");
        text.sample("restore_time_sum", restoreTotalMillis.get());
        text.sample("restore_time_count", restoreCount.get());
        text.counter("restore_error_count", "Admin restores refused for their snapshot or failed (ZooKeeper's name)", restoreErrors.get());
        text.counter("restore_rate_limited_count", "Admin restores refused by the rate limit (ZooKeeper's name)", restoreRateLimited.get());
        text.counter("client_bytes_received_total", "Bytes received on the client port", bytesReceived.get());
        text.counter("client_bytes_sent_total", "Bytes sent on the client port", bytesSent.get());
        text.counter("client_read_pauses_total", "Times a connection stopped being read because more requests than"
                + " globalOutstandingLimit were outstanding", readPauses.get());
        text.counter("client_request_pauses_total", "Times a connection stopped being read because more of its own requests"
                + " than connection.requestsMax were in flight", requestsPauses.get());
        text.counter("client_outgoing_pauses_total", "Times a connection stopped being read because more reply bytes than"
                + " connection.outgoingBytesHigh were queued for it", outgoingPauses.get());
        text.counter("client_outgoing_closes_total", "Connections closed because more reply bytes than"
                + " connection.outgoingBytesMax were queued for them", outgoingBytesCloses.get());
        text.counter("client_handshake_timeouts_total", "Connections closed because no connect request came within"
                + " zookeeper.nio.sessionlessCnxnTimeout", handshakeTimeouts.get());
        text.counter("client_accept_failures_total", "Failed accepts on the client port (EMFILE: out of file descriptors)",
                acceptFailures.get());
    }
}
