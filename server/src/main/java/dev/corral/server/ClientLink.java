package dev.corral.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection as the server writes to it and closes it, whichever port carries it: a Netty
 * channel ({@link Netty}: the TLS port, and the plain one with client.portUnification) or
 * {@link NioClientPort.Link} (the plain port).
 *
 * <p>Threads: every method but {@link #setAutoRead} and {@link #scheduleOnLoop} may be called from any
 * thread; a connection's writes go out in the order they were called, and a close after writes goes
 * after them.
 */
interface ClientLink {
    SocketAddress remoteAddress();

    /** Writes the frames after everything written before; {@code written} runs once they are written or dropped. */
    void write(List<byte[]> frames, Runnable written);

    /** Closes the connection once everything written before is flushed. */
    void closeAfterWrites();

    void close();

    /** Runs the task on the connection's I/O thread, after the tasks handed to it before. */
    void execute(Runnable task);

    /** Whether the connection is read from; called on its I/O thread ({@link ReadGate}). */
    void setAutoRead(boolean read);

    /**
     * Runs {@code task} on the connection's I/O thread after {@code delayMs}; called on that thread, and
     * the cancel it returns too.
     */
    Runnable scheduleOnLoop(Runnable task, long delayMs);

    /** A connection of a Netty port: the frames go out as one buffer over their arrays, written and flushed once. */
    record Netty(Channel channel) implements ClientLink {
        @Override
        public SocketAddress remoteAddress() {
            return channel.remoteAddress();
        }

        @Override
        public void write(List<byte[]> frames, Runnable written) {
            channel.writeAndFlush(CorralServer.oneBuffer(frames)).addListener(done -> written.run());
        }

        @Override
        public void closeAfterWrites() {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void close() {
            channel.close();
        }

        @Override
        public void execute(Runnable task) {
            channel.eventLoop().execute(task);
        }

        @Override
        public void setAutoRead(boolean read) {
            channel.config().setAutoRead(read);
        }

        @Override
        public Runnable scheduleOnLoop(Runnable task, long delayMs) {
            ScheduledFuture<?> scheduled = channel.eventLoop().schedule(task, delayMs, TimeUnit.MILLISECONDS);
            return () -> scheduled.cancel(false);
        }
    }
}
