package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.CheckVersionRequest;
import dev.corral.wire.CheckWatchesRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.GetACLRequest;
import dev.corral.wire.GetAllChildrenNumberRequest;
import dev.corral.wire.GetChildren2Request;
import dev.corral.wire.GetChildrenRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetEphemeralsRequest;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.RemoveWatchesRequest;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.SetWatches;
import dev.corral.wire.SetWatches2;
import dev.corral.wire.SyncRequest;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests whose records decode but carry what no client library sends: null paths in every place a
 * path goes, null vectors, modes and watcher types outside their enums. Each is answered with the error
 * ZooKeeper 3.9.5 answers (checked by the compat module's {@code HostileInputTest} against both servers),
 * the connection stays open, no watch is registered on a null path, and the Node goes on serving.
 *
 * <p>Before this test, a null in setWatches made {@code WatchTable#setWatches} throw (the server stopped
 * with exit status 70), and exists or addWatch with a null path left a null key in the watch table on
 * which the wchp report threw.
 */
class NodeHostileInputTest {

    record Case(String name, int type, Consumer<JuteOutput> body, int err) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<String> withNull(String... paths) {
        List<String> list = new java.util.ArrayList<>(Arrays.asList(paths));
        list.add(null);
        return list;
    }

    static List<Case> cases() {
        List<String> one = List.of("/");
        return List.of(
                // setWatches: ZooKeeper's DataTree#setWatches looks every data, exist and child path up in a
                // ConcurrentHashMap, which throws on null, and iterates every list, which throws on a null
                // list; FinalRequestProcessor answers MARSHALLINGERROR.
                new Case("setWatches null in dataWatches", OpCode.SET_WATCHES,
                        new SetWatches(0, withNull("/"), one, one)::write, ErrorCode.MARSHALLINGERROR),
                new Case("setWatches null in existWatches", OpCode.SET_WATCHES,
                        new SetWatches(0, one, withNull("/x"), one)::write, ErrorCode.MARSHALLINGERROR),
                new Case("setWatches null in childWatches", OpCode.SET_WATCHES,
                        new SetWatches(0, one, one, withNull())::write, ErrorCode.MARSHALLINGERROR),
                new Case("setWatches null dataWatches vector", OpCode.SET_WATCHES,
                        new SetWatches(0, null, one, one)::write, ErrorCode.MARSHALLINGERROR),
                new Case("setWatches2 null in dataWatches", OpCode.SET_WATCHES2,
                        new SetWatches2(0, withNull(), one, one, one, one)::write, ErrorCode.MARSHALLINGERROR),
                new Case("setWatches2 null in existWatches", OpCode.SET_WATCHES2,
                        new SetWatches2(0, one, withNull(), one, one, one)::write, ErrorCode.MARSHALLINGERROR),
                new Case("setWatches2 null in childWatches", OpCode.SET_WATCHES2,
                        new SetWatches2(0, one, one, withNull(), one, one)::write, ErrorCode.MARSHALLINGERROR),
                new Case("setWatches2 null persistentRecursiveWatches vector", OpCode.SET_WATCHES2,
                        new SetWatches2(0, one, one, one, one, null)::write, ErrorCode.MARSHALLINGERROR),
                // ZooKeeper puts persistent paths in a HashMap, which takes a null key: it answers OK (and
                // keeps a watch no event can fire). Corral answers OK and keeps nothing.
                new Case("setWatches2 null in persistentWatches", OpCode.SET_WATCHES2,
                        new SetWatches2(0, one, one, one, withNull("/"), one)::write, ErrorCode.OK),
                new Case("setWatches2 null in persistentRecursiveWatches", OpCode.SET_WATCHES2,
                        new SetWatches2(0, one, one, one, one, withNull())::write, ErrorCode.OK),

                // Reads of a null path: ZooKeeper's FinalRequestProcessor throws a NullPointerException
                // (path.indexOf, or the node map's get) inside its try and answers MARSHALLINGERROR.
                new Case("exists null path with a watch", OpCode.EXISTS, new ExistsRequest(null, true)::write,
                        ErrorCode.MARSHALLINGERROR),
                new Case("exists null path", OpCode.EXISTS, new ExistsRequest(null, false)::write, ErrorCode.MARSHALLINGERROR),
                new Case("getData null path with a watch", OpCode.GET_DATA, new GetDataRequest(null, true)::write,
                        ErrorCode.MARSHALLINGERROR),
                new Case("getChildren null path with a watch", OpCode.GET_CHILDREN,
                        new GetChildrenRequest(null, true)::write, ErrorCode.MARSHALLINGERROR),
                new Case("getChildren2 null path with a watch", OpCode.GET_CHILDREN2,
                        new GetChildren2Request(null, true)::write, ErrorCode.MARSHALLINGERROR),
                new Case("getACL null path", OpCode.GET_ACL, new GetACLRequest(null)::write, ErrorCode.MARSHALLINGERROR),
                new Case("getAllChildrenNumber null path", OpCode.GET_ALL_CHILDREN_NUMBER,
                        new GetAllChildrenNumberRequest(null)::write, ErrorCode.MARSHALLINGERROR),
                new Case("multiRead with a null getData path", OpCode.MULTI_READ, new MultiRequest(List.of(
                        new MultiRequest.Op(OpCode.GET_DATA, new GetDataRequest("/", false)),
                        new MultiRequest.Op(OpCode.GET_DATA, new GetDataRequest(null, true))))::write,
                        ErrorCode.MARSHALLINGERROR),
                new Case("multiRead with a null getChildren path", OpCode.MULTI_READ, new MultiRequest(List.of(
                        new MultiRequest.Op(OpCode.GET_CHILDREN, new GetChildrenRequest(null, true))))::write,
                        ErrorCode.MARSHALLINGERROR),
                // sync and getEphemerals use the path only as text: ZooKeeper answers OK.
                new Case("sync null path", OpCode.SYNC, new SyncRequest(null)::write, ErrorCode.OK),
                new Case("getEphemerals null prefix", OpCode.GET_EPHEMERALS, new GetEphemeralsRequest(null)::write, ErrorCode.OK),

                // Watch requests: addWatch's mode and the watcher type of checkWatches/removeWatches go
                // through WatcherMode#fromZooDef and WatcherType#fromInt, which throw on other values
                // (MARSHALLINGERROR). A null path is kept in a HashMap: addWatch answers OK, the others
                // find no watcher.
                new Case("addWatch null path persistent", OpCode.ADD_WATCH, new AddWatchRequest(null, 0)::write, ErrorCode.OK),
                new Case("addWatch null path recursive", OpCode.ADD_WATCH, new AddWatchRequest(null, 1)::write, ErrorCode.OK),
                new Case("addWatch mode 2", OpCode.ADD_WATCH, new AddWatchRequest("/", 2)::write, ErrorCode.MARSHALLINGERROR),
                new Case("addWatch mode -1", OpCode.ADD_WATCH, new AddWatchRequest("/", -1)::write, ErrorCode.MARSHALLINGERROR),
                new Case("removeWatches type 0", OpCode.REMOVE_WATCHES, new RemoveWatchesRequest("/", 0)::write,
                        ErrorCode.MARSHALLINGERROR),
                new Case("removeWatches type 6", OpCode.REMOVE_WATCHES, new RemoveWatchesRequest("/", 6)::write,
                        ErrorCode.MARSHALLINGERROR),
                new Case("checkWatches type 99", OpCode.CHECK_WATCHES, new CheckWatchesRequest("/", 99)::write,
                        ErrorCode.MARSHALLINGERROR),
                new Case("removeWatches null path", OpCode.REMOVE_WATCHES, new RemoveWatchesRequest(null, 3)::write,
                        ErrorCode.NOWATCHER),
                new Case("checkWatches null path", OpCode.CHECK_WATCHES, new CheckWatchesRequest(null, 1)::write,
                        ErrorCode.NOWATCHER),

                // Writes (PrepRequestProcessor): create and delete take path.lastIndexOf of a null path
                // (MARSHALLINGERROR, after the checks of the flags); setData, setACL and check run
                // PathUtils.validatePath, which rejects null (BADARGUMENTS).
                new Case("create null path", OpCode.CREATE,
                        new CreateRequest(null, new byte[0], Acl.OPEN_ACL_UNSAFE, 0)::write, ErrorCode.MARSHALLINGERROR),
                new Case("create2 null path and flags 99", OpCode.CREATE2,
                        new CreateRequest(null, new byte[0], Acl.OPEN_ACL_UNSAFE, 99)::write, ErrorCode.BADARGUMENTS),
                new Case("delete null path", OpCode.DELETE, new DeleteRequest(null, -1)::write, ErrorCode.MARSHALLINGERROR),
                new Case("setData null path", OpCode.SET_DATA, new SetDataRequest(null, null, -1)::write, ErrorCode.BADARGUMENTS),
                new Case("setACL null path", OpCode.SET_ACL, new SetACLRequest(null, Acl.OPEN_ACL_UNSAFE, -1)::write,
                        ErrorCode.BADARGUMENTS),
                new Case("create null ACL vector", OpCode.CREATE, new CreateRequest("/n", null, null, 0)::write,
                        ErrorCode.INVALIDACL),
                // A multi whose op throws outside KeeperException fails as a whole: the reply header
                // carries MARSHALLINGERROR and there is no body.
                new Case("multi with a null create path", OpCode.MULTI, new MultiRequest(List.of(
                        new MultiRequest.Op(OpCode.CHECK, new CheckVersionRequest("/", -1)),
                        new MultiRequest.Op(OpCode.CREATE, new CreateRequest(null, new byte[0], Acl.OPEN_ACL_UNSAFE, 0))))::write,
                        ErrorCode.MARSHALLINGERROR),
                new Case("multi with a null delete path", OpCode.MULTI, new MultiRequest(List.of(
                        new MultiRequest.Op(OpCode.DELETE, new DeleteRequest(null, -1))))::write,
                        ErrorCode.MARSHALLINGERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredAsZooKeeperAnswersAndNoNullPathReachesTheWatchTable(Case row) {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);
        long zxidBefore = shell.node.tree().lastProcessedZxid();

        FrameClient.Reply reply = client.call(row.type(), row.body());

        assertThat(reply.err()).as("error code").isEqualTo(row.err());
        if (row.err() != ErrorCode.OK) {
            assertThat(reply.body()).as("no body after an error").isEmpty();
        }
        assertThat(client.isClosed()).isFalse();
        assertThat(shell.node.watches().watchersByPath()).as("watched paths").doesNotContainKey(null);
        assertThat(shell.node.watches().pathsOf(client.connectionId)).as("paths of the client").doesNotContainNull();
        assertThat(client.exists("/", false).err()).as("the node goes on serving").isEqualTo(ErrorCode.OK);
        if (!Requests.isWrite(row.type())) {
            assertThat(shell.node.tree().lastProcessedZxid()).as("a read takes no zxid").isEqualTo(zxidBefore);
        }
    }

    /**
     * ZooKeeper reads nothing more from a connection until its new session is established
     * ({@code ZooKeeperServer#processConnectRequest} disables receiving), so the ConnectResponse is always
     * the first frame back. The official client sends its auth packets right behind its ConnectRequest and
     * reads the first frame as the ConnectResponse. Found by NodeFuzzTest: with the log slower than the
     * client, Corral answered the auth packet first.
     */
    @org.junit.jupiter.api.Test
    void framesSentBeforeTheSessionIsEstablishedAreAnsweredAfterTheConnectResponse() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withDurableLog(true));
        shell.holdLog = true;
        FrameClient client = shell.open();
        client.sendRaw(frame(out -> new dev.corral.wire.ConnectRequest(0, 0, 10_000, 0, new byte[16], false, true).write(out)));
        client.sendWithXid(dev.corral.wire.Xid.AUTH_PACKET, OpCode.AUTH,
                new dev.corral.wire.AuthPacket(0, "digest", "u:p".getBytes(java.nio.charset.StandardCharsets.UTF_8))::write);
        client.send(OpCode.EXISTS, new ExistsRequest("/", false)::write);
        client.send(999, null);

        assertThat(client.hasPending()).as("nothing is answered before the session exists").isFalse();
        assertThat(shell.node.outstandingRequests()).as("held frames count as outstanding").isEqualTo(3);
        shell.syncLog();

        assertThat(client.nextConnectResponse().timeOut()).as("the ConnectResponse comes first").isPositive();
        assertThat(client.drain()).extracting(FrameClient.Reply::xid, FrameClient.Reply::err).containsExactly(
                org.assertj.core.groups.Tuple.tuple(dev.corral.wire.Xid.AUTH_PACKET, ErrorCode.OK),
                org.assertj.core.groups.Tuple.tuple(1, ErrorCode.OK),
                org.assertj.core.groups.Tuple.tuple(2, ErrorCode.UNIMPLEMENTED));
        assertThat(client.isClosed()).as("closed after the unknown opcode, as before").isTrue();
        assertThat(shell.node.outstandingRequests()).isZero();
    }

    private static byte[] frame(Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput();
        writer.accept(out);
        return out.toByteArray();
    }
}
