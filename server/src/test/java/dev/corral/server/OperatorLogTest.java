package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.Frames;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.RequestHeader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(CorralServer.class),
            (Logger) LoggerFactory.getLogger(DiskWorker.class));
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Level> levelsBefore = new ArrayList<>();

    @BeforeEach
    void capture() {
        appender.start();
        for (Logger logger : loggers) {
            levelsBefore.add(logger.getLevel());
            logger.setLevel(Level.DEBUG);
            logger.addAppender(appender);
        }
    }

    @AfterEach
    void release() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(appender);
            loggers.get(i).setLevel(levelsBefore.get(i));
        }
    }

    @Test
    void anFsyncSlowerThanTheWarningThresholdIsLoggedWithItsDuration() throws Exception {
        Properties cfg = new Properties();
        // Every fsync takes at least 0 ms; the default of 1000 ms would not be reached on a quiet disk.
        cfg.setProperty("fsync.warningthresholdms", "0");
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir);
        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.start();
            handshake(server.port(), 4000);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(appender.list)
                    .filteredOn(event -> event.getLevel() == Level.WARN
                            && event.getFormattedMessage().matches("fsync of the log took \\d+ ms for 1 txns; .*"))
                    .isNotEmpty());
        }
    }

    @Test
    void anExpiredSessionIsLoggedAtInfoWithItsIdAndTimeoutAsZooKeeperLogsIt() throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty("tickTime", "100");
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir);
        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.start();
            // A client that goes away without closing its session: the session expires after its timeout.
            long sessionId = handshake(server.port(), 200);
            String expected = "Expiring session 0x" + Long.toHexString(sessionId) + ", timeout of 200ms exceeded";

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(appender.list)
                    .filteredOn(event -> event.getFormattedMessage().equals(expected))
                    .singleElement()
                    .extracting(ILoggingEvent::getLevel).isEqualTo(Level.INFO));
        }
    }

    @Test
    void aSessionTheClientClosesIsLoggedAtDebugAndAConnectionClosedForAnUnknownOpcodeAtInfo() throws Exception {
        ServerConfig config = ServerConfig.parse(new Properties(), "test", Map.of(), new Properties()).listeningOn(0, dir);
        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.start();
            // ZooKeeper 3.9 logs the end of a session's connection at DEBUG: a churning client writes no line a session.
            sendAfterHandshake(server.port(), new RequestHeader(1, OpCode.CLOSE_SESSION));
            // An opcode ZooKeeper does not have: not a routine close.
            sendAfterHandshake(server.port(), new RequestHeader(1, 9_999));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(appender.list).filteredOn(event -> event.getFormattedMessage().matches("Closing connection \\d+ from .*: client closed its session"))
                        .singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.DEBUG);
                assertThat(appender.list).filteredOn(event -> event.getFormattedMessage().matches("Closing connection \\d+ from .*: unsupported opcode 9999"))
                        .singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.INFO);
            });
        }
    }

    /** Opens a session, sends one request and reads until the server closes the connection. */
    private static void sendAfterHandshake(int port, RequestHeader header) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(Frames.frame(new ConnectRequest(0, 0, 4000, 0, new byte[16], false, false)::write));
            out.write(Frames.frame(header::write));
            // Everything the server sends until it closes: the connect response, the reply, then the end.
            socket.getInputStream().readAllBytes();
        }
    }

    /** Opens a session with a raw handshake, then drops the connection without closing the session. */
    private static long handshake(int port, int timeoutMs) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            JuteOutput request = new JuteOutput();
            new ConnectRequest(0, 0, timeoutMs, 0, new byte[16], false, false).write(request);
            byte[] body = request.toByteArray();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(body.length);
            out.write(body);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] reply = new byte[in.readInt()];
            in.readFully(reply);
            return ConnectResponse.read(new JuteInput(reply)).sessionId();
        }
    }
}
