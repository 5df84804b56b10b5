package dev.corral.server;

import dev.corral.server.tls.ConfigSource;
import dev.corral.server.tls.TlsSettings;
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
 *   <li>{@code serverCnxnFactory} and {@code client.certReload}: accepted. Corral's client port is always
 *       Netty's, which is what ZooKeeper needs this key to name for TLS, and it always follows certificate
 *       files changing on disk ({@link dev.corral.server.tls.ReloadingTlsContext}).
 * </ul>
 *
 * @param secureClientPort the TLS-only client port, 0 for a free one, or -1 for none
 * @param secureClientPortAddress the address it listens on
 * @param portUnification whether the plain client port also takes TLS connections
 * @param clientTls the TLS settings of the client ports; null exactly when no client port speaks TLS
 */
public record SecurityConfig(int secureClientPort, String secureClientPortAddress, boolean portUnification, TlsSettings clientTls) {

    public static final int NO_PORT = -1;

    /** No TLS, no enforced authentication: what a zoo.cfg without security keys gets. */
    public static final SecurityConfig NONE = new SecurityConfig(NO_PORT, null, false, null);

    private static final Set<String> KEYS = Set.of("secureClientPort", "secureClientPortAddress", "client.portUnification",
            "serverCnxnFactory", "client.certReload");

    public SecurityConfig {
        if ((secureClientPort != NO_PORT || portUnification) != (clientTls != null)) {
            throw new IllegalArgumentException("TLS settings are needed exactly when a client port speaks TLS");
        }
    }

    /** Whether zoo.cfg key {@code key} is one of the keys read here (every {@code ssl.} key but the quorum's). */
    static boolean reads(String key) {
        return KEYS.contains(key) || key.startsWith("ssl.") && !key.startsWith("ssl.quorum.");
    }

    static SecurityConfig read(ConfigSource source, String clientPortAddress) throws ConfigException {
        String port = source.value("secureClientPort");
        String address = source.value("secureClientPortAddress");
        if (port == null && address != null) {
            throw new ConfigException(source.describe("secureClientPortAddress") + ": secureClientPortAddress is set but secureClientPort is not");
        }
        int securePort = port == null ? NO_PORT : parsePort(source, port);
        boolean unification = bool(source, "client.portUnification");
        TlsSettings tls = securePort != NO_PORT || unification ? TlsSettings.read(source, "ssl.") : null;
        return new SecurityConfig(securePort, securePort == NO_PORT ? null : address == null ? clientPortAddress : address, unification, tls);
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
