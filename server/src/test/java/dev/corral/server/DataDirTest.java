package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory the server cannot own stops the start with an error naming the directory and the
 * cause: one in use by another running server, and one that cannot be created or written.
 */
class DataDirTest {
    @TempDir
    Path dir;

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefusedAndTheFirstGoesOn() throws Exception {
        ServerConfig config = ServerConfig.defaults().listeningOn(0, dir);
        try (CorralServer first = new CorralServer(config, e -> { })) {
            first.start();
            CorralServer second = new CorralServer(config, e -> { });
            assertThatThrownBy(second::start).isInstanceOf(IOException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("in use by another running server");
            second.close();
            assertThat(srvr(first.port())).as("the first server still serves").contains("Mode: standalone");
        }
        try (CorralServer again = new CorralServer(config, e -> { })) {
            again.start();
            assertThat(again.port()).as("the lock went with the first server").isPositive();
        }
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsRefusedWithTheCause() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Path dataDir = file.resolve("data");
        CorralServer server = new CorralServer(ServerConfig.defaults().listeningOn(0, dataDir), e -> { });
        assertThatThrownBy(server::start).isInstanceOf(IOException.class)
                .hasMessageContaining(dataDir.toAbsolutePath().toString()).hasMessageContaining("not usable");
        server.close();
    }

    @Test
    void aLogDirectoryThatCannotBeCreatedIsRefusedWithTheCause() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Properties cfg = new Properties();
        cfg.setProperty("dataDir", dir.resolve("data").toString());
        cfg.setProperty("dataLogDir", file.resolve("log").toString());
        ServerConfig parsed = ServerConfig.parse(cfg, "test", Map.of(), new Properties());
        CorralServer server = new CorralServer(parsed.withHttp(null, null), e -> { });
        assertThatThrownBy(server::start).hasMessageContaining("cannot create log directory")
                .hasMessageContaining(file.resolve("log").toString());
        server.close();
    }

    private static String srvr(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
