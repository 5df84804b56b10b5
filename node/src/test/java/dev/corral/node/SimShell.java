package dev.corral.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shell around a {@link Node} in tests: a simulated wall clock that moves only when a test says so
 * (one {@code tickMs} per tick), connections with ids from 1, and the routing of every {@link Output} to
 * the {@link FrameClient} of its connection. {@link #outputs} keeps every output in order, across
 * connections, for tests about order.
 */
final class SimShell {
    static final long BOOT_WALL_MS = 1_700_000_000_000L;

    final NodeConfig config;
    final Node node;
    final List<Output> outputs = new ArrayList<>();
    private final Map<Long, FrameClient> clients = new HashMap<>();
    private long nextConnectionId = 1;
    private long tickCount;
    long wallMs;
    /**
     * With a durable-log config: whether appended txns wait for {@link #syncLog} (true) or are reported
     * durable as soon as they are appended, as by an instant disk (false).
     */
    boolean holdLog;
    private long askedSeq;
    private long persistedSeq;

    // Where quorum messages go, and what runs after each event (an ensemble routes messages then); none alone.
    private final java.util.function.Consumer<Output.PeerSend> router;
    Runnable afterEvent = () -> { };

    /** A standalone server: its Node with a one-voter Peer, started until it serves. */
    SimShell(NodeConfig config) {
        this(config, NodeSecurity.NONE);
    }

    /** A standalone server with these authentication settings. */
    SimShell(NodeConfig config, NodeSecurity security) {
        this(config, security, node -> { });
    }

    /** A standalone server with these authentication settings, and what the shell sets on its Node before the start. */
    SimShell(NodeConfig config, NodeSecurity security, java.util.function.Consumer<Node> beforeStart) {
        this(config, security, beforeStart, Node.soloPeer(config.serverId(), dev.corral.zab.DurableState.empty(), 1), send -> {
            throw new IllegalStateException("a standalone server sent " + send);
        });
        if (!node.serving()) {
            throw new IllegalStateException("a standalone Node did not serve after its start: " + node.describeRole());
        }
    }

    /** A member of an ensemble: its Peer, and where its quorum messages go. */
    SimShell(NodeConfig config, java.util.function.Function<dev.corral.zab.StateSource, dev.corral.zab.Peer> peer,
            java.util.function.Consumer<Output.PeerSend> router) {
        this(config, node -> { }, peer, router);
    }

    /** A member of an ensemble, with what the shell sets on its Node before the start. */
    SimShell(NodeConfig config, java.util.function.Consumer<Node> beforeStart,
            java.util.function.Function<dev.corral.zab.StateSource, dev.corral.zab.Peer> peer,
            java.util.function.Consumer<Output.PeerSend> router) {
        this(config, NodeSecurity.NONE, beforeStart, peer, router);
    }

    private SimShell(NodeConfig config, NodeSecurity security, java.util.function.Consumer<Node> beforeStart,
            java.util.function.Function<dev.corral.zab.StateSource, dev.corral.zab.Peer> peer,
            java.util.function.Consumer<Output.PeerSend> router) {
        this.config = config;
        this.router = router;
        this.node = new Node(config, security);
        beforeStart.accept(node);
        this.wallMs = config.bootWallMs();
        deliver(node.start(peer, wallMs));
        syncLog();
    }

    /** One tick of the Peer's short clock. */
    void peerTick() {
        deliver(node.onPeerTick(wallMs));
    }

    /** A quorum message from another server. */
    void peerMessage(long from, dev.corral.zab.Message message) {
        deliver(node.onPeerMessage(from, message, wallMs));
    }

    static SimShell standalone() {
        return new SimShell(NodeConfig.standalone(1000, BOOT_WALL_MS));
    }

    FrameClient open() {
        return open("127.0.0.1");
    }

    FrameClient open(String remoteAddress) {
        long connectionId = nextConnectionId++;
        FrameClient client = new FrameClient(this, connectionId);
        clients.put(connectionId, client);
        deliver(node.onConnectionOpened(connectionId, remoteAddress, wallMs));
        return client;
    }

    /** A new connection with a new, established session. */
    FrameClient connect(int timeoutMs) {
        FrameClient client = open();
        client.connect(timeoutMs);
        return client;
    }

    /** The connection's TLS handshake verified a client certificate of this subject. */
    void clientCertificate(FrameClient client, String subject) {
        deliver(node.onClientCertificate(client.connectionId, subject, wallMs));
    }

    void frame(long connectionId, byte[] frame) {
        deliver(node.onFrame(connectionId, frame, wallMs));
    }

    void closeByClient(FrameClient client) {
        deliver(node.onConnectionClosed(client.connectionId, wallMs));
    }

    /** The number of ticks so far; tick {@code k} happens at wall time {@code bootWallMs + k * tickMs}. */
    long tickCount() {
        return tickCount;
    }

    /** One tick: the wall clock moves to the tick's time, then the Node ticks. */
    void tick() {
        tickCount++;
        wallMs = Math.max(wallMs, config.bootWallMs() + tickCount * config.tickMs());
        deliver(node.onTick(wallMs));
    }

    /** Moves the wall clock without a tick, as time passes between two ticks. */
    void advanceWallMs(long ms) {
        wallMs += ms;
    }

    /** {@code count} ticks, each after a ping from every client in {@code keepAlive}. */
    void ticks(int count, FrameClient... keepAlive) {
        for (int i = 0; i < count; i++) {
            for (FrameClient client : keepAlive) {
                client.ping();
            }
            tick();
        }
    }

    /** The admin restore command of a standalone server (Node#restoreByAdmin), its outputs routed as every event's. */
    void restoreByAdmin(dev.corral.tree.TreeSnapshot image) {
        deliver(node.restoreByAdmin(image, wallMs));
    }

    /** Reports every change asked for so far as durable (the log's txns, the epoch files). */
    void syncLog() {
        while (askedSeq > persistedSeq) {
            persistedSeq = askedSeq;
            deliver(node.onPersisted(persistedSeq, wallMs));
        }
    }

    private void deliver(List<Output> produced) {
        outputs.addAll(produced);
        for (Output output : produced) {
            if (output instanceof Output.Send send) {
                clients.get(send.connectionId()).received(send.frame());
            } else if (output instanceof Output.Close close) {
                clients.get(close.connectionId()).closedByNode();
            } else if (output instanceof Output.Persist persist) {
                askedSeq = persist.change().seq();
            } else if (output instanceof Output.PeerSend send) {
                router.accept(send);
            }
        }
        if (!holdLog) {
            syncLog();
        }
        afterEvent.run();
    }
}
