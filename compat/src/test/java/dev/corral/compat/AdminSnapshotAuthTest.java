package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.HttpProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ZooKeeper 3.9.5's authentication of admin commands (Commands#runCommand with the snapshot command's
 * AuthRequest, ALL on "/"), which Corral also applies to the commands that list sessions while authentication
 * is enforced: the Authorization header ("digest user:password", "x509", "ip"), and the answers for a missing
 * header (401), credentials that prove nothing (401) and an ACL that refuses (403), each named with the
 * command as asked for. The root's ACL grants ALL to digest owner:secret only; the super digest passes every
 * check. Passes against Corral and ZooKeeper 3.9.5 (with Jetty 9.4 on this module's test classpath).
 */
class AdminSnapshotAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ADMIN_PORT = TlsClients.freePort();
    private static final String OWNER = "owner:secret";

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults()
            .withConfig("admin.enableServer", "true")
            .withConfig("admin.serverAddress", "127.0.0.1")
            .withConfig("admin.serverPort", String.valueOf(ADMIN_PORT)));

    // The per-class server's root is locked by the first test that runs.
    private static boolean rootLocked;

    private static void lockRootOnce() throws Exception {
        if (!rootLocked) {
            ZooKeeper owner = server.clients().zkAs(OWNER);
            // A mutable list: the client asks it whether it contains null, which List.of refuses to answer.
            owner.setACL("/", new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", ServerSpec.digest(OWNER))))), -1);
            rootLocked = true;
        }
    }

    record Case(String name, String command, String authorization, int status, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> refused() {
        return Stream.of(
                new Case("no Authorization header", "snapshot?streaming=false", null, 401, "Auth info is missing for the command"),
                new Case("alias, no header", "snap?streaming=false", null, 401, "Auth info is missing for the command"),
                new Case("digest without credentials", "snapshot?streaming=false", "digest", 401, "Not authenticated"),
                new Case("three parts", "snapshot?streaming=false", "digest " + OWNER + " more", 401, "Not authenticated"),
                new Case("a scheme without an HTTP provider", "snapshot?streaming=false", "sasl owner", 401, "Not authenticated"),
                new Case("x509 over plain HTTP", "snapshot?streaming=false", "x509", 401, "Not authenticated"),
                new Case("a digest the root's ACL does not name", "snapshot?streaming=false", "digest bob:secret", 403, "Not authorized"),
                new Case("the wrong password", "snapshot?streaming=false", "digest owner:guess", 403, "Not authorized"),
                new Case("ip, which the ACL does not name", "snapshot?streaming=false", "ip", 403, "Not authorized"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void aSnapshotWithoutTheRightIdentityIsRefusedAsZooKeeperRefusesIt(Case c) throws Exception {
        lockRootOnce();
        HttpProbe.Answer answer = HttpProbe.send(HttpProbe.Transport.PLAIN, ADMIN_PORT, "GET", "/commands/" + c.command(), c.authorization());
        assertThat(answer.status()).as(answer.body()).isEqualTo(c.status());
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("error").asText()).isEqualTo(c.error());
        assertThat(body.get("command").asText()).isEqualTo(c.command().replaceAll("\\?.*", ""));
        assertThat(answer.headers()).doesNotContainKey("last_zxid");
    }

    @Test
    void theRootsOwnerGetsASnapshotWithItsZxidAndSize() throws Exception {
        lockRootOnce();
        HttpProbe.Answer answer = HttpProbe.send(HttpProbe.Transport.PLAIN, ADMIN_PORT, "GET", "/commands/snapshot?streaming=false",
                "digest " + OWNER);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().get("last_zxid")).matches("0x[0-9a-f]+");
        assertThat(Long.parseLong(answer.headers().get("snapshot_size"))).isPositive();
        assertThat(JSON.readTree(answer.body()).get("command").asText()).isEqualTo("snapshot");
    }
}
