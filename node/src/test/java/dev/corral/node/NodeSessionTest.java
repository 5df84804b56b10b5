package dev.corral.node;

import static dev.corral.node.SimShell.BOOT_WALL_MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.CreateMode;
import dev.corral.tree.WatchEvent;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.ExistsResponse;
import dev.corral.wire.GetDataResponse;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.WatcherEvent;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sessions through the Node's front door, with real frames: the handshake and its negotiated timeout,
 * reconnects, refusals, expiry counted in ticks, and closeSession; as ZooKeeper 3.9.5's
 * {@code ZooKeeperServer#processConnectRequest}, {@code #finishSessionInit} and {@code SessionTrackerImpl}.
 * Tick 1000 ms; standalone bounds 2000..20000 ms.
 */
class NodeSessionTest {
    private static final int TICK_MS = 1000;

    private static ConnectRequest newSession(int timeoutMs) {
        return new ConnectRequest(0, 0, timeoutMs, 0, new byte[16], false, true);
    }

    record TimeoutCase(int requestedMs, int negotiatedMs) {}

    static List<TimeoutCase> timeoutCases() {
        return List.of(
                // Clamped into [minSessionTimeout, maxSessionTimeout] = [2 ticks, 20 ticks].
                new TimeoutCase(-5, 2000),
                new TimeoutCase(0, 2000),
                new TimeoutCase(1999, 2000),
                new TimeoutCase(2000, 2000),
                new TimeoutCase(4500, 4500),
                new TimeoutCase(20000, 20000),
                new TimeoutCase(20001, 20000),
                new TimeoutCase(Integer.MAX_VALUE, 20000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeoutCases")
    void newSessionGetsItsTimeoutClampedIntoTheConfiguredBounds(TimeoutCase row) {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.open();

        ConnectResponse response = client.handshake(newSession(row.requestedMs()));

        assertThat(response.timeOut()).isEqualTo(row.negotiatedMs());
        assertThat(shell.node.sessionTable().timeoutMs(response.sessionId())).isEqualTo(row.negotiatedMs());
    }

    @Test
    void newSessionIdCarriesTheServerIdInItsHighByteAndPasswordIsZooKeepers() {
        long serverId = 5;
        NodeConfig config = new NodeConfig(serverId, TICK_MS, 2000, 20000, false, 60_000, 10_000, null, false, BOOT_WALL_MS, false, 0, 0, false);
        SimShell shell = new SimShell(config);

        ConnectResponse first = shell.open().handshake(newSession(4000));
        ConnectResponse second = shell.open().handshake(newSession(4000));

        // ZooKeeper's SessionTrackerImpl#initializeNextSessionId and ZooKeeperServer#generatePasswd.
        long expectedFirst = ((BOOT_WALL_MS << 24) >>> 8) | (serverId << 56);
        assertThat(first.sessionId()).isEqualTo(expectedFirst);
        assertThat(first.sessionId() >>> 56).isEqualTo(serverId);
        assertThat(second.sessionId()).isEqualTo(expectedFirst + 1);
        assertThat(first.protocolVersion()).isZero();
        assertThat(first.readOnly()).isFalse();
        byte[] password = new byte[16];
        new Random(first.sessionId() ^ 0xB3415C00L).nextBytes(password);
        assertThat(first.passwd()).isEqualTo(password);
        assertThat(shell.node.sessionTable().contains(first.sessionId())).isTrue();
    }

    @ParameterizedTest(name = "readOnly byte in request: {0}")
    @ValueSource(booleans = {true, false})
    void connectResponseHasTheReadOnlyByteExactlyWhenTheRequestHadIt(boolean readOnlyPresent) {
        SimShell shell = SimShell.standalone();
        FrameClient valid = shell.open();
        FrameClient refused = shell.open();
        ConnectRequest request = new ConnectRequest(0, 0, 4000, 0, new byte[16], false, readOnlyPresent);
        ConnectRequest unknown = new ConnectRequest(0, 0, 4000, 0x77, new byte[16], false, readOnlyPresent);

        valid.sendRaw(bytes(request::write));
        refused.sendRaw(bytes(unknown::write));

        // int protocolVersion, int timeOut, long sessionId, buffer passwd (4 + 16) [, boolean readOnly]
        int expectedLength = 36 + (readOnlyPresent ? 1 : 0);
        assertThat(valid.nextPayload()).hasSize(expectedLength);
        assertThat(refused.nextPayload()).hasSize(expectedLength);
    }

    @Test
    void reconnectWithThePasswordKeepsTheSessionAndClosesTheOldConnection() {
        SimShell shell = SimShell.standalone();
        FrameClient first = shell.connect(4000);
        first.create("/e", CreateMode.EPHEMERAL);
        FrameClient second = shell.open();

        ConnectResponse response = second.handshake(new ConnectRequest(0, shell.node.tree().lastProcessedZxid(), 6000,
                first.sessionId, first.password, false, true));

        assertThat(response.sessionId()).isEqualTo(first.sessionId);
        assertThat(response.timeOut()).isEqualTo(6000);
        assertThat(response.passwd()).isEqualTo(first.password);
        assertThat(first.isClosed()).isTrue();
        assertThat(second.isClosed()).isFalse();
        assertThat(shell.node.connectionCount()).isEqualTo(1);
        FrameClient.Reply read = second.getData("/e", false);
        assertThat(read.err()).isEqualTo(ErrorCode.OK);
        assertThat(read.read(GetDataResponse::read).stat().ephemeralOwner()).isEqualTo(first.sessionId);
    }

    @Test
    void reconnectRenegotiatesTheTimeoutThatExpiryCounts() {
        SimShell shell = SimShell.standalone();
        FrameClient first = shell.connect(2000);
        FrameClient second = shell.open();
        second.handshake(new ConnectRequest(0, 0, 6000, first.sessionId, first.password, false, true));

        shell.ticks(6);
        assertThat(shell.node.sessionTable().contains(first.sessionId)).isTrue();
        shell.tick();

        assertThat(shell.node.sessionTable().contains(first.sessionId)).isFalse();
    }

    record RefusalCase(String name, Function<SimShell, ConnectRequest> request) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<RefusalCase> refusalCases() {
        return List.of(
                new RefusalCase("wrong password", shell -> {
                    FrameClient owner = shell.connect(4000);
                    byte[] wrong = owner.password.clone();
                    wrong[0] ^= 1;
                    return new ConnectRequest(0, 0, 4000, owner.sessionId, wrong, false, true);
                }),
                new RefusalCase("unknown session", shell -> new ConnectRequest(0, 0, 4000, 0x1234, new byte[16], false, true)),
                new RefusalCase("expired session", shell -> {
                    FrameClient owner = shell.connect(2000);
                    shell.ticks(3);
                    return new ConnectRequest(0, 0, 4000, owner.sessionId, owner.password, false, true);
                }),
                new RefusalCase("closed session", shell -> {
                    FrameClient owner = shell.connect(4000);
                    owner.closeSession();
                    return new ConnectRequest(0, 0, 4000, owner.sessionId, owner.password, false, true);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusalCases")
    void refusedReconnectGetsTimeoutZeroSessionZeroAndZeroPasswordThenClose(RefusalCase row) {
        SimShell shell = SimShell.standalone();
        ConnectRequest request = row.request().apply(shell);
        int sessions = shell.node.sessionTable().size();
        FrameClient client = shell.open();

        ConnectResponse response = client.handshake(request);

        assertThat(response).isEqualTo(new ConnectResponse(0, 0, 0, new byte[16], false));
        assertThat(client.isClosed()).isTrue();
        assertThat(client.hasPending()).isFalse();
        assertThat(shell.node.sessionTable().size()).as("no session is created or ended").isEqualTo(sessions);
    }

    @Test
    void clientThatHasSeenAZxidAheadOfTheServerIsClosedWithoutAnswer() {
        SimShell shell = SimShell.standalone();
        FrameClient other = shell.connect(4000);
        other.create("/a", CreateMode.PERSISTENT);
        long last = shell.node.tree().lastProcessedZxid();
        FrameClient client = shell.open();
        int outputsBefore = shell.outputs.size();

        client.sendRaw(bytes(new ConnectRequest(0, last + 1, 4000, 0, new byte[16], false, true)::write));

        assertThat(shell.outputs.subList(outputsBefore, shell.outputs.size()))
                .singleElement().isInstanceOf(Output.Close.class);
        assertThat(client.isClosed()).isTrue();
        assertThat(shell.node.sessionTable().size()).isEqualTo(1);
        FrameClient caughtUp = shell.open();
        assertThat(caughtUp.handshake(new ConnectRequest(0, last, 4000, 0, new byte[16], false, true)).timeOut())
                .as("a client that has seen exactly our last zxid is welcome").isEqualTo(4000);
    }

    // Expiry, counted in ticks: a session touched during tick t with timeout T expires at tick t + ceil(T / tick) + 1.

    @Test
    void sessionTouchedEveryTickNeverExpires() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(2000);

        shell.ticks(50, client);

        assertThat(shell.node.sessionTable().contains(client.sessionId)).isTrue();
        assertThat(client.isClosed()).isFalse();
    }

    record ExpiryCase(int timeoutMs, long touchedAtMsIntoTick, int expiryTick) {}

    static List<ExpiryCase> expiryCases() {
        return List.of(
                // Touched at the start of tick 0 and just before tick 1: the same expiry tick, never early.
                new ExpiryCase(2000, 0, 3),
                new ExpiryCase(2000, 999, 3),
                new ExpiryCase(4000, 0, 5),
                new ExpiryCase(4000, 999, 5),
                new ExpiryCase(4500, 999, 6),
                new ExpiryCase(20000, 999, 21));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expiryCases")
    void sessionLeftAloneExpiresAtCeilTimeoutOverTickPlusOneTicksAndNotBeforeItsTimeout(ExpiryCase row) {
        SimShell shell = SimShell.standalone();
        shell.advanceWallMs(row.touchedAtMsIntoTick());
        long touchedAtMs = shell.wallMs;
        FrameClient client = shell.connect(row.timeoutMs());

        shell.ticks(row.expiryTick() - 1);
        assertThat(shell.node.sessionTable().contains(client.sessionId)).as("alive at tick %d", shell.tickCount()).isTrue();
        assertThat(client.isClosed()).isFalse();
        shell.tick();

        assertThat(shell.node.sessionTable().contains(client.sessionId)).as("expired at tick %d", shell.tickCount()).isFalse();
        assertThat(client.isClosed()).isTrue();
        assertThat(shell.outputs).as("the expiry is reported once, for the operator's log")
                .filteredOn(Output.SessionExpired.class::isInstance)
                .containsExactly(new Output.SessionExpired(client.sessionId, row.timeoutMs()));
        assertThat(shell.wallMs - touchedAtMs).as("time between the last touch and the expiry").isGreaterThanOrEqualTo(row.timeoutMs());
    }

    @Test
    void aSessionClosedByItsClientIsNotReportedAsExpired() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(2000);

        client.closeSession();
        shell.ticks(10);

        assertThat(shell.node.sessionTable().contains(client.sessionId)).isFalse();
        assertThat(shell.outputs).noneMatch(Output.SessionExpired.class::isInstance);
    }

    @Test
    void lastRequestRestartsTheExpiryCount() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(4000);

        shell.ticks(4);
        client.exists("/", false);
        shell.ticks(4);

        assertThat(shell.node.sessionTable().contains(client.sessionId)).isTrue();
        shell.tick();
        assertThat(shell.node.sessionTable().contains(client.sessionId)).isFalse();
    }

    @Test
    void sessionWithoutAConnectionStillExpiresAndCanBeResumedBeforeThat() {
        SimShell shell = SimShell.standalone();
        FrameClient first = shell.connect(4000);
        first.closeConnection();
        shell.ticks(4);

        FrameClient second = shell.open();
        ConnectResponse resumed = second.handshake(new ConnectRequest(0, 0, 4000, first.sessionId, first.password, false, true));
        assertThat(resumed.sessionId()).isEqualTo(first.sessionId);
        second.closeConnection();
        shell.ticks(5);

        assertThat(shell.node.sessionTable().contains(first.sessionId)).isFalse();
    }

    @Test
    void expiryDeletesEphemeralsInOneTxnAndFiresTheirWatchesToOtherSessions() {
        SimShell shell = SimShell.standalone();
        FrameClient owner = shell.connect(4000);
        FrameClient watcher = shell.connect(20000);
        owner.create("/p", CreateMode.PERSISTENT);
        owner.create("/p/e1", CreateMode.EPHEMERAL);
        owner.create("/p/e2", CreateMode.EPHEMERAL);
        owner.create("/top", CreateMode.EPHEMERAL);
        watcher.exists("/p/e1", true);
        watcher.getData("/p/e2", true);
        watcher.getChildren("/p", true);
        long before = shell.node.tree().lastProcessedZxid();

        shell.ticks(5, watcher);

        long closeZxid = before + 1;
        assertThat(owner.isClosed()).isTrue();
        assertThat(shell.node.tree().lastProcessedZxid()).as("one txn for the whole expiry").isEqualTo(closeZxid);
        assertThat(shell.node.tree().ephemerals(owner.sessionId)).isEmpty();
        assertThat(shell.node.tree().node("/top")).isNull();
        assertThat(shell.node.tree().node("/p").pzxid()).isEqualTo(closeZxid);
        List<FrameClient.Reply> frames = watcher.takeNotificationFrames();
        assertThat(frames).extracting(FrameClient.Reply::zxid).containsOnly(closeZxid);
        assertThat(frames).extracting(FrameClient.Reply::event).containsExactlyInAnyOrder(
                new WatcherEvent(WatchEvent.NODE_DELETED, WatchEvent.SYNC_CONNECTED, "/p/e1"),
                new WatcherEvent(WatchEvent.NODE_DELETED, WatchEvent.SYNC_CONNECTED, "/p/e2"),
                new WatcherEvent(WatchEvent.NODE_CHILDREN_CHANGED, WatchEvent.SYNC_CONNECTED, "/p"));
        assertThat(watcher.exists("/p/e1", false).err()).isEqualTo(ErrorCode.NONODE);
    }

    @Test
    void closeSessionRepliesThenClosesAndDeletesTheEphemerals() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(4000);
        FrameClient other = shell.connect(4000);
        client.create("/e", CreateMode.EPHEMERAL);
        other.exists("/e", true);
        int outputsBefore = shell.outputs.size();

        FrameClient.Reply reply = client.closeSession();

        assertThat(reply.err()).isEqualTo(ErrorCode.OK);
        assertThat(reply.zxid()).isEqualTo(shell.node.tree().lastProcessedZxid());
        List<Output> produced = shell.outputs.subList(outputsBefore, shell.outputs.size());
        List<Output> toClient = produced.stream().filter(o -> isFor(o, client.connectionId)).toList();
        assertThat(toClient).hasSize(2);
        assertThat(toClient.get(0)).as("the reply first").isInstanceOf(Output.Send.class);
        assertThat(toClient.get(1)).as("then the close").isInstanceOf(Output.Close.class);
        assertThat(client.isClosed()).isTrue();
        assertThat(shell.node.sessionTable().contains(client.sessionId)).isFalse();
        assertThat(shell.node.tree().node("/e")).isNull();
        assertThat(other.takeNotifications())
                .containsExactly(new WatcherEvent(WatchEvent.NODE_DELETED, WatchEvent.SYNC_CONNECTED, "/e"));
        assertThat(other.exists("/e", false).err()).isEqualTo(ErrorCode.NONODE);
    }

    @Test
    void existsAnswersWithTheStatOfANodeCreatedOnAnotherConnection() {
        SimShell shell = SimShell.standalone();
        FrameClient writer = shell.connect(4000);
        FrameClient reader = shell.connect(4000);

        writer.create("/a", CreateMode.PERSISTENT);
        FrameClient.Reply reply = reader.exists("/a", false);

        assertThat(reply.read(ExistsResponse::read).stat().czxid()).isEqualTo(reply.zxid());
    }

    private static boolean isFor(Output output, long connectionId) {
        return output instanceof Output.Send send && send.connectionId() == connectionId
                || output instanceof Output.Close close && close.connectionId() == connectionId;
    }

    private static byte[] bytes(Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput();
        writer.accept(out);
        return out.toByteArray();
    }
}
