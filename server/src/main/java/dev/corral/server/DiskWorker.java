package dev.corral.server;

import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.TxnEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the log. It takes every entry queued since its last fsync, appends them
 * all, covers them with one fsync (group commit), and only then reports the synced zxid, so the Node
 * acknowledges nothing that is not durable. A failed write or fsync is fatal: the server stops rather
 * than acknowledge a write it could not make durable, as ZooKeeper's SyncRequestProcessor does.
 *
 * <p>Bounded: at most {@link #QUEUE_MAX} entries wait; the node loop blocks beyond that, which pushes
 * back on clients instead of growing memory without limit.
 */
final class DiskWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskWorker.class);
    static final int QUEUE_MAX = 100_000;

    private final TxnLog log;
    private final LongConsumer onSynced;
    private final java.util.function.Consumer<RuntimeException> onFatal;
    /** Queued in order with the entries: the next entry starts a new log segment. */
    private static final Object ROLL = new Object();
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
    private final Thread thread;
    private volatile boolean running = true;

    private final ServerMetrics metrics;
    private final long slowFsyncMs;

    /** {@code slowFsyncMs}: an fsync at least this long is logged (ZooKeeper's fsync.warningthresholdms). */
    DiskWorker(TxnLog log, LongConsumer onSynced, java.util.function.Consumer<RuntimeException> onFatal, ServerMetrics metrics,
            long slowFsyncMs) {
        this.log = log;
        this.slowFsyncMs = slowFsyncMs;
        this.metrics = metrics;
        this.onSynced = onSynced;
        this.onFatal = onFatal;
        this.thread = new Thread(this::run, "corral-disk");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues an entry for the log; called on the node loop, in zxid order. */
    void append(TxnEntry entry) {
        put(entry);
    }

    /** Makes the next queued entry start a new segment, as at a snapshot, so older ones can be purged. */
    void rollAtNextAppend() {
        put(ROLL);
    }

    private void put(Object item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing for the log", e);
        }
    }

    private void write(List<Object> items) throws StorageException {
        for (Object item : items) {
            if (item == ROLL) {
                log.rollAtNextAppend();
            } else {
                log.append((TxnEntry) item);
            }
        }
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        while (running) {
            try {
                Object first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                write(batch);
                long start = System.nanoTime();
                long synced = log.sync();
                long tookMicros = (System.nanoTime() - start) / 1_000;
                long tookMs = tookMicros / 1_000;
                metrics.fsync(tookMicros, batch.size());
                if (tookMs >= slowFsyncMs) {
                    LOG.warn("fsync of the log took {} ms for {} txns; consider a dedicated log device (dataLogDir)", tookMs, batch.size());
                }
                batch.clear();
                onSynced.accept(synced);
            } catch (StorageException e) {
                LOG.error("Cannot make the log durable; stopping so no write is acknowledged without it: {}", e.getMessage());
                running = false;
                onFatal.accept(new IllegalStateException(e.getMessage(), e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops after writing and syncing what is queued. */
    @Override
    public void close() throws StorageException {
        // No interrupt: interrupting a thread inside FileChannel I/O closes the channel. The worker polls.
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Object> rest = new ArrayList<>();
        queue.drainTo(rest);
        write(rest);
        log.close();
    }
}
