package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.testkit.TestCertificates;
import dev.corral.testkit.TlsProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client port over TLS, in process: secureClientPort and client.portUnification with ZooKeeper 3.9's
 * ssl.* keys, key and trust stores in each format ZooKeeper reads, ssl.clientAuth, and stores replaced on
 * disk under a running server. The official client is configured as ZooKeeper's documentation says
 * (zookeeper.client.secure, ClientCnxnSocketNetty, zookeeper.ssl.*); handshakes that must fail are made
 * with the JDK's own TLS socket, which reports the failure at once instead of retrying.
 */
class TlsClientPortTest {
    private static final int BOUND_S = 20;

    @TempDir
    static Path certificates;
    @TempDir
    Path dir;
    private static TestCertificates certs;
    private static TestCertificates otherCerts;
    private CorralServer server;

    @BeforeAll
    static void makeCertificates() throws IOException {
        certs = TestCertificates.generate(certificates.resolve("a"));
        otherCerts = TestCertificates.generate(certificates.resolve("b"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    record StoreCase(String name, String keyStore, String trustStore, String type) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<StoreCase> storeFormats() {
        return Stream.of(
                // The type follows from the extension, as KeyStoreFileType#fromFilename says.
                new StoreCase("PKCS12 by extension", "server.p12", "truststore.p12", null),
                new StoreCase("JKS by extension", "server.jks", "truststore.jks", null),
                new StoreCase("PEM by extension: key and chain in one file, CA certificates", "server.pem", "ca.pem", null),
                // Named by ssl.*.type, in any case, whatever the file is called.
                new StoreCase("PKCS12 named by type", "server.p12", "truststore.p12", "pkcs12"),
                new StoreCase("PEM named by type", "server.pem", "ca.pem", "Pem"));
    }

    @ParameterizedTest
    @MethodSource("storeFormats")
    void officialClientWorksOverTheSecurePortWithEachStoreFormat(StoreCase format) throws Exception {
        Path keyStore = certs.file(format.keyStore());
        Path trustStore = certs.file(format.trustStore());
        if (format.type() != null) {
            keyStore = Files.copy(keyStore, dir.resolve("keys.store"));
            trustStore = Files.copy(trustStore, dir.resolve("trust.store"));
        }
        Properties cfg = tls(keyStore, trustStore, format.type());
        cfg.setProperty("secureClientPort", "0");
        start(cfg);

        try (ZooKeeper zk = connect(server.securePort(), secureClient(certs, "client.p12"))) {
            zk.create("/over-tls", "secret".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        try (ZooKeeper plain = connect(server.port(), new ZKClientConfig())) {
            assertThat(new String(plain.getData("/over-tls", false, null), StandardCharsets.UTF_8)).isEqualTo("secret");
        }
    }

    record AuthCase(String clientAuth, String clientKeyStore, boolean served) {}

    static Stream<AuthCase> clientAuthentication() {
        return Stream.of(
                // need (ZooKeeper's default): only a client with a certificate the trust store vouches for.
                new AuthCase(null, "client.p12", true),
                new AuthCase(null, null, false),
                new AuthCase("need", "untrusted.p12", false),
                // want: a certificate is asked for, and a client without one is served all the same.
                new AuthCase("want", null, true),
                new AuthCase("want", "client.p12", true),
                // none: no certificate is asked for.
                new AuthCase("none", null, true));
    }

    @ParameterizedTest
    @MethodSource("clientAuthentication")
    void clientAuthDecidesWhichClientsAreServed(AuthCase auth) throws Exception {
        Properties cfg = tls(certs.file("server.p12"), certs.file("truststore.p12"), null);
        cfg.setProperty("secureClientPort", "0");
        cfg.setProperty("4lw.commands.whitelist", "srvr");
        if (auth.clientAuth() != null) {
            cfg.setProperty("ssl.clientAuth", auth.clientAuth());
        }
        start(cfg);
                if (auth.served()) {
            assertThat(TlsProbe.fourLetterWord(certs, auth.clientKeyStore(), server.securePort(), "srvr")).startsWith("Zookeeper version: ");
        } else {
            assertThatThrownBy(() -> TlsProbe.fourLetterWord(certs, auth.clientKeyStore(), server.securePort(), "srvr")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void portUnificationServesTlsAndPlainClientsOnTheClientPort() throws Exception {
        Properties cfg = tls(certs.file("server.jks"), certs.file("truststore.jks"), null);
        cfg.setProperty("client.portUnification", "true");
        cfg.setProperty("4lw.commands.whitelist", "srvr");
        start(cfg);
        assertThat(server.securePort()).isEqualTo(-1);

        try (ZooKeeper secure = connect(server.port(), secureClient(certs, "client.jks"));
                ZooKeeper plain = connect(server.port(), new ZKClientConfig())) {
            secure.create("/unified", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(plain.exists("/unified", false)).isNotNull();
        }
        assertThat(TlsProbe.fourLetterWord(certs, "client.p12", server.port(), "srvr")).startsWith("Zookeeper version: ");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("Zookeeper version: ");
        }
    }

    @Test
    void storesReplacedOnDiskServeTheNextConnection() throws Exception {
        Path keyStore = Files.copy(certs.file("server.p12"), dir.resolve("live-server.p12"));
        Path trustStore = Files.copy(certs.file("truststore.p12"), dir.resolve("live-trust.p12"));
        Properties cfg = tls(keyStore, trustStore, null);
        cfg.setProperty("secureClientPort", "0");
        cfg.setProperty("4lw.commands.whitelist", "srvr");
        start(cfg);
        assertThat(TlsProbe.fourLetterWord(certs, "client.p12", server.securePort(), "srvr")).startsWith("Zookeeper version: ");
        assertThatThrownBy(() -> TlsProbe.fourLetterWord(otherCerts, "client.p12", server.securePort(), "srvr")).isInstanceOf(IOException.class);

        Files.copy(otherCerts.file("server.p12"), keyStore, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(otherCerts.file("truststore.p12"), trustStore, StandardCopyOption.REPLACE_EXISTING);

        assertThat(TlsProbe.fourLetterWord(otherCerts, "client.p12", server.securePort(), "srvr")).startsWith("Zookeeper version: ");
        assertThatThrownBy(() -> TlsProbe.fourLetterWord(certs, "client.p12", server.securePort(), "srvr")).isInstanceOf(IOException.class);
    }

    @Test
    void aStoreThatCannotBeReadStopsTheStartNamingTheFile() {
        Properties cfg = tls(dir.resolve("missing.p12"), certs.file("truststore.p12"), null);
        cfg.setProperty("secureClientPort", "0");
        assertThatThrownBy(() -> start(cfg)).isInstanceOf(IOException.class).hasMessageContaining("missing.p12");
        server = null;
    }

    /** QuorumPeerConfig: without clientPort ZooKeeper opens no plain client port, only the secure one. */
    @Test
    void secureClientPortWithoutClientPortOpensNoPlainPort() throws Exception {
        Properties cfg = tls(certs.file("server.p12"), certs.file("truststore.p12"), null);
        cfg.setProperty("secureClientPort", "0");
        cfg.setProperty("ssl.clientAuth", "none");
        cfg.setProperty("dataDir", dir.resolve("data").toString());
        cfg.setProperty("admin.enableServer", "false");
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties());
        assertThat(config.clientPort()).isEqualTo(ServerConfig.NO_CLIENT_PORT);
        server = new CorralServer(config, e -> { });
        server.start();
        assertThat(server.port()).isEqualTo(ServerConfig.NO_CLIENT_PORT);
        assertThat(TlsProbe.fourLetterWord(certs, null, server.securePort(), "srvr")).contains("Mode: standalone");
        cfg.setProperty("clientPort", "2181");
        assertThat(ServerConfig.parse(cfg, "test", Map.of(), new Properties()).clientPort()).as("with clientPort").isEqualTo(2181);
    }

    private static Properties tls(Path keyStore, Path trustStore, String type) {
        Properties cfg = new Properties();
        cfg.setProperty("ssl.keyStore.location", keyStore.toString());
        // ZooKeeper reads a PEM key as encrypted PKCS#8 exactly when a password is set; these PEM keys are not.
        boolean pem = "pem".equalsIgnoreCase(type) || keyStore.toString().endsWith(".pem");
        cfg.setProperty("ssl.keyStore.password", pem ? "" : TestCertificates.PASSWORD);
        cfg.setProperty("ssl.trustStore.location", trustStore.toString());
        cfg.setProperty("ssl.trustStore.password", TestCertificates.PASSWORD);
        if (type != null) {
            cfg.setProperty("ssl.keyStore.type", type);
            cfg.setProperty("ssl.trustStore.type", type);
        }
        return cfg;
    }

    private void start(Properties cfg) throws Exception {
        ServerConfig config = ServerConfig.parse(cfg, "test", Map.of(), new Properties()).listeningOn(0, dir.resolve("data"))
                .withHttp(null, null);
        server = new CorralServer(config, e -> { });
        server.start();
    }

    /** ZooKeeper's documented client TLS settings (zookeeperAdmin.md, "Client-Server mutual authentication"). */
    private static ZKClientConfig secureClient(TestCertificates from, String keyStore) {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty("zookeeper.client.secure", "true");
        config.setProperty("zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty");
        config.setProperty("zookeeper.ssl.keyStore.location", from.file(keyStore).toString());
        config.setProperty("zookeeper.ssl.keyStore.password", TestCertificates.PASSWORD);
        config.setProperty("zookeeper.ssl.trustStore.location", from.file("truststore.p12").toString());
        config.setProperty("zookeeper.ssl.trustStore.password", TestCertificates.PASSWORD);
        return config;
    }

    private static ZooKeeper connect(int port, ZKClientConfig config) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
        }, config);
        try {
            connected.get(BOUND_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            zk.close();
            throw e;
        }
        return zk;
    }
}
