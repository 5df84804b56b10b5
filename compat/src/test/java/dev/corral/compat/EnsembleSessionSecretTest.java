package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.Poll;
import dev.corral.testkit.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 4 in an ensemble: session passwords come from a secret, and every member must derive the
 * same password for a session, or the official client, which resumes its session on another member at
 * every failover, is refused. Three members start with data directories made separately (each makes its
 * own secret at first start); the leader's becomes everyone's. A session made on one member resumes with
 * its id and password on each other one and keeps its ephemeral: in a fresh ensemble, after the leader is
 * killed and another elected, after the old leader restarts, and on a member whose data directory was
 * lost and that joins again blank.
 *
 * <p>Corral only: ZooKeeper 3.9.5 computes passwords from the session id and a public constant, so any
 * member resumes any session there; the moves themselves are what {@link EnsembleSessionMoveTest} pins down
 * on both servers.
 */
class EnsembleSessionSecretTest {
    private static final int SESSION_TIMEOUT_MS = 60_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(60);
    private static final long CONNECT_BOUND_S = 30;
    private static final long ZOOKEEPER_SECRET = 0xB3415C00L;

    private Ensemble ensemble;
    private final java.util.List<ZooKeeper> clients = new java.util.ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ZooKeeper client : clients) {
            client.close();
        }
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @Test
    void aSessionResumesOnEveryMemberThroughFailoverRestartAndABlankMember() throws Exception {
        assumeTrue(CompatRun.target() == Target.CORRAL, "ZooKeeper's passwords need no secret");
        // Sessions outlive a member's restart with room to spare on a loaded machine.
        ensemble = CompatEnsemble.start("session-secret", spec -> spec.withConfig("maxSessionTimeout", String.valueOf(SESSION_TIMEOUT_MS)));
        int leader = ensemble.awaitLeader(ELECTION_BOUND);
        List<Integer> followers = ensemble.members().stream().map(Ensemble.Member::serverId).filter(id -> id != leader).toList();
        assertThat(secretFiles()).as("one secret, the leader's, in every data directory").hasSize(1);

        // A fresh ensemble: a follower's session on the leader and on the other follower, the leader's on a follower.
        ZooKeeper onFollower = session(followers.get(0), "/made-on-follower");
        ZooKeeper onLeader = session(leader, "/made-on-leader");
        resume(onFollower, leader, "/made-on-follower");
        resume(onFollower, followers.get(1), "/made-on-follower");
        resume(onLeader, followers.get(0), "/made-on-leader");

        // The leader fails: the two others elect one of them, which shares the secret it took from the old leader.
        ensemble.kill(leader);
        int newLeader = ensemble.awaitLeader(ELECTION_BOUND);
        int other = followers.get(0) == newLeader ? followers.get(1) : followers.get(0);
        resume(onFollower, newLeader, "/made-on-follower");
        resume(onFollower, other, "/made-on-follower");
        ZooKeeper afterFailover = session(newLeader, "/made-after-failover");
        resume(afterFailover, other, "/made-after-failover");

        // The old leader restarts with its own file, the same secret.
        ensemble.restart(leader);
        resume(afterFailover, leader, "/made-after-failover");

        // A follower loses its data directory and joins blank: it makes a secret, then takes the leader's.
        ensemble.kill(other);
        ensemble.wipeData(other);
        ensemble.restart(other);
        resume(onFollower, other, "/made-on-follower");
        resume(afterFailover, other, "/made-after-failover");
        assertThat(secretFiles()).as("one secret in every data directory at the end").hasSize(1);
    }

    /** A session made on {@code serverId}, with an ephemeral at {@code path}; its password is not ZooKeeper's computable one. */
    private ZooKeeper session(int serverId, String path) throws Exception {
        BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper client = new ZooKeeper(address(serverId), SESSION_TIMEOUT_MS, event -> states.add(event.getState()));
        clients.add(client);
        assertThat(states.poll(CONNECT_BOUND_S, TimeUnit.SECONDS)).as("connected to server %d", serverId)
                .isEqualTo(Watcher.Event.KeeperState.SyncConnected);
        client.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        byte[] computable = new byte[16];
        new Random(client.getSessionId() ^ ZOOKEEPER_SECRET).nextBytes(computable);
        assertThat(client.getSessionPasswd()).as("password of a session made on server %d", serverId).isNotEqualTo(computable);
        return client;
    }

    /**
     * Resumes the session of {@code original} on {@code serverId} with its id and password, as the official
     * client does at a failover, and finds its ephemeral there; then closes only that connection
     * (closing a client that resumed would close the session).
     */
    private void resume(ZooKeeper original, int serverId, String path) throws Exception {
        BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper resumed = new ZooKeeper(address(serverId), SESSION_TIMEOUT_MS, event -> states.add(event.getState()),
                original.getSessionId(), original.getSessionPasswd());
        try {
            Watcher.Event.KeeperState state = states.poll(CONNECT_BOUND_S, TimeUnit.SECONDS);
            assertThat(state).as("session 0x%x resumed on server %d (Expired: its password was refused)", original.getSessionId(),
                    serverId).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
            assertThat(resumed.getSessionId()).isEqualTo(original.getSessionId());
            // A follower may be a commit behind the member the session was made on.
            boolean found = Poll.until(Duration.ofSeconds(10), Duration.ofMillis(20), () -> {
                try {
                    Stat stat = resumed.exists(path, false);
                    return stat != null && stat.getEphemeralOwner() == original.getSessionId();
                } catch (org.apache.zookeeper.KeeperException | InterruptedException e) {
                    throw new AssertionError("exists " + path + " on server " + serverId, e);
                }
            });
            assertThat(found).as("ephemeral %s of session 0x%x on server %d", path, original.getSessionId(), serverId).isTrue();
        } finally {
            // Dropping the connection without closeSession keeps the session alive for the next move.
            resumed.getTestable().injectSessionExpiration();
        }
    }

    private String address(int serverId) {
        return "127.0.0.1:" + ensemble.member(serverId).clientPort();
    }

    /** The distinct secret files of the running members' data directories. */
    private java.util.Set<String> secretFiles() throws Exception {
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (Ensemble.Member member : ensemble.members()) {
            Path file = ensemble.dataDirectory(member.serverId()).resolve("session-secret");
            if (Files.exists(file)) {
                distinct.add(Files.readString(file));
            }
        }
        return distinct;
    }
}
