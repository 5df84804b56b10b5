package dev.corral.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the listening channel: when accepting a connection fails (most often EMFILE, "Too many open
 * files"), stops accepting for a pause that doubles while failures go on ({@value #PAUSE_MIN_MS} ms up to
 * {@value #PAUSE_MAX_MS} ms), so the accept loop neither spins nor floods the log, while the connected
 * sessions are served as before. A run of failures is logged once, with a warning at its first failure
 * and one line when it ends: after {@value #QUIET_MS} ms without a failure (with descriptors scarce,
 * accepts succeed and fail in turn as connections close, and each turn must not log again).
 *
 * <p>ZooKeeper 3.9's {@code NIOServerCnxnFactory.AcceptThread} pauses a fixed 10 ms and logs through a
 * {@code RateLogger} (a line about every 100 ms while failures go on); Netty's own fallback
 * ({@code ServerBootstrapAcceptor}) pauses 1 s and logs every failure, so this handler takes the failure
 * before it gets there.
 *
 * <p>Threads: every method runs on the listening channel's event loop.
 */
@ChannelHandler.Sharable
final class AcceptBackoff extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptBackoff.class);
    static final long PAUSE_MIN_MS = 10;
    static final long PAUSE_MAX_MS = 1_000;
    static final long QUIET_MS = 5_000;

    private final AtomicLong failures;
    // Invariant: pauseMs == 0 iff the last accept succeeded (or none failed yet), else in [PAUSE_MIN_MS, PAUSE_MAX_MS].
    private long pauseMs;
    // Invariant: failuresInRun > 0 iff a run of failures has been logged and its end has not.
    private long failuresInRun;
    private long lastFailureNanos;
    private boolean endCheckScheduled;

    /** @param failures counts every failed accept (the metric client_accept_failures_total) */
    AcceptBackoff(AtomicLong failures) {
        this.failures = failures;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object acceptedChannel) {
        pauseMs = 0;
        if (failuresInRun > 0 && !endCheckScheduled) {
            scheduleEndCheck(ctx, QUIET_MS);
        }
        ctx.fireChannelRead(acceptedChannel);
    }

    private void scheduleEndCheck(ChannelHandlerContext ctx, long delayMs) {
        endCheckScheduled = true;
        ctx.executor().schedule(() -> {
            endCheckScheduled = false;
            long quietMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastFailureNanos);
            if (quietMs >= QUIET_MS) {
                LOG.info("Accepting connections again after {} failed accepts", failuresInRun);
                failuresInRun = 0;
            } else {
                scheduleEndCheck(ctx, QUIET_MS - quietMs);
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        failures.incrementAndGet();
        lastFailureNanos = System.nanoTime();
        if (failuresInRun++ == 0) {
            LOG.warn("Cannot accept connections: {}; connected sessions are still served, and accepting is retried after"
                    + " pauses of up to {} ms until it succeeds", cause.getMessage(), PAUSE_MAX_MS);
        }
        pauseMs = pauseMs == 0 ? PAUSE_MIN_MS : Math.min(PAUSE_MAX_MS, pauseMs * 2);
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            ctx.channel().config().setAutoRead(true);
        }, pauseMs, TimeUnit.MILLISECONDS);
    }
}
