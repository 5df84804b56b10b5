package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.client.CorralClient;
import dev.corral.client.KeeperException;
import dev.corral.testkit.TestCertificates;
import dev.corral.testkit.TlsProbe;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A console login over an HTTPS admin port carries the x509 identity of the browser's TLS client certificate
 * into its ZooKeeper session ({@link ConsoleCertificateGrant}), so an ACL with scheme x509 applies to the
 * console as to a client presenting that certificate. The admin port takes TLS (a certificate is needed) and
 * plain HTTP (none) on one port; the client port has a TLS side, which registers the x509 scheme. /secret
 * can be read only by the subject of client.p12 (and its owner).
 */
class ConsoleX509Test {
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static CorralServer server;
    static ZooKeeper owner;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.generate(dir.resolve("certs"));
        Properties cfg = TlsTestConfig.secureClientPortAndStores(certs);
        cfg.setProperty("admin.portUnification", "true");
        cfg.setProperty("admin.needClientAuth", "true");
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir.resolve("data"))
                .withHttp(new ServerConfig.HttpEndpoint("127.0.0.1", 0), null).withConsole(new ServerConfig.Console(true, true));
        server = new CorralServer(config, e -> { });
        server.start();
        owner = Connected.zk(server.port());
        owner.addAuthInfo("digest", "owner:secret".getBytes(StandardCharsets.UTF_8));
        owner.create("/secret", "only for client".getBytes(StandardCharsets.UTF_8), new ArrayList<>(List.of(
                new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCertificates.CLIENT_SUBJECT)),
                new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest("owner:secret"))))),
                CreateMode.PERSISTENT);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        owner.close();
        server.close();
    }

    /** A browser over HTTPS with {@code keyStore}'s certificate, or over plain HTTP on the same port for null. */
    static ConsoleHttp browser(String keyStore) throws Exception {
        return keyStore == null ? new ConsoleHttp(server.adminPort())
                : ConsoleHttp.overTls(server.adminPort(), TlsProbe.context(certs, keyStore));
    }

    record Case(String name, String keyStore, String identity, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> browsers() {
        return Stream.of(
                new Case("the certificate the ACL names", "client.p12", "x509:" + TestCertificates.CLIENT_SUBJECT, 200),
                new Case("another trusted certificate", "client2.p12", "x509:" + TestCertificates.CLIENT2_SUBJECT, 403),
                new Case("no certificate (plain HTTP)", null, "anyone", 403));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("browsers")
    void aConsoleLoginIsTheX509IdentityOfItsBrowsersCertificate(Case c) throws Exception {
        ConsoleHttp console = browser(c.keyStore()).open();
        assertThat(console.get("session", Map.of()).json().get("identity").asText()).isEqualTo(c.identity());
        ConsoleHttp.Answer answer = console.get("znode", Map.of("path", "/secret"));
        assertThat(answer.status()).as(answer.json().toString()).isEqualTo(c.status());
        if (c.status() == 200) {
            assertThat(answer.json().get("text").asText()).isEqualTo("only for client");
        } else {
            assertThat(answer.json().get("code").asText()).isEqualTo("NoAuth");
        }
    }

    @Test
    void theLoginCookieIsSecureOverHttpsOnly() throws Exception {
        assertThat(browser("client.p12").open().setCookie).contains("; Secure");
        assertThat(browser(null).open().setCookie).doesNotContain("Secure");
    }

    @Test
    void aDigestLoginKeepsTheCertificatesIdentityBesideIt() throws Exception {
        ConsoleHttp console = browser("client.p12").open();
        ConsoleHttp.Answer login = console.login("bob", "pw");
        assertThat(login.json().get("identity").asText()).isEqualTo("x509:" + TestCertificates.CLIENT_SUBJECT + ", digest:bob");
        assertThat(console.get("znode", Map.of("path", "/secret")).status()).isEqualTo(200);
    }

    @Test
    void aLoginServesOnlyRequestsWithTheCertificateItWasOpenedWith() throws Exception {
        ConsoleHttp holder = browser("client.p12").open();
        ConsoleHttp thief = browser("client2.p12");
        thief.cookie = holder.cookie;
        assertThat(thief.get("znode", Map.of("path", "/secret")).status()).isEqualTo(401);
        ConsoleHttp plain = browser(null);
        plain.cookie = holder.cookie;
        assertThat(plain.get("znode", Map.of("path", "/secret")).status()).isEqualTo(401);
        assertThat(holder.get("znode", Map.of("path", "/secret")).status()).isEqualTo(200);
    }

    /** The console's client resumes its session on a new connection after a fault: the identity is given to it again. */
    @Test
    void aResumedConnectionGetsTheCertificatesIdentityAgain() throws Exception {
        ConsoleHttp console = browser("client.p12").open();
        assertThat(console.get("znode", Map.of("path", "/secret")).status()).isEqualTo(200);
        long session = Long.parseUnsignedLong(console.get("session", Map.of()).json().get("sessionId").asText().substring(2), 16);
        server.dropConnectionsOf(session);
        // ConnectionLoss (503) while it reconnects; NoAuth (403) would stay if the new connection lacked the identity.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> console.get("znode", Map.of("path", "/secret")).status() == 200);
        assertThat(Long.parseUnsignedLong(console.get("session", Map.of()).json().get("sessionId").asText().substring(2), 16))
                .isEqualTo(session);
    }

    /**
     * A client of the client port cannot get the identity the console gets: the x509 scheme is refused in an
     * auth packet, and the grant matches only the connection from the console client's own socket that also
     * carries the console's session. The last grant, of the client's own connection and session, is the
     * control: it shows that the match, not something else, is what kept the identity from it.
     */
    @Test
    void aNetworkClientCannotObtainTheConsolesIdentity() throws Exception {
        ConsoleHttp console = browser("client.p12").open();
        long consoleSession = Long.parseUnsignedLong(console.get("session", Map.of()).json().get("sessionId").asText().substring(2), 16);
        try (CorralClient forger = CorralClient.connect("127.0.0.1:" + server.port(), 10_000, e -> { })) {
            assertThatThrownBy(() -> forger.addAuth("x509", TestCertificates.CLIENT_SUBJECT.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(KeeperException.class);
        }
        try (CorralClient client = CorralClient.connect("127.0.0.1:" + server.port(), 10_000, e -> { })) {
            InetSocketAddress own = client.localAddress();
            InetSocketAddress otherPort = new InetSocketAddress(own.getAddress(), own.getPort() == 65535 ? 1 : own.getPort() + 1);
            assertThat(grant(own, consoleSession)).as("its socket with the console's session").isFalse();
            assertThat(grant(otherPort, client.sessionId())).as("its session from another socket").isFalse();
            assertThat(readsSecret(client)).isFalse();
            assertThat(grant(own, client.sessionId())).as("the control: its own socket and session").isTrue();
            assertThat(readsSecret(client)).isTrue();
        }
    }

    private static boolean grant(InetSocketAddress side, long sessionId) throws Exception {
        return server.grantConsoleCertificate(side, sessionId, TestCertificates.CLIENT_SUBJECT).get(10, TimeUnit.SECONDS);
    }

    private static boolean readsSecret(CorralClient client) throws InterruptedException {
        try {
            client.getData("/secret", false);
            return true;
        } catch (KeeperException e) {
            assertThat(e.codeName()).isEqualTo("NoAuth");
            return false;
        }
    }
}
