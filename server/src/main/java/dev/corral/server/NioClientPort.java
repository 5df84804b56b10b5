package dev.corral.server;

import io.netty.util.NetUtil;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain client port on {@code java.nio}, as ZooKeeper's default {@code NIOServerCnxnFactory} serves its
 * clients: one thread accepts, a few I/O threads each run a selector over their connections, splitting
 * the bytes into frames as {@link ClientFrameDecoder} does and writing what other threads queued. It is
 * the leaner twin of the Netty client port: on a fresh server, compiling Netty's pipeline is most of
 * what session churn costs Corral beyond ZooKeeper (README, issue 16), and ZooKeeper served through its
 * own Netty factory costs more still.
 *
 * <p>It is the server's plain client port ({@link CorralServer}) and the warm-up's scratch port
 * ({@link ScratchShell}); the TLS port, and a plain port that also takes TLS (client.portUnification),
 * stay on Netty.
 *
 * <p>Threads: a {@link Listener}'s methods and {@link Link#setAutoRead} run on the connection's I/O
 * thread; {@link Link#write}, {@link Link#closeAfterWrites}, {@link Link#close} and {@link Link#execute}
 * may be called from any thread, and a connection's writes go out in the order they were called.
 */
final class NioClientPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NioClientPort.class);
    /** A connection's read buffer to begin with and to return to once a large frame has been read. */
    static final int READ_BUFFER_BYTES = 1024;
    /** The largest read buffer kept between frames; a larger one was for one large frame. */
    private static final int READ_BUFFER_KEPT_BYTES = 64 * 1024;
    private static final long CLOSE_WAIT_MS = 2_000;
    /** Reads of one connection per readiness, so that one busy client cannot hold its I/O thread (Netty's 16). */
    private static final int READS_PER_READY = 16;
    /** Gathering writes of one connection per flush (Netty's writeSpinCount is 16). */
    private static final int WRITES_PER_FLUSH = 16;

    /**
     * One connection's events, on its I/O thread; {@link #onActive} comes first and {@link #onInactive} last
     * (it may come from within onActive, when that closes the connection).
     */
    interface Listener {
        void onActive(Link link);

        void onFrame(byte[] frame);

        /**
         * The connection's first four bytes were a four-letter word: no frame follows (what does is read and
         * dropped, and its end still comes as {@link #onInputEnded}).
         */
        void onFourLetterWord(String word);

        /** The client shut its output down (or sent everything and closed): nothing more will be read. */
        void onInputEnded();

        /** Queued reply bytes passed the high mark ({@code false}), or fell under the low mark again. */
        void onWritable(boolean writable);

        void onInactive();
    }

    private final ServerSocketChannel server;
    private final List<NioLoop> loops = new ArrayList<>();
    private final Thread acceptor;
    private final Supplier<Listener> listeners;
    private final int maxBufferBytes;
    private final long lowWaterBytes;
    private final long highWaterBytes;
    private final AtomicLong acceptFailures;
    // Guarded by itself: the accepting thread and the first I/O thread use it.
    private final AcceptFailures backoff = new AcceptFailures();
    private final Object acceptLock = new Object();
    // Guarded by acceptLock.
    private boolean accepting;
    private volatile boolean closed;

    /**
     * Binds the port; it accepts nothing until {@link #accepting(boolean)}: a client that connects before
     * waits in the listen backlog.
     *
     * @param maxBufferBytes the longest frame (jute.maxbuffer); a longer length closes the connection
     * @param acceptFailures counts every failed accept (the metric client_accept_failures_total)
     */
    NioClientPort(InetSocketAddress address, String threadPrefix, int ioThreads, int maxBufferBytes, long lowWaterBytes,
            long highWaterBytes, AtomicLong acceptFailures, Supplier<Listener> listeners) throws IOException {
        if (ioThreads < 1 || lowWaterBytes > highWaterBytes) {
            throw new IllegalArgumentException("ioThreads " + ioThreads + ", low mark " + lowWaterBytes + ", high mark " + highWaterBytes);
        }
        this.listeners = listeners;
        this.maxBufferBytes = maxBufferBytes;
        this.lowWaterBytes = lowWaterBytes;
        this.highWaterBytes = highWaterBytes;
        this.acceptFailures = acceptFailures;
        server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            // Netty's backlog (the kernel's somaxconn), not the JDK's 50: clients wait in it while the server loads.
            server.bind(address, NetUtil.SOMAXCONN);
            for (int i = 0; i < ioThreads; i++) {
                loops.add(new NioLoop(threadPrefix + "-io-" + (i + 1)));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        acceptor = new Thread(this::acceptLoop, threadPrefix + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) server.socket().getLocalSocketAddress();
    }

    /**
     * Starts or stops taking connections from the listen backlog (a stop takes effect after the accept
     * the thread is blocked in, if any).
     */
    void accepting(boolean on) {
        synchronized (acceptLock) {
            accepting = on;
            acceptLock.notifyAll();
        }
    }

    private boolean awaitAccepting() throws InterruptedException {
        synchronized (acceptLock) {
            while (!accepting && !closed) {
                acceptLock.wait();
            }
        }
        return !closed;
    }

    /**
     * Accepts until the port closes. A failed accept pauses accepting and is logged as {@link AcceptFailures}
     * says; the end of a run of failures is checked on the first I/O thread's timers, so that it is logged
     * even when no connection comes after it.
     */
    private void acceptLoop() {
        int next = 0;
        try {
            while (awaitAccepting()) {
                SocketChannel channel;
                try {
                    channel = server.accept();
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    acceptFailures.incrementAndGet();
                    long pauseMs;
                    synchronized (backoff) {
                        pauseMs = backoff.failed(System.nanoTime(), e.getMessage());
                    }
                    Thread.sleep(pauseMs);
                    continue;
                }
                boolean checkEnd;
                synchronized (backoff) {
                    checkEnd = backoff.succeeded();
                }
                if (checkEnd) {
                    checkAcceptRunEndAfter(AcceptFailures.QUIET_MS);
                }
                NioLoop loop = loops.get(next);
                next = (next + 1) % loops.size();
                try {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                } catch (IOException e) {
                    closeQuietly(channel);
                    continue;
                }
                Link link = new Link(channel, loop);
                loop.execute(link::register);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkAcceptRunEndAfter(long delayMs) {
        NioLoop loop = loops.get(0);
        loop.execute(() -> loop.schedule(() -> {
            long againMs;
            synchronized (backoff) {
                againMs = backoff.checkEnd(System.nanoTime());
            }
            if (againMs > 0) {
                checkAcceptRunEndAfter(againMs);
            }
        }, delayMs));
    }

    /** Closes the port and every connection (each gets {@link Listener#onInactive}), and ends the threads. */
    @Override
    public void close() {
        closed = true;
        accepting(false);
        closeQuietly(server);
        try {
            // The acceptor first, so that no connection it took reaches a loop that has ended.
            if (acceptor != null) {
                acceptor.join(CLOSE_WAIT_MS);
            }
            for (NioLoop loop : loops) {
                loop.shutdown();
            }
            for (NioLoop loop : loops) {
                loop.thread.join(CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("Closing {} failed: {}", closeable, e.toString());
        }
    }

    /** What a connection's write queue holds besides writes: close once everything before is written. */
    private static final Object CLOSE = new Object();

    private record Write(ByteBuffer[] buffers, long bytes, Runnable written) {
        /** Whether every byte is written. */
        boolean complete() {
            for (ByteBuffer buffer : buffers) {
                if (buffer.hasRemaining()) {
                    return false;
                }
            }
            return true;
        }

        /** Runs the callback; one that throws is logged, so that the writes and the close after it still go on. */
        void done() {
            try {
                written.run();
            } catch (RuntimeException e) {
                LOG.error("A write's callback failed", e);
            }
        }
    }

    /** One connection of the port. */
    final class Link implements ClientLink, NioLoop.Attachment {
        private final SocketChannel channel;
        private final NioLoop loop;
        private final SocketAddress remote;
        private final ConcurrentLinkedQueue<Object> out = new ConcurrentLinkedQueue<>();
        // Reply bytes queued and not yet written, for the writability marks; any thread adds, the loop subtracts.
        private final AtomicLong queuedBytes = new AtomicLong();
        private final AtomicBoolean flushQueued = new AtomicBoolean();
        private volatile boolean open = true;
        // The rest is the loop thread's own.
        private SelectionKey key;
        private Listener listener;
        // The start of a frame not yet whole, kept between reads, else empty; pendingFrameBytes is the bytes that
        // frame needs in all, or 0 while its length has not come whole.
        private ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES);
        private int pendingFrameBytes;
        private boolean first = true;
        private boolean doneReading;
        // The first four bytes were a four-letter word: nothing more is split into frames.
        private boolean wordSeen;
        private boolean autoRead = true;
        private boolean unwritable;
        // Writes taken off the queue and not yet wholly written, in order; then whether a close came after them.
        private final ArrayDeque<Write> writing = new ArrayDeque<>();
        private boolean closeAfterWriting;

        private Link(SocketChannel channel, NioLoop loop) {
            this.channel = channel;
            this.loop = loop;
            SocketAddress address;
            try {
                address = channel.getRemoteAddress();
            } catch (IOException e) {
                address = null;
            }
            this.remote = address;
        }

        private void register() {
            if (loop.stopping()) {
                open = false;
                closeQuietly(channel);
                return;
            }
            try {
                key = channel.register(loop.selector, SelectionKey.OP_READ, this);
            } catch (IOException e) {
                open = false;
                closeQuietly(channel);
                return;
            }
            listener = listeners.get();
            try {
                listener.onActive(this);
            } catch (RuntimeException | Error e) {
                LOG.error("Opening the connection from {} failed; closing it", remote, e);
                closeGuarded();
            }
        }

        @Override
        public void onReady(SelectionKey ready) {
            try {
                if (ready.isValid() && ready.isWritable()) {
                    flush();
                }
                if (ready.isValid() && ready.isReadable()) {
                    read();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("Connection from {} failed on its I/O thread; closing it", remote, e);
                closeGuarded();
            }
        }

        /** Runs a step of this connection on its loop; one that fails (a bug) closes the connection. */
        private void guarded(Runnable step) {
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                LOG.error("Connection from {} failed on its I/O thread; closing it", remote, e);
                closeGuarded();
            }
        }

        /** {@link #closeNow}, where a failing listener must not end the loop. */
        @Override
        public void closeGuarded() {
            try {
                closeNow();
            } catch (RuntimeException | Error e) {
                LOG.error("Closing the connection from {} failed", remote, e);
            }
        }

        @Override
        public SocketAddress remoteAddress() {
            return remote;
        }

        /** Runs {@code task} on this connection's I/O thread after {@code delayMs}; call it from that thread. */
        NioLoop.Timer schedule(Runnable task, long delayMs) {
            return loop.schedule(task, delayMs);
        }

        @Override
        public Runnable scheduleOnLoop(Runnable task, long delayMs) {
            return schedule(task, delayMs)::cancel;
        }

        @Override
        public void write(List<byte[]> frames, Runnable written) {
            if (frames.isEmpty()) {
                written.run();
                return;
            }
            ByteBuffer[] buffers = new ByteBuffer[frames.size()];
            long bytes = 0;
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.wrap(frames.get(i));
                bytes += buffers[i].remaining();
            }
            // Counted before it is queued, so that whoever takes it off the queue never counts below zero.
            long queued = queuedBytes.addAndGet(bytes);
            out.add(new Write(buffers, bytes, written));
            if (!open) {
                // Closed meanwhile: its close may have drained the queue before this write joined it.
                drainWrites();
                return;
            }
            if (queued > highWaterBytes) {
                loop.execute(() -> guarded(this::checkWritable));
            }
            queueFlush();
        }

        @Override
        public void closeAfterWrites() {
            out.add(CLOSE);
            queueFlush();
        }

        @Override
        public void close() {
            if (loop.inLoop()) {
                closeNow();
            } else {
                loop.execute(this::closeNow);
            }
        }

        @Override
        public void execute(Runnable task) {
            loop.execute(task);
        }

        @Override
        public void setAutoRead(boolean read) {
            autoRead = read;
            updateInterest();
        }

        boolean isOpen() {
            return open;
        }

        private void queueFlush() {
            if (flushQueued.compareAndSet(false, true)) {
                loop.execute(() -> {
                    flushQueued.set(false);
                    guarded(this::flush);
                });
            }
        }

        private void updateInterest() {
            if (!open || key == null || !key.isValid()) {
                return;
            }
            int ops = (autoRead && !doneReading ? SelectionKey.OP_READ : 0) | (writing.isEmpty() ? 0 : SelectionKey.OP_WRITE);
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }

        private void checkWritable() {
            if (!open || listener == null) {
                return;
            }
            long queued = queuedBytes.get();
            if (!unwritable && queued > highWaterBytes) {
                unwritable = true;
                listener.onWritable(false);
            } else if (unwritable && queued < lowWaterBytes) {
                unwritable = false;
                listener.onWritable(true);
            }
        }

        /**
         * Writes what is queued until the socket takes no more, then waits for it to be writable again.
         * Each system call gathers the buffers of as many queued writes as it can take ({@link NioLoop#GATHER_MAX}).
         */
        private void flush() {
            if (!open) {
                return;
            }
            ByteBuffer[] gather = loop.gather;
            try {
                for (int writes = 0; open; writes++) {
                    if (writes == WRITES_PER_FLUSH) {
                        // Bounded, as reads are: the rest goes in a later task, after the loop's other work.
                        queueFlush();
                        break;
                    }
                    Object next;
                    while (!closeAfterWriting && (next = out.poll()) != null) {
                        if (next == CLOSE) {
                            closeAfterWriting = true;
                        } else {
                            writing.add((Write) next);
                        }
                    }
                    if (writing.isEmpty()) {
                        if (closeAfterWriting) {
                            closeNow();
                            return;
                        }
                        break;
                    }
                    int count = 0;
                    long bytes = 0;
                    gathering:
                    for (Write write : writing) {
                        for (ByteBuffer buffer : write.buffers) {
                            if (count == NioLoop.GATHER_MAX) {
                                break gathering;
                            }
                            if (buffer.hasRemaining()) {
                                gather[count++] = buffer;
                                bytes += buffer.remaining();
                            }
                        }
                    }
                    long written;
                    try {
                        written = channel.write(gather, 0, count);
                    } finally {
                        Arrays.fill(gather, 0, count, null);
                    }
                    while (!writing.isEmpty() && writing.peekFirst().complete()) {
                        Write done = writing.pollFirst();
                        queuedBytes.addAndGet(-done.bytes);
                        done.done();
                    }
                    if (written < bytes) {
                        break; // the socket is full
                    }
                }
            } catch (IOException e) {
                LOG.debug("Writing to {} failed: {}", remote, e.toString());
                closeNow();
                return;
            }
            checkWritable();
            updateInterest();
        }

        /**
         * Reads what the socket has, up to {@link #READS_PER_READY} reads, into the I/O thread's buffer after
         * the start of a frame kept from the last read; only a frame larger than that buffer is read into
         * the connection's own, which grows towards the frame's length.
         */
        private void read() {
            for (int reads = 0; reads < READS_PER_READY && open && !doneReading && autoRead; reads++) {
                boolean own = in.position() > 0 && pendingFrameBytes > NioLoop.READ_BUFFER_BYTES;
                ByteBuffer target;
                if (own) {
                    if (!in.hasRemaining()) {
                        in = ByteBuffer.allocate(grownTowards(pendingFrameBytes, in.capacity())).put(in.flip());
                    }
                    target = in;
                } else {
                    // The kept start (shorter than its frame, so than this buffer) goes first, and in is empty.
                    target = loop.readBuffer.clear().put(in.flip());
                    in.clear();
                }
                int space = target.remaining();
                int count;
                try {
                    count = channel.read(target);
                } catch (IOException e) {
                    LOG.debug("Reading from {} failed: {}", remote, e.toString());
                    closeNow();
                    return;
                }
                if (count < 0) {
                    doneReading = true;
                    updateInterest();
                    listener.onInputEnded();
                    return;
                }
                target.flip();
                if (wordSeen) {
                    // What comes after a four-letter word is read and dropped, as Netty's decoder did: unread
                    // bytes at the close would make the kernel reset the connection and cut the answer short.
                    target.position(target.limit());
                } else {
                    keep(target, own, split(target));
                }
                if (count < space) {
                    return; // the socket had no more
                }
            }
        }

        /** Keeps what is left of {@code target} after a split: the start of a frame of {@code needed} bytes. */
        private void keep(ByteBuffer target, boolean own, int needed) {
            pendingFrameBytes = needed;
            if (own) {
                in.compact();
                if (needed > in.capacity()) {
                    in = ByteBuffer.allocate(grownTowards(needed, in.capacity())).put(in.flip());
                }
            } else if (target.hasRemaining() && open && !doneReading) {
                // Room for what came; for a frame that will be read into this buffer, more towards its length.
                int capacity = needed > NioLoop.READ_BUFFER_BYTES ? Math.max(target.remaining(), grownTowards(needed, in.capacity()))
                        : target.remaining();
                if (capacity > in.capacity()) {
                    in = ByteBuffer.allocate(capacity);
                }
                in.put(target);
            }
            if (in.position() == 0 && in.capacity() > READ_BUFFER_KEPT_BYTES) {
                in = ByteBuffer.allocate(READ_BUFFER_BYTES);
            }
        }

        /**
         * The next size of a buffer that holds a frame's start, towards the frame's {@code needed} bytes: at
         * most double, and at least the I/O thread's read buffer, so that a length alone (up to
         * jute.maxbuffer) allocates no more than the bytes that came after it could fill, as Netty's
         * cumulation did.
         */
        private int grownTowards(int needed, int capacity) {
            return Math.min(needed, Math.max(2 * capacity, NioLoop.READ_BUFFER_BYTES));
        }

        /**
         * Hands every whole frame in the buffer to the listener; returns the bytes the next frame needs
         * in all when it is not whole yet, else 0. A length {@link ClientFrameDecoder#refused} closes the
         * connection.
         */
        private int split(ByteBuffer bytes) {
            while (open && !doneReading && !wordSeen && bytes.remaining() >= 4) {
                int length = bytes.getInt(bytes.position());
                if (first) {
                    first = false;
                    String word = FourLetterWords.commandOf(length);
                    if (word != null) {
                        wordSeen = true;
                        bytes.position(bytes.limit());
                        listener.onFourLetterWord(word);
                        return 0;
                    }
                }
                if (ClientFrameDecoder.refused(length, maxBufferBytes, remote)) {
                    bytes.position(bytes.limit());
                    closeNow();
                    return 0;
                }
                if (bytes.remaining() < 4 + length) {
                    return 4 + length;
                }
                bytes.getInt();
                byte[] frame = new byte[length];
                bytes.get(frame);
                listener.onFrame(frame);
            }
            if (!open || doneReading || wordSeen) {
                bytes.position(bytes.limit());
            }
            return 0;
        }

        /** On the loop: closes the socket, runs the callbacks of writes not made, and tells the listener, once. */
        private void closeNow() {
            if (!open) {
                return;
            }
            open = false;
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
            in = ByteBuffer.allocate(0);
            for (Write write : writing) {
                queuedBytes.addAndGet(-write.bytes);
                write.done();
            }
            writing.clear();
            drainWrites();
            if (listener != null) {
                listener.onInactive();
            }
        }

        /** Runs the callbacks of queued writes that will never be made; any thread, once the link is closed. */
        private void drainWrites() {
            Object next;
            while ((next = out.poll()) != null) {
                if (next instanceof Write write) {
                    queuedBytes.addAndGet(-write.bytes);
                    write.done();
                }
            }
        }
    }
}
