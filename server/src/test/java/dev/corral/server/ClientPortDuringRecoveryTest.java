package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.JuteInput;
import dev.corral.wire.Frames;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
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
        CorralServer server = new CorralServer(config, e -> { });
        try {
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
                socket.getOutputStream().write(Frames.frame(new ConnectRequest(0, 0, 4000, 0, new byte[16], false, false)::write));
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
            // Before the close: a start still held in the hook would otherwise recover into a closed server.
            release.countDown();
            server.close();
        }
    }

    @Test
    void aRecoveryThatFailsClosesTheHeldPortAndFreesTheDataDirectoryAtOnce() throws Exception {
        int port = dev.corral.testkit.Ports.freeLoopbackPort();
        ServerConfig config = ServerConfig.parse(new Properties(), "test", Map.of(), new Properties()).listeningOn(port, dir);
        Path epochFile = dir.resolve(CorralServer.SNAPSHOT_DIR).resolve("currentEpoch");
        Files.createDirectories(epochFile.getParent());
        Files.writeString(epochFile, "not an epoch\n");
        CorralServer failed = new CorralServer(config, e -> { });
        try {
            assertThatThrownBy(failed::start).isInstanceOf(IOException.class).hasMessageContaining("not an epoch");

            // Without its caller's close: a port held without answering would keep clients waiting.
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(ConnectException.class);
            Files.delete(epochFile);
            try (CorralServer next = new CorralServer(config, e -> { })) {
                next.start();
                assertThat(next.port()).isEqualTo(port);
            }
        } finally {
            failed.close();
        }
    }
}
