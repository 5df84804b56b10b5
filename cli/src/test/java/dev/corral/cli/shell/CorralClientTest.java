package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.cli.client.CorralClient;
import dev.corral.cli.client.KeeperException;
import dev.corral.cli.client.WatchedEvent;
import dev.corral.wire.Acl;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Frames;
import dev.corral.wire.JuteInput;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Corral's own client, which the shell uses because ZooKeeper's may not ship with the server: errors
 * carry ZooKeeper's codes, names and messages; notifications reach the listener with their zxid; pings
 * keep an idle session alive; a lost connection, a reply out of order, a silent server and a refused
 * auth each end the connection and fail what was outstanding with ConnectionLoss.
 */
class CorralClientTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    static final ShellFixture fixture = new ShellFixture();

    /** A request the server refuses, and the code, name and message the client reports. */
    record Refusal(String name, Request request, int code, String codeName, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Request {
        void send(CorralClient zk) throws Exception;
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("getData of a missing znode", zk -> zk.getData("/refuse/none", false), ErrorCode.NONODE, "NoNode",
                        "KeeperErrorCode = NoNode for /refuse/none"),
                new Refusal("create of an existing znode", zk -> zk.create("/refuse", null, Acl.OPEN_ACL_UNSAFE, 0, 0),
                        ErrorCode.NODEEXISTS, "NodeExists", "KeeperErrorCode = NodeExists for /refuse"),
                new Refusal("setData with a stale version", zk -> zk.setData("/refuse", null, 9), ErrorCode.BADVERSION, "BadVersion",
                        "KeeperErrorCode = BadVersion for /refuse"),
                new Refusal("delete of a znode with children", zk -> zk.delete("/refuse", -1), ErrorCode.NOTEMPTY, "NotEmpty",
                        "KeeperErrorCode = Directory not empty for /refuse"),
                new Refusal("getData without read permission", zk -> zk.getData("/refuse/closed", false), ErrorCode.NOAUTH, "NoAuth",
                        "KeeperErrorCode = NoAuth for /refuse/closed"),
                new Refusal("a child of an ephemeral", zk -> {
                    zk.create("/refuse/eph", null, Acl.OPEN_ACL_UNSAFE, 1, 0);
                    zk.create("/refuse/eph/child", null, Acl.OPEN_ACL_UNSAFE, 0, 0);
                }, ErrorCode.NOCHILDRENFOREPHEMERALS, "NoChildrenForEphemerals",
                        "KeeperErrorCode = NoChildrenForEphemerals for /refuse/eph/child"),
                new Refusal("removeWatches with none", zk -> zk.removeWatches("/refuse", 3), ErrorCode.NOWATCHER, "NoWatcher",
                        "KeeperErrorCode = No such watcher for /refuse"),
                new Refusal("an auth scheme the server does not know", zk -> zk.addAuth("nosuch", new byte[0]), ErrorCode.AUTHFAILED,
                        "AuthFailed", "KeeperErrorCode = AuthFailed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aRefusalCarriesZooKeepersCodeNameAndMessage(Refusal refusal) throws Exception {
        fixture.wipe();
        try (CorralClient zk = fixture.client()) {
            zk.create("/refuse", null, Acl.OPEN_ACL_UNSAFE, 0, 0);
            zk.create("/refuse/child", null, Acl.OPEN_ACL_UNSAFE, 0, 0);
            zk.create("/refuse/closed", null, List.of(new Acl(Acl.ALL, new dev.corral.wire.Id("digest", "nobody:x"))), 0, 0);
            assertThatThrownBy(() -> refusal.request().send(zk))
                    .isInstanceOfSatisfying(KeeperException.class, e -> {
                        assertThat(e.code()).isEqualTo(refusal.code());
                        assertThat(e.codeName()).isEqualTo(refusal.codeName());
                        assertThat(e.getMessage()).isEqualTo(refusal.message());
                    });
        }
    }

    @Test
    void aRefusedAuthEndsTheConnectionAsZooKeeperDoes() throws Exception {
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        try (CorralClient zk = CorralClient.connect(fixture.connectString(), ShellFixture.SESSION_TIMEOUT_MS, events::add)) {
            assertThatThrownBy(() -> zk.addAuth("nosuch", new byte[0])).isInstanceOf(KeeperException.class);
            await().atMost(BOUND).until(() -> zk.state() == CorralClient.State.AUTH_FAILED);
            assertThat(events).extracting(WatchedEvent::stateName).containsExactly("SyncConnected", "AuthFailed");
            assertThatThrownBy(() -> zk.exists("/", false)).isInstanceOfSatisfying(KeeperException.class,
                    e -> assertThat(e.codeName()).isEqualTo("ConnectionLoss"));
        }
    }

    @Test
    void aNotificationReachesTheListenerWithTheZxidOfTheChange() throws Exception {
        fixture.wipe();
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        try (CorralClient watcher = CorralClient.connect(fixture.connectString(), ShellFixture.SESSION_TIMEOUT_MS, events::add);
                CorralClient writer = fixture.client()) {
            writer.create("/n", null, Acl.OPEN_ACL_UNSAFE, 0, 0);
            watcher.getData("/n", true);
            long zxid = writer.setData("/n", "x".getBytes(StandardCharsets.UTF_8), -1).mzxid();
            await().atMost(BOUND).until(() -> events.size() == 2);
            assertThat(events.get(1)).isEqualTo(new WatchedEvent(WatchedEvent.NODE_DATA_CHANGED, WatchedEvent.SYNC_CONNECTED, "/n", zxid));
            assertThat(events.get(1).toString()).isEqualTo("WatchedEvent state:SyncConnected type:NodeDataChanged path:/n zxid: " + zxid);
        }
    }

    @Test
    void pingsKeepAnIdleSessionAliveWellPastItsTimeout() throws Exception {
        int timeoutMs = 2 * ShellFixture.TICK_MS;
        try (CorralClient zk = CorralClient.connect(fixture.connectString(), timeoutMs, event -> { })) {
            assertThat(zk.sessionTimeoutMs()).isEqualTo(timeoutMs);
            String path = "/alive-" + Long.toHexString(zk.sessionId());
            zk.create(path, null, Acl.OPEN_ACL_UNSAFE, 1, 0);
            await().during(Duration.ofMillis(4L * timeoutMs)).atMost(BOUND).until(zk::isConnected);
            try (CorralClient other = fixture.client()) {
                assertThat(other.exists(path, false)).as("the session, and its ephemeral, outlived its timeout").isNotNull();
            }
        }
    }

    @Test
    void closeEndsTheSessionTellsTheListenerAndLaterRequestsFailWithConnectionLoss() throws Exception {
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        CorralClient zk = CorralClient.connect(fixture.connectString(), ShellFixture.SESSION_TIMEOUT_MS, events::add);
        String path = "/closing-" + Long.toHexString(zk.sessionId());
        zk.create(path, null, Acl.OPEN_ACL_UNSAFE, 1, 0);
        zk.close();
        assertThat(zk.state()).isEqualTo(CorralClient.State.CLOSED);
        assertThat(events).extracting(WatchedEvent::stateName).containsExactly("SyncConnected", "Closed");
        assertThatThrownBy(() -> zk.exists("/", false)).isInstanceOfSatisfying(KeeperException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTIONLOSS));
        try (CorralClient other = fixture.client()) {
            assertThat(other.exists(path, false)).as("closeSession removed the ephemeral at once").isNull();
        }
        zk.close();
    }

    @Test
    void aLostConnectionFailsTheRequestAndTellsTheListener() throws Exception {
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        try (FakeServer server = new FakeServer(); CorralClient zk = server.connect(events)) {
            CompletableFuture<Void> request = CompletableFuture.runAsync(() -> expectConnectionLoss(zk));
            server.readRequest();
            server.closeConnection();
            request.get(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            await().atMost(BOUND).until(() -> events.size() == 2);
            assertThat(events.get(1).stateName()).isEqualTo("Disconnected");
            assertThat(zk.state()).isEqualTo(CorralClient.State.NOT_CONNECTED);
        }
    }

    @Test
    void aReplyWithTheWrongXidEndsTheConnection() throws Exception {
        try (FakeServer server = new FakeServer(); CorralClient zk = server.connect(new CopyOnWriteArrayList<>())) {
            CompletableFuture<Void> request = CompletableFuture.runAsync(() -> expectConnectionLoss(zk));
            RequestHeader header = server.readRequest();
            assertThat(header.xid()).as("xids start at 1").isEqualTo(1);
            server.reply(new ReplyHeader(header.xid() + 1, 0, 0));
            request.get(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            await().atMost(BOUND).until(() -> zk.state() == CorralClient.State.NOT_CONNECTED);
        }
    }

    @Test
    void aServerThatDoesNotAnswerFailsTheRequestWithinTheSessionTimeout() throws Exception {
        try (FakeServer server = new FakeServer(); CorralClient zk = server.connect(new CopyOnWriteArrayList<>())) {
            long started = System.nanoTime();
            expectConnectionLoss(zk);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
            assertThat(zk.isConnected()).isFalse();
        }
    }

    private static void expectConnectionLoss(CorralClient zk) {
        assertThatThrownBy(() -> zk.getData("/x", false)).isInstanceOfSatisfying(KeeperException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONNECTIONLOSS);
            assertThat(e.getMessage()).isEqualTo("KeeperErrorCode = ConnectionLoss for /x");
        });
    }

    /** A server that completes the handshake, then does only what a test tells it to. */
    private static final class FakeServer implements AutoCloseable {
        private static final int TIMEOUT_MS = 600;
        private final ServerSocket listener = new ServerSocket(0);
        private Socket connection;
        private DataInputStream in;
        private OutputStream out;

        FakeServer() throws IOException {}

        CorralClient connect(List<WatchedEvent> events) throws Exception {
            CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
                try {
                    connection = listener.accept();
                    in = new DataInputStream(connection.getInputStream());
                    out = connection.getOutputStream();
                    readFrame();
                    out.write(Frames.frame(o -> new ConnectResponse(0, TIMEOUT_MS, 0x1234, new byte[16], false).write(o, true)));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CorralClient client = CorralClient.connect("127.0.0.1:" + listener.getLocalPort(), TIMEOUT_MS, events::add);
            handshake.join();
            return client;
        }

        /** The next request other than a ping. */
        RequestHeader readRequest() throws IOException {
            while (true) {
                RequestHeader header = RequestHeader.read(new JuteInput(readFrame()));
                if (header.xid() != -2) {
                    return header;
                }
            }
        }

        void reply(ReplyHeader header) throws IOException {
            out.write(Frames.reply(header, null));
            out.flush();
        }

        void closeConnection() throws IOException {
            connection.close();
        }

        private byte[] readFrame() throws IOException {
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            return frame;
        }

        @Override
        public void close() throws IOException {
            if (connection != null) {
                connection.close();
            }
            listener.close();
        }
    }
}
