package dev.corral.server.quorum;

import dev.corral.wire.JuteInput;
import dev.corral.wire.QuorumAuthPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.security.sasl.SaslException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs quorum SASL authentication ({@link QuorumSasl}) at the start of a member-to-member connection, before the
 * election notifications or learner packets that follow, and then steps aside: bytes received after the last
 * authentication packet pass on to {@code next} (or to the handler after this one). ZooKeeper 3.9.5 authenticates
 * at the same points: after the election handshake on both sides of an election connection
 * (QuorumCnxManager#startConnection and #handleConnection), and before anything else on the quorum port
 * (Learner#connectToLeader, LearnerHandler's constructor).
 *
 * <p>Accepting, it looks at the first 8 bytes: a peer that does not start with {@link QuorumAuthPacket#MAGIC} is
 * refused if {@code quorum.auth.serverRequireSasl}, else let through untouched (QuorumAuth#nextPacketIsAuth). A
 * failed exchange is answered with ERROR and then refused, or let through when SASL is not required, as
 * SaslQuorumAuthServer does. Connecting, it sends the first packet at once and steps aside only on SUCCESS.
 *
 * <p>Bounds, so that a hostile or broken peer costs a bounded amount: a token of at most {@link #TOKEN_BYTES_MAX}
 * bytes (a longer length, a negative one other than -1, or a packet without the magic once authentication began,
 * closes the connection as soon as its header arrives, whether SASL is required or not, since the stream cannot be
 * read further); a bounded number of rounds (the exchanges'); and {@code timeout} for the whole authentication,
 * after which the connection is closed. Runs on the channel's event loop; one instance per channel.
 */
final class QuorumAuthHandler extends ByteToMessageDecoder {
    /**
     * The largest token read: DIGEST-MD5's are under 1 KiB. ZooKeeper bounds them only by jute.maxbuffer (about
     * 1 MiB); 64 KiB leaves room for a Kerberos token with a large PAC.
     */
    static final int TOKEN_BYTES_MAX = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(QuorumAuthHandler.class);

    /** What the transport does when authentication ends; called on the channel's event loop. */
    interface Listener {
        /** The peer authenticated, or is let through; called before this handler steps aside. */
        void onPassed(ChannelHandlerContext context);

        /** The connection is refused and closing, for {@code reason} (already logged). */
        void onRefused(Channel channel, String reason);
    }

    private final QuorumSasl sasl;
    private final boolean accepting;
    // The host of the other member's server.N line, for the Kerberos service principal's _HOST; null when accepting.
    private final String peerHost;
    private final String description;
    private final Duration timeout;
    private final String nextName;
    private final ChannelHandler next;
    private final Listener listener;
    private QuorumAuthServerExchange serverExchange;
    private QuorumAuthLearnerExchange learnerExchange;
    private ScheduledFuture<?> timer;
    private boolean done;

    /**
     * @param accepting whether this side accepted the connection (the SASL server) or opened it (the SASL client)
     * @param peerHost connecting, the host of the other member's server.N line; null when accepting
     * @param description what the connection is, for the log: "election connection of server 1"
     * @param nextName the name {@code next} takes in the pipeline
     * @param next the handler that replaces this one when the peer passes, or null to just remove this one
     */
    QuorumAuthHandler(QuorumSasl sasl, boolean accepting, String peerHost, String description, Duration timeout, String nextName,
            ChannelHandler next, Listener listener) {
        this.sasl = sasl;
        this.accepting = accepting;
        this.peerHost = peerHost;
        this.description = description;
        this.timeout = timeout;
        this.nextName = nextName;
        this.next = next;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        timer = context.executor().schedule(() -> {
            if (!done) {
                refuse(context, "no complete authentication within " + timeout, null);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (accepting) {
            return;
        }
        Executor blocking = sasl.blockingWork();
        if (blocking == null) {
            start(context);
            return;
        }
        // GSSAPI's first token may wait for the KDC: made on a thread of its own, sent from the event loop. The server
        // sends nothing before it, so decode has nothing to do meanwhile.
        try {
            blocking.execute(() -> {
                Started started = started();
                try {
                    context.executor().execute(() -> onStarted(context, started));
                } catch (RejectedExecutionException e) {
                    // The transport is shutting down: the connection goes with it.
                }
            });
        } catch (RejectedExecutionException e) {
            refuse(context, "cannot start SASL: too many connections waiting for their first Kerberos token", null);
        }
    }

    /** A learner exchange and its first packet, or why there is none. */
    private record Started(QuorumAuthLearnerExchange exchange, QuorumAuthPacket first, String failure) {}

    private Started started() {
        try {
            QuorumAuthLearnerExchange exchange = sasl.newLearnerExchange(peerHost);
            return new Started(exchange, exchange.start(), null);
        } catch (SaslException | RuntimeException e) {
            return new Started(null, null, dev.corral.server.sasl.SaslErrors.reason(e));
        }
    }

    private void start(ChannelHandlerContext context) {
        onStarted(context, started());
    }

    private void onStarted(ChannelHandlerContext context, Started started) {
        if (done) {
            return; // timed out or closed meanwhile
        }
        if (started.failure() != null) {
            refuse(context, "cannot start SASL: " + started.failure(), null);
            return;
        }
        learnerExchange = started.exchange();
        context.writeAndFlush(Unpooled.wrappedBuffer(started.first().encode()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        if (!done) {
            refuse(context, "the peer closed the connection during authentication", null);
        }
        super.channelInactive(context);
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        while (!done) {
            if (!accepting && learnerExchange == null) {
                return; // the first packet is not sent yet: nothing the server sends can be an answer
            }
            if (accepting && serverExchange == null) {
                if (in.readableBytes() < 8) {
                    return;
                }
                if (in.getLong(in.readerIndex()) != QuorumAuthPacket.MAGIC) {
                    if (sasl.serverRequires()) {
                        refuse(context, "Learner not trying to authenticate and authentication is required ("
                                + QuorumAuthSettings.SERVER_REQUIRE_SASL + "=true)", in);
                    } else {
                        LOG.debug("{} with {} is not authenticated and let through ({}=false)", description,
                                context.channel().remoteAddress(), QuorumAuthSettings.SERVER_REQUIRE_SASL);
                        pass(context);
                    }
                    return;
                }
                try {
                    serverExchange = sasl.newServerExchange();
                } catch (SaslException e) {
                    refuse(context, "cannot start SASL: " + e.getMessage(), in);
                    return;
                }
            }
            QuorumAuthPacket packet = nextPacket(context, in);
            if (packet == null) {
                return;
            }
            QuorumAuthStep step = accepting ? serverExchange.onPacket(packet) : learnerExchange.onPacket(packet);
            onStep(context, in, step);
        }
    }

    /** The next whole packet, or null if it has not all arrived (or broke the grammar: then the connection closes). */
    private QuorumAuthPacket nextPacket(ChannelHandlerContext context, ByteBuf in) {
        if (in.readableBytes() < QuorumAuthPacket.HEADER_BYTES) {
            return null;
        }
        long magic = in.getLong(in.readerIndex());
        int length = in.getInt(in.readerIndex() + 12);
        if (magic != QuorumAuthPacket.MAGIC) {
            refuse(context, "malformed authentication packet: magic 0x" + Long.toHexString(magic), in);
            return null;
        }
        if (length < -1 || length > TOKEN_BYTES_MAX) {
            refuse(context, "malformed authentication packet: token length " + length + ", not in -1.." + TOKEN_BYTES_MAX, in);
            return null;
        }
        int total = QuorumAuthPacket.HEADER_BYTES + Math.max(0, length);
        if (in.readableBytes() < total) {
            return null;
        }
        byte[] bytes = new byte[total];
        in.readBytes(bytes);
        return QuorumAuthPacket.read(new JuteInput(bytes));
    }

    private void onStep(ChannelHandlerContext context, ByteBuf in, QuorumAuthStep step) {
        switch (step.outcome()) {
            case CONTINUE -> context.writeAndFlush(Unpooled.wrappedBuffer(step.reply().encode()));
            case AUTHENTICATED -> {
                if (step.reply() != null) {
                    context.writeAndFlush(Unpooled.wrappedBuffer(step.reply().encode()));
                }
                LOG.info("{} with {}: SASL authentication succeeded{}", description, context.channel().remoteAddress(),
                        accepting ? " for '" + step.reason() + "'" : "");
                pass(context);
            }
            case FAILED -> {
                if (accepting && !sasl.serverRequires()) {
                    context.writeAndFlush(Unpooled.wrappedBuffer(step.reply().encode()));
                    LOG.warn("{} with {}: SASL authentication failed ({}); maintaining the connection as {}=false",
                            description, context.channel().remoteAddress(), step.reason(), QuorumAuthSettings.SERVER_REQUIRE_SASL);
                    pass(context);
                } else {
                    refuse(context, "SASL authentication failed: " + step.reason(), in, step.reply());
                }
            }
        }
    }

    private void pass(ChannelHandlerContext context) {
        done = true;
        timer.cancel(false);
        listener.onPassed(context);
        if (next != null) {
            context.pipeline().replace(this, nextName, next); // the bytes after the exchange pass on to it
        } else {
            context.pipeline().remove(this);
        }
    }

    private void refuse(ChannelHandlerContext context, String reason, ByteBuf in) {
        refuse(context, reason, in, null);
    }

    private void refuse(ChannelHandlerContext context, String reason, ByteBuf in, QuorumAuthPacket last) {
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (in != null) {
            in.skipBytes(in.readableBytes()); // nothing more of this connection is read
        }
        LOG.warn("{} with {} closed: {}", description, context.channel().remoteAddress(), reason);
        listener.onRefused(context.channel(), reason);
        if (last != null) {
            context.writeAndFlush(Unpooled.wrappedBuffer(last.encode())).addListener(ChannelFutureListener.CLOSE);
        } else {
            context.close();
        }
    }
}
