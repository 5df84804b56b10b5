package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone server binds its client port before it reads its data and accepts once it serves (issue 16):
 * a client that connects during the recovery is held, not refused, and has its session as soon as the
 * server serves.
 */
class ClientPortDuringRecoveryTest {
    private static final long BOUND_MS = 10_000;

    @TempDir
    Path dir;

    @Test
    void aClientThatConnectsWhileAStandaloneServerRecoversIsHeldAndGetsItsSessionOnceTheServerServes() throws Exception {
        ServerConfig config = ServerConfig.parse(new Properties(), "test", Map.of(), new Properties()).listeningOn(0, dir);
        CountDownLatch recovering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.beforeRecovery(() -> {
                recovering.countDown();
                try {
                    release.await(BOUND_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
                try {
                    server.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(recovering.await(BOUND_MS, TimeUnit.MILLISECONDS)).isTrue();

            try (Socket socket = new Socket()) {
                // Refused here if the port opened only after the recovery.
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) BOUND_MS);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                JuteOutput request = new JuteOutput();
                new ConnectRequest(0, 0, 4000, 0, new byte[16], false, false).write(request);
                byte[] body = request.toByteArray();
                out.writeInt(body.length);
                out.write(body);
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                // Not served while the data is still to be read.
                socket.setSoTimeout(300);
                assertThatThrownBy(in::readInt).isInstanceOf(SocketTimeoutException.class);
                assertThat(started).isNotDone();

                release.countDown();
                socket.setSoTimeout((int) BOUND_MS);
                byte[] reply = new byte[in.readInt()];
                in.readFully(reply);
                ConnectResponse response = ConnectResponse.read(new JuteInput(reply));
                assertThat(response.sessionId()).isNotZero();
                assertThat(response.timeOut()).isEqualTo(4000);
            }
            started.get(BOUND_MS, TimeUnit.MILLISECONDS);
        } finally {
            release.countDown();
        }
    }
}
