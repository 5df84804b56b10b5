package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.AdminSnapshotClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import dev.corral.testkit.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ZooKeeper 3.9.5's restore admin command (Commands.RestoreCommand): a POST of the bytes the snapshot command
 * streamed brings the tree back, answered with the command's name, a null error and last_zxid as a number;
 * ALL on "/" through the Authorization header (401 without it or without a proven identity, 403 when the ACL
 * refuses), one restore per zookeeper.admin.rateLimiterIntervalInMS (five minutes by default: 429), and 500
 * for a truncated snapshot, after which the tree is as it was. A server per test: each restore, even a failed
 * one, spends the rate limiter's one token. Passes against Corral and ZooKeeper 3.9.5; each restores the
 * stream of its own snapshot command (the formats differ). On an ensemble ZooKeeper restores only the member
 * asked, which then differs from the others; Corral refuses (409, naming the member's role and the leader),
 * and only that is tested there.
 */
class AdminRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ADMIN_PORT = TlsClients.freePort();
    private static final String OWNER = "owner:secret";

    @RegisterExtension
    final CompatServer server = CompatServer.perTest(ServerSpec.defaults()
            .withConfig("admin.enableServer", "true")
            .withConfig("admin.serverAddress", "127.0.0.1")
            .withConfig("admin.serverPort", String.valueOf(ADMIN_PORT)));

    /** A client as the root's owner, after the root's ACL is locked to it; only on one server (see the class comment). */
    private ZooKeeper owner() throws Exception {
        Assumptions.assumeFalse(CompatRun.ensembles(), "a restore is a standalone server's");
        return lockedRootOwner();
    }

    private ZooKeeper lockedRootOwner() throws Exception {
        ZooKeeper owner = server.clients().zkAs(OWNER);
        // A mutable list: the client asks it whether it contains null, which List.of refuses to answer.
        owner.setACL("/", new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", ServerSpec.digest(OWNER))))), -1);
        return owner;
    }

    private static byte[] snapshot() throws Exception {
        HttpResponse<byte[]> answer = AdminSnapshotClient.snapshot(ADMIN_PORT, "digest " + OWNER);
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    private static HttpResponse<String> restore(byte[] body, String authorization) throws Exception {
        return AdminSnapshotClient.restore(ADMIN_PORT, "restore", body, authorization);
    }

    private static String data(ZooKeeper zk, String path) throws Exception {
        return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
    }

    @Test
    void aRestoreBringsBackTheTreeOfTheSnapshotThenTheRateLimitRefusesTheNext() throws Exception {
        ZooKeeper zk = owner();
        zk.create("/restored", "before".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/restored/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        byte[] snapshot = snapshot();
        zk.setData("/restored", "after".getBytes(StandardCharsets.UTF_8), -1);
        zk.delete("/restored/child", -1);
        zk.create("/restored/added", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.close();

        HttpResponse<String> answer = restore(snapshot, "digest " + OWNER);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("command").asText()).isEqualTo("restore");
        assertThat(body.get("error").isNull()).isTrue();
        assertThat(body.get("last_zxid").isIntegralNumber()).as(answer.body()).isTrue();

        ZooKeeper after = server.clients().zkAs(OWNER);
        assertThat(data(after, "/restored")).isEqualTo("before");
        assertThat(after.exists("/restored/child", false)).isNotNull();
        assertThat(after.exists("/restored/added", false)).isNull();

        HttpResponse<String> second = restore(snapshot, "digest " + OWNER);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
        assertThat(JSON.readTree(second.body()).get("command").asText()).isEqualTo("restore");
    }

    @Test
    void aTruncatedSnapshotIsRefusedAndTheTreeStaysAsItWas() throws Exception {
        ZooKeeper zk = owner();
        zk.create("/kept", "before".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        byte[] snapshot = snapshot();
        zk.setData("/kept", "after".getBytes(StandardCharsets.UTF_8), -1);

        HttpResponse<String> answer = restore(Arrays.copyOf(snapshot, snapshot.length / 2), "digest " + OWNER);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
        assertThat(data(zk, "/kept")).isEqualTo("after");
        assertThat(data(server.clients().zkAs(OWNER), "/kept")).isEqualTo("after");
    }

    @Test
    void aCorralEnsembleMemberRefusesARestore() throws Exception {
        Assumptions.assumeTrue(CompatRun.ensembles() && CompatRun.target() == Target.CORRAL, "Corral's ensemble refusal");
        lockedRootOwner().close();
        HttpResponse<String> answer = restore(snapshot(), "digest " + OWNER);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("command").asText()).isEqualTo("restore");
        // The member says what it is and names the leader, whichever member the admin port is.
        assertThat(body.get("error").asText()).startsWith("the restore command replaces the state of a standalone server only")
                .containsPattern("this member is (leading, this server \\(\\d+\\) leads|following, the leader is server \\d+ \\(.+\\))$");
    }

    record Refusal(String authorization, int status, String error) {}

    @Test
    void aRestoreWithoutAllOnTheRootIsRefusedBeforeItsBodyIsRead() throws Exception {
        owner().close();
        for (Refusal refusal : List.of(
                new Refusal(null, 401, "Auth info is missing for the command"),
                new Refusal("digest", 401, "Not authenticated"),
                new Refusal("sasl owner", 401, "Not authenticated"),
                new Refusal("digest bob:secret", 403, "Not authorized"),
                new Refusal("ip", 403, "Not authorized"))) {
            HttpResponse<String> answer = restore("not read".getBytes(StandardCharsets.UTF_8), refusal.authorization());
            assertThat(answer.statusCode()).as(refusal + ": " + answer.body()).isEqualTo(refusal.status());
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.get("error").asText()).isEqualTo(refusal.error());
            assertThat(body.get("command").asText()).isEqualTo("restore");
        }
        // No token was spent: the owner's restore of a snapshot still runs.
        HttpResponse<String> owners = restore(snapshot(), "digest " + OWNER);
        assertThat(owners.statusCode()).as(owners.body()).isEqualTo(200);
    }
}
