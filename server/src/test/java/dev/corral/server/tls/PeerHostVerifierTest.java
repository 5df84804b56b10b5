package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which hosts a member's certificate names, as ZooKeeper 3.9.5's ZKHostnameVerifier decides it for
 * {@code ssl.quorum.hostnameVerification}: an address against iPAddress subjectAltNames, a name against
 * dNSName ones (case-insensitive, "*." for one label), and the subject's CN only when there is no
 * subjectAltName at all.
 */
class PeerHostVerifierTest {
    @TempDir
    static Path directory;
    private static TestCertificates certificates;

    @BeforeAll
    static void make() throws IOException {
        certificates = TestCertificates.generate(directory);
    }

    record Case(String identity, String host, boolean named) {
        @Override
        public String toString() {
            return identity + " names " + host + ": " + named;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // server: dNSName localhost, iPAddress 127.0.0.1.
                new Case("server", "127.0.0.1", true),
                new Case("server", "localhost", true),
                new Case("server", "LocalHost", true),
                new Case("server", "192.0.2.1", false),
                new Case("server", "other.example", false),
                new Case("server", "::1", false),
                // otherhost: dNSName other.example, iPAddress 192.0.2.1.
                new Case("otherhost", "192.0.2.1", true),
                new Case("otherhost", "other.example", true),
                new Case("otherhost", "127.0.0.1", false),
                new Case("otherhost", "localhost", false),
                // client: no subjectAltName, so its CN (client) is its only name.
                new Case("client", "client", true),
                new Case("client", "127.0.0.1", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aCertificateNamesTheHostsOfItsSubjectAltNames(Case c) throws Exception {
        assertThat(PeerHostVerifier.names(leaf(c.identity()), c.host())).isEqualTo(c.named());
    }

    record Wildcard(String pattern, String host, boolean matches) {}

    static Stream<Wildcard> wildcards() {
        return Stream.of(
                new Wildcard("*.example.com", "zk1.example.com", true),
                new Wildcard("*.example.com", "ZK1.Example.COM", true),
                // One label only, and never the bare domain.
                new Wildcard("*.example.com", "a.zk1.example.com", false),
                new Wildcard("*.example.com", "example.com", false),
                new Wildcard("zk1.example.com", "zk2.example.com", false));
    }

    @ParameterizedTest
    @MethodSource("wildcards")
    void aLeadingStarStandsForOneLabel(Wildcard w) {
        assertThat(PeerHostVerifier.dnsMatches(w.pattern(), w.host())).isEqualTo(w.matches());
    }

    private static X509Certificate leaf(String identity) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.file(identity + ".p12"))) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return (X509Certificate) store.getCertificate(identity);
    }
}
