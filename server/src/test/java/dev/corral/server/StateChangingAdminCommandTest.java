package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Admin commands that change the server's state (finding 5 of issue 9): off unless zoo.cfg has
 * {@code admin.enableStateChangingCommands=true}, and then served by POST only and never to a request
 * carrying a browser's Origin header, so neither a link nor a form on a web page can switch logging off.
 * Setting the level of a logger that does not exist is refused rather than creating it.
 */
class StateChangingAdminCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String WATCHED_LOGGER = "dev.corral.server";

    @TempDir
    static Path dir;

    static CorralServer enabled;
    static CorralServer disabled;
    static ch.qos.logback.classic.Level levelAtStart;

    @BeforeAll
    static void start() throws Exception {
        levelAtStart = logger(WATCHED_LOGGER).getLevel();
        enabled = start(true, dir.resolve("enabled"));
        disabled = start(false, dir.resolve("disabled"));
    }

    private static CorralServer start(boolean stateChanging, Path data) throws Exception {
        Properties cfg = new Properties();
        if (stateChanging) {
            cfg.setProperty("admin.enableStateChangingCommands", "true");
        }
        ServerConfig.HttpEndpoint loopback = new ServerConfig.HttpEndpoint("127.0.0.1", 0);
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, data)
                .withHttp(loopback, null);
        assertThat(config.adminStateChangingCommandsEnabled()).isEqualTo(stateChanging);
        CorralServer server = new CorralServer(config, e -> { });
        server.start();
        return server;
    }

    @AfterAll
    static void stop() {
        enabled.close();
        disabled.close();
        logger(WATCHED_LOGGER).setLevel(levelAtStart);
    }

    record Case(String name, boolean enabled, String method, String origin, String command, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> refusals() {
        String off = "log_level?logger=" + WATCHED_LOGGER + "&level=OFF";
        return Stream.of(
                // Off by default, whatever the method.
                new Case("off: GET log_level", false, "GET", null, off, 403),
                new Case("off: POST log_level", false, "POST", null, off, 403),
                new Case("off: POST stat_reset", false, "POST", null, "stat_reset", 403),
                new Case("off: POST crst", false, "POST", null, "crst", 403),
                // Enabled: a GET (a link, an image, a redirect) is refused for every state-changing command and alias.
                new Case("on: GET log_level", true, "GET", null, off, 405),
                new Case("on: GET stat_reset", true, "GET", null, "stat_reset", 405),
                new Case("on: GET srst", true, "GET", null, "srst", 405),
                new Case("on: GET connection_stat_reset", true, "GET", null, "connection_stat_reset", 405),
                new Case("on: GET crst", true, "GET", null, "crst", 405),
                // Enabled: a POST a web page makes (a form) carries an Origin header, and is refused.
                new Case("on: POST from a web page", true, "POST", "http://evil.example", off, 403));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aStateChangingCommandIsRefusedAndChangesNothing(Case c) throws Exception {
        var levelBefore = logger(WATCHED_LOGGER).getEffectiveLevel();
        HttpResponse<String> response = send(c.enabled() ? enabled : disabled, c.method(), c.origin(), c.command());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
        assertThat(JSON.readTree(response.body()).get("error").asText()).isNotBlank();
        assertThat(logger(WATCHED_LOGGER).getEffectiveLevel()).as("the logger's level").isEqualTo(levelBefore);
    }

    @Test
    void enabledAndPostedLogLevelChangesALevelWithoutARestart() throws Exception {
        HttpResponse<String> set = send(enabled, "POST", null, "log_level?logger=" + WATCHED_LOGGER + "&level=DEBUG");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(JSON.readTree(set.body()).get("level").asText()).isEqualTo("DEBUG");
        assertThat(LoggerFactory.getLogger(WATCHED_LOGGER).isDebugEnabled()).isTrue();
        assertThat(send(enabled, "POST", null, "log_level?logger=" + WATCHED_LOGGER + "&level=INFO").statusCode()).isEqualTo(200);
        assertThat(send(enabled, "POST", null, "log_level?logger=" + WATCHED_LOGGER + "&level=LOUD").statusCode()).isEqualTo(400);
        assertThat(send(enabled, "POST", null, "stat_reset").statusCode()).isEqualTo(200);
        assertThat(send(enabled, "POST", null, "crst").statusCode()).isEqualTo(200);
    }

    @Test
    void aLoggerThatDoesNotExistIsRefusedRatherThanCreated() throws Exception {
        var context = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
        int loggersBefore = context.getLoggerList().size();
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> response = send(enabled, "POST", null, "log_level?logger=no.such.logger" + i + "&level=DEBUG");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        }
        assertThat(context.exists("no.such.logger0")).isNull();
        assertThat(context.getLoggerList()).as("loggers after 100 unknown names").hasSize(loggersBefore);
    }

    private static ch.qos.logback.classic.Logger logger(String name) {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
    }

    private static HttpResponse<String> send(CorralServer server, String method, String origin, String command) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + "/commands/" + command))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
