package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * A log that can no longer grow (the server runs under {@code ulimit -f}, so a write past the limit fails
 * as a write to a full disk does): the server stops rather than acknowledge a write it could not make
 * durable, says why, and after a restart with room again every acknowledged write is there.
 */
class DiskFullTest {
    private static final long FILE_SIZE_LIMIT_KB = 2_048;
    private static final int VALUE_BYTES = 16 * 1024;
    // 16 KiB each: the limit is reached after about 130; the bound is four times that.
    private static final int CREATES_MAX = 512;

    @Test
    void aWriteThatCannotBeMadeDurableStopsTheServerAndIsNeverAcknowledged() throws Exception {
        // The log grows 64 KiB at a time and no snapshot is due, so the log is what hits the limit.
        ServerSpec spec = new ServerSpec(200, false, Map.of(),
                Map.of("zookeeper.preAllocSize", "64", "zookeeper.snapCount", "1000000"));
        try (ServerProcess server = spec.start("disk-full");
                Clients clients = new Clients(server.connectString(), server.port())) {
            clients.zk().create("/full", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            server.kill();
            server.restart(FILE_SIZE_LIMIT_KB);

            ZooKeeper writer = clients.zk(server.connectString(), 10_000, event -> { });
            List<String> acknowledged = new ArrayList<>();
            KeeperException failure = null;
            for (int i = 0; i < CREATES_MAX && failure == null; i++) {
                String path = "/full/n" + i;
                try {
                    writer.create(path, new byte[VALUE_BYTES], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    acknowledged.add(path);
                } catch (KeeperException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("a write once the log could not grow (%d acknowledged)", acknowledged.size())
                    .isInstanceOf(KeeperException.ConnectionLossException.class);
            OptionalInt exit = server.awaitExit(Duration.ofSeconds(30));
            assertThat(exit).as("the server stopped").isPresent();
            if (CompatRun.target() == Target.CORRAL) {
                // ZooKeeper 3.9.5 logs "Severe unrecoverable error" and then exits with status 0, which a
                // supervisor restarting on failure takes for a clean stop; Corral exits non-zero.
                assertThat(exit.getAsInt()).as("exit status").isNotZero();
                assertThat(server.logTail()).contains("Cannot make the log durable")
                        .contains(server.home().resolve(ServerSpec.DATA_DIRECTORY).toString()).contains("File too large");
            }
            assertThat(acknowledged).as("writes acknowledged before the limit").hasSizeGreaterThan(10);

            server.restart();
            ZooKeeper checker = clients.zk();
            List<String> missing = new ArrayList<>();
            for (String path : acknowledged) {
                if (checker.exists(path, false) == null) {
                    missing.add(path);
                }
            }
            assertThat(missing).as("acknowledged writes missing after the restart").isEmpty();
        }
    }
}
