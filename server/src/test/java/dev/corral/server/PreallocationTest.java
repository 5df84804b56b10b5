package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** preAllocSize (KiB, as in ZooKeeper) is the step by which the log file grows. */
class PreallocationTest {
    @TempDir
    Path dir;

    @Test
    void theLogFileGrowsByPreAllocSize() throws Exception {
        Properties cfg = new Properties();
        cfg.setProperty("preAllocSize", "1024");
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir);
        try (CorralServer server = new CorralServer(config, e -> { })) {
            server.start();
            ZooKeeper zk = Connected.zk(server.port());
            zk.create("/a", new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.close();
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir.resolve(CorralServer.LOG_DIR))) {
            segments = files.filter(file -> file.getFileName().toString().endsWith(".wal")).toList();
        }
        // The segment's header, then one preallocation step (the default would be 64 MiB).
        assertThat(segments).singleElement().satisfies(segment ->
                assertThat(Files.size(segment)).isBetween(1024L * 1024, 1024L * 1024 + 4096));
    }
}
