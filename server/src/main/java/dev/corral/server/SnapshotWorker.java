package dev.corral.server;

import dev.corral.storage.SnapshotFile;
import dev.corral.storage.StorageException;
import dev.corral.tree.TreeSnapshot;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots on its own thread while the node loop goes on serving. One at a time: a snapshot due
 * while another is still being written is skipped, as ZooKeeper skips it ("Too busy to snap"). A failed
 * snapshot is logged and costs only a longer recovery; the log still holds every txn.
 */
final class SnapshotWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWorker.class);

    private final Path dir;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "corral-snapshot");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean busy = new AtomicBoolean();

    private final ServerMetrics metrics;

    SnapshotWorker(Path dir, ServerMetrics metrics) {
        this.dir = dir;
        this.metrics = metrics;
    }

    /** Starts writing {@code snapshot} unless one is being written; returns whether it started. */
    boolean submit(TreeSnapshot snapshot) {
        if (!busy.compareAndSet(false, true)) {
            LOG.warn("Too busy to snapshot at zxid 0x{}: the previous snapshot is still being written", Long.toHexString(snapshot.zxid()));
            return false;
        }
        executor.execute(() -> {
            long start = System.nanoTime();
            try {
                Path file = SnapshotFile.write(dir, snapshot);
                metrics.snapshot((System.nanoTime() - start) / 1_000_000);
                LOG.info("Wrote snapshot {} ({} znodes, {} sessions) in {} ms", file, snapshot.nodeCount(),
                        snapshot.sessions().size(), (System.nanoTime() - start) / 1_000_000);
            } catch (StorageException e) {
                LOG.error("Snapshot at zxid 0x{} failed; the log still holds every txn: {}", Long.toHexString(snapshot.zxid()),
                        e.getMessage());
            } finally {
                busy.set(false);
            }
        });
        return true;
    }

    /**
     * Writes {@code snapshot} now, after any snapshot being written (one thread writes them all, so two never
     * write the same file), and returns its file: the admin snapshot command's. Bounded by {@code boundS}.
     */
    Path writeNow(TreeSnapshot snapshot, long boundS) throws Exception {
        return executor.submit(() -> SnapshotFile.write(dir, snapshot)).get(boundS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
