package dev.corral.wire;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.CreateOptions;
import org.apache.zookeeper.MultiOperationRecord;
import org.apache.zookeeper.OpResult.CheckResult;
import org.apache.zookeeper.OpResult.DeleteResult;
import org.apache.zookeeper.OpResult.ErrorResult;
import org.apache.zookeeper.OpResult.GetChildrenResult;
import org.apache.zookeeper.OpResult.GetDataResult;
import org.apache.zookeeper.OpResult.SetDataResult;

/**
 * One row per record shape: a value of ours, how to write and read it, and the same values in Apache
 * ZooKeeper 3.9.5's own class, whose BinaryOutputArchive bytes are the reference encoding. Our records
 * share simple names with ZooKeeper's, so ZooKeeper's are written with their full names.
 */
final class RecordCases {
    static final Stat STAT = new Stat(0x1_0000_0001L, 0x1_0000_0002L, 1_700_000_000_000L, 1_700_000_000_123L,
            7, 8, 9, 0x0500_0000_0000_0001L, 5, 2, 0x1_0000_0003L);
    static final List<Acl> ACLS = List.of(
            new Acl(Acl.ALL, Id.ANYONE),
            new Acl(Acl.READ, new Id("digest", "bob:L7WmVq3Pbv0=")),
            new Acl(Acl.CREATE | Acl.DELETE, new Id("ip", "10.0.0.0/8")));
    static final byte[] DATA = "h\u00e9llo\0world".getBytes(UTF_8);
    static final byte[] PASSWD = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) 0xff};
    static final long ZXID = 0x2_0000_0007L;
    static final long SESSION_ID = 0x0100_0189_abcd_0001L;

    /**
     * A record under test. {@code official} is null where ZooKeeper has no single class for the shape;
     * {@code optionalTrailingByte} marks encodings whose last byte may be absent (the connect readOnly).
     */
    record Case(String name, Object value, Consumer<JuteOutput> writer, Function<JuteInput, Object> reader,
            org.apache.jute.Record official, boolean optionalTrailingByte) {

        Case withOptionalTrailingByte() {
            return new Case(name, value, writer, reader, official, true);
        }

        byte[] bytes() {
            JuteOutput out = new JuteOutput();
            writer.accept(out);
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private RecordCases() {}

    static List<Case> all() {
        return java.util.stream.Stream.concat(clientRecords().stream(), TxnRecordCases.all().stream()).toList();
    }

    /** The records of the client protocol. */
    private static List<Case> clientRecords() {
        return List.of(
                // Headers and the shared data records.
                of("RequestHeader", new RequestHeader(7, OpCode.CREATE), RequestHeader::write, RequestHeader::read,
                        new org.apache.zookeeper.proto.RequestHeader(7, OpCode.CREATE)),
                of("RequestHeader ping", new RequestHeader(Xid.PING, OpCode.PING), RequestHeader::write,
                        RequestHeader::read, new org.apache.zookeeper.proto.RequestHeader(-2, 11)),
                of("ReplyHeader", new ReplyHeader(7, ZXID, ErrorCode.OK), ReplyHeader::write, ReplyHeader::read,
                        new org.apache.zookeeper.proto.ReplyHeader(7, ZXID, 0)),
                of("ReplyHeader error", new ReplyHeader(-1, -1, ErrorCode.NONODE), ReplyHeader::write,
                        ReplyHeader::read, new org.apache.zookeeper.proto.ReplyHeader(-1, -1, -101)),
                of("Stat", STAT, Stat::write, Stat::read, zk(STAT)),
                of("Id", new Id("sasl", "zk/host@REALM"), Id::write, Id::read,
                        new org.apache.zookeeper.data.Id("sasl", "zk/host@REALM")),
                of("Acl", ACLS.get(1), Acl::write, Acl::read, zk(ACLS).get(1)),
                of("ClientInfo", new ClientInfo("ip", "127.0.0.1"), ClientInfo::write, ClientInfo::read,
                        new org.apache.zookeeper.data.ClientInfo("ip", "127.0.0.1")),

                // Handshake; the forms without the readOnly byte are compared in ConnectRequestTest.
                of("ConnectRequest readOnly=true",
                        new ConnectRequest(0, ZXID, 30_000, SESSION_ID, PASSWD, true, true),
                        ConnectRequest::write, ConnectRequest::read,
                        new org.apache.zookeeper.proto.ConnectRequest(0, ZXID, 30_000, SESSION_ID, PASSWD, true))
                        .withOptionalTrailingByte(),
                of("ConnectRequest new session",
                        new ConnectRequest(0, 0, 4_000, 0, new byte[16], false, true),
                        ConnectRequest::write, ConnectRequest::read,
                        new org.apache.zookeeper.proto.ConnectRequest(0, 0, 4_000, 0, new byte[16], false))
                        .withOptionalTrailingByte(),
                of("ConnectRequest null passwd", new ConnectRequest(0, 0, 4_000, 0, null, false, true),
                        ConnectRequest::write, ConnectRequest::read,
                        new org.apache.zookeeper.proto.ConnectRequest(0, 0, 4_000, 0, null, false))
                        .withOptionalTrailingByte(),
                of("ConnectRequest without readOnly", new ConnectRequest(0, ZXID, 30_000, SESSION_ID, PASSWD, false,
                        false), ConnectRequest::write, ConnectRequest::read, null),
                of("ConnectResponse readOnly=true", new ConnectResponse(0, 30_000, SESSION_ID, PASSWD, true),
                        (value, out) -> value.write(out, true), ConnectResponse::read,
                        new org.apache.zookeeper.proto.ConnectResponse(0, 30_000, SESSION_ID, PASSWD, true))
                        .withOptionalTrailingByte(),
                of("ConnectResponse expired", new ConnectResponse(0, 0, 0, new byte[16], false),
                        (value, out) -> value.write(out, true), ConnectResponse::read,
                        new org.apache.zookeeper.proto.ConnectResponse(0, 0, 0, new byte[16], false))
                        .withOptionalTrailingByte(),
                of("ConnectResponse without readOnly", new ConnectResponse(0, 30_000, SESSION_ID, PASSWD, false),
                        (value, out) -> value.write(out, false), ConnectResponse::read, null),

                // Create and delete.
                of("CreateRequest", new CreateRequest("/app/lock-", DATA, ACLS, 3), CreateRequest::write,
                        CreateRequest::read,
                        new org.apache.zookeeper.proto.CreateRequest("/app/lock-", DATA, zk(ACLS), 3)),
                of("CreateRequest nulls", new CreateRequest(null, null, null, 0), CreateRequest::write,
                        CreateRequest::read, new org.apache.zookeeper.proto.CreateRequest(null, null, null, 0)),
                of("CreateRequest empty", new CreateRequest("", new byte[0], List.of(), 4), CreateRequest::write,
                        CreateRequest::read,
                        new org.apache.zookeeper.proto.CreateRequest("", new byte[0], List.of(), 4)),
                of("CreateTTLRequest", new CreateTTLRequest("/ttl", DATA, ACLS, 5, 60_000L),
                        CreateTTLRequest::write, CreateTTLRequest::read,
                        new org.apache.zookeeper.proto.CreateTTLRequest("/ttl", DATA, zk(ACLS), 5, 60_000L)),
                of("CreateResponse", new CreateResponse("/app/lock-0000000001"), CreateResponse::write,
                        CreateResponse::read, new org.apache.zookeeper.proto.CreateResponse("/app/lock-0000000001")),
                of("Create2Response", new Create2Response("/\u65e5\u672c/\u00fc", STAT), Create2Response::write,
                        Create2Response::read,
                        new org.apache.zookeeper.proto.Create2Response("/\u65e5\u672c/\u00fc", zk(STAT))),
                of("DeleteRequest", new DeleteRequest("/a", -1), DeleteRequest::write, DeleteRequest::read,
                        new org.apache.zookeeper.proto.DeleteRequest("/a", -1)),

                // Reads and writes of data, ACLs and children.
                of("ExistsRequest", new ExistsRequest("/a", true), ExistsRequest::write, ExistsRequest::read,
                        new org.apache.zookeeper.proto.ExistsRequest("/a", true)),
                of("ExistsResponse", new ExistsResponse(STAT), ExistsResponse::write, ExistsResponse::read,
                        new org.apache.zookeeper.proto.ExistsResponse(zk(STAT))),
                of("GetDataRequest", new GetDataRequest("/a", false), GetDataRequest::write, GetDataRequest::read,
                        new org.apache.zookeeper.proto.GetDataRequest("/a", false)),
                of("GetDataResponse", new GetDataResponse(DATA, STAT), GetDataResponse::write, GetDataResponse::read,
                        new org.apache.zookeeper.proto.GetDataResponse(DATA, zk(STAT))),
                of("GetDataResponse null data", new GetDataResponse(null, STAT), GetDataResponse::write,
                        GetDataResponse::read, new org.apache.zookeeper.proto.GetDataResponse(null, zk(STAT))),
                of("SetDataRequest", new SetDataRequest("/a", DATA, 4), SetDataRequest::write, SetDataRequest::read,
                        new org.apache.zookeeper.proto.SetDataRequest("/a", DATA, 4)),
                of("SetDataResponse", new SetDataResponse(STAT), SetDataResponse::write, SetDataResponse::read,
                        new org.apache.zookeeper.proto.SetDataResponse(zk(STAT))),
                of("GetACLRequest", new GetACLRequest("/a"), GetACLRequest::write, GetACLRequest::read,
                        new org.apache.zookeeper.proto.GetACLRequest("/a")),
                of("GetACLResponse", new GetACLResponse(ACLS, STAT), GetACLResponse::write, GetACLResponse::read,
                        new org.apache.zookeeper.proto.GetACLResponse(zk(ACLS), zk(STAT))),
                of("SetACLRequest", new SetACLRequest("/a", ACLS, 2), SetACLRequest::write, SetACLRequest::read,
                        new org.apache.zookeeper.proto.SetACLRequest("/a", zk(ACLS), 2)),
                of("SetACLResponse", new SetACLResponse(STAT), SetACLResponse::write, SetACLResponse::read,
                        new org.apache.zookeeper.proto.SetACLResponse(zk(STAT))),
                of("GetChildrenRequest", new GetChildrenRequest("/", true), GetChildrenRequest::write,
                        GetChildrenRequest::read, new org.apache.zookeeper.proto.GetChildrenRequest("/", true)),
                of("GetChildrenResponse", new GetChildrenResponse(List.of("a", "b", "\u00fc")),
                        GetChildrenResponse::write, GetChildrenResponse::read,
                        new org.apache.zookeeper.proto.GetChildrenResponse(List.of("a", "b", "\u00fc"))),
                of("GetChildrenResponse empty", new GetChildrenResponse(List.of()), GetChildrenResponse::write,
                        GetChildrenResponse::read, new org.apache.zookeeper.proto.GetChildrenResponse(List.of())),
                of("GetChildren2Request", new GetChildren2Request("/a", false), GetChildren2Request::write,
                        GetChildren2Request::read, new org.apache.zookeeper.proto.GetChildren2Request("/a", false)),
                of("GetChildren2Response", new GetChildren2Response(List.of("x"), STAT), GetChildren2Response::write,
                        GetChildren2Response::read,
                        new org.apache.zookeeper.proto.GetChildren2Response(List.of("x"), zk(STAT))),
                of("SyncRequest", new SyncRequest("/a"), SyncRequest::write, SyncRequest::read,
                        new org.apache.zookeeper.proto.SyncRequest("/a")),
                of("SyncResponse", new SyncResponse("/a"), SyncResponse::write, SyncResponse::read,
                        new org.apache.zookeeper.proto.SyncResponse("/a")),
                of("CheckVersionRequest", new CheckVersionRequest("/a", 12), CheckVersionRequest::write,
                        CheckVersionRequest::read, new org.apache.zookeeper.proto.CheckVersionRequest("/a", 12)),
                of("GetEphemeralsRequest", new GetEphemeralsRequest("/app"), GetEphemeralsRequest::write,
                        GetEphemeralsRequest::read, new org.apache.zookeeper.proto.GetEphemeralsRequest("/app")),
                of("GetEphemeralsResponse", new GetEphemeralsResponse(List.of("/app/e1", "/app/e2")),
                        GetEphemeralsResponse::write, GetEphemeralsResponse::read,
                        new org.apache.zookeeper.proto.GetEphemeralsResponse(List.of("/app/e1", "/app/e2"))),
                of("GetAllChildrenNumberRequest", new GetAllChildrenNumberRequest("/a"),
                        GetAllChildrenNumberRequest::write, GetAllChildrenNumberRequest::read,
                        new org.apache.zookeeper.proto.GetAllChildrenNumberRequest("/a")),
                of("GetAllChildrenNumberResponse", new GetAllChildrenNumberResponse(42),
                        GetAllChildrenNumberResponse::write, GetAllChildrenNumberResponse::read,
                        new org.apache.zookeeper.proto.GetAllChildrenNumberResponse(42)),

                // Session-level requests: auth, watches, whoAmI, reconfig, SASL.
                of("AuthPacket", new AuthPacket(0, "digest", "bob:secret".getBytes(UTF_8)), AuthPacket::write,
                        AuthPacket::read,
                        new org.apache.zookeeper.proto.AuthPacket(0, "digest", "bob:secret".getBytes(UTF_8))),
                of("SetWatches", new SetWatches(ZXID, List.of("/d"), List.of(), List.of("/c1", "/c2")),
                        SetWatches::write, SetWatches::read,
                        new org.apache.zookeeper.proto.SetWatches(ZXID, List.of("/d"), List.of(),
                                List.of("/c1", "/c2"))),
                of("SetWatches2", new SetWatches2(ZXID, List.of("/d"), List.of("/e"), List.of("/c"), List.of("/p"),
                        List.of("/r1", "/r2")), SetWatches2::write, SetWatches2::read,
                        new org.apache.zookeeper.proto.SetWatches2(ZXID, List.of("/d"), List.of("/e"), List.of("/c"),
                                List.of("/p"), List.of("/r1", "/r2"))),
                of("AddWatchRequest", new AddWatchRequest("/a", 1), AddWatchRequest::write, AddWatchRequest::read,
                        new org.apache.zookeeper.proto.AddWatchRequest("/a", 1)),
                of("CheckWatchesRequest", new CheckWatchesRequest("/a", 3), CheckWatchesRequest::write,
                        CheckWatchesRequest::read, new org.apache.zookeeper.proto.CheckWatchesRequest("/a", 3)),
                of("RemoveWatchesRequest", new RemoveWatchesRequest("/a", 2), RemoveWatchesRequest::write,
                        RemoveWatchesRequest::read, new org.apache.zookeeper.proto.RemoveWatchesRequest("/a", 2)),
                of("WatcherEvent", new WatcherEvent(3, 3, "/a"), WatcherEvent::write, WatcherEvent::read,
                        new org.apache.zookeeper.proto.WatcherEvent(3, 3, "/a")),
                of("WatcherEvent session expired", new WatcherEvent(-1, -112, null), WatcherEvent::write,
                        WatcherEvent::read, new org.apache.zookeeper.proto.WatcherEvent(-1, -112, null)),
                of("WhoAmIResponse", new WhoAmIResponse(List.of(new ClientInfo("ip", "10.1.2.3"),
                        new ClientInfo("digest", "bob"))), WhoAmIResponse::write, WhoAmIResponse::read,
                        new org.apache.zookeeper.proto.WhoAmIResponse(List.of(
                                new org.apache.zookeeper.data.ClientInfo("ip", "10.1.2.3"),
                                new org.apache.zookeeper.data.ClientInfo("digest", "bob")))),
                of("ErrorResponse", new ErrorResponse(ErrorCode.BADVERSION), ErrorResponse::write, ErrorResponse::read,
                        new org.apache.zookeeper.proto.ErrorResponse(-103)),
                of("MultiHeader", new MultiHeader(OpCode.CREATE, false, -1), MultiHeader::write, MultiHeader::read,
                        new org.apache.zookeeper.proto.MultiHeader(1, false, -1)),
                of("MultiHeader end", MultiHeader.END, MultiHeader::write, MultiHeader::read,
                        new org.apache.zookeeper.proto.MultiHeader(-1, true, -1)),
                of("ReconfigRequest", new ReconfigRequest("server.4=h4:2888:3888;2181", "3", null, -1),
                        ReconfigRequest::write, ReconfigRequest::read,
                        new org.apache.zookeeper.proto.ReconfigRequest("server.4=h4:2888:3888;2181", "3", null, -1)),
                of("GetSASLRequest", new GetSASLRequest(PASSWD), GetSASLRequest::write, GetSASLRequest::read,
                        new org.apache.zookeeper.proto.GetSASLRequest(PASSWD)),
                of("SetSASLRequest", new SetSASLRequest(new byte[] {0}), SetSASLRequest::write, SetSASLRequest::read,
                        new org.apache.zookeeper.proto.SetSASLRequest(new byte[] {0})),
                of("SetSASLResponse done", new SetSASLResponse(null), SetSASLResponse::write, SetSASLResponse::read,
                        new org.apache.zookeeper.proto.SetSASLResponse(null)),

                // Quorum SASL authentication between members: a learner's first step, a challenge, the end.
                of("QuorumAuthPacket first step", QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, new byte[0]),
                        QuorumAuthPacket::write, QuorumAuthPacket::read,
                        new org.apache.zookeeper.server.quorum.QuorumAuthPacket(QuorumAuthPacket.MAGIC, 0, new byte[0])),
                of("QuorumAuthPacket challenge", QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, "nonce=\"x\"".getBytes(UTF_8)),
                        QuorumAuthPacket::write, QuorumAuthPacket::read,
                        new org.apache.zookeeper.server.quorum.QuorumAuthPacket(QuorumAuthPacket.MAGIC, 0, "nonce=\"x\"".getBytes(UTF_8))),
                of("QuorumAuthPacket success", QuorumAuthPacket.of(QuorumAuthPacket.SUCCESS, "rspauth=1".getBytes(UTF_8)),
                        QuorumAuthPacket::write, QuorumAuthPacket::read,
                        new org.apache.zookeeper.server.quorum.QuorumAuthPacket(QuorumAuthPacket.MAGIC, 1, "rspauth=1".getBytes(UTF_8))),
                of("QuorumAuthPacket error without token", QuorumAuthPacket.of(QuorumAuthPacket.ERROR, null),
                        QuorumAuthPacket::write, QuorumAuthPacket::read,
                        new org.apache.zookeeper.server.quorum.QuorumAuthPacket(QuorumAuthPacket.MAGIC, -1, null)),

                // Multi: ZooKeeper's side is built through its client API, not from our bytes.
                of("MultiRequest writes", multiWrites(), MultiRequest::write, MultiRequest::read, zkMultiWrites()),
                of("MultiRequest reads", new MultiRequest(List.of(
                        new MultiRequest.Op(OpCode.GET_CHILDREN, new GetChildrenRequest("/a", false)),
                        new MultiRequest.Op(OpCode.GET_DATA, new GetDataRequest("/a/b", false)))),
                        MultiRequest::write, MultiRequest::read,
                        new MultiOperationRecord(List.of(
                                org.apache.zookeeper.Op.getChildren("/a"), org.apache.zookeeper.Op.getData("/a/b")))),
                of("MultiRequest empty", new MultiRequest(List.of()), MultiRequest::write, MultiRequest::read,
                        new MultiOperationRecord()),
                of("MultiResponse success", new MultiResponse(List.of(
                        new OpResult.CreateResult("/a"),
                        new OpResult.Create2Result("/b", STAT),
                        new OpResult.DeleteResult(),
                        new OpResult.SetDataResult(STAT),
                        new OpResult.CheckResult())),
                        MultiResponse::write, MultiResponse::read,
                        zkMultiResponse(
                                new org.apache.zookeeper.OpResult.CreateResult("/a"),
                                new org.apache.zookeeper.OpResult.CreateResult("/b", zk(STAT)),
                                new DeleteResult(),
                                new SetDataResult(zk(STAT)),
                                new CheckResult())),
                of("MultiResponse failed", new MultiResponse(List.of(
                        new OpResult.ErrorResult(ErrorCode.OK),
                        new OpResult.ErrorResult(ErrorCode.NONODE),
                        new OpResult.ErrorResult(ErrorCode.RUNTIMEINCONSISTENCY))),
                        MultiResponse::write, MultiResponse::read,
                        zkMultiResponse(new ErrorResult(0), new ErrorResult(-101), new ErrorResult(-2))),
                of("MultiResponse reads", new MultiResponse(List.of(
                        new OpResult.GetChildrenResult(List.of("b", "c")),
                        new OpResult.GetDataResult(DATA, STAT),
                        new OpResult.ErrorResult(ErrorCode.NONODE))),
                        MultiResponse::write, MultiResponse::read,
                        zkMultiResponse(
                                new GetChildrenResult(List.of("b", "c")),
                                new GetDataResult(DATA, zk(STAT)),
                                new ErrorResult(-101))),
                of("MultiResponse empty", new MultiResponse(List.of()), MultiResponse::write, MultiResponse::read,
                        zkMultiResponse()));
    }

    /** One of each write op, in the types a ZooKeeper 3.9 client sends for them. */
    static MultiRequest multiWrites() {
        return new MultiRequest(List.of(
                new MultiRequest.Op(OpCode.CREATE, new CreateRequest("/a", DATA, ACLS, 1)),
                new MultiRequest.Op(OpCode.CREATE2, new CreateRequest("/b-", null, ACLS, 3)),
                new MultiRequest.Op(OpCode.CREATE_CONTAINER, new CreateRequest("/c", DATA, ACLS, 4)),
                new MultiRequest.Op(OpCode.CREATE_TTL, new CreateTTLRequest("/t", DATA, ACLS, 5, 5_000L)),
                new MultiRequest.Op(OpCode.DELETE, new DeleteRequest("/d", 3)),
                new MultiRequest.Op(OpCode.SET_DATA, new SetDataRequest("/s", DATA, -1)),
                new MultiRequest.Op(OpCode.CHECK, new CheckVersionRequest("/k", 9))));
    }

    private static MultiOperationRecord zkMultiWrites() {
        List<org.apache.zookeeper.data.ACL> acls = zk(ACLS);
        return new MultiOperationRecord(List.of(
                org.apache.zookeeper.Op.create("/a", DATA, acls, CreateMode.EPHEMERAL),
                org.apache.zookeeper.Op.create("/b-", null,
                        CreateOptions.newBuilder(acls, CreateMode.EPHEMERAL_SEQUENTIAL).build()),
                org.apache.zookeeper.Op.create("/c", DATA, acls, CreateMode.CONTAINER),
                org.apache.zookeeper.Op.create("/t", DATA, acls, CreateMode.PERSISTENT_WITH_TTL, 5_000L),
                org.apache.zookeeper.Op.delete("/d", 3),
                org.apache.zookeeper.Op.setData("/s", DATA, -1),
                org.apache.zookeeper.Op.check("/k", 9)));
    }

    private static org.apache.zookeeper.MultiResponse zkMultiResponse(org.apache.zookeeper.OpResult... results) {
        org.apache.zookeeper.MultiResponse response = new org.apache.zookeeper.MultiResponse();
        for (org.apache.zookeeper.OpResult result : results) {
            response.add(result);
        }
        return response;
    }

    static org.apache.zookeeper.data.Stat zk(Stat stat) {
        return new org.apache.zookeeper.data.Stat(stat.czxid(), stat.mzxid(), stat.ctime(), stat.mtime(),
                stat.version(), stat.cversion(), stat.aversion(), stat.ephemeralOwner(), stat.dataLength(),
                stat.numChildren(), stat.pzxid());
    }

    static List<org.apache.zookeeper.data.ACL> zk(List<Acl> acls) {
        return acls.stream()
                .map(acl -> new org.apache.zookeeper.data.ACL(acl.perms(),
                        new org.apache.zookeeper.data.Id(acl.id().scheme(), acl.id().id())))
                .toList();
    }

    /** ZooKeeper's encoding of {@code record}, through the archive its client and server use. */
    static byte[] officialBytes(org.apache.jute.Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            record.serialize(BinaryOutputArchive.getArchive(bytes), "record");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> Case of(String name, T value, BiConsumer<T, JuteOutput> write, Function<JuteInput, T> read,
            org.apache.jute.Record official) {
        return new Case(name, value, out -> write.accept(value, out), read::apply, official, false);
    }

}
