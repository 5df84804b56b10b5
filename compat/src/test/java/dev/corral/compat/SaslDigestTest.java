package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SASL DIGEST-MD5 as ZooKeeper 3.9 users configure it: users in the Server section of the JAAS file named by
 * java.security.auth.login.config, the sasl scheme registered with authProvider.1=SASLAuthenticationProvider,
 * and superUser. The client is kazoo (sasl_options, through pure-sasl), so the test JVM's own JAAS setup is
 * left alone. Passes against Corral and against ZooKeeper 3.9.5 with the same JAAS file.
 */
class SaslDigestTest {
    private static final Path JAAS = jaasFile();
    private static final long PROCESS_BOUND_S = 60;

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults()
            .withSystemProperty("java.security.auth.login.config", JAAS.toString())
            .withConfig("authProvider.1", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider")
            .withConfig("superUser", "admin"));

    private static Path jaasFile() {
        try {
            Path file = Files.createTempDirectory("corral-sasl-").resolve("jaas.conf");
            Files.writeString(file, """
                    Server {
                      org.apache.zookeeper.server.auth.DigestLoginModule required
                      user_bob="bobsecret"
                      user_admin="adminsecret";
                    };
                    """);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a kazoo script with the server's address and {@code user}/{@code password}; returns its output and exit. */
    private static String kazoo(String user, String password, String... body) throws Exception {
        String script = String.join("\n",
                "import sys",
                "from kazoo.client import KazooClient",
                "from kazoo.security import make_acl",
                "zk = KazooClient(hosts=sys.argv[1], timeout=20,",
                "                 sasl_options={'mechanism': 'DIGEST-MD5', 'username': sys.argv[2], 'password': sys.argv[3]})",
                "try:",
                "    zk.start(timeout=20)",
                "except Exception as e:",
                "    print('start failed: ' + type(e).__name__)",
                "    sys.exit(3)") + "\n" + String.join("\n", body) + "\nzk.stop()\n";
        Process kazoo = new ProcessBuilder(Toolchain.pythonWithKazoo(), "-c", script, server.connectString(), user, password)
                .redirectErrorStream(true).start();
        assertThat(kazoo.waitFor(PROCESS_BOUND_S, TimeUnit.SECONDS)).as("kazoo ends").isTrue();
        return "exit " + kazoo.exitValue() + "\n" + new String(kazoo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aJaasUserAuthenticatesAndASaslAclAdmitsOnlyThatUserAndTheSuperUser() throws Exception {
        String path = server.newRoot(server.zk()) + "/bob";
        String bob = kazoo("bob", "bobsecret",
                "zk.create('" + path + "', b'for bob', acl=[make_acl('sasl', 'bob', all=True)])",
                "print(zk.get('" + path + "')[0].decode())");
        assertThat(bob).startsWith("exit 0").contains("for bob");

        assertThatThrownBy(() -> server.zk().getData(path, false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        String admin = kazoo("admin", "adminsecret", "print(zk.get('" + path + "')[0].decode())");
        assertThat(admin).as("superUser=admin").startsWith("exit 0").contains("for bob");
    }

    @Test
    void aWrongPasswordFailsTheConnection() throws Exception {
        // The server answers the SASL step AUTHFAILED and closes the connection; kazoo's start has returned by
        // then (on both servers), and reports the failure as its AUTH_FAILED state.
        String output = kazoo("bob", "guess",
                "try:",
                "    zk.exists('/')",
                "    print('exists answered')",
                "except Exception as e:",
                "    print('exists failed: ' + type(e).__name__)");
        assertThat(output).contains("AUTH_FAILED").doesNotContain("exists answered");
    }
}
