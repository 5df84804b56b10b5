package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.testkit.TestKdc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, item 2: SASL with Kerberos (GSSAPI) on the client port, as ZooKeeper 3.9.5's documentation configures it:
 * the server's JAAS Server section logs in with Krb5LoginModule from the keytab of zookeeper/localhost, and the
 * official Java client's section logs in as alice or bob from theirs; the client asks for a ticket for
 * zookeeper/&lt;the canonical name of 127.0.0.1&gt;, that is zookeeper/localhost. An in-process KDC (testkit's
 * TestKdc) serves both; the server process gets its krb5.conf with -Djava.security.krb5.conf.
 *
 * <p>Passes against Corral and against ZooKeeper 3.9.5 with the same KDC, keytabs and files. Runs in a JVM of its
 * own (compat/pom.xml, executions "kerberos"): the client's JAAS and Kerberos configuration are JVM-global.
 */
class SaslKerberosTest {
    private static final String REALM = TestKdc.REALM;
    private static final Duration SASL_BOUND = Duration.ofSeconds(30);
    private static final Kerberos KERBEROS = Kerberos.start();

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults()
            .withSystemProperty("java.security.auth.login.config", KERBEROS.serverJaas.toString())
            .withSystemProperty("java.security.krb5.conf", KERBEROS.kdc.krb5Conf().toString())
            .withConfig("authProvider.1", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider"));

    /** The KDC, the keytabs and the two JAAS files; the client's is set for this JVM before any client starts. */
    private record Kerberos(TestKdc kdc, Path serverJaas) {
        static Kerberos start() {
            try {
                Path dir = Files.createTempDirectory("corral-kerberos-");
                TestKdc kdc = TestKdc.start(dir.resolve("kdc"), Duration.ofHours(1));
                // The server's section offers a DIGEST-MD5 user too, which a Kerberos login leaves unused.
                Path serverJaas = Files.writeString(dir.resolve("server-jaas.conf"),
                        TestKdc.jaasSection("Server", "zookeeper/localhost", kdc.keytab("zookeeper/localhost")).replace("};\n",
                                "  org.apache.zookeeper.server.auth.DigestLoginModule required\n  user_carol=\"carolsecret\";\n};\n"));
                Path clientJaas = Files.writeString(dir.resolve("client-jaas.conf"),
                        TestKdc.jaasSection("AliceClient", "alice", kdc.keytab("alice"))
                                + TestKdc.jaasSection("BobClient", "bob", kdc.keytab("bob"))
                                + """
                                CarolClient {
                                  org.apache.zookeeper.server.auth.DigestLoginModule required
                                  username="carol"
                                  password="carolsecret";
                                };
                                """);
                // Both the property and the loaded configuration: an earlier class of this JVM may have loaded another.
                System.setProperty("java.security.auth.login.config", clientJaas.toString());
                javax.security.auth.login.Configuration.setConfiguration(javax.security.auth.login.Configuration.getInstance(
                        "JavaLoginConfig", new java.security.URIParameter(clientJaas.toUri())));
                return new Kerberos(kdc, serverJaas);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @AfterAll
    static void stopKdc() {
        KERBEROS.kdc().close();
    }

    /** A client logging in from JAAS section {@code section} (null: SASL off), once its SASL exchange has ended. */
    private static ZooKeeper client(String section) throws Exception {
        return client(section, Watcher.Event.KeeperState.SaslAuthenticated);
    }

    /** A client logging in from JAAS section {@code section} (null: SASL off), once it has had {@code state}. */
    private static ZooKeeper client(String section, Watcher.Event.KeeperState state) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        // ZooKeeper's client makes no DIGEST-MD5 exchange in its default FIPS mode.
        config.setProperty("zookeeper.fips-mode", "false");
        if (section == null) {
            config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        } else {
            config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        }
        CountDownLatch authenticated = new CountDownLatch(1);
        ZooKeeper zk = server.clients().zk(server.connectString(), 10_000, event -> {
            if (event.getState() == state) {
                authenticated.countDown();
            }
        }, config);
        if (section != null) {
            assertThat(authenticated.await(SASL_BOUND.toSeconds(), TimeUnit.SECONDS)).as(section + ": " + state).isTrue();
        }
        return zk;
    }

    private static List<String> whoAmI(ZooKeeper zk) throws Exception {
        return zk.whoAmI().stream().map((ClientInfo info) -> info.getAuthScheme() + ":" + info.getUser()).toList();
    }

    @Test
    void theSessionIsItsPrincipalOfSchemeSasl() throws Exception {
        assertThat(whoAmI(client("AliceClient"))).containsExactlyInAnyOrder("ip:127.0.0.1", "sasl:alice@" + REALM);
        assertThat(whoAmI(client("BobClient"))).containsExactlyInAnyOrder("ip:127.0.0.1", "sasl:bob@" + REALM);
    }

    @Test
    void aSaslAclAdmitsItsPrincipalAndRefusesAnother() throws Exception {
        ZooKeeper alice = client("AliceClient");
        String path = server.newRoot(alice) + "/alice";
        alice.create(path, "for alice".getBytes(StandardCharsets.UTF_8),
                new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "alice@" + REALM)))), CreateMode.PERSISTENT);
        assertThat(new String(alice.getData(path, false, null), StandardCharsets.UTF_8)).isEqualTo("for alice");

        ZooKeeper bob = client("BobClient");
        assertThatThrownBy(() -> bob.getData(path, false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        ZooKeeper anonymous = client(null);
        assertThatThrownBy(() -> anonymous.getData(path, false, null)).isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void aDigestMd5ClientFailsForTheServerSpeaksOnlyGssapiOnceItLogsInWithKerberos() throws Exception {
        ZooKeeper carol = client("CarolClient", Watcher.Event.KeeperState.AuthFailed);
        assertThatThrownBy(() -> carol.exists("/", false)).isInstanceOf(KeeperException.class);
    }
}
