package dev.corral.server;

import dev.corral.storage.EpochFiles;
import dev.corral.storage.SnapshotInstall;
import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.TreeSnapshot;
import dev.corral.zab.Output;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the data directory for the consensus core: log appends, truncations, the
 * epoch files and snapshots received from a leader, in the order the Peer asked for them. It takes every
 * change queued since its last fsync, appends the txns among them, covers them with one fsync (group
 * commit), and only then reports the highest change number done, so the Node acknowledges nothing that
 * is not durable. An epoch file or a snapshot install is written only after the txns queued before it are
 * synced: a currentEpoch on disk never promises txns the log lacks (ZOOKEEPER-4643). A failed write or
 * fsync is fatal: the server stops rather than acknowledge a write it could not make durable, as
 * ZooKeeper's SyncRequestProcessor does.
 *
 * <p>Bounded: at most {@link #QUEUE_MAX} changes wait; the node loop blocks beyond that, which pushes
 * back on clients instead of growing memory without limit.
 */
final class DiskWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskWorker.class);
    static final int QUEUE_MAX = 100_000;

    /** A change with the highest zxid known committed when it was asked for (a truncate or install never goes below it). */
    private record Change(Output.Persist persist, long committedZxid) {}

    private TxnLog log;
    private final Path epochDir;
    private final Path snapshotDir;
    // Where a learner writes the session secret it takes from its leader (the data directory).
    private final Path secretDir;
    private final LongConsumer onSynced;
    private final java.util.function.Consumer<RuntimeException> onFatal;
    /** Queued in order with the entries: the next entry starts a new log segment. */
    private static final Object ROLL = new Object();
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
    private final Thread thread;
    private volatile boolean running = true;

    private final ServerMetrics metrics;
    private final long slowFsyncMs;

    /**
     * {@code onSynced} gets the highest persist number that is durable; {@code slowFsyncMs}: an fsync at
     * least this long is logged (ZooKeeper's fsync.warningthresholdms). Epoch files go to {@code epochDir},
     * snapshots from a leader to {@code snapshotDir}, the session secret a leader shares to {@code secretDir}.
     */
    DiskWorker(TxnLog log, Path epochDir, Path snapshotDir, Path secretDir, LongConsumer onSynced, java.util.function.Consumer<RuntimeException> onFatal,
            ServerMetrics metrics, long slowFsyncMs) {
        this.log = log;
        this.epochDir = epochDir;
        this.snapshotDir = snapshotDir;
        this.secretDir = secretDir;
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

    /** Queues a change; called on the node loop, in the Peer's order. */
    void persist(Output.Persist persist, long committedZxid) {
        put(new Change(persist, committedZxid));
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

    /** Carries out the changes in order; returns the highest persist number among them, or 0. */
    private long write(List<Object> items) throws StorageException {
        long seq = 0;
        for (Object item : items) {
            if (item == ROLL) {
                log.rollAtNextAppend();
                continue;
            }
            Change change = (Change) item;
            Output.Persist persist = change.persist();
            if (persist instanceof Output.Append append) {
                log.append(append.entry().zxid(), append.entry().txn());
            } else if (persist instanceof Output.Truncate truncate) {
                log.truncateAfter(truncate.zxid(), change.committedZxid());
            } else if (persist instanceof Output.WriteAcceptedEpoch accepted) {
                log.sync();
                EpochFiles.writeAcceptedEpoch(epochDir, accepted.epoch());
            } else if (persist instanceof Output.WriteCurrentEpoch current) {
                log.sync();
                EpochFiles.writeCurrentEpoch(epochDir, current.epoch());
            } else if (persist instanceof Output.InstallSnapshot install) {
                log = SnapshotInstall.install(log, snapshotDir, (TreeSnapshot) install.snapshot().image(), change.committedZxid());
            } else if (persist instanceof Output.WriteSharedSecret shared) {
                try {
                    SessionSecretFile.adopt(secretDir, shared.secret().value());
                } catch (java.io.IOException | IllegalArgumentException e) {
                    throw new StorageException("could not write the leader's session secret to " + secretDir + ": " + e.getMessage(), e);
                }
            }
            seq = persist.seq();
        }
        return seq;
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
                long seq = write(batch);
                long start = System.nanoTime();
                log.sync();
                long tookMicros = (System.nanoTime() - start) / 1_000;
                long tookMs = tookMicros / 1_000;
                metrics.fsync(tookMicros, batch.size());
                if (tookMs >= slowFsyncMs) {
                    LOG.warn("fsync of the log took {} ms for {} txns; consider a dedicated log device (dataLogDir)", tookMs, batch.size());
                }
                batch.clear();
                if (seq > 0) {
                    onSynced.accept(seq);
                }
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

    /**
     * Stops after writing and syncing what is queued. If the worker is still writing after the wait (a long
     * batch on a slow disk), nothing more is written here: two writers on one log would interleave their
     * appends (seen at the shutdown of a learner in the middle of a 110,000-txn DIFF: "append ... would
     * leave a gap"); what was not synced is lost as in a crash, which recovery handles.
     */
    @Override
    public void close() throws StorageException {
        // No interrupt: interrupting a thread inside FileChannel I/O closes the channel. The worker polls.
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The log writer is still busy after 5 s; stopping without writing the {} changes queued behind it", queue.size());
            return;
        }
        List<Object> rest = new ArrayList<>();
        queue.drainTo(rest);
        write(rest);
        log.sync();
        log.close();
    }
}
