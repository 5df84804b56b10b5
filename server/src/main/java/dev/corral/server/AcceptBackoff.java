package dev.corral.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * On the listening channel of a Netty client port: when accepting a connection fails, stops accepting for
 * the pause {@link AcceptFailures} gives and logs the run of failures as it says. Netty's own fallback
 * ({@code ServerBootstrapAcceptor}) pauses 1 s and logs every failure, so this handler takes the failure
 * before it gets there.
 *
 * <p>Threads: every method runs on the listening channel's event loop.
 */
@ChannelHandler.Sharable
final class AcceptBackoff extends ChannelInboundHandlerAdapter {
    private final AtomicLong failures;
    private final AcceptFailures run = new AcceptFailures();

    /** @param failures counts every failed accept (the metric client_accept_failures_total) */
    AcceptBackoff(AtomicLong failures) {
        this.failures = failures;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object acceptedChannel) {
        if (run.succeeded()) {
            scheduleEndCheck(ctx, AcceptFailures.QUIET_MS);
        }
        ctx.fireChannelRead(acceptedChannel);
    }

    private void scheduleEndCheck(ChannelHandlerContext ctx, long delayMs) {
        ctx.executor().schedule(() -> {
            long againMs = run.checkEnd(System.nanoTime());
            if (againMs > 0) {
                scheduleEndCheck(ctx, againMs);
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
        long pauseMs = run.failed(System.nanoTime(), cause.getMessage());
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            ctx.channel().config().setAutoRead(true);
        }, pauseMs, TimeUnit.MILLISECONDS);
    }
}
