package dev.corral.server;

import dev.corral.server.tls.ConfigSource;
import dev.corral.server.tls.TlsSettings;
import java.util.List;

/**
 * Whether and how the admin HTTP server speaks TLS, read as ZooKeeper 3.9.5's JettyAdminServer reads it
 * (each key in zoo.cfg, which ZooKeeper turns into the {@code zookeeper.}-prefixed system property its
 * admin server reads, or as that property):
 * <ul>
 *   <li>{@code admin.forceHttps=true}: the admin port speaks only TLS (Jetty's SslConnectionFactory);
 *   <li>{@code admin.portUnification=true} (without forceHttps): the admin port takes TLS and plain HTTP on
 *       one port, told apart by the first byte as ZooKeeper's UnifiedConnectionFactory does (0x16 is TLS);
 *   <li>{@code admin.needClientAuth=true}: a TLS client without a trusted certificate fails the handshake.
 *       Otherwise no certificate is asked for at all (Jetty's defaults: neither need nor want), so a
 *       request can authenticate as x509 only with this key on, as in ZooKeeper.
 * </ul>
 * The key and trust stores are the quorum's, {@code ssl.quorum.keyStore.*} and {@code ssl.quorum.trustStore.*}
 * (JettyAdminServer builds its context through QuorumX509Util), in any format {@link TlsSettings} reads.
 * ZooKeeper leaves the protocols and cipher suites to Jetty (TLSv1.2 and TLSv1.3 on Java 17); Corral does the
 * same unless {@code ssl.quorum.enabledProtocols} or {@code ssl.quorum.protocol} names others, and offers
 * ZooKeeper's default cipher suites unless {@code ssl.quorum.ciphersuites} names others.
 *
 * @param mode plain HTTP, both, or TLS only
 * @param settings the TLS settings; null exactly when the mode is {@link Mode#PLAIN}
 */
public record AdminTls(Mode mode, TlsSettings settings) {
    /** What the admin port speaks. */
    public enum Mode {
        /** Plain HTTP only: ZooKeeper's default. */
        PLAIN,
        /** TLS or plain HTTP, whichever the client starts with. */
        UNIFIED,
        /** TLS only. */
        FORCED
    }

    static final AdminTls PLAIN = new AdminTls(Mode.PLAIN, null);

    /** The protocols Jetty 9.4 enables on Java 17 (it removes SSLv3; the JDK disables TLSv1 and TLSv1.1). */
    static final List<String> JETTY_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    static final List<String> KEYS = List.of("admin.portUnification", "admin.forceHttps", "admin.needClientAuth");

    public AdminTls {
        if ((mode == Mode.PLAIN) != (settings == null)) {
            throw new IllegalArgumentException("TLS settings are needed exactly when the admin port speaks TLS, mode " + mode);
        }
    }

    static AdminTls read(ConfigSource source) throws ConfigException {
        boolean forced = SecurityConfig.bool(source, "admin.forceHttps");
        boolean unified = SecurityConfig.bool(source, "admin.portUnification");
        if (!forced && !unified) {
            return PLAIN;
        }
        TlsSettings quorum = TlsSettings.read(source, "ssl.quorum.");
        boolean protocolsSet = source.value("ssl.quorum.enabledProtocols") != null || source.value("ssl.quorum.protocol") != null;
        TlsSettings settings = new TlsSettings("admin (ssl.quorum.)", quorum.keyStore(), quorum.trustStore(),
                protocolsSet ? quorum.enabledProtocols() : JETTY_PROTOCOLS, quorum.cipherSuites(),
                SecurityConfig.bool(source, "admin.needClientAuth") ? TlsSettings.ClientAuth.NEED : TlsSettings.ClientAuth.NONE,
                quorum.hostnameVerification());
        return new AdminTls(forced ? Mode.FORCED : Mode.UNIFIED, settings);
    }
}
