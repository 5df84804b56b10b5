package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.ServerConfig;
import dev.corral.testkit.Ensemble;
import dev.corral.testkit.ServerProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * A follower whose disk was lost: killed, its data directory emptied but for myid (the operator replaced the
 * disk and wrote myid again), restarted with {@code corral server --rejoining} (as {@code -Dcorral.rejoining=true};
 * ZooKeeper has no such setting and ignores the property). It must come back as a follower holding every write
 * committed before and while it was down, brought over from the leader, and serve them.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5.
 */
class EnsembleDiskLossTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final int BEFORE = 50;
    private static final int WHILE_DOWN = 50;

    @Test
    void aFollowerWhoseDiskWasReplacedRejoinsWithEveryCommittedWrite() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("disk-loss", spec -> spec);
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int leader = ensemble.awaitLeader(ELECTION_BOUND);
            int follower = leader == 1 ? 2 : 1;
            ZooKeeper writer = clients.zk(ensemble.member(leader).connectString(), SESSION_TIMEOUT_MS, event -> { });
            writer.create("/kept", bytes("root"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < BEFORE; i++) {
                writer.create("/kept/before-", bytes("b" + i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            }

            ensemble.kill(follower);
            ensemble.wipeData(follower);
            for (int i = 0; i < WHILE_DOWN; i++) {
                writer.create("/kept/down-", bytes("d" + i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            }
            writer.setData("/kept", bytes("last"), -1);
            ensemble.process(follower).restartWithJvmOptions(List.of("-D" + ServerConfig.REJOINING_PROPERTY + "=true"));

            assertThat(ensemble.awaitLeader(ELECTION_BOUND)).as("the leader stays").isEqualTo(leader);
            assertThat(ServerProbe.fourLetterWord(ensemble.member(follower).clientPort(), "srvr")).contains("Mode: follower\n");
            ZooKeeper reader = clients.zk(ensemble.member(follower).connectString(), SESSION_TIMEOUT_MS, event -> { });
            assertThat(reader.getChildren("/kept", false)).as("children on the rejoined follower").hasSize(BEFORE + WHILE_DOWN);
            assertThat(reader.getData("/kept", false, null)).asString(StandardCharsets.UTF_8).isEqualTo("last");
            assertThat(reader.exists("/kept", false)).as("the same Stat as the leader's")
                    .isEqualTo(writer.exists("/kept", false));
            System.out.printf("EnsembleDiskLossTest %s: follower %d rejoined with an empty disk and %d znodes under /kept%n",
                    CompatRun.target(), follower, BEFORE + WHILE_DOWN);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
