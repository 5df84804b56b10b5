package dev.corral.server.quorum;

import static dev.corral.server.quorum.LearnerServer.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.zab.LogEntry;
import dev.corral.zab.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.server.TxnLogEntry;
import org.apache.zookeeper.server.quorum.LearnerInfo;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.apache.zookeeper.server.util.SerializeUtils;
import org.apache.zookeeper.server.util.ZxidUtils;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Our learner transport against Apache ZooKeeper 3.9.5's own classes on a plain socket: its QuorumPacket,
 * LearnerInfo, TxnHeader and jute archives, used as its Learner#registerWithLeader, LearnerHandler#run and
 * Follower write and read them. Each side sees exactly the packets the other meant, byte for byte.
 */
class ZooKeeperLearnerInteropTest {
    // ZooKeeper 3.9.5 Leader.java:382-480 (most of these constants are package-private there).
    private static final int PROPOSAL = 2;
    private static final int ACK = 3;
    private static final int COMMIT = 4;
    private static final int PING = 5;
    private static final int NEWLEADER = 10;
    private static final int FOLLOWERINFO = 11;
    private static final int UPTODATE = 12;
    private static final int DIFF = 13;
    private static final int LEADERINFO = 17;
    private static final int ACKEPOCH = 18;

    private final Map<Long, InetSocketAddress> addresses = new HashMap<>();
    private LearnerServer ours;
    private Socket socket;
    private ServerSocket listener;

    @AfterEach
    void closeAll() throws IOException {
        if (ours != null) {
            ours.stop();
        }
        if (socket != null) {
            socket.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    /** A txn as ZooKeeper's leader logs and proposes it: TxnHeader, then the txn record. */
    private static byte[] zooKeeperTxn(long zxid) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive out = BinaryOutputArchive.getArchive(bytes);
        new TxnHeader(0x100000001L, 4, zxid, 1_700_000_000_000L, 2).serialize(out, "hdr");
        new DeleteTxn("/a").serialize(out, "txn");
        return bytes.toByteArray();
    }

    private static byte[] record(Record record, String tag) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive.getArchive(bytes).writeRecord(record, tag);
        return bytes.toByteArray();
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    /** ZooKeeper's side of one connection: it writes and reads QuorumPackets through its own archives. */
    private static final class ZooKeeperEnd {
        final BinaryOutputArchive out;
        final BufferedOutputStream buffered;
        final BinaryInputArchive in;

        ZooKeeperEnd(Socket socket) throws IOException {
            socket.setSoTimeout((int) LearnerServer.BOUND.toMillis());
            buffered = new BufferedOutputStream(socket.getOutputStream());
            out = BinaryOutputArchive.getArchive(buffered);
            in = BinaryInputArchive.getArchive(new BufferedInputStream(socket.getInputStream()));
        }

        void write(int type, long zxid, byte[] data) throws IOException {
            out.writeRecord(new QuorumPacket(type, zxid, data, null), "packet");
            buffered.flush();
        }

        QuorumPacket read() throws IOException {
            QuorumPacket packet = new QuorumPacket();
            in.readRecord(packet, "packet");
            return packet;
        }
    }

    @Test
    void aZooKeeperLearnersPacketsReachOurLeaderAndOursReachIt() throws Exception {
        addresses.put(1L, freePort());
        addresses.put(2L, freePort());
        ours = new LearnerServer(1, addresses, config -> config).start();
        socket = new Socket(addresses.get(1L).getAddress(), addresses.get(1L).getPort());
        ZooKeeperEnd zooKeeper = new ZooKeeperEnd(socket);

        // Learner#registerWithLeader: FOLLOWERINFO with its LearnerInfo, accepted epoch 5.
        zooKeeper.write(FOLLOWERINFO, ZxidUtils.makeZxid(5, 0), record(new LearnerInfo(2, 0x10000, 0), "LearnerInfo"));
        long connection = ours.awaitFirst(2, Message.LearnerInfo.class).connection();
        ours.awaitInOrder(2, List.of(new Message.LearnerInfo(connection, 5, false)));

        ours.transport.send(2, new Message.LeaderInfo(connection, 6));
        QuorumPacket leaderInfo = zooKeeper.read();
        assertThat(leaderInfo.getType()).isEqualTo(LEADERINFO);
        assertThat(ZxidUtils.getEpochFromZxid(leaderInfo.getZxid())).isEqualTo(6);
        assertThat(ByteBuffer.wrap(leaderInfo.getData()).getInt()).as("leader protocol version").isEqualTo(0x10000);

        long lastLogged = ZxidUtils.makeZxid(5, 3);
        zooKeeper.write(ACKEPOCH, lastLogged, intBytes(5));
        ours.awaitInOrder(2, List.of(new Message.AckEpoch(connection, 6, 5, lastLogged)));

        // Synchronization and broadcast as Follower reads them.
        long zxid = ZxidUtils.makeZxid(6, 1);
        byte[] txn = zooKeeperTxn(zxid);
        ours.transport.send(2, new Message.Diff(connection));
        ours.transport.send(2, new Message.Proposal(connection, new LogEntry(zxid, txn)));
        ours.transport.send(2, new Message.NewLeader(connection, 6));
        ours.transport.send(2, new Message.UpToDate(connection, zxid));
        ours.transport.send(2, new Message.Commit(connection, zxid));
        ours.transport.send(2, new Message.Ping(connection));
        assertThat(zooKeeper.read().getType()).isEqualTo(DIFF);
        QuorumPacket proposal = zooKeeper.read();
        assertThat(proposal.getType()).isEqualTo(PROPOSAL);
        assertThat(proposal.getZxid()).isEqualTo(zxid);
        TxnLogEntry entry = SerializeUtils.deserializeTxn(proposal.getData());
        assertThat(entry.getHeader().getZxid()).isEqualTo(zxid);
        assertThat(((DeleteTxn) entry.getTxn()).getPath()).isEqualTo("/a");
        QuorumPacket newLeader = zooKeeper.read();
        assertThat(newLeader.getType()).isEqualTo(NEWLEADER);
        assertThat(newLeader.getZxid()).isEqualTo(ZxidUtils.makeZxid(6, 0));
        QuorumPacket upToDate = zooKeeper.read();
        assertThat(upToDate.getType()).isEqualTo(UPTODATE);
        QuorumPacket commit = zooKeeper.read();
        assertThat(commit.getType()).isEqualTo(COMMIT);
        assertThat(commit.getZxid()).isEqualTo(zxid);
        assertThat(zooKeeper.read().getType()).isEqualTo(PING);

        // Its acks (of NEWLEADER, of the proposal) and a ping reply carrying one session touch.
        zooKeeper.write(ACK, ZxidUtils.makeZxid(6, 0), null);
        zooKeeper.write(ACK, zxid, null);
        zooKeeper.write(PING, zxid, ByteBuffer.allocate(12).putLong(0x200000001L).putInt(30_000).array());
        ours.awaitInOrder(2, List.of(new Message.AckNewLeader(connection, 6), new Message.Ack(connection, zxid),
                new Message.Ping(connection, java.util.Map.of(0x200000001L, 30_000))));
        assertThat(ours.transport.malformedFrames()).isZero();
    }

    @Test
    void ourLearnersPacketsReachAZooKeeperLeaderAndItsReachOurs() throws Exception {
        addresses.put(1L, freePort());
        addresses.put(2L, freePort());
        listener = new ServerSocket(addresses.get(1L).getPort(), 1, addresses.get(1L).getAddress());
        ours = new LearnerServer(2, addresses, config -> config).start();
        long connection = 0x0000000102000001L;
        ours.transport.send(1, new Message.LearnerInfo(connection, 5, false));
        socket = listener.accept();
        ZooKeeperEnd zooKeeper = new ZooKeeperEnd(socket);

        // LearnerHandler#run: the first packet, and the sid, version and config version in its LearnerInfo.
        QuorumPacket info = zooKeeper.read();
        assertThat(info.getType()).isEqualTo(FOLLOWERINFO);
        assertThat(ZxidUtils.getEpochFromZxid(info.getZxid())).isEqualTo(5);
        LearnerInfo learnerInfo = new LearnerInfo();
        learnerInfo.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(info.getData())), "LearnerInfo");
        assertThat(learnerInfo.getServerid()).isEqualTo(2);
        assertThat(learnerInfo.getProtocolVersion()).isEqualTo(0x10000);
        assertThat(learnerInfo.getConfigVersion()).isZero();

        zooKeeper.write(LEADERINFO, ZxidUtils.makeZxid(6, 0), intBytes(0x10000));
        ours.awaitInOrder(1, List.of(new Message.LeaderInfo(connection, 6)));
        long lastLogged = ZxidUtils.makeZxid(5, 3);
        ours.transport.send(1, new Message.AckEpoch(connection, 6, -1, lastLogged));
        QuorumPacket ackEpoch = zooKeeper.read();
        assertThat(ackEpoch.getType()).isEqualTo(ACKEPOCH);
        assertThat(ackEpoch.getZxid()).isEqualTo(lastLogged);
        assertThat(ByteBuffer.wrap(ackEpoch.getData()).getInt()).as("an epoch accepted before").isEqualTo(-1);

        // LearnerHandler's sync and broadcast packets as it writes them: DIFF carries its last committed zxid,
        // NEWLEADER its configuration text, UPTODATE -1, PING its last proposed zxid.
        long zxid = ZxidUtils.makeZxid(6, 1);
        byte[] txn = zooKeeperTxn(zxid);
        zooKeeper.write(DIFF, lastLogged, null);
        zooKeeper.write(PROPOSAL, zxid, txn);
        zooKeeper.write(NEWLEADER, ZxidUtils.makeZxid(6, 0),
                "server.1=127.0.0.1:2888:3888:participant\nserver.2=127.0.0.2:2888:3888:participant\nversion=0".getBytes());
        zooKeeper.write(UPTODATE, -1, null);
        zooKeeper.write(COMMIT, zxid, null);
        zooKeeper.write(PING, zxid, null);
        ours.awaitInOrder(1, List.of(new Message.Diff(connection), new Message.Proposal(connection, new LogEntry(zxid, txn)),
                new Message.NewLeader(connection, 6), new Message.UpToDate(connection, -1), new Message.Commit(connection, zxid),
                new Message.Ping(connection)));

        ours.transport.send(1, new Message.AckNewLeader(connection, 6));
        ours.transport.send(1, new Message.Ack(connection, zxid));
        QuorumPacket ackNewLeader = zooKeeper.read();
        assertThat(ackNewLeader.getType()).isEqualTo(ACK);
        assertThat(ackNewLeader.getZxid()).isEqualTo(ZxidUtils.makeZxid(6, 0));
        QuorumPacket ack = zooKeeper.read();
        assertThat(ack.getType()).isEqualTo(ACK);
        assertThat(ack.getZxid()).isEqualTo(zxid);
        assertThat(ours.transport.malformedFrames()).isZero();
    }
}
