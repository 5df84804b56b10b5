package dev.corral.server.quorum;

import dev.corral.wire.MalformedRecordException;
import dev.corral.zab.Message;
import dev.corral.zab.codec.NotificationCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The election connections of one server, speaking ZooKeeper 3.9.5's QuorumCnxManager protocol on the
 * election port: it accepts and opens connections to every other voter and observer, performs the
 * {@link ElectionHandshake}, keeps one connection per pair by the {@link DuplicateConnectionRule},
 * frames notifications ({@link ElectionFrameDecoder}), and hands each received notification to a
 * {@link Receiver} with the id of the server that sent it.
 *
 * <p>Why one event loop: every channel of this transport is registered on a single loop of the group,
 * and all its state (the {@link PeerLink}s) is touched only there, so there are no locks. Election
 * traffic is a few dozen 40-byte messages per election; one loop is plenty.
 *
 * <p>Bounds: per peer a queue of {@code sendQueueMax} notifications (oldest dropped: a newer vote of
 * this server supersedes an older one, and FastLeaderElection tolerates lost and repeated
 * notifications), written only while the channel is writable; a received frame of at most 512 KiB and a
 * handshake of at most 2 KiB; reconnects delayed from {@code retryMin} doubling to {@code retryMax}.
 *
 * <p>What differs from ZooKeeper: a connection claiming this server's own id, an unknown id or the
 * observer id is closed (ZooKeeper leaves the first open, and accepts the others for dynamic
 * reconfiguration, which Corral does not support); it always sends the V1 handshake (no multi-address).
 */
public final class ElectionTransport implements AutoCloseable {
    /** Where received notifications go; called on the transport's event loop, so it must not block. */
    @FunctionalInterface
    public interface Receiver {
        void onNotification(long serverId, Message.Notification notification);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ElectionTransport.class);
    /** The peer a channel carries notifications for; set once the connection is kept. */
    private static final AttributeKey<Long> PEER = AttributeKey.valueOf("corral.electionPeer");

    private final ElectionTransportConfig config;
    private final Receiver receiver;
    private final TransportLoop loops;
    private final EventLoop loop;
    private final Bootstrap connector;
    private final Map<Long, PeerLink> links = new HashMap<>();
    private final Channel serverChannel;
    /** Every connection open now, handshaking and refused ones included, so that close() reaches them all. */
    private final ChannelGroup channels;
    private final byte[] handshake;
    /** SASL between members (quorum.auth.*), or null when it is off. */
    private final QuorumSasl sasl;
    private boolean closed;
    // Counters written on the loop, read by anyone.
    private volatile long refusedConnections;
    private volatile long malformedNotifications;

    private ElectionTransport(ElectionTransportConfig config, Receiver receiver, TransportLoop loops, QuorumTls tls, QuorumSasl sasl) {
        this.config = config;
        this.sasl = sasl;
        this.receiver = receiver;
        this.loops = loops;
        this.loop = loops.loop;
        this.channels = new DefaultChannelGroup("election-" + config.myId(), loop);
        config.peers().forEach((id, address) -> links.put(id, new PeerLink(id, address, config.sendQueueMax())));
        ChannelHandler handler = new Handler();
        this.connector = loops.connector(config.connectTimeout(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channels.add(channel);
                if (tls != null) {
                    tls.onConnecting(channel);
                }
                channel.pipeline().addLast("frames", new ElectionFrameDecoder()).addLast("transport", handler);
            }
        });
        this.serverChannel = loops.listen(config.listenAddress(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channels.add(channel);
                if (tls != null) {
                    tls.onAccepted(channel);
                }
                channel.pipeline().addLast("handshake", new ElectionHandshakeDecoder(sasl == null ? null : ElectionTransport.this::authenticating))
                        .addLast("transport", handler);
                channel.eventLoop().schedule(() -> closeIfNoHandshake(channel),
                        config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
        this.handshake = ElectionHandshake.encode(config.myId(), localAddress());
        loop.execute(() -> links.values().forEach(this::maybeConnect));
    }

    /** Listens and connects on event loops of its own, which {@link #close()} shuts down. */
    public static ElectionTransport start(ElectionTransportConfig config, Receiver receiver) {
        return start(config, receiver, (QuorumTls) null);
    }

    /** As {@link #start(ElectionTransportConfig, Receiver)}, every connection over TLS unless {@code tls} is null. */
    public static ElectionTransport start(ElectionTransportConfig config, Receiver receiver, QuorumTls tls) {
        return start(config, receiver, tls, null);
    }

    /**
     * As {@link #start(ElectionTransportConfig, Receiver, QuorumTls)}, with SASL authentication between members
     * after the handshake unless {@code sasl} is null ({@link QuorumAuthHandler}).
     */
    public static ElectionTransport start(ElectionTransportConfig config, Receiver receiver, QuorumTls tls, QuorumSasl sasl) {
        TransportLoop loops = TransportLoop.ownThread("corral-election-" + config.myId());
        try {
            return new ElectionTransport(config, receiver, loops, tls, sasl);
        } catch (RuntimeException e) {
            loops.shutdownOwnThread();
            throw e;
        }
    }

    /** Listens and connects on one loop of {@code group}, which stays the caller's to shut down. */
    public static ElectionTransport start(ElectionTransportConfig config, Receiver receiver, EventLoopGroup group) {
        return new ElectionTransport(config, receiver, TransportLoop.on(group, "election transport of server " + config.myId()), null, null);
    }

    /** The address it listens on (the configured one, with the port chosen if that was 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Sends {@code notification} to server {@code serverId} as soon as a connection to it is up,
     * connecting if none is; to this server itself it is delivered directly, as ZooKeeper loops it back.
     */
    public void send(long serverId, Message.Notification notification) {
        if (serverId != config.myId() && !config.peers().containsKey(serverId)) {
            throw new IllegalArgumentException("server " + serverId + " is not an election peer of server " + config.myId());
        }
        byte[] bytes = NotificationCodec.encode(notification);
        if (loop.isShuttingDown()) {
            return; // closed: like a send to a crashed server, the vote is lost
        }
        loop.execute(() -> {
            if (closed) {
                return;
            }
            if (serverId == config.myId()) {
                deliver(serverId, notification);
                return;
            }
            PeerLink link = links.get(serverId);
            link.enqueue(bytes);
            if (link.active != null) {
                drain(link);
            } else {
                maybeConnect(link);
            }
        });
    }

    /** The peers with a connection up now. */
    public Set<Long> connectedPeers() {
        return loops.query(() -> {
            Set<Long> connected = new TreeSet<>();
            links.values().stream().filter(link -> link.active != null).forEach(link -> connected.add(link.serverId));
            return connected;
        });
    }

    /** Notifications dropped for {@code serverId} because newer ones filled its queue. */
    public long droppedNotifications(long serverId) {
        return loops.query(() -> links.get(serverId).dropped);
    }

    /** Connections closed because of their handshake's id (own, unknown) or of ZooKeeper's duplicate rule. */
    public long refusedConnections() {
        return refusedConnections;
    }

    /** Frames that were not a notification this side reads (dropped, as FastLeaderElection drops them). */
    public long malformedNotifications() {
        return malformedNotifications;
    }

    /** Connections open now, of any state (the listening socket not counted). */
    int openConnections() {
        return loops.query(channels::size);
    }

    /** The connection to {@code serverId} as "local -> remote", or null: lets tests see both ends agree. */
    String connectionEnds(long serverId) {
        return loops.query(() -> {
            Channel active = links.get(serverId).active;
            return active == null ? null : active.localAddress() + " -> " + active.remoteAddress();
        });
    }

    @Override
    public void close() {
        loops.close(() -> {
            closed = true;
            for (PeerLink link : links.values()) {
                cancelRetry(link);
                closeQuietly(link.active);
                closeQuietly(link.connecting);
                link.active = null;
                link.connecting = null;
            }
            channels.close();
            return serverChannel.close();
        }, LOG);
    }

    // ---- on the loop ----

    private void maybeConnect(PeerLink link) {
        if (closed || link.active != null || link.connecting != null) {
            return;
        }
        cancelRetry(link);
        ChannelFuture connect = connector.connect(link.address);
        link.connecting = connect.channel();
        connect.addListener((ChannelFutureListener) future -> onConnected(link, future));
    }

    private void onConnected(PeerLink link, ChannelFuture future) {
        Channel channel = future.channel();
        if (link.connecting == channel) {
            link.connecting = null;
        }
        if (closed) {
            closeQuietly(channel);
            return;
        }
        if (!future.isSuccess()) {
            LOG.debug("server {} cannot connect to election peer {} at {}: {}", config.myId(), link.serverId, link.address,
                    future.cause().toString());
            link.failedAttempts++;
            scheduleRetry(link);
            return;
        }
        if (link.active != null) {
            // The peer connected to us while this connect was in flight; a handshake now would only make
            // it drop that connection and open another.
            closeQuietly(channel);
            return;
        }
        ChannelFuture written = channel.writeAndFlush(Unpooled.wrappedBuffer(handshake));
        if (sasl != null && sasl.learnerAuthenticates()) {
            // ZooKeeper's startConnection authenticates right after its handshake, even on a connection it then drops.
            link.connecting = channel;
            channel.pipeline().addBefore("frames", "auth", new QuorumAuthHandler(sasl, false, link.address.getHostString(), "election connection of server "
                    + config.myId() + " to " + link.serverId, config.handshakeTimeout(), null, null, new QuorumAuthHandler.Listener() {
                        @Override
                        public void onPassed(ChannelHandlerContext context) {
                            if (link.connecting == channel) {
                                link.connecting = null;
                            }
                            if (closed || link.active != null) {
                                closeQuietly(channel);
                                return;
                            }
                            onHandshakeSent(link, channel, written);
                        }

                        @Override
                        public void onRefused(Channel refused, String reason) {
                            if (link.connecting == refused) {
                                link.connecting = null;
                            }
                            link.failedAttempts++;
                            scheduleRetry(link);
                        }
                    }));
            return;
        }
        onHandshakeSent(link, channel, written);
    }

    /** The handshake is out (and SASL done, if this side authenticates): keep the connection or leave it to the peer. */
    private void onHandshakeSent(PeerLink link, Channel channel, ChannelFuture written) {
        if (DuplicateConnectionRule.initiatorKeeps(config.myId(), link.serverId)) {
            becomeActive(link, channel);
        } else {
            // The peer has the higher id: our handshake tells it to connect to us, and we drop ours.
            written.addListener(ChannelFutureListener.CLOSE);
            link.failedAttempts++;
            scheduleRetry(link);
        }
    }

    /**
     * What follows the handshake of an accepted connection when SASL is on: authentication, after which the
     * handshake goes to the transport and the notification frames to their decoder (QuorumCnxManager#handleConnection
     * authenticates between the two).
     */
    private ChannelHandler authenticating(ElectionHandshake received) {
        return new QuorumAuthHandler(sasl, true, null, "election connection of server " + config.myId() + " from " + received.serverId(),
                config.handshakeTimeout(), "frames", new ElectionFrameDecoder(), new QuorumAuthHandler.Listener() {
                    @Override
                    public void onPassed(ChannelHandlerContext context) {
                        context.fireChannelRead(received);
                    }

                    @Override
                    public void onRefused(Channel channel, String reason) {
                        refusedConnections++;
                    }
                });
    }

    private void onHandshake(Channel channel, ElectionHandshake received) {
        long serverId = received.serverId();
        PeerLink link = links.get(serverId);
        if (closed || link == null) {
            LOG.warn("server {} refuses an election connection from {} claiming id {} ({})", config.myId(),
                    channel.remoteAddress(), serverId, serverId == config.myId() ? "its own id" : "not a configured peer");
            refuse(channel);
            return;
        }
        if (DuplicateConnectionRule.acceptorKeeps(config.myId(), serverId)) {
            becomeActive(link, channel);
            return;
        }
        refuse(channel);
        if (DuplicateConnectionRule.acceptorConnectsBack(config.myId(), serverId)) {
            // The peer may have restarted, so the connection we hold may be dead: replace it (ZooKeeper does).
            Channel stale = link.active;
            link.active = null;
            closeQuietly(stale);
            link.failedAttempts = 0;
            maybeConnect(link);
        }
    }

    private void becomeActive(PeerLink link, Channel channel) {
        channel.attr(PEER).set(link.serverId);
        Channel previous = link.active;
        link.active = channel;
        closeQuietly(previous == channel ? null : previous);
        cancelRetry(link);
        link.failedAttempts = 0;
        LOG.debug("server {} has its election connection to {}: {} -> {}", config.myId(), link.serverId,
                channel.localAddress(), channel.remoteAddress());
        if (link.queueEmpty() && link.lastSent != null) {
            // The last notification may have died with the previous connection; a repeat is harmless.
            channel.writeAndFlush(frame(link.lastSent));
        }
        drain(link);
    }

    private void drain(PeerLink link) {
        Channel channel = link.active;
        boolean wrote = false;
        byte[] next;
        while (channel.isWritable() && (next = link.poll()) != null) {
            channel.write(frame(next));
            link.lastSent = next;
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void onInactive(Channel channel) {
        Long serverId = channel.attr(PEER).get();
        PeerLink link = serverId == null ? null : links.get(serverId);
        if (link != null && link.active == channel) {
            link.active = null;
            LOG.debug("server {} lost its election connection to {}", config.myId(), serverId);
            scheduleRetry(link);
        }
    }

    private void onFrame(Channel channel, byte[] frame) {
        Long serverId = channel.attr(PEER).get();
        if (serverId == null) {
            return;
        }
        Message.Notification notification;
        try {
            notification = NotificationCodec.decode(frame);
        } catch (MalformedRecordException e) {
            malformedNotifications++;
            LOG.warn("server {} drops a notification from {}: {}", config.myId(), serverId, e.getMessage());
            return;
        }
        deliver(serverId, notification);
    }

    private void deliver(long serverId, Message.Notification notification) {
        try {
            receiver.onNotification(serverId, notification);
        } catch (RuntimeException e) {
            LOG.error("election receiver of server {} failed on a notification from {}", config.myId(), serverId, e);
        }
    }

    private void scheduleRetry(PeerLink link) {
        if (closed || link.active != null || link.connecting != null || link.retry != null) {
            return;
        }
        long delayMs = TransportLoop.backoffMs(config.retryMin(), config.retryMax(), link.failedAttempts);
        link.retry = loop.schedule(() -> {
            link.retry = null;
            maybeConnect(link);
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private void closeIfNoHandshake(Channel channel) {
        if (channel.isOpen() && channel.attr(PEER).get() == null && channel.pipeline().get("handshake") != null) {
            LOG.warn("server {} closes election connection from {}: no handshake within {}", config.myId(),
                    channel.remoteAddress(), config.handshakeTimeout());
            refuse(channel);
        }
    }

    private void refuse(Channel channel) {
        refusedConnections++;
        channel.close();
    }

    private static void cancelRetry(PeerLink link) {
        if (link.retry != null) {
            link.retry.cancel(false);
            link.retry = null;
        }
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null) {
            channel.close();
        }
    }

    private static ByteBuf frame(byte[] notification) {
        return Unpooled.buffer(4 + notification.length).writeInt(notification.length).writeBytes(notification);
    }

    /** One handler instance for every channel: it only moves events to the transport's methods. */
    @ChannelHandler.Sharable
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof ElectionHandshake received) {
                onHandshake(context.channel(), received);
            } else if (message instanceof byte[] frame) {
                onFrame(context.channel(), frame);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) {
            Long serverId = context.channel().attr(PEER).get();
            PeerLink link = serverId == null ? null : links.get(serverId);
            if (link != null && link.active == context.channel() && context.channel().isWritable()) {
                drain(link);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            onInactive(context.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.warn("server {} closes election connection with {}: {}", config.myId(), context.channel().remoteAddress(),
                    cause.toString());
            if (context.channel().attr(PEER).get() == null) {
                refusedConnections++;
            }
            context.close();
        }
    }
}
