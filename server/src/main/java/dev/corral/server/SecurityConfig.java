package dev.corral.server;

import dev.corral.node.NodeSecurity;
import dev.corral.server.quorum.QuorumAuthSettings;
import dev.corral.server.tls.ConfigSource;
import dev.corral.server.tls.TlsSettings;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The security keys of zoo.cfg, read as ZooKeeper 3.9 reads them (each also as its {@code zookeeper.}
 * system property where ZooKeeper has one):
 * <ul>
 *   <li>{@code secureClientPort} and {@code secureClientPortAddress}: a second client port that speaks only
 *       TLS (ZooKeeper's QuorumPeerConfig; an address without the port is an error). The address defaults to
 *       the client port's, which for Corral is 127.0.0.1 unless set, where ZooKeeper binds every interface.
 *   <li>{@code client.portUnification}: the plain client port also takes TLS connections.
 *   <li>{@code ssl.*}: the TLS settings of both ({@link TlsSettings}, prefix {@code ssl.}); read only when a
 *       TLS listener is configured, as ZooKeeper only reads them then.
 *   <li>{@code authProvider.N} and {@code ssl.authProvider}: the providers of ZooKeeper's own classes
 *       (x509, sasl, digest, ip) are accepted; custom classes stop the start, since Corral cannot load them
 *       and an operator must not believe clients are authenticated when they are not. The x509 provider is
 *       registered, as ZooKeeper's configureSSLAuth does, whenever a client port speaks TLS. (SASL itself is
 *       on when the JAAS file has a Server section: {@link JaasSaslAuthenticator}.)
 *   <li>{@code X509AuthenticationProvider.superUser} and {@code superUser}: the certificate subject, and the
 *       SASL authorization id, that are super.
 *   <li>{@code enforce.auth.enabled}, {@code enforce.auth.schemes} and {@code sessionRequireClientSASLAuth}
 *       (which means the sasl scheme), checked as ZooKeeper 3.9's AuthenticationHelper checks them: enforcing
 *       without schemes, or naming a scheme without a provider, stops the start.
 *   <li>{@code audit.enable}: changes go to the audit log (see {@link AuditLog}).
 *   <li>{@code serverCnxnFactory} and {@code client.certReload}: accepted. Corral's client port is always
 *       Netty's, which is what ZooKeeper needs this key to name for TLS, and it always follows certificate
 *       files changing on disk ({@link dev.corral.server.tls.ReloadingTlsContext}).
 * </ul>
 *
 * @param secureClientPort the TLS-only client port, 0 for a free one, or -1 for none
 * @param secureClientPortAddress the address it listens on
 * @param portUnification whether the plain client port also takes TLS connections
 * @param clientTls the TLS settings of the client ports; null exactly when no client port speaks TLS
 * @param authentication what the Node enforces and which schemes it knows
 * @param quorumTls with {@code sslQuorum=true}, the TLS settings of the quorum and election ports, read with
 *     the prefix {@code ssl.quorum.} (ZooKeeper's QuorumX509Util); null when they speak plain TCP
 * @param adminTls whether the admin HTTP server speaks TLS ({@code admin.forceHttps}, {@code admin.portUnification}),
 *     with the quorum's stores; never null
 * @param quorumAuth SASL between ensemble members, ZooKeeper's {@code quorum.auth.*} and {@code quorum.cnxn.threads.size}
 *     keys, parsed strictly as QuorumPeerConfig parses them (true or false); never null
 */
public record SecurityConfig(int secureClientPort, String secureClientPortAddress, boolean portUnification, TlsSettings clientTls,
        NodeSecurity authentication, TlsSettings quorumTls, AdminTls adminTls, QuorumAuthSettings quorumAuth) {

    public static final int NO_PORT = -1;

    /** No TLS, no enforced authentication: what a zoo.cfg without security keys gets. */
    public static final SecurityConfig NONE = new SecurityConfig(NO_PORT, null, false, null, NodeSecurity.NONE, null, AdminTls.PLAIN,
            QuorumAuthSettings.OFF);

    private static final Set<String> KEYS = Set.of("secureClientPort", "secureClientPortAddress", "client.portUnification",
            "serverCnxnFactory", "client.certReload", "X509AuthenticationProvider.superUser", "enforce.auth.enabled",
            "enforce.auth.schemes", "sessionRequireClientSASLAuth", "audit.enable", "superUser", "sslQuorum", "skipACL");
    private static final Set<String> QUORUM_AUTH_KEYS = Set.of(QuorumAuthSettings.ENABLE_SASL, QuorumAuthSettings.LEARNER_REQUIRE_SASL,
            QuorumAuthSettings.SERVER_REQUIRE_SASL, QuorumAuthSettings.LEARNER_LOGIN_CONTEXT, QuorumAuthSettings.SERVER_LOGIN_CONTEXT,
            QuorumAuthSettings.SERVICE_PRINCIPAL, QuorumAuthSettings.CNXN_THREADS);
    private static final String PROVIDER_PACKAGE = "org.apache.zookeeper.server.auth.";
    /** ZooKeeper's provider classes and their schemes; a null scheme is a provider Corral cannot honour yet. */
    private static final Map<String, String> PROVIDERS = Map.of(
            PROVIDER_PACKAGE + "X509AuthenticationProvider", "x509",
            PROVIDER_PACKAGE + "DigestAuthenticationProvider", "digest",
            PROVIDER_PACKAGE + "IPAuthenticationProvider", "ip",
            PROVIDER_PACKAGE + "SASLAuthenticationProvider", "sasl");

    public SecurityConfig {
        if ((secureClientPort != NO_PORT || portUnification) != (clientTls != null)) {
            throw new IllegalArgumentException("TLS settings are needed exactly when a client port speaks TLS");
        }
        java.util.Objects.requireNonNull(adminTls, "adminTls");
        java.util.Objects.requireNonNull(quorumAuth, "quorumAuth");
    }

    /** Whether zoo.cfg key {@code key} is one of the keys read here (every {@code ssl.} key, the quorum's too). */
    static boolean reads(String key) {
        return KEYS.contains(key) || AdminTls.KEYS.contains(key) || key.startsWith("authProvider.") || key.startsWith("ssl.")
                || QUORUM_AUTH_KEYS.contains(key);
    }

    static SecurityConfig read(ConfigSource source, String clientPortAddress) throws ConfigException {
        refuseSkipAcl(source);
        String port = source.value("secureClientPort");
        String address = source.value("secureClientPortAddress");
        if (port == null && address != null) {
            throw new ConfigException(source.describe("secureClientPortAddress") + ": secureClientPortAddress is set but secureClientPort is not");
        }
        int securePort = port == null ? NO_PORT : parsePort(source, port);
        boolean unification = bool(source, "client.portUnification");
        TlsSettings tls = securePort != NO_PORT || unification ? TlsSettings.read(source, "ssl.") : null;
        // ZooKeeper's sslQuorum: the quorum and election ports speak TLS, both ways authenticated by default.
        TlsSettings quorumTls = bool(source, "sslQuorum") ? TlsSettings.read(source, "ssl.quorum.") : null;
        return new SecurityConfig(securePort, securePort == NO_PORT ? null : address == null ? clientPortAddress : address, unification, tls,
                authentication(source, tls != null), quorumTls, AdminTls.read(source), quorumAuth(source));
    }

    /** ZooKeeper's quorum.auth.* keys with their defaults, and QuorumPeerConfig's rules on how they combine. */
    private static QuorumAuthSettings quorumAuth(ConfigSource source) throws ConfigException {
        QuorumAuthSettings off = QuorumAuthSettings.OFF;
        String threads = source.value(QuorumAuthSettings.CNXN_THREADS);
        int threadCount = off.cnxnThreads();
        if (threads != null) {
            try {
                threadCount = Integer.parseInt(threads.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(source.describe(QuorumAuthSettings.CNXN_THREADS) + ": expected a number, got '" + threads + "'");
            }
        }
        try {
            return new QuorumAuthSettings(strictBool(source, QuorumAuthSettings.ENABLE_SASL),
                    strictBool(source, QuorumAuthSettings.LEARNER_REQUIRE_SASL), strictBool(source, QuorumAuthSettings.SERVER_REQUIRE_SASL),
                    valueOr(source, QuorumAuthSettings.LEARNER_LOGIN_CONTEXT, off.learnerLoginContext()),
                    valueOr(source, QuorumAuthSettings.SERVER_LOGIN_CONTEXT, off.serverLoginContext()),
                    valueOr(source, QuorumAuthSettings.SERVICE_PRINCIPAL, off.servicePrincipal()), threadCount);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source.describe(QuorumAuthSettings.ENABLE_SASL) + ": " + e.getMessage());
        }
    }

    /** QuorumPeerConfig#parseBoolean: true or false in any case, anything else an error (not "yes", unlike other keys). */
    private static boolean strictBool(ConfigSource source, String key) throws ConfigException {
        String value = source.value(key);
        if (value == null || value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new ConfigException(source.describe(key) + ": Invalid option '" + value + "' for " + key + ". Choose 'true' or 'false.'");
    }

    private static String valueOr(ConfigSource source, String key, String otherwise) {
        String value = source.value(key);
        return value == null || value.isBlank() ? otherwise : value.trim();
    }

    /** The schemes with a provider (ZooKeeper's ProviderRegistry), the x509 super user, and what is enforced. */
    private static NodeSecurity authentication(ConfigSource source, boolean tls) throws ConfigException {
        Set<String> schemes = new LinkedHashSet<>(List.of("ip", "digest"));
        if (tls) {
            schemes.add("x509");
        }
        for (String key : source.keysStartingWith("authProvider.")) {
            String className = source.value(key).trim();
            String scheme = PROVIDERS.get(className);
            if (scheme == null) {
                throw new ConfigException(source.describe(key) + ": authentication provider " + className
                        + " is not supported (only ZooKeeper's x509, sasl, digest and ip)");
            }
            schemes.add(scheme);
        }
        String sslProvider = source.value("ssl.authProvider");
        if (tls && sslProvider != null && !sslProvider.equals("x509")) {
            throw new ConfigException(source.describe("ssl.authProvider") + ": only the x509 provider can authenticate TLS clients, got '"
                    + sslProvider + "'");
        }
        Set<String> enforced = new LinkedHashSet<>();
        if (bool(source, "sessionRequireClientSASLAuth")) {
            enforced.add("sasl");
        } else if (bool(source, "enforce.auth.enabled")) {
            String list = source.value("enforce.auth.schemes");
            if (list != null) {
                for (String scheme : list.split(",")) {
                    enforced.add(scheme.trim());
                }
            }
            if (enforced.isEmpty()) {
                throw new ConfigException(source.describe("enforce.auth.schemes")
                        + ": enforce.auth.enabled is true, so enforce.auth.schemes must name the schemes to enforce");
            }
        }
        for (String scheme : enforced) {
            if (!schemes.contains(scheme)) {
                throw new ConfigException(source.describe(enforced.contains("sasl") && bool(source, "sessionRequireClientSASLAuth")
                        ? "sessionRequireClientSASLAuth" : "enforce.auth.schemes") + ": authentication scheme " + scheme
                        + " is not available (schemes with a provider: " + schemes + ")");
            }
        }
        Set<String> registered = new LinkedHashSet<>(schemes);
        registered.removeAll(List.of("ip", "digest"));
        return new NodeSecurity(registered, source.value("X509AuthenticationProvider.superUser"), source.value("superUser"), enforced,
                bool(source, "audit.enable"));
    }

    /**
     * ZooKeeper's {@code skipACL=yes} (its ZooKeeperServer compares the value with "yes" exactly; anything else
     * is no) lets every client read, change and delete every znode whatever its ACL, and says so only in one
     * INFO line. Corral does not skip ACL checks: a server told to refuses to start, naming the key, rather than
     * let an operator believe either that ACLs are off (a migration test passing for the wrong reason) or that
     * they are on. Any other value is accepted, as ZooKeeper's "no".
     */
    private static void refuseSkipAcl(ConfigSource source) throws ConfigException {
        if ("yes".equals(source.value("skipACL"))) {
            throw new ConfigException(source.describe("skipACL") + ": skipACL=yes would let every client read and change every"
                    + " znode whatever its ACL; Corral always checks ACLs, so remove skipACL (or set it to no), or open the ACLs"
                    + " that must be open");
        }
    }

    private static int parsePort(ConfigSource source, String value) throws ConfigException {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(source.describe("secureClientPort") + ": expected a port in [0, 65535], got '" + value + "'");
    }

    static boolean bool(ConfigSource source, String key) throws ConfigException {
        String value = source.value(key);
        if (value == null || value.equalsIgnoreCase("false") || value.equalsIgnoreCase("no")) {
            return false;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes")) {
            return true;
        }
        throw new ConfigException(source.describe(key) + ": expected true or false, got '" + value + "'");
    }
}
