package dev.corral.zab.codec;

import dev.corral.zab.LogEntry;
import dev.corral.zab.Message;
import dev.corral.zab.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.server.quorum.LearnerInfo;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.apache.zookeeper.server.util.ZxidUtils;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * One row per learner message kind: our message, and the packet ZooKeeper 3.9.5 writes for the same values
 * (built with its own jute classes, as Leader, LearnerHandler and Learner build them).
 */
final class LearnerCases {
    static final long CONNECTION = 0x0000000103000007L;
    static final long SENDER = 3;
    static final long EPOCH = 6;

    /** {@code epoch}: what the transport passes to decode (the LEADERINFO of the connection, -1 if none). */
    record Case(String name, Message.Learner message, QuorumPacket zooKeepers, byte[] snapImage, long epoch) {
        @Override
        public String toString() {
            return name;
        }

        /** The frame as ZooKeeper's BinaryOutputArchive writes it: the packet, and for a SNAP our image and its signature. */
        byte[] zooKeepersBytes() {
            return archive(out -> {
                out.writeRecord(zooKeepers, "packet");
                if (snapImage != null) {
                    out.writeBuffer(snapImage, "image");
                    out.writeString("BenWasHere", "signature");
                }
            });
        }
    }

    /** A test image format: the image is a String, its bytes UTF-8. */
    static final SnapshotImageCodec STRING_IMAGES = new SnapshotImageCodec() {
        @Override
        public byte[] encode(Object image) {
            return ((String) image).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    static final LearnerStream STREAM = new LearnerStream(STRING_IMAGES, 1 << 20, 1 << 20);

    static List<Case> all() {
        long zxid = ZxidUtils.makeZxid(5, 7);
        byte[] txn = txn(zxid, "/a");
        byte[] bigTxn = txn(ZxidUtils.makeZxid(0xffffffffL, 0xffffffffL), "/" + "x".repeat(1000));
        return List.of(
                // Discovery: the learner's info, the leader's epoch, the learner's answer.
                row("FOLLOWERINFO", new Message.LearnerInfo(CONNECTION, 5, false),
                        packet(11, ZxidUtils.makeZxid(5, 0), learnerInfo(SENDER)), -1),
                row("OBSERVERINFO of a fresh server", new Message.LearnerInfo(CONNECTION, 0, true),
                        packet(16, 0, learnerInfo(SENDER)), -1),
                row("FOLLOWERINFO of the largest epoch", new Message.LearnerInfo(CONNECTION, 0xffffffffL, false),
                        packet(11, ZxidUtils.makeZxid(0xffffffffL, 0), learnerInfo(SENDER)), -1),
                row("LEADERINFO", new Message.LeaderInfo(CONNECTION, EPOCH),
                        packet(17, ZxidUtils.makeZxid(EPOCH, 0), ByteBuffer.allocate(4).putInt(0x10000).array()), -1),
                // Corral's leader appends the ensemble's shared secret; ZooKeeper's learner reads only the int.
                row("LEADERINFO with a shared secret", new Message.LeaderInfo(CONNECTION, EPOCH, new dev.corral.zab.SharedSecret(new byte[] {1, 2, 3})),
                        packet(17, ZxidUtils.makeZxid(EPOCH, 0), ByteBuffer.allocate(7).putInt(0x10000).put(new byte[] {1, 2, 3}).array()), -1),
                row("ACKEPOCH of a newly accepted epoch", new Message.AckEpoch(CONNECTION, EPOCH, 5, zxid),
                        packet(18, zxid, ByteBuffer.allocate(4).putInt(5).array()), EPOCH),
                row("ACKEPOCH of an epoch already accepted (-1)", new Message.AckEpoch(CONNECTION, EPOCH, -1, zxid),
                        packet(18, zxid, ByteBuffer.allocate(4).putInt(-1).array()), EPOCH),
                row("ACKEPOCH of an empty log", new Message.AckEpoch(CONNECTION, EPOCH, 0, 0),
                        packet(18, 0, ByteBuffer.allocate(4).putInt(0).array()), EPOCH),
                // Synchronization.
                row("DIFF", new Message.Diff(CONNECTION), packet(13, 0, null), -1),
                row("TRUNC", new Message.Trunc(CONNECTION, zxid), packet(14, zxid, null), -1),
                new Case("SNAP", new Message.Snap(CONNECTION, new Snapshot(zxid, "tree image")), packet(15, zxid, null),
                        "tree image".getBytes(StandardCharsets.UTF_8), -1),
                new Case("SNAP of an empty image", new Message.Snap(CONNECTION, new Snapshot(0, "")), packet(15, 0, null),
                        new byte[0], -1),
                row("NEWLEADER", new Message.NewLeader(CONNECTION, EPOCH), packet(10, ZxidUtils.makeZxid(EPOCH, 0), null), -1),
                row("ACK of NEWLEADER", new Message.AckNewLeader(CONNECTION, EPOCH), packet(3, ZxidUtils.makeZxid(EPOCH, 0), null), -1),
                row("UPTODATE", new Message.UpToDate(CONNECTION, zxid), packet(12, zxid, null), -1),
                // Broadcast.
                row("PROPOSAL", new Message.Proposal(CONNECTION, new LogEntry(zxid, txn)), packet(2, zxid, txn), -1),
                row("PROPOSAL of the last zxid, 1 KiB path", new Message.Proposal(CONNECTION,
                        new LogEntry(ZxidUtils.makeZxid(0xffffffffL, 0xffffffffL), bigTxn)),
                        packet(2, ZxidUtils.makeZxid(0xffffffffL, 0xffffffffL), bigTxn), -1),
                row("ACK", new Message.Ack(CONNECTION, zxid), packet(3, zxid, null), -1),
                row("COMMIT", new Message.Commit(CONNECTION, zxid), packet(4, zxid, null), -1),
                row("INFORM", new Message.Inform(CONNECTION, new LogEntry(zxid, txn)), packet(8, zxid, txn), -1),
                row("PING", new Message.Ping(CONNECTION), packet(5, 0, null), -1),
                // Forwarding: a learner's clients (Learner#request, #validateSession, #ping; Leader#sendSync).
                row("learner PING with two session touches", new Message.Ping(CONNECTION, java.util.Map.of(0x100000001L, 30000, 0x300000002L, 4000)),
                        packet(5, 0, ByteBuffer.allocate(24).putLong(0x100000001L).putInt(30000).putLong(0x300000002L).putInt(4000).array()), -1),
                new Case("REQUEST of a setData with the session's identities",
                        new Message.Request(CONNECTION, 0x300000002L, 7, 5, SET_DATA_BODY,
                                List.of(new dev.corral.wire.Id("ip", "127.0.0.1"), new dev.corral.wire.Id("digest", "u:x"))),
                        new QuorumPacket(1, -1, requestData(0x300000002L, 7, 5, SET_DATA_BODY),
                                List.of(new org.apache.zookeeper.data.Id("ip", "127.0.0.1"), new org.apache.zookeeper.data.Id("digest", "u:x"))),
                        null, -1),
                row("REQUEST of a createSession (the timeout is the body)", new Message.Request(CONNECTION, 0x300000003L, 0, -10,
                        ByteBuffer.allocate(4).putInt(30000).array(), List.of()),
                        new QuorumPacket(1, -1, requestData(0x300000003L, 0, -10, ByteBuffer.allocate(4).putInt(30000).array()), null), -1),
                row("REVALIDATE from a learner", new Message.Revalidate(CONNECTION, 0x100000001L, 30000),
                        packet(6, -1, ByteBuffer.allocate(12).putLong(0x100000001L).putInt(30000).array()), -1),
                row("REVALIDATE answered valid", new Message.RevalidateReply(CONNECTION, 0x100000001L, true),
                        packet(6, -1, ByteBuffer.allocate(9).putLong(0x100000001L).put((byte) 1).array()), -1),
                row("REVALIDATE answered invalid", new Message.RevalidateReply(CONNECTION, 0x100000001L, false),
                        packet(6, -1, ByteBuffer.allocate(9).putLong(0x100000001L).put((byte) 0).array()), -1),
                row("SYNC", new Message.Sync(CONNECTION), packet(7, 0, null), -1));
    }

    /** A setData request record, as a client sends it and a learner forwards it. */
    static final byte[] SET_DATA_BODY = archive(out -> out.writeRecord(
            new org.apache.zookeeper.proto.SetDataRequest("/a", "v".getBytes(StandardCharsets.UTF_8), 3), "request"));

    /** REQUEST data as ZooKeeper's Learner#request writes it with a DataOutputStream. */
    static byte[] requestData(long sessionId, int cxid, int type, byte[] body) {
        return ByteBuffer.allocate(16 + body.length).putLong(sessionId).putInt(cxid).putInt(type).put(body).array();
    }

    static Case row(String name, Message.Learner message, QuorumPacket zooKeepers, long epoch) {
        return new Case(name, message, zooKeepers, null, epoch);
    }

    static QuorumPacket packet(int type, long zxid, byte[] data) {
        return new QuorumPacket(type, zxid, data, null);
    }

    /** ZooKeeper's LearnerInfo data, as Learner#registerWithLeader writes it for a never reconfigured ensemble. */
    static byte[] learnerInfo(long serverId) {
        return archive(out -> out.writeRecord(new LearnerInfo(serverId, 0x10000, 0), "LearnerInfo"));
    }

    /** A txn as ZooKeeper logs it: TxnHeader, then the txn record. */
    static byte[] txn(long zxid, String path) {
        return archive(out -> {
            out.writeRecord(new TxnHeader(0x100000001L, 4, zxid, 1_700_000_000_000L, 2), "hdr");
            out.writeRecord(new DeleteTxn(path), "txn");
        });
    }

    static byte[] zooKeepersPacketBytes(QuorumPacket packet) {
        return archive(out -> out.writeRecord(packet, "packet"));
    }

    interface Writes {
        void to(BinaryOutputArchive out) throws IOException;
    }

    static byte[] archive(Writes writes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writes.to(BinaryOutputArchive.getArchive(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Message.Learner decode(byte[] frame, long epoch) {
        return STREAM.decode(frame, 0, frame.length, CONNECTION, epoch);
    }

    private LearnerCases() {}
}
