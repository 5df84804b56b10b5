package dev.corral.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The admin snapshot and restore commands of ZooKeeper 3.9 (Commands.SnapshotCommand, RestoreCommand) as a
 * backup tool calls them over plain HTTP on 127.0.0.1: the streamed snapshot's bytes, and a POST of such bytes.
 * Both Corral and ZooKeeper answer; {@link HttpProbe} is for the answers' exact headers, and sends no body.
 */
public final class AdminSnapshotClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(60);

    private AdminSnapshotClient() {}

    /** GET /commands/snapshot (streamed) with this Authorization header (none when null). */
    public static HttpResponse<byte[]> snapshot(int adminPort, String authorization) throws IOException, InterruptedException {
        return HTTP.send(request(adminPort, "/commands/snapshot", authorization).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** POST /commands/{@code command} (restore, or its alias rest) with {@code body}, and this Authorization header (none when null). */
    public static HttpResponse<String> restore(int adminPort, String command, byte[] body, String authorization)
            throws IOException, InterruptedException {
        return HTTP.send(request(adminPort, "/commands/" + command, authorization).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(int adminPort, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).timeout(ANSWER_BOUND);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }
}
