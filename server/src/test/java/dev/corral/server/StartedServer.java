package dev.corral.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** An in-process server of these tests: zoo.cfg keys as given, data under a test directory, metrics on. */
final class StartedServer {
    private StartedServer() {}

    /** A started server on free loopback ports, with the Prometheus scrape on; state-machine bugs are ignored. */
    static CorralServer withMetrics(Properties cfg, Path dir) throws Exception {
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir)
                .withHttp(null, new ServerConfig.HttpEndpoint("127.0.0.1", 0));
        CorralServer server = new CorralServer(config, e -> { });
        server.start();
        return server;
    }
}
