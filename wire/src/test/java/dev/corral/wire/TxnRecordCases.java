package dev.corral.wire;

import static dev.corral.wire.RecordCases.ACLS;
import static dev.corral.wire.RecordCases.DATA;
import static dev.corral.wire.RecordCases.SESSION_ID;
import static dev.corral.wire.RecordCases.ZXID;
import static dev.corral.wire.RecordCases.of;
import static dev.corral.wire.RecordCases.zk;

import dev.corral.wire.RecordCases.Case;
import java.util.List;
import java.util.function.Consumer;

/**
 * Rows of {@link RecordCases} for the records servers exchange among themselves: the txn records of
 * zookeeper.jute's {@code org.apache.zookeeper.txn} module and the quorum packets of
 * {@code org.apache.zookeeper.server.quorum}, each beside ZooKeeper 3.9.5's own class.
 */
final class TxnRecordCases {
    private static final long TIME = 1_700_000_000_123L;

    private TxnRecordCases() {}

    static List<Case> all() {
        return List.of(
                // The header and the optional digest around every txn.
                of("TxnHeader", new TxnHeader(SESSION_ID, 7, ZXID, TIME, OpCode.CREATE2), TxnHeader::write,
                        TxnHeader::read, new org.apache.zookeeper.txn.TxnHeader(SESSION_ID, 7, ZXID, TIME, 15)),
                of("TxnHeader server's own error", new TxnHeader(0, 0, ZXID, TIME, OpCode.ERROR), TxnHeader::write,
                        TxnHeader::read, new org.apache.zookeeper.txn.TxnHeader(0, 0, ZXID, TIME, -1)),
                of("TxnDigest", new TxnDigest(2, 0x8123_4567_89ab_cdefL), TxnDigest::write, TxnDigest::read,
                        new org.apache.zookeeper.txn.TxnDigest(2, 0x8123_4567_89ab_cdefL)),

                // Creates: the txn type decides the record, and the record the kind of node.
                of("CreateTxn ephemeral", new CreateTxn("/app/lock-0000000003", DATA, ACLS, true, 4), CreateTxn::write,
                        CreateTxn::read,
                        new org.apache.zookeeper.txn.CreateTxn("/app/lock-0000000003", DATA, zk(ACLS), true, 4)),
                of("CreateTxn persistent null data", new CreateTxn("/a", null, ACLS, false, -1), CreateTxn::write,
                        CreateTxn::read, new org.apache.zookeeper.txn.CreateTxn("/a", null, zk(ACLS), false, -1)),
                of("CreateContainerTxn", new CreateContainerTxn("/c", DATA, ACLS, 9), CreateContainerTxn::write,
                        CreateContainerTxn::read,
                        new org.apache.zookeeper.txn.CreateContainerTxn("/c", DATA, zk(ACLS), 9)),
                of("CreateTTLTxn", new CreateTTLTxn("/t", new byte[0], ACLS, 2, 0xff_ffff_ffffL), CreateTTLTxn::write,
                        CreateTTLTxn::read,
                        new org.apache.zookeeper.txn.CreateTTLTxn("/t", new byte[0], zk(ACLS), 2, 0xff_ffff_ffffL)),

                // The other changes of one node.
                of("DeleteTxn", new DeleteTxn("/\u65e5\u672c"), DeleteTxn::write, DeleteTxn::read,
                        new org.apache.zookeeper.txn.DeleteTxn("/\u65e5\u672c")),
                of("SetDataTxn", new SetDataTxn("/s", DATA, 12), SetDataTxn::write, SetDataTxn::read,
                        new org.apache.zookeeper.txn.SetDataTxn("/s", DATA, 12)),
                of("SetACLTxn", new SetACLTxn("/s", ACLS, 3), SetACLTxn::write, SetACLTxn::read,
                        new org.apache.zookeeper.txn.SetACLTxn("/s", zk(ACLS), 3)),
                of("CheckVersionTxn", new CheckVersionTxn("/k", 10), CheckVersionTxn::write, CheckVersionTxn::read,
                        new org.apache.zookeeper.txn.CheckVersionTxn("/k", 10)),
                of("ErrorTxn", new ErrorTxn(ErrorCode.NONODE), ErrorTxn::write, ErrorTxn::read,
                        new org.apache.zookeeper.txn.ErrorTxn(-101)),

                // Multi: each op's record travels as a buffer.
                of("MultiTxn", new MultiTxn(List.of(
                        new MultiTxn.Op(OpCode.CREATE, bytes(new CreateTxn("/a", DATA, ACLS, false, 1)::write)),
                        new MultiTxn.Op(OpCode.DELETE, bytes(new DeleteTxn("/b")::write)),
                        new MultiTxn.Op(OpCode.ERROR, bytes(new ErrorTxn(0)::write)))),
                        MultiTxn::write, MultiTxn::read,
                        new org.apache.zookeeper.txn.MultiTxn(List.of(
                                new org.apache.zookeeper.txn.Txn(1,
                                        RecordCases.officialBytes(new org.apache.zookeeper.txn.CreateTxn("/a", DATA,
                                                zk(ACLS), false, 1))),
                                new org.apache.zookeeper.txn.Txn(2,
                                        RecordCases.officialBytes(new org.apache.zookeeper.txn.DeleteTxn("/b"))),
                                new org.apache.zookeeper.txn.Txn(-1,
                                        RecordCases.officialBytes(new org.apache.zookeeper.txn.ErrorTxn(0)))))),
                of("MultiTxn empty", new MultiTxn(List.of()), MultiTxn::write, MultiTxn::read,
                        new org.apache.zookeeper.txn.MultiTxn(List.of())),
                of("MultiTxn.Op null data", new MultiTxn.Op(OpCode.CHECK, null), MultiTxn.Op::write, MultiTxn.Op::read,
                        new org.apache.zookeeper.txn.Txn(13, null)),

                // Sessions.
                of("CreateSessionTxn", new CreateSessionTxn(30_000), CreateSessionTxn::write, CreateSessionTxn::read,
                        new org.apache.zookeeper.txn.CreateSessionTxn(30_000)),
                of("CloseSessionTxn", new CloseSessionTxn(List.of("/e1", "/app/e2")), CloseSessionTxn::write,
                        CloseSessionTxn::read, new org.apache.zookeeper.txn.CloseSessionTxn(List.of("/e1", "/app/e2"))),
                of("CloseSessionTxn no ephemerals", new CloseSessionTxn(List.of()), CloseSessionTxn::write,
                        CloseSessionTxn::read, new org.apache.zookeeper.txn.CloseSessionTxn(List.of())),

                // Quorum packets.
                of("QuorumPacket proposal", new QuorumPacket(QuorumPacketType.PROPOSAL, ZXID, DATA, null),
                        QuorumPacket::write, QuorumPacket::read,
                        new org.apache.zookeeper.server.quorum.QuorumPacket(2, ZXID, DATA, null)),
                of("QuorumPacket request with authinfo", new QuorumPacket(QuorumPacketType.REQUEST, -1, DATA,
                        List.of(new Id("ip", "10.0.0.1"), new Id("digest", "bob:hash"))),
                        QuorumPacket::write, QuorumPacket::read,
                        new org.apache.zookeeper.server.quorum.QuorumPacket(1, -1, DATA, List.of(
                                new org.apache.zookeeper.data.Id("ip", "10.0.0.1"),
                                new org.apache.zookeeper.data.Id("digest", "bob:hash")))),
                of("QuorumPacket uptodate", new QuorumPacket(QuorumPacketType.UPTODATE, -1, null, List.of()),
                        QuorumPacket::write, QuorumPacket::read,
                        new org.apache.zookeeper.server.quorum.QuorumPacket(12, -1, null, List.of())),
                of("LearnerInfo", new LearnerInfo(3, LearnerInfo.PROTOCOL_VERSION, 0x1_0000_0000L),
                        LearnerInfo::write, LearnerInfo::read,
                        new org.apache.zookeeper.server.quorum.LearnerInfo(3, 0x10000, 0x1_0000_0000L)));
    }

    private static byte[] bytes(Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput();
        writer.accept(out);
        return out.toByteArray();
    }
}
