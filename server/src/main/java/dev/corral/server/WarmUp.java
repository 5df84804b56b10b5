package dev.corral.server;

import dev.corral.node.NodeConfig;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-up of a server that has just opened its client port: one daemon thread sends some thousands of
 * a client's requests ({@link ScratchClient}) to a scratch Node behind a scratch port of the client port's
 * make ({@link ScratchShell}), then ends and drops both, so that the first writes after a start or a
 * failover meet compiled code in the client port's read and write paths, the hand-off to the node loop, the Node,
 * the tree and the log's encoding rather than the interpreter. Measured on a fresh server (issue 16), the
 * first window of 256 creates took 85-170 ms where later ones took 7-20 ms, and that was cold code, not
 * the disk.
 *
 * <p>It changes nothing of the server: the scratch Node is standalone and in memory, with threads and a
 * loopback port of its own, and shares no object with the server; nothing of it reaches the server's
 * counters, metrics, log or audit log, and one INFO line says what it did. It starts once the client port
 * is open and the server serves (an ensemble member's, once it first does), so it never delays a start,
 * and it yields to the server's clients: before each window of requests, the first included, it waits
 * until no client frame has arrived for {@link #QUIET_MS}, so that a client competes with at most one
 * window. It is bounded in requests ({@code warmup.requests}, 0 for none) and in time, waits included
 * ({@link #TIME_MAX_MS}), and a close stops it at once (the session under way is aborted).
 */
final class WarmUp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    /** The longest a warm-up runs, waits for clients included, whatever its count. */
    static final long TIME_MAX_MS = 2_000;
    /**
     * How long the server's clients must have sent nothing before the next window of requests, the first
     * one included: a client that connects as soon as the port opens, or one right after it, has its
     * session before the warm-up begins.
     */
    static final long QUIET_MS = 100;
    /** How long a close waits for the thread to end: a window, and the scratch loops' shutdown. */
    private static final long CLOSE_WAIT_MS = 3_000;

    /** Why a warm-up ended. */
    enum End { COUNT, TIME, CLOSED, FAILED }

    /**
     * What a warm-up did: requests sent to its scratch Node, its wall time and how much of it it waited
     * for the server's clients, why it ended, and what failed if something did.
     */
    record Result(long requests, long elapsedMs, long waitedMs, End end, String failure) {}

    private final ServerConfig config;
    private final NodeConfig nodeConfig;
    private final long timeMaxMs;
    private final LongSupplier clientFrames;
    private final Thread thread;
    private final CompletableFuture<Result> done = new CompletableFuture<>();
    private volatile boolean stopping;
    // The client of the warm-up under way, which a close aborts; null before and after.
    private volatile ScratchClient running;
    // Requests sent so far, updated between windows (what a test waits on to close in the middle).
    private volatile long progress;
    // The warm-up thread's own, from here on: when it started, the client frames it last saw and when they
    // changed (its start counts as a change), what it waited, and why it ends.
    private long startNanos;
    private long seenFrames;
    private long lastClientNanos;
    private long waitedNanos;
    private End end = End.COUNT;

    private WarmUp(ServerConfig config, NodeConfig nodeConfig, long timeMaxMs, LongSupplier clientFrames) {
        this.config = config;
        this.nodeConfig = nodeConfig;
        this.timeMaxMs = timeMaxMs;
        this.clientFrames = clientFrames;
        this.thread = new Thread(this::runAndLog, "corral-warmup");
        thread.setDaemon(true);
    }

    /**
     * Starts a warm-up of at most {@code config.warmUpRequests()} requests and {@code timeMaxMs} ms on a
     * thread of its own, against a scratch Node of {@code nodeConfig}'s settings; {@code clientFrames} counts
     * the frames the server's clients have sent, which it yields to.
     */
    static WarmUp start(ServerConfig config, NodeConfig nodeConfig, long timeMaxMs, LongSupplier clientFrames) {
        WarmUp warmUp = new WarmUp(config, nodeConfig, timeMaxMs, clientFrames);
        warmUp.thread.start();
        return warmUp;
    }

    private void runAndLog() {
        Result result = run();
        String waited = result.waitedMs() > 0 ? ", " + result.waitedMs() + " ms of it waiting for clients" : "";
        if (result.end() == End.FAILED) {
            LOG.warn("Warm-up failed after {} requests to a scratch node in {} ms{}: {}", result.requests(), result.elapsedMs(), waited,
                    result.failure());
        } else {
            LOG.info("Warm-up: {} requests to a scratch node in {} ms{} ({})", result.requests(), result.elapsedMs(), waited,
                    switch (result.end()) {
                        case COUNT -> "warmup.requests=" + config.warmUpRequests();
                        case TIME -> "stopped at its bound of " + timeMaxMs + " ms";
                        default -> "stopped by the server's close";
                    });
        }
        done.complete(result);
    }

    /**
     * Runs sessions of {@link ScratchClient}'s script against a {@link ScratchShell}, opened once the clients
     * are quiet, until the count or the time is reached or the server closes. Never throws: a failure is
     * reported in the result.
     */
    private Result run() {
        startNanos = System.nanoTime();
        lastClientNanos = startNanos;
        seenFrames = clientFrames.getAsLong();
        if (!yieldToClients()) {
            return result(null, end, null);
        }
        ScratchClient client = null;
        ScratchShell opened = null;
        try (ScratchShell shell = ScratchShell.open(ScratchShell.scratchConfig(nodeConfig, System.currentTimeMillis()),
                config.connectionLimits(), config.maxBufferBytes())) {
            opened = shell;
            client = new ScratchClient(shell.address());
            running = client;
            if (stopping) {
                return result(client, End.CLOSED, null);
            }
            ScratchClient scratch = client;
            java.util.function.BooleanSupplier keepGoing = () -> {
                progress = scratch.requests();
                return scratch.requests() < config.warmUpRequests() ? yieldToClients() : stop(End.COUNT);
            };
            for (int session = 0; keepGoing.getAsBoolean(); session++) {
                client.session(session, keepGoing);
                if (shell.failure() != null) {
                    throw new IllegalStateException(shell.failure());
                }
            }
            return result(client, end, null);
        } catch (IOException | RuntimeException e) {
            if (stopping) {
                // The close aborted the session in progress: what failed is that, not the scratch node.
                return result(client, End.CLOSED, null);
            }
            // A failure of the scratch Node closes its connections, so the client fails too: the Node's is the cause.
            String failure = opened != null && opened.failure() != null ? opened.failure()
                    : e.getMessage() != null ? e.getMessage() : e.toString();
            return result(client, End.FAILED, failure);
        } finally {
            running = null;
        }
    }

    /**
     * Whether the next window may go: once the server's clients have sent no frame for {@link #QUIET_MS}
     * (since the start, for the first window), waiting until then; false, with why, once the server closes
     * or the time is up.
     */
    private boolean yieldToClients() {
        while (true) {
            if (stopping) {
                return stop(End.CLOSED);
            }
            long now = System.nanoTime();
            if (now - startNanos >= TimeUnit.MILLISECONDS.toNanos(timeMaxMs)) {
                return stop(End.TIME);
            }
            long frames = clientFrames.getAsLong();
            if (frames != seenFrames) {
                seenFrames = frames;
                lastClientNanos = now;
            }
            long waitNanos = lastClientNanos + TimeUnit.MILLISECONDS.toNanos(QUIET_MS) - now;
            if (waitNanos <= 0) {
                return true;
            }
            LockSupport.parkNanos(waitNanos);
            waitedNanos += System.nanoTime() - now;
        }
    }

    private boolean stop(End why) {
        end = why;
        return false;
    }

    private Result result(ScratchClient client, End why, String failure) {
        return new Result(client == null ? 0 : client.requests(), (System.nanoTime() - startNanos) / 1_000_000, waitedNanos / 1_000_000,
                why, failure);
    }

    /** Completed with the result when the warm-up ends. */
    CompletableFuture<Result> done() {
        return done;
    }

    /** Requests sent so far. */
    long progress() {
        return progress;
    }

    /**
     * Stops the warm-up and waits, bounded, for its thread to end: between two windows, or at once if it is
     * waiting for clients or for replies (its connection is closed under it).
     */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        ScratchClient client = running;
        if (client != null) {
            client.abort();
        }
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
