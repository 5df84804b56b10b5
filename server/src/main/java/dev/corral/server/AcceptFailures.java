package dev.corral.server;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client port does about failed accepts (most often EMFILE, "Too many open files"), for both kinds
 * of port: after a failure it stops accepting for a pause that doubles while failures go on
 * ({@value #PAUSE_MIN_MS} ms up to {@value #PAUSE_MAX_MS} ms), so the accept loop neither spins nor floods
 * the log, while the connected sessions are served as before. A run of failures is logged once: a warning
 * at its first failure, and one line when it ends, after {@value #QUIET_MS} ms without a failure (with
 * descriptors scarce, accepts succeed and fail in turn as connections close, and each turn must not log
 * again).
 *
 * <p>ZooKeeper 3.9's {@code NIOServerCnxnFactory.AcceptThread} pauses a fixed 10 ms and logs through a
 * {@code RateLogger} (a line about every 100 ms while failures go on).
 *
 * <p>The caller gives the time, pauses and schedules the end check (the Netty port on its listening
 * channel's event loop, {@link AcceptBackoff}; the NIO port on its accepting thread and its first I/O
 * thread, {@link NioClientPort}). Not thread-safe: a caller with more than one thread synchronizes.
 */
final class AcceptFailures {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptFailures.class);
    static final long PAUSE_MIN_MS = 10;
    static final long PAUSE_MAX_MS = 1_000;
    static final long QUIET_MS = 5_000;

    // Invariant: pauseMs == 0 iff the last accept succeeded (or none failed yet), else in [PAUSE_MIN_MS, PAUSE_MAX_MS].
    private long pauseMs;
    // Invariant: failuresInRun > 0 iff a run of failures has been logged and its end has not.
    private long failuresInRun;
    private long lastFailureNanos;
    private boolean endCheckScheduled;

    /** An accept failed at {@code nowNanos} with {@code cause}; returns how long to pause accepting, in ms. */
    long failed(long nowNanos, String cause) {
        lastFailureNanos = nowNanos;
        if (failuresInRun++ == 0) {
            LOG.warn("Cannot accept connections: {}; connected sessions are still served, and accepting is retried after"
                    + " pauses of up to {} ms until it succeeds", cause, PAUSE_MAX_MS);
        }
        pauseMs = pauseMs == 0 ? PAUSE_MIN_MS : Math.min(PAUSE_MAX_MS, pauseMs * 2);
        return pauseMs;
    }

    /**
     * An accept succeeded; true if the caller is to call {@link #checkEnd} in {@link #QUIET_MS} ms (a run
     * of failures is logged and no check of its end is pending).
     */
    boolean succeeded() {
        pauseMs = 0;
        if (failuresInRun == 0 || endCheckScheduled) {
            return false;
        }
        endCheckScheduled = true;
        return true;
    }

    /**
     * The check of a run's end, at {@code nowNanos}: 0 once no accept has failed for {@link #QUIET_MS} (the
     * end is logged), else the ms after which the caller is to check again.
     */
    long checkEnd(long nowNanos) {
        long quietMs = TimeUnit.NANOSECONDS.toMillis(nowNanos - lastFailureNanos);
        if (quietMs < QUIET_MS) {
            return QUIET_MS - quietMs;
        }
        LOG.info("Accepting connections again after {} failed accepts", failuresInRun);
        failuresInRun = 0;
        endCheckScheduled = false;
        return 0;
    }

    /** Failures in the run under way (logged, its end not yet); 0 when none is. */
    long failuresInRun() {
        return failuresInRun;
    }
}
