package dev.corral.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** A browser's side of the console API in these tests: it keeps the login's cookie and CSRF token. */
final class ConsoleHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An answer: status and JSON body. */
    record Answer(int status, JsonNode json) {
        String error() {
            return json.path("error").asText();
        }
    }

    private final String origin;
    private final HttpClient http;
    String cookie;
    String csrf;
    // The whole Set-Cookie of the login open() made, attributes included.
    String setCookie;

    ConsoleHttp(int port) {
        this("http://127.0.0.1:" + port, HTTP);
    }

    /** A browser at {@code origin} ("https://127.0.0.1:port") that makes its requests with {@code http}. */
    ConsoleHttp(String origin, HttpClient http) {
        this.origin = origin;
        this.http = http;
    }

    /** A browser over HTTPS presenting the client certificate of {@code tls}'s key manager, if any. */
    static ConsoleHttp overTls(int port, javax.net.ssl.SSLContext tls) {
        return new ConsoleHttp("https://127.0.0.1:" + port, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build());
    }

    /** Opens an anonymous login, as the page does first. */
    ConsoleHttp open() throws Exception {
        HttpResponse<String> response = http.send(request("/console/api/session").GET().build(), HttpResponse.BodyHandlers.ofString());
        setCookie = response.headers().firstValue("set-cookie").orElseThrow();
        cookie = setCookie.split(";")[0];
        csrf = JSON.readTree(response.body()).get("csrf").asText();
        return this;
    }

    HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(origin + pathAndQuery))
                .timeout(Duration.ofSeconds(20));
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        return builder;
    }

    Answer get(String route, Map<String, String> query) throws Exception {
        String q = query.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return answer(request("/console/api/" + route + (q.isEmpty() ? "" : "?" + q)).GET().build());
    }

    Answer post(String route, Object body) throws Exception {
        HttpRequest.Builder builder = request("/console/api/" + route).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (csrf != null) {
            builder.header("X-Corral-Csrf", csrf);
        }
        return answer(builder.build());
    }

    /** Logs in with digest credentials: the cookie and CSRF token become the new login's. */
    Answer login(String user, String password) throws Exception {
        HttpRequest request = request("/console/api/login").header("Content-Type", "application/json").header("X-Corral-Csrf", csrf)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("user", user, "password", password)))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Answer answer = new Answer(response.statusCode(), JSON.readTree(response.body()));
        if (answer.status() == 200) {
            cookie = response.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            csrf = answer.json().get("csrf").asText();
        }
        return answer;
    }

    private Answer answer(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    static Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    static HttpClient http() {
        return HTTP;
    }

    /**
     * Opens an event stream and puts its lines into {@code lines} from a daemon thread of its own, until the
     * returned stream is closed or the server ends it. Never on the caller's thread: a {@code thenAccept} on
     * the response would read the endless body right there when the response came before the callback was
     * added (a test hung so in CI-like runs).
     */
    static AutoCloseable streamLines(HttpRequest request, java.util.concurrent.BlockingQueue<String> lines) {
        var body = new java.util.concurrent.atomic.AtomicReference<java.util.stream.Stream<String>>();
        var reading = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> {
            body.set(response.body());
            response.body().forEach(lines::offer);
        }, task -> {
            Thread thread = new Thread(task, "console-event-stream");
            thread.setDaemon(true);
            thread.start();
        });
        return () -> {
            reading.cancel(true);
            java.util.stream.Stream<String> open = body.get();
            if (open != null) {
                open.close();
            }
        };
    }
}
