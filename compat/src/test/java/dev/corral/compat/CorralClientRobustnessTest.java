package dev.corral.compat;

import static dev.corral.compat.CorralClientTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.client.ClientOptions;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.client.KeeperException;
import dev.corral.client.KeeperState;
import dev.corral.testkit.TcpProxy;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protocol robustness as Corral's own client sees it (issue 13, item 4), against Corral and ZooKeeper 3.9.5
 * alike, the cases {@link ClientRobustnessTest} pins for ZooKeeper's Java client, with the same outcome: a
 * connection that closes after a request reached the server and before its reply came back, and a reply
 * larger than the client's jute.maxbuffer ({@link ClientOptions#juteMaxBuffer}). Either fails that call with
 * ConnectionLoss; the client then resumes the same session, and the server kept what the request did.
 */
class CorralClientRobustnessTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("Corral's Java client (`client` module)",
            "a reply cut off after its request (create and getData), a reply of exactly the client's "
            + "jute.maxbuffer (ClientOptions; read) and one byte above it: ConnectionLoss, then the same session resumed",
            () -> "0.1.0-SNAPSHOT (this build)");

    /** Asked for; the server grants at most 20 ticks (4 s at the compat servers' 200 ms tick). */
    private static final int SESSION_TIMEOUT_MS = 30_000;
    private static final AtomicInteger roots = new AtomicInteger();

    private static CorralClient connect(String connectString, ClientOptions options, ClientEvents events)
            throws java.io.IOException {
        return server.clients().track(CorralClient.connect(connectString, SESSION_TIMEOUT_MS, events, options));
    }

    private static String newRoot(CorralClient zk) throws KeeperException, InterruptedException {
        return zk.create("/corralrobust-" + roots.incrementAndGet(), null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT).path();
    }

    @Test
    void replyCutOffAfterTheRequestIsConnectionLossAndTheSessionResumesWithTheWriteApplied() throws Exception {
        TcpProxy proxy = server.clients().track(TcpProxy.start(server.port()));
        ClientEvents events = new ClientEvents();
        CorralClient zk = connect(proxy.connectString(), ClientOptions.defaults(), events);
        String root = newRoot(zk);
        long session = zk.sessionId();
        events.awaitState(KeeperState.SYNC_CONNECTED);

        proxy.cutAtNextReply();
        assertCode(() -> zk.create(root + "/written", new byte[] {1}, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                ErrorCode.CONNECTIONLOSS, root + "/written");
        events.awaitState(KeeperState.DISCONNECTED);
        events.awaitState(KeeperState.SYNC_CONNECTED);

        assertThat(zk.sessionId()).isEqualTo(session);
        assertThat(zk.getData(root + "/written", false).data()).as("the server applied the create").containsExactly(1);
        assertCode(() -> zk.create(root + "/written", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                ErrorCode.NODEEXISTS, root + "/written");

        proxy.cutAtNextReply();
        assertCode(() -> zk.getData(root + "/written", false), ErrorCode.CONNECTIONLOSS, root + "/written");
        events.awaitState(KeeperState.DISCONNECTED);
        events.awaitState(KeeperState.SYNC_CONNECTED);
        assertThat(zk.getData(root + "/written", false).data()).containsExactly(1);
        assertThat(zk.sessionId()).isEqualTo(session);
    }

    /** The boundary {@link ClientRobustnessTest} finds for ZooKeeper's client: a frame of jute.maxbuffer bytes is read. */
    @Test
    void replyOfJuteMaxbufferBytesIsReadAndOneByteMoreIsConnectionLossAndTheSessionResumes() throws Exception {
        int fitting = ClientRobustnessTest.DATA_BYTES_FITTING;
        CorralClient writer = connect(server.connectString(), ClientOptions.defaults(), new ClientEvents());
        String root = newRoot(writer);
        writer.create(root + "/fits", new byte[fitting], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.create(root + "/big", new byte[fitting + 1], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ClientEvents events = new ClientEvents();
        CorralClient reader = connect(server.connectString(),
                ClientOptions.defaults().withJuteMaxBuffer(ClientRobustnessTest.JUTE_MAXBUFFER), events);
        long session = reader.sessionId();
        events.awaitState(KeeperState.SYNC_CONNECTED);
        // On an ensemble the reader may be on another member than the writer: it sees the writer's creates once synced.
        reader.sync(root);
        assertThat(reader.getData(root + "/fits", false).data()).as("a reply of exactly jute.maxbuffer bytes").hasSize(fitting);

        // The client reads the frame length, finds it out of range, and drops the connection.
        assertCode(() -> reader.getData(root + "/big", false), ErrorCode.CONNECTIONLOSS, root + "/big");
        events.awaitState(KeeperState.DISCONNECTED);
        events.awaitState(KeeperState.SYNC_CONNECTED);
        assertThat(reader.sessionId()).isEqualTo(session);
        assertThat(reader.getData(root + "/fits", false).data()).hasSize(fitting);
        assertThat(reader.exists(root + "/big", false).dataLength()).isEqualTo(fitting + 1);
    }
}
