package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.Acls;
import dev.corral.tree.CreateMode;
import dev.corral.tree.WatchEvent;
import dev.corral.wire.Acl;
import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.CheckVersionRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.GetACLResponse;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetDataResponse;
import dev.corral.wire.Id;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MultiHeader;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.MultiResponse;
import dev.corral.wire.OpCode;
import dev.corral.wire.OpResult;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.Stat;
import dev.corral.wire.WatcherEvent;
import dev.corral.wire.Xid;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests through the Node with real frames: per-session order, notifications ahead of the reply of the
 * write that fired them, digest and super authentication, and what a bad or unknown request does to its
 * connection and to nobody else's.
 */
class NodeRequestTest {

    @Test
    void repliesComeBackInRequestOrderAndEachSeesTheEarlierWrites() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);

        client.send(OpCode.CREATE, new CreateRequest("/a", bytes("v0"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        client.send(OpCode.GET_DATA, new GetDataRequest("/a", false)::write);
        client.send(OpCode.SET_DATA, new SetDataRequest("/a", bytes("v1"), 0)::write);
        client.send(OpCode.GET_DATA, new GetDataRequest("/a", false)::write);
        client.send(OpCode.DELETE, new DeleteRequest("/a", 0)::write);
        client.send(OpCode.DELETE, new DeleteRequest("/a", 1)::write);
        client.send(OpCode.EXISTS, new ExistsRequest("/a", false)::write);
        List<FrameClient.Reply> replies = client.drain();

        assertThat(replies).extracting(FrameClient.Reply::xid).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(replies).extracting(FrameClient.Reply::err).containsExactly(
                ErrorCode.OK, ErrorCode.OK, ErrorCode.OK, ErrorCode.OK, ErrorCode.BADVERSION, ErrorCode.OK, ErrorCode.NONODE);
        assertThat(replies.get(1).read(GetDataResponse::read).data()).isEqualTo(bytes("v0"));
        GetDataResponse afterSet = replies.get(3).read(GetDataResponse::read);
        assertThat(afterSet.data()).isEqualTo(bytes("v1"));
        assertThat(afterSet.stat().version()).isEqualTo(1);
        assertThat(replies).extracting(FrameClient.Reply::zxid).isSorted();
    }

    @Test
    void aRequestBehindACloseSessionWaitingForItsFsyncIsNotAnsweredBeforeTheClose() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withDurableLog(true));
        FrameClient client = shell.connect(10_000);
        shell.holdLog = true;

        int close = client.send(OpCode.CLOSE_SESSION, null);
        client.send(OpCode.GET_DATA, new GetDataRequest("/", false)::write);
        assertThat(client.hasPending()).as("nothing answered before the close is durable").isFalse();
        shell.syncLog();

        assertThat(client.drain()).extracting(FrameClient.Reply::xid).as("only the close is answered, then the connection closes")
                .containsExactly(close);
        assertThat(client.isClosed()).isTrue();
        shell.node.checkOutstanding();
    }

    @Test
    void writesAreProposedPastTheReadsBetweenThemAndEachReadStillSeesExactlyTheWritesBeforeIt() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withDurableLog(true));
        FrameClient client = shell.connect(10_000);
        shell.holdLog = true;
        int appendsBefore = appends(shell);

        client.send(OpCode.CREATE, new CreateRequest("/a", bytes("v0"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        client.send(OpCode.GET_DATA, new GetDataRequest("/a", false)::write);
        client.send(OpCode.SET_DATA, new SetDataRequest("/a", bytes("v1"), 0)::write);
        client.send(OpCode.GET_DATA, new GetDataRequest("/a", true)::write);
        client.send(OpCode.SET_DATA, new SetDataRequest("/a", bytes("v2"), 1)::write);
        client.send(OpCode.EXISTS, new ExistsRequest("/a", false)::write);

        assertThat(appends(shell) - appendsBefore).as("all three writes in the log before the first sync").isEqualTo(3);
        assertThat(client.hasPending()).as("nothing answered before the log is durable").isFalse();
        shell.syncLog();
        List<FrameClient.Reply> frames = client.drain();

        assertThat(frames).extracting(FrameClient.Reply::xid).containsExactly(1, 2, 3, 4, Xid.NOTIFICATION, 5, 6);
        assertThat(frames.get(1).read(GetDataResponse::read).data()).isEqualTo(bytes("v0"));
        assertThat(frames.get(3).read(GetDataResponse::read).data()).as("sees the set before it, not the one after")
                .isEqualTo(bytes("v1"));
        assertThat(frames.get(6).read(Stat::read).version()).isEqualTo(2);
        assertThat(frames).extracting(FrameClient.Reply::err).containsOnly(ErrorCode.OK);
    }

    private static int appends(SimShell shell) {
        return (int) shell.outputs.stream()
                .filter(output -> output instanceof Output.Persist persist && persist.change() instanceof dev.corral.zab.Output.Append)
                .count();
    }

    @Test
    void notificationOfASessionsOwnWriteArrivesBeforeThatWritesReply() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);
        client.create("/a", CreateMode.PERSISTENT);
        client.getData("/a", true);

        int xid = client.send(OpCode.SET_DATA, new SetDataRequest("/a", bytes("x"), -1)::write);
        List<FrameClient.Reply> frames = client.drain();

        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).isNotification()).isTrue();
        assertThat(frames.get(0).event()).isEqualTo(new WatcherEvent(WatchEvent.NODE_DATA_CHANGED, WatchEvent.SYNC_CONNECTED, "/a"));
        assertThat(frames.get(1).xid()).isEqualTo(xid);
        assertThat(frames.get(0).zxid()).as("the notification carries the zxid of the write").isEqualTo(frames.get(1).zxid());
    }

    @Test
    void watchOfOneSessionFiresOnceForAnotherSessionsWrites() {
        SimShell shell = SimShell.standalone();
        FrameClient writer = shell.connect(10_000);
        FrameClient watcher = shell.connect(10_000);
        writer.create("/a", CreateMode.PERSISTENT);
        watcher.getData("/a", true);
        watcher.getChildren("/a", true);

        writer.setData("/a", "1", -1);
        writer.setData("/a", "2", -1);
        writer.create("/a/b", CreateMode.PERSISTENT);

        assertThat(watcher.takeNotifications()).containsExactly(
                new WatcherEvent(WatchEvent.NODE_DATA_CHANGED, WatchEvent.SYNC_CONNECTED, "/a"),
                new WatcherEvent(WatchEvent.NODE_CHILDREN_CHANGED, WatchEvent.SYNC_CONNECTED, "/a"));
    }

    @Test
    void watchesOfAClosedConnectionAreDropped() {
        SimShell shell = SimShell.standalone();
        FrameClient writer = shell.connect(10_000);
        FrameClient watcher = shell.connect(10_000);
        writer.create("/a", CreateMode.PERSISTENT);
        watcher.getData("/a", true);

        watcher.closeConnection();
        writer.setData("/a", "1", -1);

        assertThat(shell.node.watches().dataWatchCount()).isZero();
        assertThat(watcher.hasPending()).isFalse();
    }

    @Test
    void emptyDataIsReadBackEmpty() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);
        client.call(OpCode.CREATE, new CreateRequest("/e", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)::write);

        assertThat(client.getData("/e", false).read(GetDataResponse::read).data()).isEmpty();
    }

    @Test
    void nullDataIsReadBackAsNullAsZooKeeperStoresIt() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);
        client.call(OpCode.CREATE, new CreateRequest("/created", null, Acl.OPEN_ACL_UNSAFE, 0)::write);
        client.call(OpCode.CREATE, new CreateRequest("/set", bytes("x"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        client.call(OpCode.SET_DATA, new SetDataRequest("/set", null, -1)::write);

        assertThat(client.getData("/created", false).read(GetDataResponse::read).data()).isNull();
        assertThat(client.getData("/set", false).read(GetDataResponse::read).data()).isNull();
    }

    @Test
    void multiRepliesWithOneResultPerOpShapedByItsType() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);

        FrameClient.Reply reply = client.call(OpCode.MULTI, new MultiRequest(List.of(
                new MultiRequest.Op(OpCode.CREATE, new CreateRequest("/m", bytes("a"), Acl.OPEN_ACL_UNSAFE, 0)),
                new MultiRequest.Op(OpCode.CREATE2, new CreateRequest("/m/c", null, Acl.OPEN_ACL_UNSAFE, 0)),
                new MultiRequest.Op(OpCode.SET_DATA, new SetDataRequest("/m", bytes("b"), 0)),
                new MultiRequest.Op(OpCode.CHECK, new CheckVersionRequest("/m", 1)),
                new MultiRequest.Op(OpCode.DELETE, new DeleteRequest("/m/c", 0))))::write);

        assertThat(reply.err()).isEqualTo(ErrorCode.OK);
        List<OpResult> results = reply.read(MultiResponse::read).results();
        long zxid = reply.zxid();
        long time = SimShell.BOOT_WALL_MS;
        assertThat(results).hasSize(5);
        assertThat(results.get(0)).isEqualTo(new OpResult.CreateResult("/m"));
        assertThat(results.get(1)).isInstanceOfSatisfying(OpResult.Create2Result.class, r -> {
            assertThat(r.path()).isEqualTo("/m/c");
            assertThat(r.stat().czxid()).isEqualTo(reply.zxid());
        });
        // Each result carries the Stat as of its own op, as ZooKeeper's DataTree#processTxn returns it per
        // op: /m still has its child here.
        assertThat(results.get(2)).isEqualTo(new OpResult.SetDataResult(new Stat(zxid, zxid, time, time, 1, 1, 0, 0, 1, 1, zxid)));
        assertThat(results.get(3)).isEqualTo(new OpResult.CheckResult());
        assertThat(results.get(4)).isEqualTo(new OpResult.DeleteResult());
    }

    @Test
    void failedMultiHasHeaderErrZeroAndAnErrorResultPerOp() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);

        FrameClient.Reply reply = client.call(OpCode.MULTI, new MultiRequest(List.of(
                new MultiRequest.Op(OpCode.CREATE, new CreateRequest("/x", null, Acl.OPEN_ACL_UNSAFE, 0)),
                new MultiRequest.Op(OpCode.DELETE, new DeleteRequest("/missing", -1)),
                new MultiRequest.Op(OpCode.SET_DATA, new SetDataRequest("/x", bytes("b"), -1))))::write);

        assertThat(reply.err()).isEqualTo(ErrorCode.OK);
        assertThat(reply.read(MultiResponse::read).results()).containsExactly(
                new OpResult.ErrorResult(ErrorCode.OK),
                new OpResult.ErrorResult(ErrorCode.NONODE),
                new OpResult.ErrorResult(ErrorCode.RUNTIMEINCONSISTENCY));
        assertThat(shell.node.tree().node("/x")).isNull();
    }

    // Authentication.

    private static final List<Acl> CREATOR_ALL = Acl.CREATOR_ALL_ACL;

    @Test
    void digestAuthGrantsWhatTheAclGivesThatIdentityAndNoOneElse() {
        SimShell shell = SimShell.standalone();
        FrameClient bob = shell.connect(10_000);
        FrameClient anonymous = shell.connect(10_000);
        FrameClient bobAgain = shell.connect(10_000);
        FrameClient impostor = shell.connect(10_000);

        assertThat(bob.addAuth("digest", "bob:secret").err()).isEqualTo(ErrorCode.OK);
        assertThat(bob.create("/bob", CREATOR_ALL, CreateMode.PERSISTENT).err()).isEqualTo(ErrorCode.OK);
        bobAgain.addAuth("digest", "bob:secret");
        impostor.addAuth("digest", "bob:guess");

        assertThat(anonymous.getData("/bob", false).err()).isEqualTo(ErrorCode.NOAUTH);
        assertThat(anonymous.exists("/bob", false).err()).as("exists needs READ on a node that exists").isEqualTo(ErrorCode.NOAUTH);
        assertThat(anonymous.exists("/bob/missing", false).err()).isEqualTo(ErrorCode.NONODE);
        assertThat(impostor.getData("/bob", false).err()).isEqualTo(ErrorCode.NOAUTH);
        assertThat(bobAgain.getData("/bob", false).err()).isEqualTo(ErrorCode.OK);
        assertThat(bobAgain.setData("/bob", "x", -1).err()).isEqualTo(ErrorCode.OK);
        assertThat(bob.getAcl("/bob").read(GetACLResponse::read).acl())
                .containsExactly(new Acl(Acl.ALL, new Id("digest", Acls.digest("bob:secret"))));
    }

    @Test
    void superDigestIdentityPassesEveryAclAndAWrongSuperPasswordDoesNot() {
        NodeConfig config = NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withSuperDigest(Acls.digest("super:root"));
        SimShell shell = new SimShell(config);
        FrameClient bob = shell.connect(10_000);
        bob.addAuth("digest", "bob:secret");
        bob.create("/bob", CREATOR_ALL, CreateMode.PERSISTENT);
        bob.create("/bob/child", CREATOR_ALL, CreateMode.PERSISTENT);
        FrameClient admin = shell.connect(10_000);
        FrameClient notAdmin = shell.connect(10_000);

        assertThat(admin.addAuth("digest", "super:root").err()).isEqualTo(ErrorCode.OK);
        notAdmin.addAuth("digest", "super:wrong");

        assertThat(admin.getData("/bob", false).err()).isEqualTo(ErrorCode.OK);
        assertThat(admin.setData("/bob/child", "x", -1).err()).isEqualTo(ErrorCode.OK);
        assertThat(admin.delete("/bob/child").err()).isEqualTo(ErrorCode.OK);
        assertThat(notAdmin.getData("/bob", false).err()).isEqualTo(ErrorCode.NOAUTH);
        assertThat(notAdmin.delete("/bob").err()).as("delete needs DELETE on /, which anyone has").isEqualTo(ErrorCode.OK);
    }

    @Test
    void notificationsGoOnlyToWatchersThatMayReadTheNode() {
        SimShell shell = SimShell.standalone();
        FrameClient bob = shell.connect(10_000);
        FrameClient anonymous = shell.connect(10_000);
        bob.addAuth("digest", "bob:secret");
        bob.create("/p", CreateMode.PERSISTENT);
        anonymous.exists("/p/s", true);
        anonymous.getChildren("/p", true);
        bob.exists("/p/s", true);

        bob.create("/p/s", CREATOR_ALL, CreateMode.PERSISTENT);

        assertThat(anonymous.takeNotifications()).as("NodeChildrenChanged is checked against the parent's ACL")
                .containsExactly(new WatcherEvent(WatchEvent.NODE_CHILDREN_CHANGED, WatchEvent.SYNC_CONNECTED, "/p"));
        assertThat(bob.takeNotifications())
                .containsExactly(new WatcherEvent(WatchEvent.NODE_CREATED, WatchEvent.SYNC_CONNECTED, "/p/s"));
        assertThat(shell.node.watches().dataWatchCount()).as("the filtered standard watch is used up all the same").isZero();
    }

    @Test
    void recursiveWatchDoesNotRevealChangesToNodesItsWatcherMayNotRead() {
        SimShell shell = SimShell.standalone();
        FrameClient bob = shell.connect(10_000);
        FrameClient anonymous = shell.connect(10_000);
        bob.addAuth("digest", "bob:secret");
        bob.create("/p", CreateMode.PERSISTENT);
        bob.create("/p/s", CREATOR_ALL, CreateMode.PERSISTENT);
        anonymous.call(OpCode.ADD_WATCH, new AddWatchRequest("/p", 1)::write);

        bob.setData("/p/s", "x", -1);
        bob.setData("/p", "y", -1);

        assertThat(anonymous.takeNotifications())
                .containsExactly(new WatcherEvent(WatchEvent.NODE_DATA_CHANGED, WatchEvent.SYNC_CONNECTED, "/p"));
    }

    @Test
    void authWithAnUnknownSchemeFailsAndClosesTheConnection() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);

        FrameClient.Reply reply = client.addAuth("kerberos", "whatever");

        assertThat(reply.err()).isEqualTo(ErrorCode.AUTHFAILED);
        assertThat(client.isClosed()).isTrue();
    }

    @Test
    void getAclShowsDigestIdsInFullToAReaderWithAdmin() {
        SimShell shell = SimShell.standalone();
        FrameClient bob = shell.connect(10_000);
        bob.addAuth("digest", "bob:secret");
        List<Acl> acl = List.of(new Acl(Acl.READ, Id.ANYONE), new Acl(Acl.ALL, new Id("digest", Acls.digest("bob:secret"))));
        bob.create("/bob", acl, CreateMode.PERSISTENT);

        assertThat(bob.getAcl("/bob").read(GetACLResponse::read).acl()).isEqualTo(acl);
    }

    @Test
    void getAclMasksDigestIdsAsUserColonXForAReaderWithoutAdmin() {
        SimShell shell = SimShell.standalone();
        FrameClient bob = shell.connect(10_000);
        FrameClient anonymous = shell.connect(10_000);
        bob.addAuth("digest", "bob:secret");
        bob.create("/bob", List.of(new Acl(Acl.READ, Id.ANYONE), new Acl(Acl.ALL, new Id("digest", Acls.digest("bob:secret")))),
                CreateMode.PERSISTENT);

        FrameClient.Reply reply = anonymous.getAcl("/bob");

        assertThat(reply.err()).isEqualTo(ErrorCode.OK);
        assertThat(reply.read(GetACLResponse::read).acl())
                .containsExactly(new Acl(Acl.READ, Id.ANYONE), new Acl(Acl.ALL, new Id("digest", "bob:x")));
    }

    // Requests the Node does not serve, and frames it cannot read.

    @Test
    void unknownOpcodeIsAnsweredUnimplementedThenTheConnectionIsClosedButNotTheSession() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);

        int xid = client.send(999, null);
        List<FrameClient.Reply> replies = client.drain();

        assertThat(replies).singleElement().satisfies(reply -> {
            assertThat(reply.xid()).isEqualTo(xid);
            assertThat(reply.err()).isEqualTo(ErrorCode.UNIMPLEMENTED);
        });
        assertThat(client.isClosed()).isTrue();
        assertThat(shell.node.sessionTable().contains(client.sessionId)).isTrue();
    }

    record MalformedCase(String name, boolean afterHandshake, byte[] frame) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<MalformedCase> unreadableFrameCases() {
        return List.of(
                // ZooKeeper reads the ConnectRequest, the RequestHeader and an AuthPacket as soon as the frame
                // arrives (NIOServerCnxn#readConnectRequest, #readRequest, ZooKeeperServer#processPacket) and
                // closes the connection when one does not decode.
                new MalformedCase("connect request cut short", false, new byte[] {0, 0, 0, 0, 0, 0}),
                new MalformedCase("connect request with a password longer than the frame", false, frame(out -> {
                    out.writeInt(0);
                    out.writeLong(0);
                    out.writeInt(4000);
                    out.writeLong(0);
                    out.writeInt(100);
                })),
                new MalformedCase("request header cut short", true, new byte[] {0, 0, 0, 1}),
                new MalformedCase("auth packet cut short", true, frame(out -> {
                    new RequestHeader(Xid.AUTH_PACKET, OpCode.AUTH).write(out);
                    out.writeInt(0);
                    out.writeInt(50);
                })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableFrameCases")
    void unreadableFrameClosesItsConnectionWithoutAnswerAndNoOneElseNotices(MalformedCase row) {
        SimShell shell = SimShell.standalone();
        FrameClient bystander = shell.connect(10_000);
        bystander.create("/w", CreateMode.PERSISTENT);
        bystander.getData("/w", true);
        FrameClient victim = row.afterHandshake() ? shell.connect(10_000) : shell.open();
        int connections = shell.node.connectionCount();

        victim.sendRaw(row.frame());

        assertThat(victim.isClosed()).isTrue();
        assertThat(victim.hasPending()).as("nothing is sent back").isFalse();
        assertThat(shell.node.connectionCount()).isEqualTo(connections - 1);
        assertThat(bystander.setData("/w", "x", -1).err()).isEqualTo(ErrorCode.OK);
        assertThat(bystander.notifications).extracting(FrameClient.Reply::event)
                .containsExactly(new WatcherEvent(WatchEvent.NODE_DATA_CHANGED, WatchEvent.SYNC_CONNECTED, "/w"));
        assertThat(bystander.isClosed()).isFalse();
    }

    static List<MalformedCase> unreadableBodyCases() {
        return List.of(
                // ZooKeeper decodes a request body only when it processes the request
                // (PrepRequestProcessor#pRequestHelper, FinalRequestProcessor) and answers MARSHALLINGERROR.
                new MalformedCase("getData without a body", true, frame(out -> new RequestHeader(1, OpCode.GET_DATA).write(out))),
                new MalformedCase("create path longer than the frame", true, frame(out -> {
                    new RequestHeader(1, OpCode.CREATE).write(out);
                    out.writeInt(100);
                    out.writeRaw(bytes("/a"), 0, 2);
                })),
                new MalformedCase("create path with a negative length", true, frame(out -> {
                    new RequestHeader(1, OpCode.CREATE).write(out);
                    out.writeInt(-5);
                })));
    }

    static List<MalformedCase> unreadableMultiCases() {
        return List.of(
                // ZooKeeper's MultiOperationRecord#deserialize throws, and PrepRequestProcessor answers MARSHALLINGERROR.
                new MalformedCase("multi mixing a read op and a write op", true, frame(out -> {
                    new RequestHeader(1, OpCode.MULTI).write(out);
                    new MultiHeader(OpCode.GET_DATA, false, -1).write(out);
                    new GetDataRequest("/a", false).write(out);
                    new MultiHeader(OpCode.DELETE, false, -1).write(out);
                    new DeleteRequest("/a", -1).write(out);
                    MultiHeader.END.write(out);
                })),
                new MalformedCase("multi with an op type that is not allowed in a multi", true, frame(out -> {
                    new RequestHeader(1, OpCode.MULTI).write(out);
                    new MultiHeader(OpCode.SET_ACL, false, -1).write(out);
                    new DeleteRequest("/a", -1).write(out);
                    MultiHeader.END.write(out);
                })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableMultiCases")
    void unreadableMultiIsAnsweredMarshallingErrorAndTheConnectionStays(MalformedCase row) {
        assertAnsweredMarshallingErrorAndConnectionStays(row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableBodyCases")
    void unreadableRequestBodyIsAnsweredMarshallingErrorAndTheConnectionStays(MalformedCase row) {
        assertAnsweredMarshallingErrorAndConnectionStays(row);
    }

    private static void assertAnsweredMarshallingErrorAndConnectionStays(MalformedCase row) {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);

        client.sendRaw(row.frame());
        List<FrameClient.Reply> replies = client.drain();

        assertThat(replies).singleElement().satisfies(reply -> {
            assertThat(reply.xid()).isEqualTo(1);
            assertThat(reply.err()).isEqualTo(ErrorCode.MARSHALLINGERROR);
        });
        assertThat(client.isClosed()).isFalse();
        assertThat(client.exists("/", false).err()).isEqualTo(ErrorCode.OK);
    }

    @Test
    void ttlCreateIsUnimplementedWithoutExtendedTypes() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);

        assertThat(client.createTtl("/t", 5000).err()).isEqualTo(ErrorCode.UNIMPLEMENTED);
        assertThat(client.isClosed()).isFalse();
    }

    private static byte[] frame(Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput();
        writer.accept(out);
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void outstandingRequestsAreThoseQueuedUntilAnsweredOrDroppedWithTheirConnection() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withDurableLog(true));
        FrameClient writer = shell.connect(4000);
        FrameClient idle = shell.connect(4000);
        shell.holdLog = true;

        writer.send(OpCode.CREATE, new CreateRequest("/a", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)::write);
        writer.send(OpCode.CREATE, new CreateRequest("/b", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)::write);
        writer.send(OpCode.GET_DATA, new GetDataRequest("/a", false)::write);
        idle.send(OpCode.EXISTS, new ExistsRequest("/", false)::write);

        assertThat(shell.node.outstandingRequests()).as("two writes in flight and a read behind them").isEqualTo(3);
        assertThat(shell.node.hasOutstandingRequests(writer.connectionId)).isTrue();
        assertThat(shell.node.hasOutstandingRequests(idle.connectionId)).as("its read was answered at once").isFalse();
        shell.syncLog();
        assertThat(shell.node.outstandingRequests()).isZero();
        assertThat(shell.node.hasOutstandingRequests(writer.connectionId)).isFalse();
        assertThat(writer.drain()).hasSize(3);

        writer.send(OpCode.CREATE, new CreateRequest("/c", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)::write);
        writer.send(OpCode.GET_DATA, new GetDataRequest("/c", false)::write);
        writer.send(OpCode.DELETE, new DeleteRequest("/c", -1)::write);
        writer.send(OpCode.GET_DATA, new GetDataRequest("/c", false)::write);
        writer.closeConnection();
        assertThat(shell.node.outstandingRequests()).as("the proposed writes stay, the reads waiting between go").isEqualTo(2);
        assertThat(shell.node.hasOutstandingRequests(writer.connectionId)).isFalse();
        shell.syncLog();
        assertThat(shell.node.outstandingRequests()).isZero();
        assertThat(shell.node.tree().node("/c")).as("both writes were proposed before the connection went").isNull();
        assertThat(shell.node.tree().lastProcessedZxid()).isEqualTo(shell.node.tree().node("/").pzxid());
    }
}
