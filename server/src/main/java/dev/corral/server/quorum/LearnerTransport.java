package dev.corral.server.quorum;

import dev.corral.wire.JuteInput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.QuorumPacket;
import dev.corral.zab.Message;
import dev.corral.zab.codec.LearnerPackets;
import dev.corral.zab.codec.LearnerStream;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner connections of one server on its quorum port, in ZooKeeper 3.9.5's byte format: as a leader
 * it accepts learners, as a learner it connects to its leader. Frames are {@link LearnerStream}'s
 * (QuorumPackets as ZooKeeper's Learner and LearnerHandler write them), and each received message goes to
 * a {@link Receiver} with the id of the server that sent it.
 *
 * <p>How a connection is identified, as in ZooKeeper: a learner's first packet is FOLLOWERINFO or
 * OBSERVERINFO, whose LearnerInfo carries its server id (LearnerHandler#run refuses a connection whose
 * first packet is anything else, and so does this class, as it does an id that is not a configured peer).
 * The learner protocol's {@code connection} numbers ({@link Message.Learner#connection()}) map to TCP
 * connections ({@link LearnerConnection}): a learner's Peer names the number, and its first LearnerInfo
 * with a new number opens a connection to that leader (closing the one before: a learner follows one
 * leader); on the leader's side each accepted connection gets a negative number of its own, and the
 * leader's Peer answers on it. A connection that broke before anything was received on it, having
 * carried only the info, is connected again with backoff for the same number (the leader may not have
 * been listening yet); one that broke later is ended, its later messages dropped, and the receiver told.
 *
 * <p>Why one event loop: every channel of this transport is registered on a single loop, and all its state
 * is touched only there, so there are no locks; writes made in one turn of the loop are flushed together.
 *
 * <p>Bounds: a packet's data at most {@code dataBytesMax} (ZooKeeper's jute.maxbuffer rule) and a SNAP image
 * at most {@code imageBytesMax}, both checked when the length arrives, which closes only that connection;
 * at most {@code outgoingBytesMax} bytes not yet taken by one connection's socket, beyond which that
 * connection is closed (a peer that does not read is dropped, not buffered for); an accepted connection
 * has {@code handshakeTimeout} to send its info; reconnects wait {@code retryMin} doubling to {@code retryMax}.
 */
public final class LearnerTransport implements AutoCloseable {
    /** Where received messages go; called on the transport's event loop, so it must not block. */
    public interface Receiver {
        /** A message from server {@code serverId}, its connection number as this side knows it. */
        void onMessage(long serverId, Message.Learner message);

        /**
         * The connection {@code connection} with server {@code serverId} ended: messages sent on it are
         * dropped from now on, and some sent before may not have arrived. A Peer notices the same by its
         * timers (initLimit, syncLimit); this lets the host tell it sooner.
         */
        default void onDisconnected(long serverId, long connection) {}
    }

    private static final Logger LOG = LoggerFactory.getLogger(LearnerTransport.class);
    /** Written bytes after which a connection is flushed at once rather than at the end of the loop's turn. */
    private static final int FLUSH_BYTES = 64 * 1024;
    private static final AttributeKey<LearnerConnection> CONNECTION = AttributeKey.valueOf("corral.learnerConnection");

    private final LearnerTransportConfig config;
    private final Receiver receiver;
    private final LearnerStream stream;
    private final TransportLoop loops;
    private final EventLoop loop;
    private final Bootstrap connector;
    private final Channel serverChannel;
    /** Every channel open now, connecting and refused ones included, so that close() reaches them all. */
    private final ChannelGroup channels;
    /** Every connection not ended, by number, both sides. */
    private final Map<Long, LearnerConnection> connections = new HashMap<>();
    /** The accepted connection of each learner: a newer one from the same server replaces it. */
    private final Map<Long, LearnerConnection> acceptedByServer = new HashMap<>();
    /** This server's connection to its leader, if it is a learner. */
    private LearnerConnection toLeader;
    private long acceptedCount;
    /** Connections written to in this turn of the loop and not flushed yet. */
    private final Set<LearnerConnection> unflushed = new LinkedHashSet<>();
    private boolean flushScheduled;
    /** SASL between members (quorum.auth.*), or null when it is off. */
    private final QuorumSasl sasl;
    private boolean closed;
    // Counters written on the loop, read by anyone.
    private volatile long refusedConnections;
    private volatile long malformedFrames;
    private volatile long slowPeerDisconnects;
    private volatile long droppedSends;
    private volatile long failedConnects;

    private LearnerTransport(LearnerTransportConfig config, Receiver receiver, TransportLoop loops, QuorumTls tls, QuorumSasl sasl) {
        this.config = config;
        this.sasl = sasl;
        this.receiver = receiver;
        this.loops = loops;
        this.loop = loops.loop;
        this.stream = new LearnerStream(config.images(), config.dataBytesMax(), config.imageBytesMax());
        this.channels = new DefaultChannelGroup("learners-" + config.myId(), loop);
        ChannelHandler handler = new Handler();
        this.connector = loops.connector(config.connectTimeout(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channels.add(channel);
                if (tls != null) {
                    tls.onConnecting(channel);
                }
                channel.pipeline().addLast("frames", new LearnerFrameDecoder(stream)).addLast("transport", handler);
            }
        });
        this.serverChannel = loops.listen(config.listenAddress(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channels.add(channel);
                if (tls != null) {
                    tls.onAccepted(channel);
                }
                if (sasl != null) {
                    // LearnerHandler's constructor authenticates before the first packet is read.
                    channel.pipeline().addLast("auth", new QuorumAuthHandler(sasl, true, null, "learner connection of server "
                            + config.myId(), config.handshakeTimeout(), null, null, new QuorumAuthHandler.Listener() {
                                @Override
                                public void onPassed(ChannelHandlerContext context) {
                                    // the first packet, FOLLOWERINFO or OBSERVERINFO, follows
                                }

                                @Override
                                public void onRefused(Channel refused, String reason) {
                                    refusedConnections++;
                                }
                            }));
                }
                channel.pipeline().addLast("frames", new LearnerFrameDecoder(stream)).addLast("transport", handler);
                channel.eventLoop().schedule(() -> closeIfNoInfo(channel), config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Listens and connects on an event loop of its own, which {@link #close()} shuts down. */
    public static LearnerTransport start(LearnerTransportConfig config, Receiver receiver) {
        return start(config, receiver, (QuorumTls) null);
    }

    /** As {@link #start(LearnerTransportConfig, Receiver)}, every connection over TLS unless {@code tls} is null. */
    public static LearnerTransport start(LearnerTransportConfig config, Receiver receiver, QuorumTls tls) {
        return start(config, receiver, tls, null);
    }

    /**
     * As {@link #start(LearnerTransportConfig, Receiver, QuorumTls)}, with SASL authentication between members before
     * the learner protocol unless {@code sasl} is null ({@link QuorumAuthHandler}).
     */
    public static LearnerTransport start(LearnerTransportConfig config, Receiver receiver, QuorumTls tls, QuorumSasl sasl) {
        TransportLoop loops = TransportLoop.ownThread("corral-learners-" + config.myId());
        try {
            return new LearnerTransport(config, receiver, loops, tls, sasl);
        } catch (RuntimeException e) {
            loops.shutdownOwnThread();
            throw e;
        }
    }

    /** Listens and connects on one loop of {@code group}, which stays the caller's to shut down. */
    public static LearnerTransport start(LearnerTransportConfig config, Receiver receiver, EventLoopGroup group) {
        return new LearnerTransport(config, receiver, TransportLoop.on(group, "learner transport of server " + config.myId()), null, null);
    }

    /** The address it accepts learners on (the configured one, with the port chosen if that was 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Sends {@code message} to server {@code serverId} on the connection its number names. The frame is
     * encoded here, on the caller's thread; it is written on the transport's loop, in the order of the
     * calls. A LearnerInfo with a number this side has no connection for opens one to {@code serverId}'s
     * quorum port; any other message on such a number is dropped (its connection ended).
     *
     * @throws IllegalArgumentException if the message is beyond the frame bounds, or {@code serverId} is not a peer
     */
    public void send(long serverId, Message.Learner message) {
        if (!config.peers().containsKey(serverId)) {
            throw new IllegalArgumentException("server " + serverId + " is not a quorum peer of server " + config.myId());
        }
        byte[] frame = stream.encode(message, config.myId());
        if (loop.isShuttingDown()) {
            return; // closed: like a send to a crashed server, the message is lost
        }
        loop.execute(() -> onSend(serverId, message, frame));
    }

    /** Closes the connection with this number, if it is open: the host's Peer has left the role that used it. */
    public void endConnection(long connection) {
        if (!loop.isShuttingDown()) {
            loop.execute(() -> {
                LearnerConnection c = connections.get(connection);
                if (c != null) {
                    end(c, "its role ended");
                }
            });
        }
    }

    /** The open connections as "to|from serverId #number", for tests and diagnostics. */
    public Map<Long, String> openConnections() {
        return loops.query(() -> {
            Map<Long, String> open = new TreeMap<>();
            connections.values().stream().filter(c -> c.channel != null).forEach(c -> open.put(c.number, c.toString()));
            return open;
        });
    }

    /** Connections closed because their first packet was not an info of a configured peer, or came too late. */
    public long refusedConnections() {
        return refusedConnections;
    }

    /** Connections closed because a frame broke the grammar or its bounds, or did not decode to a message. */
    public long malformedFrames() {
        return malformedFrames;
    }

    /** Connections closed because the peer did not take its bytes: more than outgoingBytesMax were waiting. */
    public long slowPeerDisconnects() {
        return slowPeerDisconnects;
    }

    /** Messages dropped because their connection had ended (or never existed). */
    public long droppedSends() {
        return droppedSends;
    }

    /** Connects to a leader that failed (refused, timed out), each followed by a retry after a backoff. */
    public long failedConnects() {
        return failedConnects;
    }

    @Override
    public void close() {
        loops.close(() -> {
            closed = true;
            for (LearnerConnection c : connections.values()) {
                cancelRetry(c);
                c.ended = true;
            }
            connections.clear();
            acceptedByServer.clear();
            toLeader = null;
            channels.close();
            return serverChannel.close();
        }, LOG);
    }

    // ---- on the loop ----

    private void onSend(long serverId, Message.Learner message, byte[] frame) {
        if (closed) {
            return;
        }
        LearnerConnection c = connections.get(message.connection());
        if (c == null && message instanceof Message.LearnerInfo) {
            c = openToLeader(serverId, message.connection());
        }
        if (c == null || c.serverId != serverId) {
            droppedSends++;
            LOG.debug("server {} drops {} for {}: no connection #{}", config.myId(), Message.describe(message), serverId,
                    Long.toHexString(message.connection()));
            return;
        }
        if (message instanceof Message.LearnerInfo) {
            if (c.channel == null && Arrays.equals(c.info, frame)) {
                return; // a repeat while connecting: the info goes out on the new channel anyway
            }
            c.info = frame;
        } else {
            c.sentMoreThanInfo = true;
        }
        if (message instanceof Message.LeaderInfo info) {
            c.leaderInfoEpoch = info.newEpoch(); // the ACKEPOCH that answers it is read with this epoch
        }
        write(c, frame, message instanceof Message.Snap);
    }

    private LearnerConnection openToLeader(long leaderId, long number) {
        if (toLeader != null) {
            end(toLeader, "a connection to a leader replaces it");
        }
        LearnerConnection c = new LearnerConnection(number, leaderId, true, config.peers().get(leaderId));
        connections.put(number, c);
        toLeader = c;
        connect(c);
        return c;
    }

    private void write(LearnerConnection c, byte[] frame, boolean snap) {
        boolean counted = !snap || c.channel == null;
        if (counted && c.pendingBytes + frame.length > config.outgoingBytesMax()) {
            slowPeerDisconnects++;
            LOG.warn("server {} closes its learner connection {}: {} bytes are waiting for the peer to read them, above {}",
                    config.myId(), c, c.pendingBytes + frame.length, config.outgoingBytesMax());
            end(c, "the peer does not read");
            return;
        }
        if (c.channel == null) {
            c.queued.addLast(frame);
            c.pendingBytes += frame.length;
            return;
        }
        writeNow(c, frame, counted);
    }

    private void writeNow(LearnerConnection c, byte[] frame, boolean counted) {
        Channel channel = c.channel;
        ChannelFuture written = channel.write(Unpooled.wrappedBuffer(frame));
        if (counted) {
            c.pendingBytes += frame.length;
            written.addListener(done -> {
                if (c.channel == channel) {
                    c.pendingBytes -= frame.length;
                }
            });
        }
        c.unflushedBytes += frame.length;
        if (c.unflushedBytes >= FLUSH_BYTES) {
            // Enough for a full write to the socket: waiting for the end of the turn would only hold memory.
            c.unflushedBytes = 0;
            channel.flush();
            return;
        }
        unflushed.add(c);
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::flushAll); // after the writes already queued on the loop: one flush for all of them
        }
    }

    private void flushAll() {
        flushScheduled = false;
        for (LearnerConnection c : unflushed) {
            if (c.channel != null && c.unflushedBytes > 0) {
                c.unflushedBytes = 0;
                c.channel.flush();
            }
        }
        unflushed.clear();
    }

    private void connect(LearnerConnection c) {
        if (closed || c.ended || c.channel != null || c.connecting != null) {
            return;
        }
        cancelRetry(c);
        ChannelFuture connect = connector.connect(c.address);
        c.connecting = connect.channel();
        connect.channel().attr(CONNECTION).set(c);
        connect.addListener((ChannelFutureListener) future -> onConnected(c, future));
    }

    private void onConnected(LearnerConnection c, ChannelFuture future) {
        Channel channel = future.channel();
        if (c.connecting == channel) {
            c.connecting = null;
        }
        if (closed || c.ended) {
            channel.close();
            return;
        }
        if (!future.isSuccess()) {
            LOG.debug("server {} cannot connect to leader {} at {}: {}", config.myId(), c.serverId, c.address, future.cause().toString());
            c.failedAttempts++;
            failedConnects++;
            scheduleRetry(c);
            return;
        }
        LOG.debug("server {} connected to leader {}: {} -> {}", config.myId(), c.serverId, channel.localAddress(), channel.remoteAddress());
        if (sasl != null && sasl.learnerAuthenticates()) {
            // Learner#connectToLeader authenticates before its first packet; until then the connect is not over.
            c.connecting = channel;
            channel.pipeline().addBefore("frames", "auth", new QuorumAuthHandler(sasl, false, c.address.getHostString(), "learner connection of server "
                    + config.myId() + " to leader " + c.serverId, config.handshakeTimeout(), null, null, new QuorumAuthHandler.Listener() {
                        @Override
                        public void onPassed(ChannelHandlerContext context) {
                            if (c.connecting == channel) {
                                c.connecting = null;
                            }
                            if (closed || c.ended) {
                                channel.close();
                                return;
                            }
                            becomeConnected(c, channel);
                        }

                        @Override
                        public void onRefused(Channel refused, String reason) {
                            if (c.connecting == refused) {
                                c.connecting = null;
                            }
                            c.failedAttempts++;
                            failedConnects++;
                            scheduleRetry(c);
                        }
                    }));
            return;
        }
        becomeConnected(c, channel);
    }

    /** The channel to the leader is up (and authenticated, if this side authenticates): what was queued goes out. */
    private void becomeConnected(LearnerConnection c, Channel channel) {
        c.channel = channel;
        c.failedAttempts = 0;
        c.unflushedBytes = 0;
        long queuedBytes = c.pendingBytes;
        c.pendingBytes = 0;
        byte[] frame;
        while ((frame = c.queued.pollFirst()) != null) {
            queuedBytes -= frame.length;
            writeNow(c, frame, true);
        }
        if (queuedBytes != 0) {
            throw new IllegalStateException("learner connection " + c + " counted " + queuedBytes + " bytes it did not queue");
        }
    }

    private void onFrame(Channel channel, byte[] frame) {
        LearnerConnection c = channel.attr(CONNECTION).get();
        if (c == null) {
            onFirstFrame(channel, frame);
            return;
        }
        if (c.ended || c.channel != channel) {
            return;
        }
        Message.Learner message;
        try {
            message = stream.decode(frame, 0, frame.length, c.number, c.outgoing ? -1 : c.leaderInfoEpoch);
        } catch (RuntimeException e) {
            malformedFrames++;
            LOG.warn("server {} closes learner connection {}: {}", config.myId(), c, e.getMessage());
            end(c, "a malformed frame");
            return;
        }
        c.receivedAny = true;
        deliver(c.serverId, message);
    }

    /** LearnerHandler#run: the first packet must be FOLLOWERINFO or OBSERVERINFO; its LearnerInfo names the learner. */
    private void onFirstFrame(Channel channel, byte[] frame) {
        long number = -(++acceptedCount);
        long serverId;
        Message.Learner message;
        try {
            serverId = LearnerPackets.learnerInfo(QuorumPacket.read(new JuteInput(frame))).serverid();
            message = stream.decode(frame, 0, frame.length, number, -1);
        } catch (RuntimeException e) {
            malformedFrames++;
            LOG.warn("server {} refuses a learner connection from {}: its first packet is not an info ({})", config.myId(),
                    channel.remoteAddress(), e.getMessage());
            refuse(channel);
            return;
        }
        if (closed || !config.peers().containsKey(serverId)) {
            LOG.warn("server {} refuses a learner connection from {} claiming id {}: not a configured peer", config.myId(),
                    channel.remoteAddress(), serverId);
            refuse(channel);
            return;
        }
        LearnerConnection c = new LearnerConnection(number, serverId, false, null);
        c.channel = channel;
        c.receivedAny = true;
        channel.attr(CONNECTION).set(c);
        connections.put(number, c);
        LearnerConnection previous = acceptedByServer.put(serverId, c);
        if (previous != null) {
            end(previous, "the learner connected again");
        }
        LOG.debug("server {} accepted learner {} from {}", config.myId(), c, channel.remoteAddress());
        deliver(serverId, message);
    }

    private void onInactive(Channel channel) {
        LearnerConnection c = channel.attr(CONNECTION).get();
        if (c == null || c.channel != channel) {
            return; // not yet identified, or an earlier channel of a connection that has a new one
        }
        c.channel = null;
        if (!closed && c.mayReconnect() && c == toLeader) {
            // Nothing was received and only the info sent: say it again on a new channel, with backoff.
            c.queued.clear();
            c.queued.addLast(c.info);
            c.pendingBytes = c.info.length;
            c.failedAttempts++;
            scheduleRetry(c);
            return;
        }
        end(c, "its channel closed");
    }

    private void end(LearnerConnection c, String why) {
        if (c.ended) {
            return;
        }
        c.ended = true;
        cancelRetry(c);
        connections.remove(c.number);
        acceptedByServer.remove(c.serverId, c);
        if (toLeader == c) {
            toLeader = null;
        }
        c.queued.clear();
        Channel channel = c.channel;
        c.channel = null;
        if (channel != null) {
            channel.close();
        }
        if (c.connecting != null) {
            c.connecting.close();
            c.connecting = null;
        }
        LOG.debug("server {} ended learner connection {}: {}", config.myId(), c, why);
        if (!closed) {
            try {
                receiver.onDisconnected(c.serverId, c.number);
            } catch (RuntimeException e) {
                LOG.error("learner receiver of server {} failed on the end of {}", config.myId(), c, e);
            }
        }
    }

    private void deliver(long serverId, Message.Learner message) {
        try {
            receiver.onMessage(serverId, message);
        } catch (RuntimeException e) {
            LOG.error("learner receiver of server {} failed on {} from {}", config.myId(), Message.describe(message), serverId, e);
        }
    }

    private void scheduleRetry(LearnerConnection c) {
        if (closed || c.ended || c.channel != null || c.connecting != null || c.retry != null) {
            return;
        }
        long delayMs = TransportLoop.backoffMs(config.retryMin(), config.retryMax(), c.failedAttempts);
        c.retry = loop.schedule(() -> {
            c.retry = null;
            connect(c);
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private static void cancelRetry(LearnerConnection c) {
        if (c.retry != null) {
            c.retry.cancel(false);
            c.retry = null;
        }
    }

    private void closeIfNoInfo(Channel channel) {
        if (channel.isOpen() && channel.attr(CONNECTION).get() == null) {
            LOG.warn("server {} closes learner connection from {}: no FOLLOWERINFO or OBSERVERINFO within {}", config.myId(),
                    channel.remoteAddress(), config.handshakeTimeout());
            refuse(channel);
        }
    }

    private void refuse(Channel channel) {
        refusedConnections++;
        channel.close();
    }

    /** One handler instance for every channel: it only moves events to the transport's methods. */
    @ChannelHandler.Sharable
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof byte[] frame) {
                onFrame(context.channel(), frame);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            onInactive(context.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LearnerConnection c = context.channel().attr(CONNECTION).get();
            if (cause instanceof MalformedRecordException) {
                malformedFrames++;
            }
            LOG.warn("server {} closes learner connection {} ({}): {}", config.myId(), c == null ? "not identified" : c,
                    context.channel().remoteAddress(), cause.toString());
            if (c == null) {
                refusedConnections++;
                context.close();
            } else {
                end(c, cause.toString()); // not connected again: the peer broke the protocol
            }
        }
    }
}
