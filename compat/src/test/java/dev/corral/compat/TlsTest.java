package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.testkit.TestCertificates;
import dev.corral.testkit.TlsProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client port over TLS as ZooKeeper 3.9 users configure it, with certificates this test makes: a
 * secureClientPort beside the plain port, client.portUnification on the plain port, ssl.clientAuth at its
 * default (need), PKCS12 stores on the server. Clients: the official Java client (PKCS12 and PEM stores),
 * a JDK TLS socket, {@code openssl s_client} and kazoo. Passes against Corral and against ZooKeeper 3.9.5
 * ({@code -Dcompat.target=zookeeper}) with the same certificates.
 */
class TlsTest {
    private static final TestCertificates CERTS = TlsClients.certificates("corral-tls-");
    private static final int SECURE_PORT = TlsClients.freePort();
    private static final long PROCESS_BOUND_S = 60;

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults()
            // ZooKeeper needs its Netty connection factory for TLS; Corral accepts the key.
            .withConfig("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory")
            .withConfig("secureClientPort", String.valueOf(SECURE_PORT))
            .withConfig("secureClientPortAddress", "127.0.0.1")
            .withConfig("client.portUnification", "true")
            .withConfig("ssl.keyStore.location", CERTS.file("server.p12").toString())
            .withConfig("ssl.keyStore.password", TestCertificates.PASSWORD)
            .withConfig("ssl.trustStore.location", CERTS.file("truststore.p12").toString())
            .withConfig("ssl.trustStore.password", TestCertificates.PASSWORD));

    private static String secure() {
        return "127.0.0.1:" + SECURE_PORT;
    }

    @Test
    void officialClientReadsAndWritesOverTheSecureClientPort() throws Exception {
        ZooKeeper zk = server.clients().zk(secure(), TlsClients.official(CERTS, "client.p12", "truststore.p12"));
        String root = server.newRoot(zk);
        zk.create(root + "/a", "over tls".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(new String(server.zk().getData(root + "/a", false, null), StandardCharsets.UTF_8)).isEqualTo("over tls");
    }

    @Test
    void officialClientWithPemStoresConnects() throws Exception {
        ZooKeeper zk = server.clients().zk(secure(), TlsClients.official(CERTS, "client.pem", "ca.pem"));
        assertThat(zk.exists("/", false)).isNotNull();
    }

    @Test
    void portUnificationTakesTlsClientsOnThePlainClientPort() throws Exception {
        ZooKeeper secureZk = server.clients().zk(server.connectString(), TlsClients.official(CERTS, "client.jks", "truststore.jks"));
        String root = server.newRoot(secureZk);
        assertThat(server.zk().exists(root, false)).isNotNull();
        assertThat(TlsProbe.fourLetterWord(CERTS, "client.p12", server.port(), "srvr")).startsWith("Zookeeper version: ");
    }

    @Test
    void fourLetterWordAnswersOverTls() throws Exception {
        assertThat(TlsProbe.fourLetterWord(CERTS, "client.p12", SECURE_PORT, "srvr")).startsWith("Zookeeper version: ")
                .contains("Mode: standalone");
    }

    @Test
    void clientWithoutCertificateIsRefusedByDefault() {
        // ssl.clientAuth defaults to need (X509Util.ClientAuth#fromPropertyValue).
        assertThatThrownBy(() -> TlsProbe.fourLetterWord(CERTS, null, SECURE_PORT, "srvr")).isInstanceOf(IOException.class);
    }

    @Test
    void clientCertificateTheTrustStoreDoesNotVouchForIsRefused() {
        assertThatThrownBy(() -> TlsProbe.fourLetterWord(CERTS, "untrusted.p12", SECURE_PORT, "srvr")).isInstanceOf(IOException.class);
    }

    @Test
    void opensslClientVerifiesTheServerAndGetsAnAnswer() throws Exception {
        // A missing toolchain fails, never skips: .ci/run installs openssl (Debian package openssl).
        assertThat(Toolchain.probe(List.of("openssl", "version"))).as("openssl is needed: apt-get install openssl").isNotNull();
        Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", secure(), "-CAfile", CERTS.file("ca.pem").toString(),
                "-cert", CERTS.file("client.pem").toString(), "-key", CERTS.file("client.pem").toString(), "-verify_return_error",
                "-verify_ip", "127.0.0.1", "-quiet").redirectErrorStream(true).start();
        openssl.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
        openssl.getOutputStream().close();
        assertThat(openssl.waitFor(PROCESS_BOUND_S, TimeUnit.SECONDS)).as("openssl s_client ends").isTrue();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("Zookeeper version: ");
    }

    @Test
    void kazooWorksOverTls() throws Exception {
        String python = Toolchain.pythonWithKazoo();
        String script = String.join("\n",
                "import sys",
                "from kazoo.client import KazooClient",
                "zk = KazooClient(hosts=sys.argv[1], use_ssl=True, ca=sys.argv[2], certfile=sys.argv[3], keyfile=sys.argv[3],",
                "                 verify_certs=True, timeout=20)",
                "zk.start(timeout=20)",
                "zk.create('/kazoo-tls', b'kazoo over tls', makepath=True)",
                "print(zk.get('/kazoo-tls')[0].decode())",
                "zk.stop()");
        Process kazoo = new ProcessBuilder(python, "-c", script, secure(), CERTS.file("ca.pem").toString(),
                CERTS.file("client.pem").toString()).redirectErrorStream(true).start();
        assertThat(kazoo.waitFor(PROCESS_BOUND_S, TimeUnit.SECONDS)).as("kazoo ends").isTrue();
        String output = new String(kazoo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kazoo.exitValue()).as(output).isZero();
        assertThat(output).contains("kazoo over tls");
        assertThat(server.zk().exists("/kazoo-tls", false)).isNotNull();
    }
}
