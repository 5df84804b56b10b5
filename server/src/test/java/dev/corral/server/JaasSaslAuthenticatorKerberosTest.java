package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.node.SaslAuthenticator;
import dev.corral.server.sasl.AuthToLocal;
import dev.corral.server.sasl.PrincipalMapping;
import dev.corral.testkit.TestKdc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SASL GSSAPI on the client port against an in-process KDC: a JAAS Server section logging in with Krb5LoginModule
 * from a keytab, as ZooKeeper's documentation configures it, and the JDK's GSSAPI client as ZooKeeper's client
 * drives it. Runs in a JVM of its own (server/pom.xml, execution "kerberos"): Kerberos configuration is global.
 */
class JaasSaslAuthenticatorKerberosTest {
    private static final String REALM = TestKdc.REALM;
    private static TestKdc kdc;
    private static Path serverKeytab;
    private static Path aliceKeytab;
    private static Path zkcliKeytab;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startKdc() throws IOException {
        kdc = TestKdc.start(dir.resolve("kdc"), Duration.ofHours(1));
        assertThat(System.getProperty("java.security.krb5.conf")).isEqualTo(kdc.krb5Conf().toString());
        serverKeytab = kdc.keytab("zookeeper/localhost");
        aliceKeytab = kdc.keytab("alice");
        zkcliKeytab = kdc.keytab("zkcli/localhost");
    }

    @AfterAll
    static void stopKdc() {
        kdc.close();
    }

    private static Properties jaas(String content, Map<String, String> properties) throws IOException {
        Path file = Files.writeString(Files.createTempFile(dir, "jaas", ".conf"), content);
        Properties system = new Properties();
        system.setProperty(JaasSaslAuthenticator.JAAS_FILE, file.toString());
        properties.forEach(system::setProperty);
        return system;
    }

    private static JaasSaslAuthenticator server(Map<String, String> properties) throws IOException {
        return JaasSaslAuthenticator.load(jaas(TestKdc.jaasSection("Server", "zookeeper/localhost", serverKeytab), properties))
                .orElseThrow();
    }

    private static GssapiClient alice() throws Exception {
        return GssapiClient.login("alice@" + REALM, aliceKeytab, "zookeeper", "localhost");
    }

    @Test
    void aServiceTicketForTheServerPrincipalAuthenticatesTheClientAsItsPrincipal() throws Exception {
        try (JaasSaslAuthenticator server = server(Map.of())) {
            assertThat(server.mechanism()).isEqualTo("GSSAPI");
            assertThat(server.login().principal()).isEqualTo("zookeeper/localhost@" + REALM);
            server.prepare(1);
            assertThat(alice().authenticate(server, 1)).isEqualTo("alice@" + REALM);
        }
    }

    @Test
    void acceptingATicketNeedsNoKdcSoTheNodeLoopNeverWaitsForOne() throws Exception {
        try (JaasSaslAuthenticator server = server(Map.of())) {
            GssapiClient alice = alice();
            server.prepare(1);
            byte[] first = alice.initialToken(); // the client fetches its service ticket here
            int connections = kdc.connections();
            kdc.cut();
            try {
                assertThat(alice.finish(server, 1, first)).isEqualTo("alice@" + REALM);
            } finally {
                kdc.restore();
            }
            assertThat(kdc.connections()).as("no KDC request while the server accepted").isEqualTo(connections);
        }
    }

    record Case(String name, String principal, Map<String, String> properties, String id) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> mappings() {
        String rule = "RULE:[1:$1@$0](alice@EXAMPLE\\.COM)s/.*/admin/ DEFAULT";
        return Stream.of(
                // ZooKeeper's defaults: the whole principal.
                new Case("user principal", "alice", Map.of(), "alice@" + REALM),
                new Case("host principal", "zkcli/localhost", Map.of(), "zkcli/localhost@" + REALM),
                // zookeeper.kerberos.removeHostFromPrincipal / removeRealmFromPrincipal.
                new Case("host removed", "zkcli/localhost", Map.of(PrincipalMapping.REMOVE_HOST, "true"), "zkcli@" + REALM),
                new Case("realm removed", "zkcli/localhost", Map.of(PrincipalMapping.REMOVE_REALM, "true"), "zkcli/localhost"),
                new Case("both removed", "zkcli/localhost",
                        Map.of(PrincipalMapping.REMOVE_HOST, "true", PrincipalMapping.REMOVE_REALM, "true"), "zkcli"),
                new Case("only \"true\" turns an option on", "zkcli/localhost", Map.of(PrincipalMapping.REMOVE_HOST, "yes"),
                        "zkcli/localhost@" + REALM),
                // zookeeper.security.auth_to_local: the short name replaces the first component.
                new Case("auth_to_local rule", "alice", Map.of(AuthToLocal.PROPERTY, rule), "admin@" + REALM),
                new Case("auth_to_local rule and realm removed", "alice",
                        Map.of(AuthToLocal.PROPERTY, rule, PrincipalMapping.REMOVE_REALM, "true"), "admin"),
                new Case("no rule applies: the principal itself", "alice", Map.of(AuthToLocal.PROPERTY, "RULE:[2:$1@$0]"),
                        "alice@" + REALM));
    }

    @ParameterizedTest
    @MethodSource("mappings")
    void theIdIsThePrincipalMappedAsZooKeeperMapsIt(Case row) throws Exception {
        Path keytab = row.principal().equals("alice") ? aliceKeytab : zkcliKeytab;
        try (JaasSaslAuthenticator server = server(row.properties())) {
            GssapiClient client = GssapiClient.login(row.principal() + "@" + REALM, keytab, "zookeeper", "localhost");
            assertThat(client.authenticate(server, 1)).isEqualTo(row.id());
        }
    }

    @Test
    void aTicketForAnotherServicePrincipalIsRefusedEvenWithItsKeyInTheKeytab() throws Exception {
        // One keytab with the keys of two services; the section's principal is the first.
        Path keytab = kdc.keytab("two-services.keytab", "zookeeper/hosta", "zookeeper/hostb");
        Properties system = jaas(TestKdc.jaasSection("Server", "zookeeper/hosta", keytab), Map.of());
        try (JaasSaslAuthenticator server = JaasSaslAuthenticator.load(system).orElseThrow()) {
            GssapiClient otherHost = GssapiClient.login("alice@" + REALM, aliceKeytab, "zookeeper", "hostb");
            assertThatThrownBy(() -> otherHost.authenticate(server, 1)).isInstanceOf(SaslAuthenticator.Refused.class);
            GssapiClient unknownKey = GssapiClient.login("alice@" + REALM, aliceKeytab, "zookeeper", "localhost");
            assertThatThrownBy(() -> unknownKey.authenticate(server, 2)).isInstanceOf(SaslAuthenticator.Refused.class);
            GssapiClient right = GssapiClient.login("alice@" + REALM, aliceKeytab, "zookeeper", "hosta");
            assertThat(right.authenticate(server, 3)).isEqualTo("alice@" + REALM);
        }
    }

    @Test
    void aBadTokenIsRefusedWithoutHarmingAnotherConnectionsExchange() throws Exception {
        try (JaasSaslAuthenticator server = server(Map.of())) {
            GssapiClient alice = alice();
            SaslAuthenticator.Step started = server.evaluate(1, alice.initialToken());
            assertThat(started.authorizationId()).isNull();

            assertThatThrownBy(() -> server.evaluate(2, new byte[] {0x60, 0x01, 0x00})).isInstanceOf(SaslAuthenticator.Refused.class);
            assertThatThrownBy(() -> server.evaluate(3, new byte[0])).as("DIGEST-MD5's empty first token")
                    .isInstanceOf(SaslAuthenticator.Refused.class);
            // A replayed first token of connection 1 on another connection: the JDK's replay cache refuses it.
            assertThatThrownBy(() -> server.evaluate(4, alice.initialToken())).isInstanceOf(SaslAuthenticator.Refused.class);

            assertThat(alice.finish(server, 1, alice.answer(started.response())))
                    .as("connection 1 carries on").isEqualTo("alice@" + REALM);
            assertThat(alice().authenticate(server, 5)).isEqualTo("alice@" + REALM);
        }
    }

    @Test
    void aSectionWithKerberosAndDigestUsersSpeaksGssapiOnlyAsZooKeeperDoes() throws Exception {
        String section = TestKdc.jaasSection("Server", "zookeeper/localhost", serverKeytab).replace("};\n",
                "  org.apache.zookeeper.server.auth.DigestLoginModule required\n  user_bob=\"bobsecret\";\n};\n");
        try (JaasSaslAuthenticator server = JaasSaslAuthenticator.load(jaas(section, Map.of())).orElseThrow()) {
            assertThat(server.mechanism()).isEqualTo("GSSAPI");
            assertThatThrownBy(() -> server.evaluate(1, new byte[0])).as("a DIGEST-MD5 client's first token")
                    .isInstanceOf(SaslAuthenticator.Refused.class);
            assertThat(alice().authenticate(server, 2)).isEqualTo("alice@" + REALM);
        }
    }

    @Test
    void aLoginThatFailsStopsTheStartNamingTheSectionAndFile() throws Exception {
        Properties wrongKeytab = jaas(TestKdc.jaasSection("Server", "zookeeper/localhost", aliceKeytab), Map.of());
        assertThatThrownBy(() -> JaasSaslAuthenticator.load(wrongKeytab)).isInstanceOf(IOException.class)
                .hasMessageContaining("section 'Server'").hasMessageContaining(wrongKeytab.getProperty(JaasSaslAuthenticator.JAAS_FILE));
        Properties unknownModule = jaas("Server {\n  org.example.NoSuchLoginModule required;\n};\n", Map.of());
        assertThatThrownBy(() -> JaasSaslAuthenticator.load(unknownModule)).isInstanceOf(IOException.class)
                .hasMessageContaining("section 'Server'");
    }

    @Test
    void aServerPrincipalWithoutAHostStopsTheStart() throws Exception {
        Properties system = jaas(TestKdc.jaasSection("Server", "alice", aliceKeytab), Map.of());
        assertThatThrownBy(() -> JaasSaslAuthenticator.load(system)).isInstanceOf(IOException.class)
                .hasMessageContaining("alice@" + REALM).hasMessageContaining("no host part");
    }
}
