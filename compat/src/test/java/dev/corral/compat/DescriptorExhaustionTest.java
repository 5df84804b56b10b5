package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server out of file descriptors (finding 4 of issue 9): it runs under {@code ulimit -n}, and the test
 * holds more silent connections open than the server has descriptors left. While accepting fails the
 * connected session is still served; since the server closes connections that never send a connect
 * request (here after 1 s), it gets its descriptors back and accepts new sessions again, while the test
 * still holds every silent socket open on its side.
 */
class DescriptorExhaustionTest {
    /** Open files above what the server uses once started (about 100 for Corral, 190 for ZooKeeper here). */
    private static final int SPARE_FILES = 100;
    private static final int SILENT_CONNECTIONS = 400;
    private static final int CONNECT_TIMEOUT_MS = 1_000;
    private static final int FAILED_CONNECTS_MAX = 5;
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

    @Test
    void outOfDescriptorsTheServerKeepsItsSessionsAndAcceptsAgainOnceSilentConnectionsAreClosed() throws Exception {
        // tickTime 2 s: the bystander's 30 s session outlives the test without pings; silent connections are
        // closed after 1 s, and no per-IP connection limit closes them first.
        ServerSpec spec = new ServerSpec(2_000, false, Map.of("maxClientCnxns", "0"),
                Map.of("zookeeper.nio.sessionlessCnxnTimeout", "1000"));
        List<Socket> silent = new ArrayList<>();
        try (ServerProcess server = spec.start("descriptors");
                Clients clients = new Clients(server.connectString(), server.port())) {
            long openAtStart = server.openFiles();
            server.kill();
            server.restartUnderUlimit("-n " + (openAtStart + SPARE_FILES));
            RawClient bystander = clients.raw(Clients.SESSION_TIMEOUT_MS);

            int failedConnects = 0;
            for (int i = 0; i < SILENT_CONNECTIONS && failedConnects < FAILED_CONNECTS_MAX; i++) {
                Socket socket = new Socket();
                silent.add(socket);
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), CONNECT_TIMEOUT_MS);
                    failedConnects = 0;
                } catch (IOException backlogFull) {
                    failedConnects++;
                }
            }
            await("the server failing to accept for lack of descriptors").atMost(RECOVERY_BOUND).pollInSameThread()
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> server.log().contains("Too many open files"));
            assertThat(bystander.ping().err()).as("the connected session, served while accepting fails").isZero();

            await("a new session while the silent sockets are still open on the client side").atMost(RECOVERY_BOUND)
                    .pollInSameThread().pollInterval(Duration.ofMillis(500))
                    .until(() -> tryConnect(clients) != null);
            assertThat(bystander.ping().err()).isZero();
            if (CompatRun.target() == Target.CORRAL) {
                // Corral logs the run of failed accepts once, and its end once (ZooKeeper logs about every 100 ms).
                await("the end of the run of failures logged").atMost(RECOVERY_BOUND).pollInSameThread()
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> server.log().contains("Accepting connections again after"));
                String log = server.log();
                assertThat(log.split("Cannot accept connections", -1)).as("one warning for the run of failures").hasSize(2);
                assertThat(log.split("Accepting connections again", -1)).as("one line for its end").hasSize(2);
            }
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }

    private static RawClient tryConnect(Clients clients) {
        try {
            return clients.raw(Clients.SESSION_TIMEOUT_MS);
        } catch (IOException notYet) {
            return null;
        }
    }
}
