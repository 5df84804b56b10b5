package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 6: an observer ({@code server.4=...:observer} in every zoo.cfg, {@code peerType=observer}
 * in its own) reports {@code Mode: observer}, serves reads from its own tree and forwards writes to the
 * leader, which commits them with the voters' quorum; the voters and the observer then agree.
 *
 * <p>Runs against Corral and against ZooKeeper 3.9.5.
 */
class EnsembleObserverTest {
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final int OBSERVER = 4;

    @Test
    void observerServesReadsAndForwardsWrites() throws Exception {
        try (Ensemble ensemble = CompatEnsemble.start("observer", spec -> spec.withObservers(1));
                Clients clients = new Clients(ensemble.connectString(), ensemble.member(1).clientPort())) {
            int leader = ensemble.awaitLeader(ELECTION_BOUND);
            assertThat(ensemble.member(OBSERVER).observer()).isTrue();
            assertThat(ensemble.mode(OBSERVER)).as("srvr of server 4").hasValue("observer");
            assertThat(leader).as("an observer never leads").isNotEqualTo(OBSERVER);

            ZooKeeper throughObserver = clients.zk(ensemble.member(OBSERVER).connectString(), SESSION_TIMEOUT_MS, event -> { });
            ZooKeeper throughLeader = clients.zk(ensemble.member(leader).connectString(), SESSION_TIMEOUT_MS, event -> { });

            // A write through the observer is forwarded to the leader and committed for everyone.
            throughObserver.create("/observed", bytes("from-observer"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            throughLeader.sync("/observed");
            assertThat(throughLeader.getData("/observed", false, null)).asString(StandardCharsets.UTF_8).isEqualTo("from-observer");

            // A write through a voter reaches the observer, which serves it from its own tree.
            Stat written = throughLeader.setData("/observed", bytes("from-leader"), 0);
            throughObserver.sync("/observed");
            Stat read = new Stat();
            assertThat(throughObserver.getData("/observed", false, read)).asString(StandardCharsets.UTF_8).isEqualTo("from-leader");
            assertThat(read).as("the observer's stat equals the leader's").isEqualTo(written);

            System.out.printf("EnsembleObserverTest %s: modes %s; a create through the observer and a setData through leader"
                    + " %d seen by both%n", CompatRun.target(), ensemble.modes(), leader);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
