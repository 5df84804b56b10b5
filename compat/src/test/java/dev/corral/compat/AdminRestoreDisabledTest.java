package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.AdminSnapshotClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ZooKeeper 3.9.5's restore admin command with admin.restore.enabled=false in zoo.cfg (ZooKeeper sets it as the
 * system property zookeeper.admin.restore.enabled): 503 for an identity that holds ALL on "/" (any digest
 * identity: the root's ACL is world:anyone ALL here). Passes against Corral and ZooKeeper 3.9.5.
 */
class AdminRestoreDisabledTest {
    private static final int ADMIN_PORT = TlsClients.freePort();

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults()
            .withConfig("admin.enableServer", "true")
            .withConfig("admin.serverAddress", "127.0.0.1")
            .withConfig("admin.serverPort", String.valueOf(ADMIN_PORT))
            .withConfig("admin.restore.enabled", "false"));

    @Test
    void aDisabledRestoreAnswers503ToTheRootsOwner() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(CompatRun.ensembles(), "a restore is a standalone server's");
        server.clients().zk().close(); // once a client is served, so is the admin command (it needs a serving server)
        HttpResponse<String> answer = AdminSnapshotClient.restore(ADMIN_PORT, "rest", "not read".getBytes(StandardCharsets.UTF_8),
                "digest any:password");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        // Named by its primary name though asked for by its alias, as ZooKeeper's initializeResponse names it.
        assertThat(new ObjectMapper().readTree(answer.body()).get("command").asText()).isEqualTo("restore");
    }
}
