package dev.corral.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Three Corral servers of one ensemble in this JVM, on free loopback ports, each with its admin and metrics
 * HTTP servers (the console included, read-only), tickTime 200 ms, initLimit 10, syncLimit 5. Started once
 * all three are ready (serving, the leader with both followers synchronized) within a bound.
 */
final class InProcessEnsemble {
    private InProcessEnsemble() {}

    /** Starts the ensemble in {@code dir}; the map is by server id, 1 to 3. */
    static Map<Integer, CorralServer> start(Path dir, Duration bound) throws Exception {
        Map<Integer, CorralServer> servers = new TreeMap<>();
        List<Integer> ports = freePorts(9);
        StringBuilder lines = new StringBuilder();
        for (int id = 1; id <= 3; id++) {
            lines.append("server.").append(id).append("=127.0.0.1:").append(ports.get(3 * id - 2)).append(':')
                    .append(ports.get(3 * id - 1)).append('\n');
        }
        ServerConfig.HttpEndpoint loopback = new ServerConfig.HttpEndpoint("127.0.0.1", 0);
        for (int id = 1; id <= 3; id++) {
            Path data = Files.createDirectories(dir.resolve("server" + id));
            Files.writeString(data.resolve("myid"), id + "\n", StandardCharsets.US_ASCII);
            Path cfg = data.resolve("zoo.cfg");
            Files.writeString(cfg, "tickTime=200\ninitLimit=10\nsyncLimit=5\ndataDir=" + data + "\nclientPort=" + ports.get(3 * id - 3)
                    + "\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=*\n" + lines, StandardCharsets.US_ASCII);
            CorralServer server = new CorralServer(ServerConfig.load(cfg).withHttp(loopback, loopback), e -> { });
            servers.put(id, server);
            server.start();
        }
        for (CorralServer server : servers.values()) {
            await().atMost(bound).until(() -> AdminHttpTest.get(server.adminPort(), "/health/ready").statusCode() == 200);
        }
        await().atMost(bound).until(() -> leaderId(servers) > 0
                && servers.get(leaderId(servers)).fourLetterWord("mntr").contains("zk_synced_followers\t2\n"));
        return servers;
    }

    /** The id of the server that says it leads, or -1 if none does. */
    static int leaderId(Map<Integer, CorralServer> servers) {
        return servers.entrySet().stream().filter(e -> e.getValue().fourLetterWord("srvr").contains("Mode: leader"))
                .map(Map.Entry::getKey).findFirst().orElse(-1);
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
