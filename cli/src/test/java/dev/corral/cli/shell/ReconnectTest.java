package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.client.AddWatchMode;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.EventType;
import dev.corral.client.KeeperException;
import dev.corral.client.KeeperState;
import dev.corral.client.WatchedEvent;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.testkit.TcpProxy;
import dev.corral.wire.Acl;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Frames;
import dev.corral.wire.Id;
import dev.corral.wire.JuteInput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client resumes its session after a lost connection, as ZooKeeper's does, against a real server:
 * one restarted on the same port and data directory (Corral persists sessions), or reached through a
 * {@link TcpProxy} that a test cuts or silences. Each test has a server of its own, with a short tick so
 * that session timeouts are seconds.
 *
 * <p>A server processes a connection's frames in order, so once a resumed client has had one reply, the
 * SetWatches it sent before any request has been processed too; tests that then change the tree from
 * another client make that round trip first ({@link #settled}).
 */
class ReconnectTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final int TICK_MS = 200;
    /** The largest the server grants (20 ticks), so that a reconnect has time before expiry. */
    private static final int TIMEOUT_MS = 4_000;

    @TempDir
    Path dir;
    private RestartableServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new RestartableServer(dir);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void aDataWatchSetBeforeARestartFiresForAChangeMadeAfterItAndTheEphemeralSurvives() throws Exception {
        Events events = new Events();
        try (CorralClient zk = CorralClient.connect(server.connectString(), TIMEOUT_MS, events::add)) {
            long sessionId = zk.sessionId();
            zk.create("/w", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/eph", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk.getData("/w", true);

            server.stop();
            await().atMost(BOUND).until(() -> events.states().contains("Disconnected"));
            assertThat(zk.state()).isEqualTo(CorralClient.State.CONNECTING);
            server.start();
            await().atMost(BOUND).until(zk::isConnected);
            settled(zk);
            assertThat(zk.sessionId()).isEqualTo(sessionId);

            long zxid;
            try (CorralClient other = server.client()) {
                assertThat(other.exists("/eph", false)).as("the session, and its ephemeral, survived the restart").isNotNull();
                zxid = other.setData("/w", bytes("after"), -1).mzxid();
            }
            await().atMost(BOUND).until(() -> events.nodeEvents().size() == 1);
            assertThat(events.nodeEvents()).containsExactly(
                    new WatchedEvent(EventType.NODE_DATA_CHANGED, KeeperState.SYNC_CONNECTED, "/w", zxid));
            assertThat(events.states()).containsExactly("SyncConnected", "Disconnected", "SyncConnected");
        }
    }

    @Test
    void watchesSetUnderAChrootFireForChangesMadeWhileCutOffAndPersistentOnesCarryOn() throws Exception {
        try (CorralClient setup = server.client()) {
            for (String path : List.of("/app", "/app/w", "/app/p")) {
                setup.create(path, null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
        }
        Events events = new Events();
        try (TcpProxy proxy = TcpProxy.start(server.port());
                CorralClient zk = CorralClient.connect(proxy.connectString() + "/app", TIMEOUT_MS, events::add);
                CorralClient other = server.client()) {
            zk.getData("/w", true);
            zk.getChildren("/w", true);
            assertThat(zk.exists("/new", true)).isNull();
            zk.addWatch("/p", AddWatchMode.PERSISTENT_RECURSIVE);

            proxy.cut();
            await().atMost(BOUND).until(() -> !zk.isConnected());
            other.setData("/app/w", bytes("while away"), -1);
            other.create("/app/new", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            proxy.restore();
            await().atMost(BOUND).until(zk::isConnected);
            settled(zk);
            other.create("/app/w/child", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            other.create("/app/p/x", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            await().atMost(BOUND).until(() -> events.nodeEvents().size() == 4);
            assertThat(events.nodeEvents()).extracting(event -> event.type().zooKeeperName() + " " + event.path()).containsExactlyInAnyOrder(
                    "NodeDataChanged /w", "NodeCreated /new", "NodeChildrenChanged /w", "NodeCreated /p/x");
        }
    }

    @Test
    void aConnectionThatFallsSilentIsGivenUpAfterTheReadTimeoutAndTheSessionResumed() throws Exception {
        Events events = new Events();
        try (TcpProxy proxy = TcpProxy.start(server.port());
                CorralClient zk = CorralClient.connect(proxy.connectString(), TIMEOUT_MS, events::add)) {
            long sessionId = zk.sessionId();
            zk.create("/eph", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            long silencedNanos = System.nanoTime();
            proxy.silence();
            await().atMost(BOUND).until(() -> events.states().contains("Disconnected"));
            assertThat(Duration.ofNanos(System.nanoTime() - silencedNanos)).as("ZooKeeper's read timeout, 2/3 of the session's")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(TIMEOUT_MS * 2 / 3 - 100));
            await().atMost(BOUND).until(zk::isConnected);
            assertThat(zk.sessionId()).isEqualTo(sessionId);
            assertThat(zk.getEphemerals("/")).containsExactly("/eph");
        }
    }

    @Test
    void aRequestWhileCutOffFailsWithConnectionLossAndWorksOnceReconnected() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(server.port());
                CorralClient zk = CorralClient.connect(proxy.connectString(), TIMEOUT_MS, event -> { })) {
            proxy.cut();
            await().atMost(BOUND).until(() -> zk.state() == CorralClient.State.CONNECTING);
            assertThatThrownBy(() -> zk.exists("/", false)).isInstanceOfSatisfying(KeeperException.class,
                    e -> assertThat(e.code()).as("the request waited for an attempt, which failed").isEqualTo(ErrorCode.CONNECTIONLOSS));
            proxy.restore();
            await().atMost(BOUND).until(zk::isConnected);
            assertThat(zk.exists("/", false)).isNotNull();
        }
    }

    @Test
    void aLostConnectionIsResumedOnTheNextServerOfTheConnectString() throws Exception {
        try (TcpProxy first = TcpProxy.start(server.port()); TcpProxy second = TcpProxy.start(server.port());
                CorralClient zk = CorralClient.connect(first.connectString() + "," + second.connectString(), TIMEOUT_MS,
                        event -> { })) {
            assertThat(zk.server()).isEqualTo(first.connectString());
            long sessionId = zk.sessionId();
            first.cut();
            await().atMost(BOUND).until(() -> zk.isConnected() && zk.server().equals(second.connectString()));
            assertThat(zk.sessionId()).isEqualTo(sessionId);
            assertThat(first.accepted()).as("the second server was tried first, and took the session").isEqualTo(1);
        }
    }

    @Test
    void authIsSentAgainOnANewConnection() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(server.port());
                CorralClient zk = CorralClient.connect(proxy.connectString(), TIMEOUT_MS, event -> { })) {
            zk.addAuth("digest", bytes("user:pass"));
            zk.create("/secret", bytes("s"), List.of(new Acl(Acl.ALL, new Id("digest", ShellFixture.digest("user:pass")))), CreateMode.PERSISTENT);
            proxy.cut();
            await().atMost(BOUND).until(() -> !zk.isConnected());
            proxy.restore();
            await().atMost(BOUND).until(zk::isConnected);
            assertThat(zk.getData("/secret", false).data()).as("readable only with the digest identity").isEqualTo(bytes("s"));
        }
    }

    @Test
    void aSessionTheServerNoLongerHasEndsAsExpiredAndTheClientStopsTrying() throws Exception {
        Events events = new Events();
        try (TcpProxy proxy = TcpProxy.start(server.port());
                CorralClient zk = CorralClient.connect(proxy.connectString(), TIMEOUT_MS, events::add)) {
            proxy.cut();
            await().atMost(BOUND).until(() -> !zk.isConnected());
            closeSessionElsewhere(zk.sessionId(), zk.sessionPassword());
            proxy.restore();

            await().atMost(BOUND).until(() -> zk.state() == CorralClient.State.CLOSED);
            assertThat(zk.isExpired()).isTrue();
            assertThat(events.states()).containsExactly("SyncConnected", "Disconnected", "Expired");
            assertThatThrownBy(() -> zk.exists("/", false)).isInstanceOfSatisfying(KeeperException.class,
                    e -> assertThat(e.codeName()).isEqualTo("SessionExpired"));
            int attempts = proxy.accepted();
            await().during(Duration.ofMillis(2_500)).atMost(BOUND).until(() -> proxy.accepted() == attempts);
        }
    }

    @Test
    void withNoServerForFourThirdsOfTheTimeoutTheClientExpiresTheSessionItself() throws Exception {
        int timeoutMs = 5 * TICK_MS;
        Events events = new Events();
        try (CorralClient zk = CorralClient.connect(server.connectString(), timeoutMs, events::add)) {
            assertThat(zk.sessionTimeoutMs()).isEqualTo(timeoutMs);
            zk.create("/eph", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            // The last frame the client hears is the create's reply or a ping's answered during the stop, so
            // its expiry comes at least 4/3 of the timeout after this.
            long stoppedNanos = System.nanoTime();
            server.stop();
            await().atMost(BOUND).until(() -> zk.state() == CorralClient.State.CLOSED);
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedNanos)).as("ZooKeeper 3.9.3's bound, 4/3 of the timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(timeoutMs * 4 / 3 - 100));
            assertThat(events.states()).containsExactly("SyncConnected", "Disconnected", "Expired");
            assertThat(zk.isExpired()).isTrue();

            // The restarted server still has the session, until it too times it out.
            server.start();
            try (CorralClient other = server.client()) {
                await().atMost(BOUND).until(() -> other.exists("/eph", false) == null);
            }
            assertThat(zk.state()).as("an expired client does not come back").isEqualTo(CorralClient.State.CLOSED);
        }
    }

    @Test
    void closeWhileReconnectingStopsTryingAndTellsTheListener() throws Exception {
        Events events = new Events();
        try (TcpProxy proxy = TcpProxy.start(server.port())) {
            CorralClient zk = CorralClient.connect(proxy.connectString(), TIMEOUT_MS, events::add);
            proxy.cut();
            await().atMost(BOUND).until(() -> !zk.isConnected());
            zk.close();
            assertThat(zk.state()).isEqualTo(CorralClient.State.CLOSED);
            assertThat(zk.isExpired()).isFalse();
            assertThat(events.states()).containsExactly("SyncConnected", "Disconnected", "Closed");
            proxy.restore();
            int attempts = proxy.accepted();
            await().during(Duration.ofMillis(2_500)).atMost(BOUND).until(() -> proxy.accepted() == attempts);
        }
    }

    @Test
    void thePromptFollowsTheSessionUnderAChrootAndAnExpiredSessionIsReported() throws Exception {
        try (CorralClient setup = server.client()) {
            setup.create("/app", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            setup.create("/app/a", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        List<String> printed = new CopyOnWriteArrayList<>();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (TcpProxy proxy = TcpProxy.start(server.port());
                Shell shell = new Shell(new PrintWriter(out, true), new PrintWriter(err, true), TIMEOUT_MS)) {
            shell.printNotificationsTo(printed::add);
            String connectString = proxy.connectString() + "/app";
            shell.connect(connectString);
            assertThat(shell.prompt()).isEqualTo("[corral: " + connectString + "(CONNECTED) 0] ");
            assertThat(shell.executeLine("ls /")).isZero();
            assertThat(out.toString()).isEqualTo("[a]\n");

            proxy.cut();
            await().atMost(BOUND).until(() -> shell.prompt().contains("(CONNECTING)"));
            proxy.restore();
            await().atMost(BOUND).until(() -> shell.prompt().contains("(CONNECTED)"));
            assertThat(printed).containsExactly("WATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null zxid: -1",
                    "WATCHER::\n\nWatchedEvent state:Disconnected type:None path:null zxid: -1",
                    "WATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null zxid: -1");

            CorralClient session = shell.client();
            proxy.cut();
            await().atMost(BOUND).until(() -> !session.isConnected());
            closeSessionElsewhere(session.sessionId(), session.sessionPassword());
            proxy.restore();
            await().atMost(BOUND).until(() -> shell.prompt().contains("(CLOSED)"));
            assertThat(printed).last().isEqualTo("WATCHER::\n\nWatchedEvent state:Expired type:None path:null zxid: -1");
            assertThat(shell.executeLine("ls /")).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("Not connected: session 0x" + Long.toHexString(session.sessionId())
                    + " expired; connect starts a new one\n");

            assertThat(shell.executeLine("connect")).as(err.toString()).isZero();
            assertThat(shell.prompt()).endsWith(connectString + "(CONNECTED) 3] ");
            assertThat(shell.executeLine("ls /")).isZero();
        }
    }

    @Test
    void watchCarriesOnAcrossALostConnection() throws Exception {
        try (CorralClient setup = server.client()) {
            setup.create("/w", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (TcpProxy proxy = TcpProxy.start(server.port());
                Shell shell = new Shell(new PrintWriter(out, true), new PrintWriter(err, true), TIMEOUT_MS);
                CorralClient other = server.client()) {
            shell.connect(proxy.connectString());
            AtomicBoolean watching = new AtomicBoolean();
            shell.stopKey(() -> {
                watching.set(true);
                return false;
            });
            CorralClient session = shell.client();
            CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(() -> shell.run(List.of("watch", "-n", "1", "/w")));
            await().atMost(BOUND).untilTrue(watching);
            proxy.cut();
            await().atMost(BOUND).until(() -> !session.isConnected());
            proxy.restore();
            await().atMost(BOUND).until(session::isConnected);
            settled(session);
            long zxid = other.setData("/w", bytes("x"), -1).mzxid();
            assertThat(watch.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as(err.toString()).isZero();
            assertThat(out.toString()).isEqualTo("NodeDataChanged /w zxid=0x" + Long.toHexString(zxid) + "\n");
            assertThat(err.toString()).isEqualTo("Connection lost; still watching /w once reconnected\nReconnected; watching /w\n");
        }
    }

    // ---- helpers

    /** One round trip on a resumed connection: the server has then processed what was sent before it (SetWatches). */
    private static void settled(CorralClient zk) throws Exception {
        zk.exists("/", false);
    }

    /**
     * Takes the session over on a connection of its own and closes it, as ZooKeeper's tests expire a
     * session: the server then no longer has it when the client comes back.
     */
    private void closeSessionElsewhere(long sessionId, byte[] password) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) BOUND.toMillis());
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(Frames.frame(new ConnectRequest(0, 0, TIMEOUT_MS, sessionId, password, false, true)::write));
            out.flush();
            assertThat(ConnectResponse.read(new JuteInput(readFrame(in))).timeOut()).as("the session was live").isPositive();
            out.write(Frames.frame(o -> new RequestHeader(1, OpCode.CLOSE_SESSION).write(o)));
            out.flush();
            JuteInput reply = new JuteInput(readFrame(in));
            assertThat(ReplyHeader.read(reply).err()).isEqualTo(ErrorCode.OK);
        }
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** What a client's listener got. */
    private static final class Events {
        private final List<WatchedEvent> all = new CopyOnWriteArrayList<>();

        void add(WatchedEvent event) {
            all.add(event);
        }

        /** The changes of state, by name. */
        List<String> states() {
            return all.stream().filter(event -> event.type() == EventType.NONE).map(event -> event.state().zooKeeperName()).toList();
        }

        /** The watch notifications. */
        List<WatchedEvent> nodeEvents() {
            return all.stream().filter(event -> event.type() != EventType.NONE).toList();
        }
    }

    /** A server that a test can stop and start again on the same port and data directory. */
    private static final class RestartableServer implements AutoCloseable {
        private final Path dir;
        private final int port;
        private CorralServer running;

        RestartableServer(Path dir) throws Exception {
            this.dir = dir;
            Files.writeString(dir.resolve("zoo.cfg"), "tickTime=" + TICK_MS + "\ndataDir=" + dir + "\n");
            running = launch(0);
            port = running.port();
        }

        int port() {
            return port;
        }

        String connectString() {
            return "127.0.0.1:" + port;
        }

        CorralClient client() throws IOException {
            return CorralClient.connect(connectString(), TIMEOUT_MS, event -> { });
        }

        void stop() {
            running.close();
            running = null;
        }

        void start() throws Exception {
            running = launch(port);
        }

        private CorralServer launch(int onPort) throws Exception {
            CorralServer started = new CorralServer(ServerConfig.load(dir.resolve("zoo.cfg")).listeningOn(onPort, dir), e -> { });
            started.start();
            return started;
        }

        @Override
        public void close() {
            if (running != null) {
                stop();
            }
        }
    }
}
