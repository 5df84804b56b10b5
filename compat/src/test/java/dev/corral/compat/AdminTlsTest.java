package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.HttpProbe;
import dev.corral.testkit.TestCertificates;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admin HTTP server over TLS, configured as ZooKeeper 3.9.5's JettyAdminServer reads it: the quorum's
 * key and trust stores ({@code ssl.quorum.*}; no {@code ssl.*} store is set, so a server that took the client
 * port's would have none), {@code admin.portUnification} (TLS and plain HTTP on one port),
 * {@code admin.forceHttps} (TLS only) and {@code admin.needClientAuth}. An answer over TLS carries Jetty's
 * Strict-Transport-Security header. Passes against Corral and against ZooKeeper 3.9.5 (whose Jetty 9.4 this
 * module has as a test dependency) with the same certificates.
 */
class AdminTlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestCertificates CERTS = TlsClients.certificates("corral-admin-tls-");
    private static final int UNIFIED_PORT = TlsClients.freePort();
    private static final int FORCED_PORT = TlsClients.freePort();

    @RegisterExtension
    static final CompatServer unified = CompatServer.perClass(admin(UNIFIED_PORT)
            .withConfig("admin.portUnification", "true"));

    @RegisterExtension
    static final CompatServer forced = CompatServer.perClass(admin(FORCED_PORT)
            .withConfig("admin.forceHttps", "true")
            .withConfig("admin.needClientAuth", "true"));

    private static ServerSpec admin(int port) {
        return ServerSpec.defaults()
                .withConfig("admin.enableServer", "true")
                .withConfig("admin.serverAddress", "127.0.0.1")
                .withConfig("admin.serverPort", String.valueOf(port))
                .withConfig("ssl.quorum.keyStore.location", CERTS.file("server.p12").toString())
                .withConfig("ssl.quorum.keyStore.password", TestCertificates.PASSWORD)
                .withConfig("ssl.quorum.trustStore.location", CERTS.file("truststore.p12").toString())
                .withConfig("ssl.quorum.trustStore.password", TestCertificates.PASSWORD);
    }

    record Case(String name, int port, HttpProbe.Transport transport) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> served() {
        return Stream.of(
                new Case("unified port, TLS without a certificate", UNIFIED_PORT, HttpProbe.Transport.tls(CERTS, null)),
                new Case("unified port, TLS with a certificate", UNIFIED_PORT, HttpProbe.Transport.tls(CERTS, "client.p12")),
                new Case("unified port, plain HTTP", UNIFIED_PORT, HttpProbe.Transport.PLAIN),
                new Case("forced TLS with a trusted certificate", FORCED_PORT, HttpProbe.Transport.tls(CERTS, "client.p12")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("served")
    void ruokIsServedWithTheQuorumCertificateAndHstsOverTls(Case c) throws Exception {
        HttpProbe.Answer answer = HttpProbe.send(c.transport(), c.port(), "GET", "/commands/ruok", null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("command").asText()).isEqualTo("ruok");
        if (c.transport().certs() == null) {
            assertThat(answer.headers()).doesNotContainKey("strict-transport-security");
        } else {
            assertThat(answer.serverSubject()).isEqualTo("CN=localhost,OU=test,O=Corral");
            assertThat(answer.headers()).containsEntry("strict-transport-security", "max-age=86400; includeSubDomains");
        }
    }

    static Stream<Case> refused() {
        return Stream.of(
                new Case("forced TLS, plain HTTP", FORCED_PORT, HttpProbe.Transport.PLAIN),
                new Case("forced TLS needing a certificate, none", FORCED_PORT, HttpProbe.Transport.tls(CERTS, null)),
                new Case("forced TLS needing a certificate, an untrusted one", FORCED_PORT, HttpProbe.Transport.tls(CERTS, "untrusted.p12")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void aRequestTheAdminPortMustRefuseGetsNoAnswer(Case c) {
        assertThatThrownBy(() -> HttpProbe.send(c.transport(), c.port(), "GET", "/commands/ruok", null)).isInstanceOf(IOException.class);
    }

    @Test
    void bothServersServeTheirClientPortAsUsual() throws Exception {
        assertThat(unified.zk().exists("/", false)).isNotNull();
        assertThat(forced.zk().exists("/", false)).isNotNull();
    }
}
