package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.client.AddWatchMode;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.Created;
import dev.corral.client.EventType;
import dev.corral.client.KeeperException;
import dev.corral.client.KeeperState;
import dev.corral.client.Op;
import dev.corral.client.OpResult;
import dev.corral.client.WatchedEvent;
import dev.corral.client.WatcherType;
import dev.corral.wire.Acl;
import dev.corral.wire.AuthPacket;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Frames;
import dev.corral.wire.GetChildren2Response;
import dev.corral.wire.GetDataResponse;
import dev.corral.wire.JuteInput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetWatches2;
import dev.corral.wire.Stat;
import dev.corral.wire.WatcherEvent;
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
                new Refusal("create of an existing znode", zk -> zk.create("/refuse", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        ErrorCode.NODEEXISTS, "NodeExists", "KeeperErrorCode = NodeExists for /refuse"),
                new Refusal("setData with a stale version", zk -> zk.setData("/refuse", null, 9), ErrorCode.BADVERSION, "BadVersion",
                        "KeeperErrorCode = BadVersion for /refuse"),
                new Refusal("delete of a znode with children", zk -> zk.delete("/refuse", -1), ErrorCode.NOTEMPTY, "NotEmpty",
                        "KeeperErrorCode = Directory not empty for /refuse"),
                new Refusal("getData without read permission", zk -> zk.getData("/refuse/closed", false), ErrorCode.NOAUTH, "NoAuth",
                        "KeeperErrorCode = NoAuth for /refuse/closed"),
                new Refusal("a child of an ephemeral", zk -> {
                    zk.create("/refuse/eph", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                    zk.create("/refuse/eph/child", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }, ErrorCode.NOCHILDRENFOREPHEMERALS, "NoChildrenForEphemerals",
                        "KeeperErrorCode = NoChildrenForEphemerals for /refuse/eph/child"),
                new Refusal("removeWatches with none", zk -> zk.removeWatches("/refuse", WatcherType.ANY), ErrorCode.NOWATCHER, "NoWatcher",
                        "KeeperErrorCode = No such watcher for /refuse"),
                new Refusal("an auth scheme the server does not know", zk -> zk.addAuth("nosuch", new byte[0]), ErrorCode.AUTHFAILED,
                        "AuthFailed", "KeeperErrorCode = AuthFailed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aRefusalCarriesZooKeepersCodeNameAndMessage(Refusal refusal) throws Exception {
        fixture.wipe();
        try (CorralClient zk = fixture.client()) {
            zk.create("/refuse", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/refuse/child", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/refuse/closed", null, List.of(new Acl(Acl.ALL, new dev.corral.wire.Id("digest", "nobody:x"))), CreateMode.PERSISTENT);
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
            assertThat(events).extracting(event -> event.state().zooKeeperName()).containsExactly("SyncConnected", "AuthFailed");
            // ZooKeeper's ClientCnxn#conLossPacket: a request after a refused auth fails with AuthFailed.
            assertThatThrownBy(() -> zk.exists("/", false)).isInstanceOfSatisfying(KeeperException.class,
                    e -> assertThat(e.codeName()).isEqualTo("AuthFailed"));
            assertThat(zk.isAlive()).as("a refused auth ends the session for good, as in ZooKeeper").isFalse();
        }
    }

    @Test
    void aNotificationReachesTheListenerWithTheZxidOfTheChange() throws Exception {
        fixture.wipe();
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        try (CorralClient watcher = CorralClient.connect(fixture.connectString(), ShellFixture.SESSION_TIMEOUT_MS, events::add);
                CorralClient writer = fixture.client()) {
            writer.create("/n", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            watcher.getData("/n", true);
            long zxid = writer.setData("/n", "x".getBytes(StandardCharsets.UTF_8), -1).mzxid();
            await().atMost(BOUND).until(() -> events.size() == 2);
            assertThat(events.get(1)).isEqualTo(new WatchedEvent(EventType.NODE_DATA_CHANGED, KeeperState.SYNC_CONNECTED, "/n", zxid));
            assertThat(events.get(1).toString()).isEqualTo("WatchedEvent state:SyncConnected type:NodeDataChanged path:/n zxid: " + zxid);
        }
    }

    @Test
    void pingsKeepAnIdleSessionAliveWellPastItsTimeout() throws Exception {
        // 10 ticks, not the shortest 2 (400 ms): a pause of 150 ms of this JVM, server and client both, could drop
        // a session whose client must hear something every 266 ms, and the test would fail without a fault.
        int timeoutMs = 10 * ShellFixture.TICK_MS;
        try (CorralClient zk = CorralClient.connect(fixture.connectString(), timeoutMs, event -> { })) {
            assertThat(zk.sessionTimeoutMs()).isEqualTo(timeoutMs);
            String path = "/alive-" + Long.toHexString(zk.sessionId());
            zk.create(path, null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            await().during(Duration.ofMillis(3L * timeoutMs)).atMost(BOUND).until(zk::isConnected);
            try (CorralClient other = fixture.client()) {
                assertThat(other.exists(path, false)).as("the session, and its ephemeral, outlived its timeout").isNotNull();
            }
        }
    }

    @Test
    void closeEndsTheSessionTellsTheListenerAndLaterRequestsFailWithSessionExpired() throws Exception {
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        CorralClient zk = CorralClient.connect(fixture.connectString(), ShellFixture.SESSION_TIMEOUT_MS, events::add);
        String path = "/closing-" + Long.toHexString(zk.sessionId());
        zk.create(path, null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.close();
        assertThat(zk.state()).isEqualTo(CorralClient.State.CLOSED);
        assertThat(events).extracting(event -> event.state().zooKeeperName()).containsExactly("SyncConnected", "Closed");
        // ZooKeeper's ClientCnxn#conLossPacket: the state is CLOSED, so the code is SessionExpired.
        assertThatThrownBy(() -> zk.exists("/", false)).isInstanceOfSatisfying(KeeperException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SESSIONEXPIRED));
        try (CorralClient other = fixture.client()) {
            assertThat(other.exists(path, false)).as("closeSession removed the ephemeral at once").isNull();
        }
        zk.close();
    }

    /** A client with the chroot /app, and /app made for it. */
    private static CorralClient chrooted(List<WatchedEvent> events) throws Exception {
        fixture.wipe();
        try (CorralClient root = fixture.client()) {
            root.create("/app", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        return CorralClient.connect(fixture.connectString() + "/app", ShellFixture.SESSION_TIMEOUT_MS, events::add);
    }

    @Test
    void underAChrootRequestsGoBelowItAndRepliesAndErrorsUseTheCallersPaths() throws Exception {
        try (CorralClient zk = chrooted(new CopyOnWriteArrayList<>()); CorralClient root = fixture.client()) {
            assertThat(zk.chroot().path()).isEqualTo("/app");
            assertThat(zk.create("/a", bytes("x"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT).path()).isEqualTo("/a");
            assertThat(root.getData("/app/a", false).data()).isEqualTo(bytes("x"));
            String sequential = zk.create("/s-", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL).path();
            assertThat(sequential).matches("/s-\\d{10}");
            assertThat(zk.create("/e", null, Acl.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL).path()).isEqualTo("/e");
            assertThat(zk.getChildren("/", false).children()).containsExactlyInAnyOrder("a", "e", sequential.substring(1));
            assertThat(zk.exists("/", false).numChildren()).as("/ is the chroot").isEqualTo(3);
            zk.setData("/a", bytes("y"), -1);
            assertThat(zk.getData("/a", false).data()).isEqualTo(bytes("y"));
            assertThat(zk.getAllChildrenNumber("/")).isEqualTo(3);
            assertThat(zk.sync("/a")).isEqualTo("/a");
            assertThat(zk.getEphemerals("/")).containsExactly("/e");
            assertThat(zk.getConfig(false).stat()).as("/zookeeper/config, not /app/zookeeper/config").isNotNull();
            assertThatThrownBy(() -> zk.getData("/missing", false)).hasMessage("KeeperErrorCode = NoNode for /missing");
            zk.delete("/a", -1);
            assertThat(root.exists("/app/a", false)).isNull();
        }
    }

    @Test
    void underAChrootMultiOpsGoBelowItAndTheirResultsAndErrorsUseTheCallersPaths() throws Exception {
        try (CorralClient zk = chrooted(new CopyOnWriteArrayList<>()); CorralClient root = fixture.client()) {
            zk.create("/old", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            List<OpResult> results = zk.multi(List.of(
                    Op.create("/made", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.create("/made2-", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.check("/old", 0),
                    Op.delete("/old", -1)));
            assertThat(results.get(0)).isInstanceOfSatisfying(Created.class,
                    created -> assertThat(created.path()).isEqualTo("/made"));
            assertThat(results.get(1)).isInstanceOfSatisfying(Created.class,
                    created -> assertThat(created.path()).isEqualTo("/made2-0000000002"));
            assertThat(results.subList(2, 4)).containsExactly(new OpResult.Check(), new OpResult.Delete());
            assertThat(root.getChildren("/app", false).children()).containsExactlyInAnyOrder("made", "made2-0000000002");
            assertThatThrownBy(() -> zk.multi(List.of(Op.delete("/made", -1), Op.delete("/nope", -1))))
                    .hasMessage("KeeperErrorCode = NoNode for /nope");
            assertThatThrownBy(() -> zk.multi(List.of(Op.delete("nope", -1))))
                    .as("op paths are checked before they are sent, as ZooKeeper's Op#validate does")
                    .hasMessage("Path must start with / character");
        }
    }

    @Test
    void underAChrootNotificationsComeWithTheCallersPathsAndTheChrootItselfIsSlash() throws Exception {
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        try (CorralClient zk = chrooted(events); CorralClient root = fixture.client()) {
            zk.create("/w", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/r", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.getData("/w", true);
            zk.getChildren("/", true);
            assertThat(zk.exists("/later", true)).isNull();
            zk.addWatch("/r", AddWatchMode.PERSISTENT_RECURSIVE);
            root.setData("/app/w", bytes("1"), -1);
            root.create("/app/later", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            root.create("/app/r/deep", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            await().atMost(BOUND).until(() -> events.size() == 5);
            assertThat(events.subList(1, 5)).extracting(event -> event.type().zooKeeperName() + " " + event.path()).containsExactlyInAnyOrder(
                    "NodeDataChanged /w", "NodeChildrenChanged /", "NodeCreated /later", "NodeCreated /r/deep");
            zk.removeWatches("/r", WatcherType.PERSISTENT_RECURSIVE);
            assertThatThrownBy(() -> zk.removeWatches("/r", WatcherType.PERSISTENT_RECURSIVE)).as("the recursive watch on /app/r is gone")
                    .hasMessage("KeeperErrorCode = No such watcher for /r");
        }
    }

    @Test
    void aLostConnectionFailsTheRequestAndTellsTheListener() throws Exception {
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        try (FakeServer server = new FakeServer(); CorralClient zk = server.connect(events)) {
            CompletableFuture<Void> request = CompletableFuture.runAsync(() -> expectConnectionLoss(zk));
            server.readRequest();
            server.closeConnection();
            request.get(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            await().atMost(BOUND).until(() -> events.size() >= 2);
            assertThat(events.get(1).state().zooKeeperName()).isEqualTo("Disconnected");
            assertThat(zk.isConnected()).isFalse();
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
            await().atMost(BOUND).until(() -> !zk.isConnected());
        }
    }

    @Test
    void aServerThatDoesNotAnswerFailsTheRequestWithinTheSessionTimeout() throws Exception {
        try (FakeServer server = new FakeServer(); CorralClient zk = server.connect(new CopyOnWriteArrayList<>())) {
            long started = System.nanoTime();
            expectConnectionLoss(zk);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
            await().atMost(BOUND).until(() -> !zk.isConnected());
        }
    }

    /**
     * What a resumed session sends, read off the wire: the ConnectRequest carries the session's id,
     * password and the zxid of the last reply; then, before any request, the auth packets sent before and
     * one SetWatches2 with every watch held, relative to that zxid (ZooKeeper 3.9:
     * ClientCnxn.SendThread#primeConnection). A watch that fired before the loss is not in it.
     */
    @Test
    void aResumedSessionSendsItsIdAuthAndWatchesAsZooKeepersClientDoes() throws Exception {
        List<WatchedEvent> events = new CopyOnWriteArrayList<>();
        // A long session: the fake server answers no ping, and the events must hold one disconnect only, the test's.
        try (FakeServer server = new FakeServer(30_000); CorralClient zk = server.connect(events)) {
            CompletableFuture<Void> requests = CompletableFuture.runAsync(() -> {
                try {
                    zk.addAuth("digest", "u:p".getBytes(StandardCharsets.UTF_8));
                    zk.getData("/d", true);
                    zk.getData("/fired", true);
                    assertThat(zk.exists("/e", true)).isNull();
                    zk.getChildren("/c", true);
                    zk.addWatch("/p", AddWatchMode.PERSISTENT);
                    zk.addWatch("/r", AddWatchMode.PERSISTENT_RECURSIVE);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            RequestHeader auth = server.readRequest();
            assertThat(auth.xid()).isEqualTo(-4);
            server.reply(new ReplyHeader(-4, 0, 0));
            server.reply(server.readRequest(), 0x51, 0, o -> new GetDataResponse(new byte[0], Stat.EMPTY).write(o));
            server.reply(server.readRequest(), 0x52, 0, o -> new GetDataResponse(new byte[0], Stat.EMPTY).write(o));
            server.notify(0x53, new WatcherEvent(EventType.NODE_DATA_CHANGED.code(), KeeperState.SYNC_CONNECTED.code(), "/fired"));
            server.reply(server.readRequest(), 0x54, ErrorCode.NONODE, null);
            server.reply(server.readRequest(), 0x55, 0, o -> new GetChildren2Response(List.of(), Stat.EMPTY).write(o));
            server.reply(server.readRequest(), 0x56, 0, null);
            server.reply(server.readRequest(), 0x57, 0, null);
            requests.get(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);

            server.closeConnection();
            ConnectRequest resume = server.acceptResume(0x1234);
            assertThat(resume.sessionId()).isEqualTo(0x1234);
            assertThat(resume.passwd()).isEqualTo(FakeServer.PASSWORD);
            assertThat(resume.lastZxidSeen()).as("the zxid of the last reply, not of the notification").isEqualTo(0x57);
            assertThat(resume.timeOut()).isEqualTo(server.timeoutMs());
            JuteInput first = server.readFrameAfterPings();
            assertThat(RequestHeader.read(first)).isEqualTo(new RequestHeader(-4, OpCode.AUTH));
            AuthPacket again = AuthPacket.read(first);
            assertThat(again.scheme()).isEqualTo("digest");
            assertThat(again.auth()).isEqualTo("u:p".getBytes(StandardCharsets.UTF_8));
            JuteInput second = server.readFrameAfterPings();
            assertThat(RequestHeader.read(second)).isEqualTo(new RequestHeader(-8, OpCode.SET_WATCHES2));
            assertThat(SetWatches2.read(second)).isEqualTo(new SetWatches2(0x57, List.of("/d"), List.of("/e"), List.of("/c"),
                    List.of("/p"), List.of("/r")));
            await().atMost(BOUND).until(zk::isConnected);
            assertThat(events).extracting(event -> event.type().zooKeeperName() + " " + event.state().zooKeeperName()).containsExactly(
                    "None SyncConnected", "NodeDataChanged SyncConnected", "None Disconnected", "None SyncConnected");
            assertThat(zk.sessionId()).isEqualTo(0x1234);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void expectConnectionLoss(CorralClient zk) {
        assertThatThrownBy(() -> zk.getData("/x", false)).isInstanceOfSatisfying(KeeperException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONNECTIONLOSS);
            assertThat(e.getMessage()).isEqualTo("KeeperErrorCode = ConnectionLoss for /x");
        });
    }

    /** A server that completes the handshake, then does only what a test tells it to. */
    private static final class FakeServer implements AutoCloseable {
        /**
         * The session timeout a fake server grants unless told otherwise: short, so that a test of a server
         * that does not answer ends soon (the client gives up 2/3 of it after the last frame it heard).
         */
        static final int TIMEOUT_MS = 600;
        static final byte[] PASSWORD = "sixteen-byte-pwd".getBytes(StandardCharsets.UTF_8);
        private final ServerSocket listener = new ServerSocket(0);
        private final int timeoutMs;
        private Socket connection;
        private DataInputStream in;
        private OutputStream out;

        FakeServer() throws IOException {
            this(TIMEOUT_MS);
        }

        /** A fake server that grants {@code timeoutMs}: it answers no ping, so the client drops a connection idle for 2/3 of it. */
        FakeServer(int timeoutMs) throws IOException {
            this.timeoutMs = timeoutMs;
        }

        int timeoutMs() {
            return timeoutMs;
        }

        CorralClient connect(List<WatchedEvent> events) throws Exception {
            CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
                try {
                    connection = listener.accept();
                    in = new DataInputStream(connection.getInputStream());
                    out = connection.getOutputStream();
                    readFrame();
                    out.write(Frames.frame(o -> new ConnectResponse(0, timeoutMs, 0x1234, PASSWORD, false).write(o, true)));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CorralClient client = CorralClient.connect("127.0.0.1:" + listener.getLocalPort(), timeoutMs, events::add);
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

        /** Answers {@code request} with {@code zxid} and {@code err}, and {@code body} if not null. */
        void reply(RequestHeader request, long zxid, int err, java.util.function.Consumer<dev.corral.wire.JuteOutput> body)
                throws IOException {
            out.write(Frames.reply(new ReplyHeader(request.xid(), zxid, err), body));
            out.flush();
        }

        void notify(long zxid, WatcherEvent event) throws IOException {
            out.write(Frames.notification(zxid, event));
            out.flush();
        }

        /** Accepts the client's next connection, reads its ConnectRequest and grants {@code sessionId}. */
        ConnectRequest acceptResume(long sessionId) throws IOException {
            listener.setSoTimeout((int) BOUND.toMillis());
            connection = listener.accept();
            in = new DataInputStream(connection.getInputStream());
            out = connection.getOutputStream();
            ConnectRequest request = ConnectRequest.read(new JuteInput(readFrame()));
            out.write(Frames.frame(o -> new ConnectResponse(0, timeoutMs, sessionId, PASSWORD, false).write(o, true)));
            out.flush();
            return request;
        }

        /** The next frame other than a ping, positioned at its RequestHeader. */
        JuteInput readFrameAfterPings() throws IOException {
            while (true) {
                byte[] frame = readFrame();
                if (RequestHeader.read(new JuteInput(frame)).xid() != -2) {
                    return new JuteInput(frame);
                }
            }
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
