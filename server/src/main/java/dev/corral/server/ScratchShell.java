package dev.corral.server;

import dev.corral.node.Node;
import dev.corral.node.NodeConfig;
import dev.corral.node.Output;
import dev.corral.storage.LogRecords;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The server side of the warm-up: a scratch Node behind a scratch client port on loopback, made of the
 * same parts as the real one, so that its requests take the code a real client's take: a
 * {@link NioClientPort} with the client port's bounds, the hand-off of each frame to a node loop of the
 * same kind ({@link DefaultEventLoop}), the Node, and replies batched per connection into one write, as
 * {@code CorralServer#carryOut} and {@code #send} do (the plain port's code: a server whose plain port
 * takes TLS too, client.portUnification, serves it on Netty, which this does not warm). The Node is standalone and in memory; its log changes are encoded as the log encodes
 * them ({@link LogRecords}) into a buffer that is dropped, and acknowledged in a task of their own on the
 * node loop, after the frames queued before it, so that replies go out in batches as after a group commit.
 *
 * <p>It has threads, a port and a Node of its own and shares no object with the server: its loops are
 * not the server's (a warm-up never delays a real client's I/O) and nothing it does reaches the server's
 * counters, metrics, log or audit log. The port listens on loopback only while the warm-up runs, and
 * takes connections from loopback only. A failure of the scratch Node (a bug) closes every scratch
 * connection and is kept for {@link #failure()}.
 */
final class ScratchShell implements AutoCloseable {
    private static final long CLOSE_WAIT_MS = 1_000;
    private static final Runnable NOTHING = () -> { };

    private final EventLoop nodeLoop = new DefaultEventLoop(new DefaultThreadFactory("corral-warmup-node", true));
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private final NioClientPort port;
    private volatile String failure;
    // Node loop only, from here on.
    private final Node node;
    private final Map<Long, ClientLink> links = new HashMap<>();
    // The log changes asked for and not yet acknowledged: the highest number, and the txns among them.
    private long persistSeq;
    private final List<byte[]> appended = new ArrayList<>();
    private boolean acknowledgeQueued;
    // The CRCs of the encoded records, folded, so that the compiler cannot drop the encoding as unused.
    private long recordsChecksum;

    private ScratchShell(NodeConfig config, ServerConfig.ConnectionLimits limits, int maxBufferBytes) throws IOException {
        node = new Node(config);
        try {
            onNodeLoop(() -> {
                run(() -> node.start(Node.soloPeer(config.serverId(), dev.corral.zab.DurableState.empty(), 1), config.bootWallMs()));
                return null;
            });
            // The start's epoch files are acknowledged in tasks of their own, each of which may ask for the next.
            boolean serving = false;
            for (int i = 0; i < 10 && !serving && failure == null; i++) {
                serving = onNodeLoop(node::serving);
            }
            if (!serving) {
                throw new IOException("the scratch node did not start serving: " + (failure != null ? failure : onNodeLoop(node::describeRole)));
            }
            port = new NioClientPort(new InetSocketAddress("127.0.0.1", 0), "corral-warmup", 1, maxBufferBytes,
                    limits.outgoingBytesHigh() / 2, limits.outgoingBytesHigh(), new AtomicLong(), ScratchListener::new);
            port.accepting(true);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("cannot open the warm-up's scratch port: " + e, e);
        }
    }

    /**
     * The settings of a scratch Node for a server of {@code server}'s: the same, but with no snapshots, no
     * read-only mode, no super digest or reconfig, a durable log (so its changes take the persist path the
     * server's take) and no bound on watches (the script sets more than a server's session.watchesMax may allow).
     */
    static NodeConfig scratchConfig(NodeConfig server, long wallMs) {
        return new NodeConfig(server.serverId(), server.tickMs(), server.minSessionTimeoutMs(), server.maxSessionTimeoutMs(),
                server.extendedTypesEnabled(), server.containerCheckIntervalMs(), server.containerMaxPerMinute(), null, false, wallMs,
                true, 0, 0, false);
    }

    /**
     * A standalone scratch Node of {@code config} (a durable log, acknowledged at once) behind a scratch port
     * on loopback with the client port's {@code limits} and frame bound, serving.
     */
    static ScratchShell open(NodeConfig config, ServerConfig.ConnectionLimits limits, int maxBufferBytes) throws IOException {
        return new ScratchShell(config, limits, maxBufferBytes);
    }

    /** Where the scratch port listens. */
    InetSocketAddress address() {
        return port.localAddress();
    }

    /** What went wrong in the scratch Node, or null. */
    String failure() {
        return failure;
    }

    private <T> T onNodeLoop(java.util.concurrent.Callable<T> work) {
        try {
            return nodeLoop.submit(work).get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the warm-up's node loop failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** Runs one event of the scratch Node on its loop and carries out what it asks; a failure closes everything. */
    private void run(Supplier<List<Output>> event) {
        if (failure != null) {
            return;
        }
        try {
            carryOut(event.get());
        } catch (RuntimeException e) {
            failure = e.toString();
            links.values().forEach(ClientLink::close);
        }
    }

    /** As the server's carryOut: frames go out per connection in one write. */
    private void carryOut(List<Output> outputs) {
        Map<ClientLink, List<byte[]>> batches = new LinkedHashMap<>();
        for (Output output : outputs) {
            if (output instanceof Output.Send send) {
                ClientLink link = links.get(send.connectionId());
                if (link != null) {
                    batches.computeIfAbsent(link, c -> new ArrayList<>(2)).add(send.frame());
                }
            } else if (output instanceof Output.Persist persist) {
                persistSeq = persist.change().seq();
                if (persist.change() instanceof dev.corral.zab.Output.Append append) {
                    appended.add(append.entry().txn());
                }
                if (!acknowledgeQueued) {
                    acknowledgeQueued = true;
                    nodeLoop.execute(this::acknowledge);
                }
            } else if (output instanceof Output.Close close) {
                ClientLink link = links.get(close.connectionId());
                if (link != null) {
                    send(link, batches.remove(link));
                    link.closeAfterWrites();
                }
            }
        }
        batches.forEach(ScratchShell::send);
    }

    private static void send(ClientLink link, List<byte[]> frames) {
        if (frames != null) {
            link.write(frames, NOTHING);
        }
    }

    /** Encodes the txns appended since the last call as the log writes them, and reports them all durable. */
    private void acknowledge() {
        acknowledgeQueued = false;
        if (!appended.isEmpty()) {
            recordsChecksum = recordsChecksum * 31 + LogRecords.records(appended).getInt(Integer.BYTES);
            appended.clear();
        }
        long seq = persistSeq;
        run(() -> node.onPersisted(seq, System.currentTimeMillis()));
    }

    /** Stops the scratch port and loops, waiting for each at most {@link #CLOSE_WAIT_MS}; the Node goes with them. */
    @Override
    public void close() {
        if (port != null) {
            port.close();
        }
        nodeLoop.shutdownGracefully(0, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS).awaitUninterruptibly(CLOSE_WAIT_MS);
    }

    /** As the server's ClientEvents, without its bounds: a scratch connection's events go to the node loop. */
    private final class ScratchListener implements NioClientPort.Listener {
        private long connectionId;
        private ClientLink link;

        @Override
        public void onActive(NioClientPort.Link opened) {
            link = opened;
            if (!((InetSocketAddress) opened.remoteAddress()).getAddress().isLoopbackAddress()) {
                opened.close();
                return;
            }
            long id = nextConnectionId.getAndIncrement();
            connectionId = id;
            nodeLoop.execute(() -> {
                links.put(id, opened);
                run(() -> node.onConnectionOpened(id, "127.0.0.1", System.currentTimeMillis()));
            });
        }

        @Override
        public void onFrame(byte[] frame) {
            long id = connectionId;
            if (id != 0) {
                nodeLoop.execute(() -> run(() -> node.onFrame(id, frame, System.currentTimeMillis())));
            }
        }

        @Override
        public void onFourLetterWord(String word) {
            link.close();
        }

        @Override
        public void onInputEnded() {
            link.close();
        }

        @Override
        public void onWritable(boolean writable) {
            // The warm-up's client reads every reply: nothing to pause.
        }

        @Override
        public void onInactive() {
            long id = connectionId;
            if (id != 0) {
                nodeLoop.execute(() -> {
                    links.remove(id);
                    run(() -> node.onConnectionClosed(id, System.currentTimeMillis()));
                });
            }
        }
    }
}
