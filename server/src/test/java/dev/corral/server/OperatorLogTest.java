package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The lines an operator acts on reach the log, at the level the issue asks for. */
class OperatorLogTest {
    @TempDir
    Path dir;

    private final Logger logger = (Logger) LoggerFactory.getLogger(CorralServer.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void capture() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }

    @Test
    void anExpiredSessionIsLoggedAtDebugWithItsIdAndTimeout() throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty("tickTime", "100");
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir);
        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.start();
            long sessionId;
            // A client that goes away without closing its session: the session expires after its timeout.
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                JuteOutput request = new JuteOutput();
                new ConnectRequest(0, 0, 200, 0, new byte[16], false, false).write(request);
                byte[] body = request.toByteArray();
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(body.length);
                out.write(body);
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] reply = new byte[in.readInt()];
                in.readFully(reply);
                sessionId = ConnectResponse.read(new JuteInput(reply)).sessionId();
            }
            String expected = "Expiring session 0x" + Long.toHexString(sessionId) + ", timeout of 200ms exceeded";

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(appender.list)
                    .filteredOn(event -> event.getFormattedMessage().equals(expected))
                    .singleElement()
                    .extracting(ILoggingEvent::getLevel).isEqualTo(Level.DEBUG));
        }
    }
}
