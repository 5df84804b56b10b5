package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.testkit.TcpProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protocol robustness as the official Java client sees it (issue 13, item 4), against Corral and
 * ZooKeeper 3.9.5 alike: a connection that closes after a request reached the server and before its
 * reply came back, a reply larger than the client's jute.maxbuffer, and replies to many pipelined requests,
 * which must come back in the order of their xids. The other clients' behaviour is pinned in their suites,
 * against both servers too: a connection that closes before the reply in kazoo_suite.py (Robustness),
 * zk_suite.c, zk_suite.go and zk_suite.js; a large reply in zk_suite.go (above WithMaxBufferSize, go-zookeeper's
 * jute.maxbuffer: ErrConnectionClosed, session resumed), zk_suite.c (1,000,000 bytes read whole; the C client
 * has no reply size limit, only the caller's buffer, which cuts the value with ZOK) and zk_suite.js
 * (1,000,000 bytes read whole; node-zookeeper-client has no reply size limit). kazoo has no jute.maxbuffer
 * of its own.
 */
class ClientRobustnessTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("ZooKeeper's Java client",
            "a reply cut off after its request (create and getData), a reply of exactly the client's "
            + "jute.maxbuffer (read) and one byte above it (ConnectionLoss, session resumed), 600 pipelined requests "
            + "answered in xid order",
            () -> CompatResults.mavenVersion("org.apache.zookeeper", "zookeeper"));

    private static final long STATE_BOUND_S = 15;
    /** The client's jute.maxbuffer in the reply-size test. */
    static final int JUTE_MAXBUFFER = 2_048;
    /**
     * The data of a getData reply frame of exactly {@link #JUTE_MAXBUFFER} bytes: the frame is a 16-byte
     * ReplyHeader, the data after its 4-byte length, and a 68-byte Stat.
     */
    static final int DATA_BYTES_FITTING = JUTE_MAXBUFFER - 16 - 4 - 68;

    @Test
    void replyCutOffAfterTheRequestIsConnectionLossAndTheSessionResumesWithTheWriteApplied() throws Exception {
        String root = server.newRoot(server.zk());
        TcpProxy proxy = server.clients().track(TcpProxy.start(server.port()));
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper zk = server.clients().zk(proxy.connectString(), Clients.SESSION_TIMEOUT_MS,
                event -> states.add(event.getState()));
        long session = zk.getSessionId();
        awaitStates(states, KeeperState.SyncConnected); // the connect, delivered after the client returned

        proxy.cutAtNextReply();
        assertThatThrownBy(() -> zk.create(root + "/written", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT)).isInstanceOf(KeeperException.ConnectionLossException.class);
        awaitStates(states, KeeperState.Disconnected, KeeperState.SyncConnected);

        assertThat(zk.getSessionId()).isEqualTo(session);
        assertThat(zk.getData(root + "/written", false, null)).as("the server applied the create").containsExactly(1);
        assertThatThrownBy(() -> zk.create(root + "/written", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT)).isInstanceOf(KeeperException.NodeExistsException.class);

        proxy.cutAtNextReply();
        assertThatThrownBy(() -> zk.getData(root + "/written", false, null))
                .isInstanceOf(KeeperException.ConnectionLossException.class);
        awaitStates(states, KeeperState.Disconnected, KeeperState.SyncConnected);
        assertThat(zk.getData(root + "/written", false, null)).containsExactly(1);
        assertThat(zk.getSessionId()).isEqualTo(session);
    }

    /**
     * jute.maxbuffer bounds the reply frame, itself included (ZooKeeper 3.9.5's ClientCnxnSocket#readLength
     * refuses {@code len > packetLen}): a getData reply of exactly 2,048 bytes is read, one of 2,049 is not.
     */
    @Test
    void replyOfJuteMaxbufferBytesIsReadAndOneByteMoreIsConnectionLossAndTheSessionResumes() throws Exception {
        ZooKeeper writer = server.zk();
        String root = server.newRoot(writer);
        writer.create(root + "/fits", new byte[DATA_BYTES_FITTING], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.create(root + "/big", new byte[DATA_BYTES_FITTING + 1], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.JUTE_MAXBUFFER, Integer.toString(JUTE_MAXBUFFER));
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper reader = server.clients().zk(server.connectString(), Clients.SESSION_TIMEOUT_MS,
                event -> states.add(event.getState()), config);
        long session = reader.getSessionId();
        awaitStates(states, KeeperState.SyncConnected); // the connect, delivered after the client returned
        assertThat(reader.getData(root + "/fits", false, null)).as("a reply of exactly jute.maxbuffer bytes")
                .hasSize(DATA_BYTES_FITTING);

        // The client reads the frame length, finds it out of range, and drops the connection.
        assertThatThrownBy(() -> reader.getData(root + "/big", false, null))
                .isInstanceOf(KeeperException.ConnectionLossException.class);
        awaitStates(states, KeeperState.Disconnected, KeeperState.SyncConnected);
        assertThat(reader.getSessionId()).isEqualTo(session);
        assertThat(reader.getData(root + "/fits", false, null)).hasSize(DATA_BYTES_FITTING);
        assertThat(reader.exists(root + "/big", false).getDataLength()).isEqualTo(DATA_BYTES_FITTING + 1);
    }

    /**
     * 150 rounds of create, getData, setData and exists of one node, written back to back before any reply
     * is read: every reply comes back in xid order, each read sees the writes sent before it, and reply
     * zxids never go down.
     */
    @Test
    void pipelinedRequestsAreAnsweredInXidOrder() throws Exception {
        String root = server.newRoot(server.zk());
        RawClient raw = server.raw();
        int rounds = 150;
        List<Integer> sent = new ArrayList<>();
        int xid = 1;
        for (int i = 0; i < rounds; i++) {
            String path = root + "/n-" + i;
            raw.send(xid, RawClient.CREATE, new Jute.Writer().writeString(path).writeBuffer(new byte[] {7})
                    .writeOpenAcl().writeInt(0).toByteArray());
            sent.add(xid++);
            raw.send(xid, RawClient.GET_DATA, new Jute.Writer().writeString(path).writeBoolean(false).toByteArray());
            sent.add(xid++);
            raw.send(xid, RawClient.SET_DATA, new Jute.Writer().writeString(path).writeBuffer(new byte[] {8, 9})
                    .writeInt(0).toByteArray());
            sent.add(xid++);
            raw.send(xid, RawClient.EXISTS, new Jute.Writer().writeString(path).writeBoolean(false).toByteArray());
            sent.add(xid++);
        }
        List<Integer> answered = new ArrayList<>();
        long zxid = 0;
        for (int i = 0; i < sent.size(); i++) {
            RawClient.Reply reply = raw.readReply();
            answered.add(reply.xid());
            assertThat(reply.err()).as("reply %s", reply).isZero();
            assertThat(reply.zxid()).as("reply zxids never go down").isGreaterThanOrEqualTo(zxid);
            zxid = reply.zxid();
            if (i % 4 == 1) {
                // getData right after the create: data [7], then the Stat
                assertThat(new Jute.Reader(reply.body()).readBuffer()).containsExactly(7);
            }
        }
        assertThat(answered).isEqualTo(sent);
        assertThat(server.zk().getChildren(root, false)).hasSize(rounds);
    }

    private static void awaitStates(BlockingQueue<KeeperState> states, KeeperState... expected)
            throws InterruptedException {
        List<KeeperState> seen = new ArrayList<>();
        for (KeeperState state : expected) {
            KeeperState next = states.poll(STATE_BOUND_S, TimeUnit.SECONDS);
            seen.add(next);
            assertThat(next).as("states seen %s, expected %s", seen, List.of(expected)).isEqualTo(state);
        }
    }
}
