package dev.corral.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One I/O thread of a {@link NioClientPort}: its selector over its connections, the tasks other threads hand
 * it, and its timers. Its read buffer and gathering array are shared by its connections between their reads
 * and writes, on this thread only.
 */
final class NioLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(NioLoop.class);
    /** The read buffer, shared by the loop's connections: a read takes up to this many bytes. */
    static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Buffers one gathering write takes at most (replies of one or more queued writes). */
    static final int GATHER_MAX = 64;

    /** What a selection key of the loop is attached to: a connection. */
    interface Attachment {
        /** The channel is ready for what the key's interest set says; on the loop. */
        void onReady(SelectionKey key);

        /** The loop ends: the connection closes; a failure to is logged, not thrown. */
        void closeGuarded();
    }

    /** A task for an I/O thread at a time; {@link #cancel} from that thread. */
    static final class Timer implements Comparable<Timer> {
        private final long deadlineNanos;
        // Null once cancelled: a cancelled timer stays queued until it reaches the head, holding nothing.
        private Runnable task;

        private Timer(long deadlineNanos, Runnable task) {
            this.deadlineNanos = deadlineNanos;
            this.task = task;
        }

        void cancel() {
            task = null;
        }

        boolean cancelled() {
            return task == null;
        }

        @Override
        public int compareTo(Timer other) {
            return Long.compare(deadlineNanos, other.deadlineNanos);
        }
    }

    final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    // Set by a thread that woke the selector, cleared by the loop before it runs the tasks: one wakeup per batch.
    private final AtomicBoolean woken = new AtomicBoolean();
    // The loop thread's own.
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    // The loop thread's own, shared by its connections between their reads and writes.
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    final ByteBuffer[] gather = new ByteBuffer[GATHER_MAX];
    final Thread thread;
    private volatile boolean stopping;
    // Set once the loop no longer runs tasks: execute then runs them itself.
    private volatile boolean ended;

    NioLoop(String name) throws IOException {
        selector = Selector.open();
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    void execute(Runnable task) {
        tasks.add(task);
        if (ended) {
            // The loop has ended (the port closed, or an Error it could not outlive): run it here, one at a time.
            synchronized (this) {
                runQueuedTasks();
            }
        } else if (!inLoop() && woken.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    private void runQueuedTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            runGuarded(task);
        }
    }

    Timer schedule(Runnable task, long delayMs) {
        Timer timer = new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs), task);
        timers.add(timer);
        return timer;
    }

    /** Whether the loop is ending or has ended: a connection registered now would never be served. */
    boolean stopping() {
        return stopping;
    }

    void shutdown() {
        stopping = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    runOnce();
                } catch (IOException | RuntimeException | Error e) {
                    // A bug or a failing selector: the loop goes on, as its connections and the port need it.
                    LOG.error("Client I/O thread {} failed; it goes on", thread.getName(), e);
                    pauseAfterFailure();
                }
            }
        } finally {
            stopping = true;
            for (SelectionKey key : selector.keys()) {
                ((Attachment) key.attachment()).closeGuarded();
            }
            synchronized (this) {
                ended = true;
                runQueuedTasks();
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("Closing the selector of {} failed: {}", thread.getName(), e.toString());
            }
        }
    }

    private void runOnce() throws IOException {
        select();
        woken.set(false);
        for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext();) {
            SelectionKey key = keys.next();
            keys.remove();
            ((Attachment) key.attachment()).onReady(key);
        }
        runQueuedTasks();
        runDueTimers();
    }

    private void pauseAfterFailure() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private void select() throws IOException {
        if (!tasks.isEmpty()) {
            selector.selectNow();
            return;
        }
        while (!timers.isEmpty() && timers.peek().cancelled()) {
            timers.poll();
        }
        Timer first = timers.peek();
        if (first == null) {
            selector.select();
        } else {
            long waitNanos = first.deadlineNanos - System.nanoTime();
            if (waitNanos <= 0) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
            }
        }
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && (timers.peek().cancelled() || timers.peek().deadlineNanos - now <= 0)) {
            Timer due = timers.poll();
            if (!due.cancelled()) {
                runGuarded(due.task);
            }
        }
    }

    private void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("A task on client I/O thread {} failed", thread.getName(), e);
        }
    }
}
