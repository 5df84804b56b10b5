package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.wire.ConnectRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.RequestHeader;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes queued for a connection are bounded (finding 3 of issue 9): above connection.outgoingBytesHigh
 * the connection is not read from until its client has read its replies, which then all arrive in
 * order; past connection.outgoingBytesMax it is closed. Either way another session is served as before.
 */
class OutgoingBytesTest {
    private static final int HIGH = 64 * 1024;
    private static final int DATA_BYTES = 100_000;
    private static final int REQUESTS = 40;
    // 10 MB of replies: more than the kernel can hold for a client that does not read (the server's send
    // buffer autotunes to at most tcp_wmem's 4 MiB here, and the client's receive buffer is fixed small).
    private static final int REQUESTS_PAST_MAX = 100;
    private static final int CLIENT_RECEIVE_BUFFER = 64 * 1024;
    private static final int READ_TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;

    private CorralServer start(long outgoingMax) throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty("connection.outgoingBytesHigh", Integer.toString(HIGH));
        cfg.setProperty("connection.outgoingBytesMax", Long.toString(outgoingMax));
        return StartedServer.withMetrics(cfg, dir);
    }

    @Test
    void aClientThatReadsLateIsPausedAndThenGetsEveryReplyInOrder() throws Exception {
        try (CorralServer server = start(64L << 20); Socket socket = handshake(server.port())) {
            ZooKeeper bystander = bystanderWithData(server);
            // 4 MB of replies asked for at once, none read yet: far above the 64 KiB mark.
            sendGetData(socket, REQUESTS);
            // The pause comes from the raw connection's event loop once it has read the requests and queued their
            // replies, which may be after a read the bystander sends at once: wait for it, then read through the bystander.
            await("reads stopped").atMost(Duration.ofSeconds(20))
                    .until(() -> AdminHttpTest.metric(server, "client_outgoing_pauses_total") > 0);
            assertThat(bystander.getData("/d", false, null)).hasSize(DATA_BYTES);

            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            for (int xid = 1; xid <= REQUESTS; xid++) {
                byte[] reply = readFrame(in);
                assertThat(java.nio.ByteBuffer.wrap(reply).getInt()).as("xid of reply %d", xid).isEqualTo(xid);
                assertThat(reply.length).isGreaterThan(DATA_BYTES);
            }
            assertThat(AdminHttpTest.metric(server, "client_outgoing_closes_total")).isZero();
            bystander.close();
        }
    }

    @Test
    void aClientWithMoreThanTheHardBoundQueuedIsClosed() throws Exception {
        try (CorralServer server = start(1L << 20); Socket socket = handshake(server.port())) {
            ZooKeeper bystander = bystanderWithData(server);
            // Sent in one write, so read by the server before it can stop reading: 10 MB of replies, 1 MiB allowed.
            // Nothing is read until the server has closed the connection, so a fast reader cannot drain the queue
            // below the bound on a loaded machine.
            sendGetData(socket, REQUESTS_PAST_MAX);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> AdminHttpTest.metric(server, "client_outgoing_closes_total") == 1);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            int replies = 0;
            try {
                for (; replies < REQUESTS_PAST_MAX; replies++) {
                    readFrame(in);
                }
            } catch (EOFException | SocketException closed) {
                // the server closed the connection
            }
            assertThat(replies).as("replies before the close").isLessThan(REQUESTS_PAST_MAX);
            assertThat(AdminHttpTest.metric(server, "client_outgoing_closes_total")).isEqualTo(1);
            assertThat(bystander.getData("/d", false, null)).hasSize(DATA_BYTES);
            bystander.close();
        }
    }

    /** Another session, which creates the znode /d of {@value #DATA_BYTES} bytes the raw client asks for. */
    private static ZooKeeper bystanderWithData(CorralServer server) throws Exception {
        ZooKeeper bystander = Connected.zk(server.port());
        bystander.create("/d", new byte[DATA_BYTES], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        return bystander;
    }

    private static Socket handshake(int port) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        JuteOutput connect = new JuteOutput();
        new ConnectRequest(0, 0, 10_000, 0, new byte[16], false, true).write(connect);
        write(socket, connect.toByteArray());
        readFrame(new DataInputStream(socket.getInputStream()));
        return socket;
    }

    /** getData of /d with xids 1..count, all in one write. */
    private static void sendGetData(Socket socket, int count) throws IOException {
        JuteOutput all = new JuteOutput();
        for (int xid = 1; xid <= count; xid++) {
            JuteOutput one = new JuteOutput();
            new RequestHeader(xid, OpCode.GET_DATA).write(one);
            new GetDataRequest("/d", false).write(one);
            byte[] frame = one.toByteArray();
            all.writeInt(frame.length);
            all.writeRaw(frame, 0, frame.length);
        }
        socket.getOutputStream().write(all.toByteArray());
        socket.getOutputStream().flush();
    }

    private static void write(Socket socket, byte[] frame) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }
}
