package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.node.SessionPasswords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installation's session secret: made at a server's first start, private to its owner, read
 * back at every later start so sessions and their passwords survive a restart, and never replaced silently.
 */
class SessionSecretTest {
    @TempDir
    Path dir;

    @Test
    void madeOnceReadableByItsOwnerOnlyAndReadBackUnchanged() throws IOException {
        SessionSecretFile.Secret made = SessionSecretFile.load(dir, 1234);
        Path file = dir.resolve(SessionSecretFile.NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(made.createdMs()).isEqualTo(1234);

        SessionSecretFile.Secret again = SessionSecretFile.load(dir, 9999);
        assertThat(again.secret()).isEqualTo(made.secret()).hasSize(32);
        assertThat(again.createdMs()).isEqualTo(1234);
        assertThat(dir.resolve(SessionSecretFile.NAME + ".tmp")).doesNotExist();
    }

    /** A learner replaces its secret with its leader's, durably and privately, and reads the leader's back at its next start. */
    @Test
    void aLearnerTakesItsLeadersSecretInPlaceOfItsOwn() throws IOException {
        SessionSecretFile.Secret own = SessionSecretFile.load(dir, SessionSecretFile.NO_SESSION_BEFORE);
        byte[] leaders = SessionPasswords.keyed("the leader's secret, 32 bytes...".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 777)
                .sharedForm();
        SessionSecretFile.adopt(dir, leaders);
        SessionSecretFile.Secret now = SessionSecretFile.load(dir, 9999);
        assertThat(now.secret()).isNotEqualTo(own.secret()).asString(java.nio.charset.StandardCharsets.US_ASCII)
                .isEqualTo("the leader's secret, 32 bytes...");
        assertThat(now.createdMs()).isEqualTo(777);
        assertThat(now.passwords(java.util.Set.of()).sharedForm()).isEqualTo(leaders);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(SessionSecretFile.NAME)))).isEqualTo("rw-------");
        assertThat(dir.resolve(SessionSecretFile.NAME + ".tmp")).doesNotExist();

        assertThatThrownBy(() -> SessionSecretFile.adopt(dir, new byte[20])).hasMessageContaining("20 bytes, fewer than 24");
        assertThat(SessionSecretFile.load(dir, 9999).secret()).as("a refused one leaves the file").isEqualTo(now.secret());
    }

    @Test
    void aDamagedFileIsAnErrorNamingItNotANewSecret() throws IOException {
        Files.writeString(dir.resolve(SessionSecretFile.NAME), "created=12\nsecret=c2hvcnQ=\n");
        assertThatThrownBy(() -> SessionSecretFile.load(dir, 1234)).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve(SessionSecretFile.NAME).toString()).hasMessageContaining("damaged");
    }

    @Test
    void theOfficialClientsSessionHasAnUncomputablePasswordThatSurvivesARestart() throws Exception {
        java.util.concurrent.BlockingQueue<Watcher.Event.KeeperState> states = new java.util.concurrent.LinkedBlockingQueue<>();
        CorralServer server = start(0);
        int port = server.port();
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, event -> states.add(event.getState()));
        try {
            assertThat(states.poll(20, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
            assertThat(zk.getSessionPasswd()).isNotEqualTo(SessionPasswords.zookeeperPassword(zk.getSessionId()));
            server.close();
            assertThat(states.poll(20, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.Disconnected);

            // The client reconnects by itself with its session id and password, which the restarted server
            // derives again from the same secret.
            server = start(port);
            assertThat(states.poll(20, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
            assertThat(zk.exists("/", false)).isNotNull();
        } finally {
            zk.close();
            server.close();
        }
    }

    private CorralServer start(int port) throws Exception {
        CorralServer server = new CorralServer(ServerConfig.parse(new Properties(), "test", Map.of(), new Properties())
                .listeningOn(port, dir), e -> { });
        server.start();
        return server;
    }
}
