package dev.corral.bench;

import dev.corral.wire.ConnectResponse;
import dev.corral.wire.JuteInput;
import dev.corral.wire.Xid;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.zookeeper.ZooKeeper;

/**
 * A lean load generator that costs the client far less CPU per operation than the official client, so it
 * can push a server harder on a small machine: {@code clients} sessions spread over {@code threads} Netty
 * event loops, each session pipelining up to {@code outstanding} pre-encoded request frames (see
 * {@link RawFrames}) and flushing once per batch of replies read. Replies of a session arrive in request
 * order, so the session matches each reply to its request by xid alone and checks that order.
 *
 * <p>Workloads: create, set, get, mixed. The znodes they need are made with the official client first.
 *
 * <p>Bounds: as {@link OfficialClientLoad}; a session's in-flight requests never exceed its window, and a
 * reply out of order or a closed connection ends that session with an error.
 */
final class RawFrameLoad {
    private static final int FRAME_BYTES_MAX = 16 << 20;
    private static final long CONNECT_BOUND_MS = 30_000;
    private static final long SHUTDOWN_BOUND_MS = 10_000;
    private static final long SEED = 0x5eed_f4a3eL;

    private final LoadSpec spec;
    private final String root;
    private final byte[] value;
    private final LoadCounters counters = new LoadCounters();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong issued = new AtomicLong();
    // Pre-encoded request frames with xid 0, patched with each request's xid when sent.
    private final byte[][] getFrames;
    private final byte[][] setFrames;

    private RawFrameLoad(LoadSpec spec, String root) {
        this.spec = spec;
        this.root = root;
        this.value = new byte[spec.valueBytes()];
        new SplittableRandom(SEED).nextBytes(value);
        boolean keyed = spec.workload() != Workload.CREATE;
        this.getFrames = new byte[keyed ? spec.keys() : 0][];
        this.setFrames = new byte[keyed ? spec.keys() : 0][];
        for (int i = 0; i < getFrames.length; i++) {
            getFrames[i] = RawFrames.getData(0, Setup.keyPath(root, i));
            setFrames[i] = RawFrames.setData(0, Setup.keyPath(root, i), value);
        }
    }

    /** Runs {@code spec} (a raw spec) against the server on 127.0.0.1:{@code port} under {@code root}. */
    static LoadResult run(String server, int rep, int port, LoadSpec spec, String root, Supplier<ProcessStats.Cpu> serverCpu)
            throws IOException, InterruptedException {
        return run(server, rep, List.of(port), spec, root, serverCpu);
    }

    /**
     * As above against an ensemble: session i connects to 127.0.0.1:{@code ports.get(i % ports.size())}.
     * Setup runs through the first server, then a sync through every member makes each of them current
     * before the raw sessions read.
     */
    static LoadResult run(String server, int rep, List<Integer> ports, LoadSpec spec, String root, Supplier<ProcessStats.Cpu> serverCpu)
            throws IOException, InterruptedException {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no server to run " + spec.label() + " against");
        }
        return new RawFrameLoad(spec, root).run(server, rep, ports, serverCpu);
    }

    private LoadResult run(String server, int rep, List<Integer> ports, Supplier<ProcessStats.Cpu> serverCpu)
            throws IOException, InterruptedException {
        List<ZooKeeper> setup = new ArrayList<>();
        try {
            for (int port : ports) {
                setup.add(Clients.connect("127.0.0.1:" + port));
            }
            Setup.prepare(setup.get(0), spec, root, value);
            if (ports.size() > 1) {
                Setup.syncAll(setup, root); // every member has the keys before a raw session reads them
            }
        } finally {
            setup.forEach(Clients::closeQuietly);
        }
        AtomicInteger threadCount = new AtomicInteger();
        EventLoopGroup group = new NioEventLoopGroup(spec.threads(), runnable -> {
            Thread thread = new Thread(runnable, "raw-load-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        CountDownLatch sessionsDone = new CountDownLatch(spec.clients());
        List<Channel> channels = new ArrayList<>();
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_BOUND_MS);
            for (int i = 0; i < spec.clients(); i++) {
                int index = i;
                bootstrap.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                new LengthFieldBasedFrameDecoder(FRAME_BYTES_MAX, 0, 4, 0, 4),
                                new Session(index, sessionsDone));
                    }
                });
                int port = ports.get(i % ports.size());
                ChannelFuture connect = bootstrap.connect("127.0.0.1", port);
                if (!connect.await(CONNECT_BOUND_MS, TimeUnit.MILLISECONDS) || !connect.isSuccess()) {
                    throw new IOException("raw session " + i + " could not connect to 127.0.0.1:" + port, connect.cause());
                }
                channels.add(connect.channel());
            }
            Window window = Window.measure(spec, counters, serverCpu, sessionsDone);
            stop.set(true);
            // A session stops on its next reply; one with nothing in flight is stopped here.
            for (Channel channel : channels) {
                channel.pipeline().fireUserEventTriggered(Stop.INSTANCE);
            }
            long unanswered = counters.awaitIdle(OfficialClientLoad.DRAIN_MS);
            sessionsDone.await(OfficialClientLoad.DRAIN_MS, TimeUnit.MILLISECONDS);
            return LoadResult.of(server, rep, spec, window, counters.stalls(), unanswered, counters.firstError(), null);
        } finally {
            stop.set(true);
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(SHUTDOWN_BOUND_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Sent through a session's pipeline to make it stop issuing and close once its window is empty. */
    private enum Stop { INSTANCE }

    /**
     * One session on one connection. All its state is confined to its channel's event loop.
     *
     * <p>Invariant: {@code nextXid - expectedXid} requests are in flight, at most {@code outstanding}.
     */
    private final class Session extends ChannelInboundHandlerAdapter {
        private final int index;
        private final CountDownLatch sessionsDone;
        private final SplittableRandom random;
        private final long[] sentNanos = new long[spec.outstanding()];
        private boolean open;
        private boolean closing;
        private boolean done;
        private int nextXid = 1;
        private int expectedXid = 1;
        private long sequence;

        Session(int index, CountDownLatch sessionsDone) {
            this.index = index;
            this.sessionsDone = sessionsDone;
            this.random = new SplittableRandom(SEED + index);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(RawFrames.connect(Clients.SESSION_TIMEOUT_MS)));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ByteBuf frame = (ByteBuf) message;
            try {
                if (!open) {
                    onConnectResponse(ctx, frame);
                } else {
                    onReply(ctx, frame);
                }
            } finally {
                frame.release();
            }
        }

        private void onConnectResponse(ChannelHandlerContext ctx, ByteBuf frame) {
            ConnectResponse response = ConnectResponse.read(new JuteInput(ByteBufUtil.getBytes(frame)));
            if (response.timeOut() <= 0) {
                counters.failure("raw session " + index + ": server refused the session (timeout " + response.timeOut() + ")");
                ctx.close();
                return;
            }
            open = true;
            while (inFlight() < spec.outstanding() && maySend()) {
                send(ctx);
            }
            maybeClose(ctx);
        }

        private void onReply(ChannelHandlerContext ctx, ByteBuf frame) {
            if (frame.readableBytes() < RawFrames.REPLY_HEADER_BYTES) {
                failAndClose(ctx, "raw session " + index + ": reply of " + frame.readableBytes() + " bytes");
                return;
            }
            int xid = frame.getInt(0);
            int err = frame.getInt(12);
            if (xid == Xid.NOTIFICATION || xid == Xid.PING) {
                return;
            }
            if (closing) {
                expectedXid = nextXid; // the closeSession reply: nothing is in flight any more
                ctx.close();
                return;
            }
            if (xid != expectedXid) {
                failAndClose(ctx, "raw session " + index + ": reply xid " + xid + " where " + expectedXid
                        + " was due (replies out of order)");
                return;
            }
            expectedXid++;
            if (err == 0) {
                counters.success(sentNanos[Math.floorMod(xid, sentNanos.length)]);
            } else {
                counters.failure("raw session " + index + ": " + spec.workload().label() + " answered with error " + err);
            }
            counters.finished();
            if (maySend()) {
                send(ctx);
            }
            maybeClose(ctx);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == Stop.INSTANCE) {
                maybeClose(ctx);
                ctx.flush();
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failAndClose(ctx, "raw session " + index + ": " + cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            int lost = inFlight() - (closing ? 1 : 0); // a closeSession in flight is no workload request
            for (int i = 0; i < lost; i++) {
                counters.failure("raw session " + index + ": connection closed with " + lost + " requests in flight");
                counters.finished();
            }
            expectedXid = nextXid;
            if (!done) {
                done = true;
                sessionsDone.countDown();
            }
        }

        private int inFlight() {
            return nextXid - expectedXid;
        }

        private boolean maySend() {
            return !stop.get() && issued.incrementAndGet() <= spec.opsMax();
        }

        /** Once stopped and empty, closes the session properly (closeSession) and then the connection. */
        private void maybeClose(ChannelHandlerContext ctx) {
            if (open && !closing && inFlight() == 0 && (stop.get() || issued.get() >= spec.opsMax())) {
                closing = true;
                ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(RawFrames.closeSession(nextXid++)));
            }
        }

        private void send(ChannelHandlerContext ctx) {
            int xid = nextXid++;
            byte[] template = switch (spec.workload()) {
                case GET -> getFrames[random.nextInt(getFrames.length)];
                case SET -> setFrames[random.nextInt(setFrames.length)];
                case MIXED -> random.nextDouble() < spec.readRatio()
                        ? getFrames[random.nextInt(getFrames.length)]
                        : setFrames[random.nextInt(setFrames.length)];
                case CREATE -> RawFrames.create(0, root + "/r-" + index + "-" + sequence++, value);
                default -> throw new IllegalStateException("raw generator cannot run " + spec.workload());
            };
            ByteBuf buffer = ctx.alloc().buffer(template.length).writeBytes(template);
            buffer.setInt(RawFrames.XID_OFFSET, xid);
            sentNanos[Math.floorMod(xid, sentNanos.length)] = System.nanoTime();
            counters.started();
            ctx.write(buffer);
        }

        private void failAndClose(ChannelHandlerContext ctx, String what) {
            counters.failure(what);
            ctx.close();
        }
    }
}
