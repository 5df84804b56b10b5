package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.HttpProbe;
import dev.corral.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An admin request authenticated by its TLS client certificate ({@code Authorization: x509}), as ZooKeeper
 * 3.9.5's X509AuthenticationProvider#handleAuthentication(HttpServletRequest) does it: the admin port over
 * TLS only with {@code admin.needClientAuth=true} (the only way a certificate reaches it), the chain checked
 * against the client port's trust store, the subject as the x509 id and the configured super user as super.
 * Authentication is enforced and the root's ACL grants ALL to the subject of client.p12 only.
 */
class AdminX509Test {
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static CorralServer server;
    static ZooKeeper owner;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.generate(dir.resolve("certs"));
        Properties cfg = TlsTestConfig.secureClientPortAndStores(certs);
        cfg.setProperty("admin.forceHttps", "true");
        cfg.setProperty("admin.needClientAuth", "true");
        cfg.setProperty("X509AuthenticationProvider.superUser", TestCertificates.CLIENT2_SUBJECT);
        cfg.setProperty("enforce.auth.enabled", "true");
        cfg.setProperty("enforce.auth.schemes", "x509,digest");
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir.resolve("data"))
                .withHttp(new ServerConfig.HttpEndpoint("127.0.0.1", 0), null);
        server = new CorralServer(config, e -> { });
        server.start();
        owner = Connected.zk(server.port());
        owner.addAuthInfo("digest", "owner:secret".getBytes(StandardCharsets.UTF_8));
        // A mutable list: the client asks it whether it contains null, which List.of refuses to answer.
        owner.setACL("/", new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCertificates.CLIENT_SUBJECT)))), -1);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        owner.close();
        server.close();
    }

    record Case(String name, String keyStore, String authorization, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> requests() {
        return Stream.of(
                new Case("the subject the root's ACL names", "client.p12", "x509", 200),
                new Case("the x509 super user", "client2.p12", "x509", 200),
                new Case("a trusted subject the ACL does not name, as digest", "client.p12", "digest bob:secret", 403),
                new Case("a certificate without the header", "client.p12", null, 401),
                new Case("the ACL's subject, as ip", "client.p12", "ip", 403));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void theClientCertificateIsTheX509IdentityOfAnAdminRequest(Case c) throws Exception {
        HttpProbe.Answer answer = HttpProbe.send(HttpProbe.Transport.tls(certs, c.keyStore()), server.adminPort(), "GET", "/commands/dump",
                c.authorization());
        assertThat(answer.status()).as(answer.body()).isEqualTo(c.status());
    }
}
