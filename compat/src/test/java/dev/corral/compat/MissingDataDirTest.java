package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ServerProcess;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A zoo.cfg without dataDir (finding 6 of issue 9) is refused, as ZooKeeper 3.9's QuorumPeerConfig
 * refuses it ("Error processing <file>", caused by "dataDir is not set", exit status 2), rather than
 * served from a directory the operator never named.
 */
class MissingDataDirTest {
    private static final Duration EXIT_BOUND = Duration.ofSeconds(30);

    @Test
    void aZooCfgWithoutDataDirIsRefusedWithZooKeepersMessage() throws Exception {
        try (ServerProcess server = ServerSpec.defaults().startWithout("no-datadir", "dataDir")) {
            OptionalInt exit = server.awaitExit(EXIT_BOUND);
            assertThat(exit).as("the server exits by itself").isPresent();
            assertThat(exit.getAsInt()).as("exit status, ZooKeeper's for an invalid config").isEqualTo(2);
            assertThat(server.log()).contains("Error processing").contains("dataDir is not set");
        }
    }
}
