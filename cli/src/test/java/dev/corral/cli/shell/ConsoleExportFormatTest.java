package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.client.CorralClient;
import dev.corral.client.CreateMode;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console's export and import speak the shell's format: the same subtree exported by both is the
 * same JSON, and each imports what the other exported.
 */
class ConsoleExportFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void consoleAndShellExportTheSameJsonAndImportEachOthers() throws Exception {
        ServerConfig.HttpEndpoint loopback = new ServerConfig.HttpEndpoint("127.0.0.1", 0);
        try (CorralServer server = new CorralServer(ServerConfig.defaults().listeningOn(0, dir).withHttp(loopback, null)
                .withConsole(new ServerConfig.Console(true, true)), e -> { })) {
            server.start();
            String connect = "127.0.0.1:" + server.port();
            try (CorralClient zk = CorralClient.connect(connect, 10_000, event -> { })) {
                List<Acl> open = List.of(new Acl(Acl.ALL, Id.ANYONE));
                zk.create("/app", "config v1".getBytes(StandardCharsets.UTF_8), open, CreateMode.PERSISTENT);
                zk.create("/app/bin", new byte[] {0, (byte) 0xff, (byte) 0xc3}, open, CreateMode.PERSISTENT);
                zk.create("/app/null", null, open, CreateMode.PERSISTENT);
                zk.create("/app/secret", new byte[0], List.of(new Acl(Acl.ALL, new Id("digest", ShellFixture.digest("user:pass"))),
                        new Acl(Acl.READ, Id.ANYONE)), CreateMode.PERSISTENT);
            }
            Path shellFile = dir.resolve("shell.json");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            try (Shell shell = new Shell(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), 10_000)) {
                shell.connect(connect);
                assertThat(shell.run(List.of("addauth", "digest", "user:pass"))).isZero();
                assertThat(shell.run(List.of("export", "/app", shellFile.toString()))).as(err.toString()).isZero();

                Console console = new Console(server.adminPort()).login("user", "pass");
                JsonNode fromConsole = console.get("export?path=/app");
                JsonNode fromShell = JSON.readTree(shellFile.toFile());
                assertThat(fromConsole).isEqualTo(fromShell);

                // The console imports the shell's file; the shell imports the console's export.
                ((com.fasterxml.jackson.databind.node.ObjectNode) fromShell).put("path", "/by-console");
                assertThat(console.post("import", Map.of("document", fromShell)).get("created").asInt()).isEqualTo(4);
                Path consoleFile = dir.resolve("console.json");
                Files.write(consoleFile, JSON.writeValueAsBytes(fromConsole));
                assertThat(shell.run(List.of("import", consoleFile.toString(), "/by-shell"))).as(err.toString()).isZero();
                assertThat(shell.client().getData("/by-console/bin", false).data()).containsExactly(0, 0xff, 0xc3);
                assertThat(shell.client().getData("/by-shell/bin", false).data()).containsExactly(0, 0xff, 0xc3);
                assertThat(shell.client().getData("/by-shell/null", false).data()).isNull();
                assertThat(shell.client().getAcl("/by-console/secret").acl()).isEqualTo(shell.client().getAcl("/app/secret").acl());
            }
        }
    }

    /** The browser's side of the console API: its login cookie and CSRF token. */
    private static final class Console {
        private final int port;
        private String cookie;
        private String csrf;

        Console(int port) throws Exception {
            this.port = port;
            HttpResponse<String> session = HTTP.send(request("session").GET().build(), HttpResponse.BodyHandlers.ofString());
            take(session);
        }

        Console login(String user, String password) throws Exception {
            HttpResponse<String> login = HTTP.send(postRequest("login", Map.of("user", user, "password", password)), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            take(login);
            return this;
        }

        private void take(HttpResponse<String> response) throws Exception {
            cookie = response.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            csrf = JSON.readTree(response.body()).get("csrf").asText();
        }

        HttpRequest.Builder request(String route) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console/api/" + route))
                    .timeout(Duration.ofSeconds(20));
            return cookie == null ? builder : builder.header("Cookie", cookie);
        }

        HttpRequest postRequest(String route, Object body) throws Exception {
            return request(route).header("X-Corral-Csrf", csrf).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        }

        JsonNode get(String route) throws Exception {
            HttpResponse<String> response = HTTP.send(request(route).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        }

        JsonNode post(String route, Map<String, Object> body) throws Exception {
            HttpResponse<String> response = HTTP.send(postRequest(route, body), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        }
    }
}
