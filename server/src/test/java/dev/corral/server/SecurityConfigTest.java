package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.quorum.QuorumAuthSettings;
import dev.corral.server.tls.StoreType;
import dev.corral.server.tls.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** zoo.cfg's security keys as ZooKeeper 3.9 reads them: the TLS listeners and the ssl.* settings. */
class SecurityConfigTest {
    @TempDir
    Path dir;

    private ServerConfig load(String lines) throws Exception {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, "dataDir=" + dir + "\n" + lines);
        return ServerConfig.load(file);
    }

    @Test
    void quorumAuthKeysAsQuorumPeerConfigReadsThem() throws Exception {
        assertThat(load("clientPort=2181\n").security().quorumAuth()).isEqualTo(QuorumAuthSettings.OFF)
                .isEqualTo(new QuorumAuthSettings(false, false, false, "QuorumLearner", "QuorumServer", "zkquorum/localhost", 20));
        assertThat(load("quorum.auth.enableSasl=TRUE\nquorum.auth.learnerRequireSasl=true\nquorum.auth.serverRequireSasl=true\n"
                + "quorum.auth.learner.saslLoginContext=Learner2\nquorum.auth.server.saslLoginContext=Server2\n"
                + "quorum.auth.kerberos.servicePrincipal=zkquorum/_HOST\nquorum.cnxn.threads.size=4\n").security().quorumAuth())
                .isEqualTo(new QuorumAuthSettings(true, true, true, "Learner2", "Server2", "zkquorum/_HOST", 4));
    }

    @Test
    void withoutSecurityKeysThereIsNoTls() throws Exception {
        assertThat(load("clientPort=2181\n").security()).isEqualTo(SecurityConfig.NONE);
    }

    @Test
    void secureClientPortWithZooKeepersDefaults() throws Exception {
        SecurityConfig security = load("secureClientPort=2281\nserverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n"
                + "ssl.keyStore.location=/keys/server.jks\nssl.keyStore.password=pw\nclient.certReload=true\n").security();
        assertThat(security.secureClientPort()).isEqualTo(2281);
        assertThat(security.secureClientPortAddress()).isEqualTo("127.0.0.1");
        TlsSettings tls = security.clientTls();
        assertThat(tls.keyStore()).isEqualTo(new TlsSettings.Store(Path.of("/keys/server.jks"), "pw", StoreType.JKS));
        assertThat(tls.trustStore()).isNull();
        // X509Util: TLSv1.3 where the JDK has it, enabled alone unless enabledProtocols says otherwise; clientAuth need.
        assertThat(tls.enabledProtocols()).containsExactly("TLSv1.3");
        assertThat(tls.cipherSuites()).isNull();
        assertThat(tls.clientAuth()).isEqualTo(TlsSettings.ClientAuth.NEED);
        assertThat(load("secureClientPort=2281\nssl.keyStore.location=/k.p12\n").warnings()).isEmpty();
    }

    @Test
    void everySslKeyIsRead() throws Exception {
        Path password = Files.writeString(dir.resolve("trust.pass"), "from-file" + System.lineSeparator());
        TlsSettings tls = load("secureClientPort=2281\nsecureClientPortAddress=0.0.0.0\n"
                + "ssl.keyStore.location=/k/server.bin\nssl.keyStore.type=pkcs12\n"
                + "ssl.trustStore.location=/k/ca.pem\nssl.trustStore.password=ignored\nssl.trustStore.passwordPath=" + password + "\n"
                + "ssl.protocol=TLSv1.2\nssl.enabledProtocols=TLSv1.2, TLSv1.3\n"
                + "ssl.ciphersuites=TLS_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\nssl.clientAuth=Want\n"
                + "ssl.hostnameVerification=false\n").security().clientTls();
        assertThat(tls.keyStore()).isEqualTo(new TlsSettings.Store(Path.of("/k/server.bin"), "", StoreType.PKCS12));
        // A password file wins over the password (X509Util#getPasswordFromConfigPropertyOrFile), less its line end.
        assertThat(tls.trustStore()).isEqualTo(new TlsSettings.Store(Path.of("/k/ca.pem"), "from-file", StoreType.PEM));
        assertThat(tls.enabledProtocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(tls.cipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls.clientAuth()).isEqualTo(TlsSettings.ClientAuth.WANT);
        assertThat(tls.hostnameVerification()).isFalse();
    }

    @Test
    void theAdminServerSpeaksTlsWithTheQuorumStoresAsJettyAdminServerReadsThem() throws Exception {
        assertThat(load("clientPort=2181\n").security().adminTls()).isEqualTo(AdminTls.PLAIN);
        String stores = "ssl.quorum.keyStore.location=/k/quorum.p12\nssl.quorum.keyStore.password=pw\n"
                + "ssl.quorum.trustStore.location=/k/ca.pem\nssl.keyStore.location=/k/client-port.jks\n";
        AdminTls unified = load(stores + "admin.portUnification=true\n").security().adminTls();
        assertThat(unified.mode()).isEqualTo(AdminTls.Mode.UNIFIED);
        assertThat(unified.settings().keyStore()).isEqualTo(new TlsSettings.Store(Path.of("/k/quorum.p12"), "pw", StoreType.PKCS12));
        assertThat(unified.settings().trustStore().location()).isEqualTo(Path.of("/k/ca.pem"));
        // Jetty's protocols on Java 17, and no client certificate asked for without admin.needClientAuth.
        assertThat(unified.settings().enabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(unified.settings().clientAuth()).isEqualTo(TlsSettings.ClientAuth.NONE);
        AdminTls forced = load(stores + "admin.portUnification=true\nadmin.forceHttps=true\nadmin.needClientAuth=true\n"
                + "ssl.quorum.enabledProtocols=TLSv1.3\n").security().adminTls();
        assertThat(forced.mode()).isEqualTo(AdminTls.Mode.FORCED);
        assertThat(forced.settings().clientAuth()).isEqualTo(TlsSettings.ClientAuth.NEED);
        assertThat(forced.settings().enabledProtocols()).containsExactly("TLSv1.3");
        assertThat(load(stores + "admin.forceHttps=true\n").warnings()).isEmpty();
        assertThatThrownBy(() -> load("ssl.keyStore.location=/k/client-port.jks\nadmin.forceHttps=true\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ssl.quorum.keyStore.location");
    }

    record SkipAcl(String line, String systemProperty, boolean refused) {}

    static Stream<SkipAcl> skipAcl() {
        return Stream.of(
                // ZooKeeperServer skips ACL checks exactly for "yes", from zoo.cfg or -Dzookeeper.skipACL.
                new SkipAcl("skipACL=yes\n", null, true),
                new SkipAcl("", "yes", true),
                new SkipAcl("skipACL=no\n", null, false),
                new SkipAcl("skipACL=YES\n", null, false),
                new SkipAcl("", "no", false));
    }

    @ParameterizedTest
    @MethodSource("skipAcl")
    void skipAclYesIsRefusedWithTheKeyNamed(SkipAcl c) throws Exception {
        Properties system = new Properties();
        if (c.systemProperty() != null) {
            system.setProperty("zookeeper.skipACL", c.systemProperty());
        }
        Properties cfg = new Properties();
        cfg.load(new java.io.StringReader("dataDir=" + dir + "\n" + c.line()));
        if (c.refused()) {
            assertThatThrownBy(() -> ServerConfig.parse(cfg, "zoo.cfg", java.util.Map.of(), system))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("skipACL");
        } else {
            assertThat(ServerConfig.parse(cfg, "zoo.cfg", java.util.Map.of(), system).warnings()).isEmpty();
        }
    }

    @Test
    void systemPropertiesStandForZooCfgKeys() throws Exception {
        Properties system = new Properties();
        system.setProperty("zookeeper.client.portUnification", "true");
        system.setProperty("zookeeper.ssl.keyStore.location", "/k/server.p12");
        Properties cfg = new Properties();
        cfg.setProperty("dataDir", dir.toString());
        SecurityConfig security = ServerConfig.parse(cfg, "zoo.cfg", java.util.Map.of(), system).security();
        assertThat(security.portUnification()).isTrue();
        assertThat(security.secureClientPort()).isEqualTo(SecurityConfig.NO_PORT);
        assertThat(security.clientTls().keyStore().type()).isEqualTo(StoreType.PKCS12);
    }

    @Test
    void sslKeysAloneOpenNoTlsListener() throws Exception {
        // ZooKeeper reads ssl.* only for a TLS listener; without one they change nothing.
        ServerConfig config = load("ssl.keyStore.location=/k/server.p12\nssl.clientAuth=bogus\n");
        assertThat(config.security()).isEqualTo(SecurityConfig.NONE);
        assertThat(config.warnings()).isEmpty();
    }

    record Broken(String lines, String expectedMessage) {}

    static Stream<Broken> brokenSettings() {
        return Stream.of(
                new Broken("secureClientPortAddress=0.0.0.0\n", "secureClientPortAddress is set but secureClientPort is not"),
                new Broken("secureClientPort=99999\nssl.keyStore.location=/k.jks\n", "key secureClientPort: expected a port in [0, 65535], got '99999'"),
                new Broken("secureClientPort=2281\n", "key ssl.keyStore.location: a key store is required for a TLS server"),
                new Broken("secureClientPort=2281\nssl.keyStore.location=/k/server.keys\n",
                        "key ssl.keyStore.location: cannot tell the store type of /k/server.keys from its name"),
                new Broken("secureClientPort=2281\nssl.keyStore.location=/k.jks\nssl.keyStore.type=PFX\n",
                        "key ssl.keyStore.type: unknown store type 'PFX'"),
                new Broken("secureClientPort=2281\nssl.keyStore.location=/k.jks\nssl.clientAuth=maybe\n",
                        "key ssl.clientAuth: expected none, want or need, got 'maybe'"),
                new Broken("client.portUnification=sometimes\n", "key client.portUnification: expected true or false, got 'sometimes'"),
                new Broken("secureClientPort=2281\nssl.keyStore.location=/k.jks\nssl.keyStore.passwordPath=/no/such/file\n",
                        "key ssl.keyStore.passwordPath: cannot read the password file /no/such/file"),
                // Enforced authentication as AuthenticationHelper#validateConfiguredProperties checks it.
                new Broken("enforce.auth.enabled=true\n", "key enforce.auth.schemes: enforce.auth.enabled is true, so enforce.auth.schemes must"),
                new Broken("enforce.auth.enabled=true\nenforce.auth.schemes=digest,x509\n",
                        "key enforce.auth.schemes: authentication scheme x509 is not available"),
                new Broken("sessionRequireClientSASLAuth=true\n", "key sessionRequireClientSASLAuth: authentication scheme sasl is not available"),
                // Providers Corral cannot load stop the start rather than leave clients unauthenticated.
                new Broken("authProvider.sasl=com.example.KerberosProvider\n",
                        "key authProvider.sasl: authentication provider com.example.KerberosProvider is not supported"),
                new Broken("secureClientPort=2281\nssl.keyStore.location=/k.jks\nssl.authProvider=sasl\n",
                        "key ssl.authProvider: only the x509 provider can authenticate TLS clients, got 'sasl'"),
                // Quorum SASL: QuorumPeerConfig's strict booleans and its three rules, with its messages.
                new Broken("quorum.auth.enableSasl=yes\n", "Invalid option 'yes' for quorum.auth.enableSasl. Choose 'true' or 'false.'"),
                new Broken("quorum.auth.serverRequireSasl=true\nquorum.auth.learnerRequireSasl=true\n",
                        "quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.serverRequireSasl"),
                new Broken("quorum.auth.learnerRequireSasl=true\n", "quorum.auth.enableSasl is disabled, so cannot enable quorum.auth.learnerRequireSasl"),
                new Broken("quorum.auth.enableSasl=true\nquorum.auth.serverRequireSasl=true\n",
                        "quorum.auth.learnerRequireSasl is disabled, so cannot enable quorum.auth.serverRequireSasl"),
                new Broken("quorum.cnxn.threads.size=many\n", "key quorum.cnxn.threads.size: expected a number, got 'many'"),
                new Broken("quorum.cnxn.threads.size=0\n", "quorum.cnxn.threads.size must be at least 1, got 0"));
    }

    @ParameterizedTest
    @MethodSource("brokenSettings")
    void aBadSecurityKeyStopsTheStartNamingItsLine(Broken broken) {
        assertThatThrownBy(() -> load(broken.lines())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("zoo.cfg").hasMessageContaining(broken.expectedMessage());
    }

    @Test
    void authenticationKeysAsZooKeeperReadsThem() throws Exception {
        // A TLS listener registers the x509 provider (QuorumPeerConfig#configureSSLAuth), so it may be enforced.
        assertThat(load("secureClientPort=2281\nssl.keyStore.location=/k.jks\nX509AuthenticationProvider.superUser=CN=admin\n"
                + "enforce.auth.enabled=true\nenforce.auth.schemes= x509 , digest\n").security().authentication())
                .isEqualTo(new dev.corral.node.NodeSecurity(java.util.Set.of("x509"), "CN=admin", null, java.util.Set.of("x509", "digest"), false));
        // Or authProvider.N naming ZooKeeper's class, with no TLS listener.
        assertThat(load("authProvider.1=org.apache.zookeeper.server.auth.X509AuthenticationProvider\n").security().authentication())
                .isEqualTo(new dev.corral.node.NodeSecurity(java.util.Set.of("x509"), null, null, java.util.Set.of(), false));
        // sessionRequireClientSASLAuth means enforce.auth.schemes=sasl, once the sasl provider is registered.
        assertThat(load("authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\nsuperUser=admin\n"
                + "sessionRequireClientSASLAuth=true\n").security().authentication())
                .isEqualTo(new dev.corral.node.NodeSecurity(java.util.Set.of("sasl"), null, "admin", java.util.Set.of("sasl"), false));
        // enforce.auth.schemes alone enforces nothing.
        assertThat(load("enforce.auth.schemes=digest\n").security().authentication()).isEqualTo(dev.corral.node.NodeSecurity.NONE);
        assertThat(load("enforce.auth.enabled=true\nenforce.auth.schemes=ip\n").warnings()).isEmpty();
    }

    @Test
    void sslQuorumReadsTheQuorumKeysApartFromTheClientPorts() throws Exception {
        ServerConfig config = load("sslQuorum=true\nssl.quorum.keyStore.location=/q.p12\nssl.quorum.clientAuth=want\n"
                + "ssl.quorum.hostnameVerification=false\n");
        assertThat(config.warnings()).isEmpty();
        assertThat(config.security().clientTls()).as("the client ports stay plain").isNull();
        var quorum = config.security().quorumTls();
        assertThat(quorum.prefix()).isEqualTo("ssl.quorum.");
        assertThat(quorum.keyStore().location()).hasToString("/q.p12");
        assertThat(quorum.clientAuth()).isEqualTo(dev.corral.server.tls.TlsSettings.ClientAuth.WANT);
        assertThat(quorum.hostnameVerification()).isFalse();
        assertThat(load("ssl.quorum.keyStore.location=/q.p12\n").security().quorumTls()).as("without sslQuorum").isNull();
        assertThatThrownBy(() -> load("sslQuorum=true\n")).as("sslQuorum without a key store")
                .isInstanceOf(ConfigException.class).hasMessageContaining("ssl.quorum.keyStore.location");
    }
}
