package dev.corral.storage;

import dev.corral.tree.Znode;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a snapshot file on a thread of its own while the calling thread hands its nodes to a sink, so
 * that decoding the file and building the tree from it take the time of the longer of the two instead of
 * their sum (a restart with a million znodes spent about a quarter of its recovery decoding, the rest
 * building the tree).
 *
 * <p>The reader passes nodes over in batches through a short bounded queue, so at most a few batches are
 * in flight whatever the file's size. Every call of the sink is made on the calling thread, in the
 * file's order, as {@link SnapshotFile#read(Path, SnapshotFile.NodeSink)} would make them; a failure on
 * either side ends both (the reader is interrupted, which also closes its file) and reaches the caller.
 */
public final class OverlappedSnapshotRead {
    static final int BATCH_NODES = 2048;
    private static final int BATCHES_IN_FLIGHT = 4;

    /** Some nodes, or the end of the file: its header, or what stopped the read. */
    private record Batch(Znode[] nodes, int count, int expected, SnapshotFile.Header header, Throwable failure) {
        static Batch expecting(int nodeCount) {
            return new Batch(null, 0, nodeCount, null, null);
        }

        static Batch end(SnapshotFile.Header header, Throwable failure) {
            return new Batch(null, 0, -1, header, failure);
        }

        boolean isEnd() {
            return header != null || failure != null;
        }
    }

    private OverlappedSnapshotRead() {}

    /** {@link SnapshotFile#read(Path, SnapshotFile.NodeSink)}, with the file read on another thread. */
    public static SnapshotFile.Header read(Path file, SnapshotFile.NodeSink sink) throws StorageException {
        BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
        Thread reader = new Thread(() -> readInto(file, queue), "corral-snapshot-read");
        reader.setDaemon(true);
        reader.start();
        boolean finished = false;
        try {
            while (true) {
                Batch batch = queue.take();
                if (batch.isEnd()) {
                    finished = true;
                    if (batch.failure() instanceof StorageException storage) {
                        throw storage;
                    }
                    if (batch.failure() != null) {
                        throw new StorageException("cannot read snapshot " + file + ": " + batch.failure(), batch.failure());
                    }
                    return batch.header();
                }
                if (batch.expected() >= 0) {
                    sink.expect(batch.expected());
                }
                sink.nodes(batch.nodes(), batch.count());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while reading snapshot " + file, e);
        } finally {
            if (!finished) {
                reader.interrupt();
            }
        }
    }

    /** The reader thread: the whole file into batches, then its end; stops when interrupted. */
    private static void readInto(Path file, BlockingQueue<Batch> queue) {
        Batching batching = new Batching(queue);
        SnapshotFile.Header header = null;
        Throwable failure = null;
        try {
            header = SnapshotFile.read(file, batching);
            batching.flush();
        } catch (StorageException | RuntimeException | Error e) {
            // A snapshot read wraps what its sink throws; Stopped, bare or wrapped, means the caller has gone
            // and nobody waits for the end.
            if (e instanceof Stopped || e.getCause() instanceof Stopped) {
                return;
            }
            failure = e;
        }
        try {
            queue.put(Batch.end(header, failure));
        } catch (InterruptedException e) {
            // the caller has gone
        }
    }

    /** Thrown on the reader thread when it is interrupted while the queue is full: the caller gave up. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    /** Collects the reader's nodes into batches and puts each full one on the queue. */
    private static final class Batching implements SnapshotFile.NodeSink {
        private final BlockingQueue<Batch> queue;
        private Znode[] nodes = new Znode[BATCH_NODES];
        private int count;

        Batching(BlockingQueue<Batch> queue) {
            this.queue = queue;
        }

        @Override
        public void expect(int nodeCount) {
            put(Batch.expecting(nodeCount));
        }

        @Override
        public void node(Znode node) {
            nodes[count] = node;
            if (++count == BATCH_NODES) {
                flush();
            }
        }

        void flush() {
            if (count > 0) {
                put(new Batch(nodes, count, -1, null, null));
                nodes = new Znode[BATCH_NODES];
                count = 0;
            }
        }

        private void put(Batch batch) {
            try {
                queue.put(batch);
            } catch (InterruptedException e) {
                throw new Stopped();
            }
        }
    }
}
