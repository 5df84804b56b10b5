package dev.corral.server.quorum;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * The one event loop a peer transport ({@link ElectionTransport}, {@link LearnerTransport}) keeps all its
 * channels and state on, so that it needs no locks: either a loop of the server's group, or a thread of its
 * own that {@link #close} shuts down. Also what the two transports share around it: their bootstraps, the
 * bounded questions other threads ask the loop, and the reconnect backoff.
 */
final class TransportLoop {
    /** The bound on every wait for the loop: a question, a close. */
    static final long WAIT_SECONDS = 5;

    final EventLoop loop;
    private final EventLoopGroup ownGroup;
    private final String name;

    private TransportLoop(EventLoop loop, EventLoopGroup ownGroup, String name) {
        this.loop = loop;
        this.ownGroup = ownGroup;
        this.name = name;
    }

    /** A loop on a thread of its own, named {@code name}. */
    static TransportLoop ownThread(String name) {
        NioEventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory(name));
        return new TransportLoop(group.next(), group, name);
    }

    /** One loop of {@code group}, which stays the caller's to shut down. */
    static TransportLoop on(EventLoopGroup group, String name) {
        return new TransportLoop(group.next(), null, name);
    }

    /** Outgoing connections on this loop, each set up by {@code initializer}. */
    Bootstrap connector(Duration connectTimeout, ChannelInitializer<SocketChannel> initializer) {
        return new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(initializer);
    }

    /** Listens on {@code address} on this loop, each accepted connection set up by {@code initializer}. */
    Channel listen(SocketAddress address, ChannelInitializer<SocketChannel> initializer) {
        return new ServerBootstrap().group(loop, loop).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer)
                .bind(address).syncUninterruptibly().channel();
    }

    /** Asks the loop, waiting at most {@link #WAIT_SECONDS}. */
    <T> T query(Callable<T> question) {
        try {
            return loop.submit(question).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(name + " did not answer", e);
        }
    }

    /**
     * Runs {@code closeOnLoop} on the loop and waits for the future it returns (the listening channel's
     * close), each wait bounded; then shuts down the loop's thread if it is its own.
     */
    void close(Callable<? extends Future<?>> closeOnLoop, Logger log) {
        try {
            loop.submit(closeOnLoop).get(WAIT_SECONDS, TimeUnit.SECONDS).await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("{} did not close cleanly", name, e);
        } finally {
            shutdownOwnThread();
        }
    }

    /** Shuts down the loop's thread if it is its own (after close, or when a start failed). */
    void shutdownOwnThread() {
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** The delay before the next attempt after {@code failedAttempts} failures: {@code min} doubling up to {@code max}. */
    static long backoffMs(Duration min, Duration max, int failedAttempts) {
        return Math.min(max.toMillis(), min.toMillis() << Math.min(failedAttempts, 20));
    }
}
