package dev.corral.server.tls;

import dev.corral.server.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One side's TLS settings, read with ZooKeeper 3.9's X509Util keys under a prefix: {@code ssl.} for the
 * client port (ZooKeeper's ClientX509Util), and {@code ssl.quorum.} for the quorum and election ports
 * (its QuorumX509Util), so the same code serves both. Each key is a zoo.cfg key or its
 * {@code zookeeper.}-prefixed system property ({@link ConfigSource}).
 *
 * <p>Keys and ZooKeeper's defaults: {@code keyStore.location/password/passwordPath/type},
 * {@code trustStore.location/password/passwordPath/type} (a password file's content wins over the
 * password, one trailing line separator dropped), {@code protocol} (TLSv1.3 where the JDK has it),
 * {@code enabledProtocols} (comma list; default: just {@code protocol}), {@code ciphersuites} (comma list;
 * default: ZooKeeper's list of GCM, CBC and TLSv1.3 suites the JDK supports), {@code clientAuth}
 * (none, want or need; default need), {@code hostnameVerification} (default true; only a TLS client
 * checks it: ZooKeeper's server side never verifies a client's host name on the client port). On the quorum
 * ports only ({@code ssl.quorum.}, ZooKeeper 3.9.5's QuorumX509Util): {@code clientHostnameVerification}
 * (default true; the accepting member checks the connecting one's certificate against its address, when
 * hostnameVerification is on too) and {@code allowReverseDnsLookup} (default true).
 *
 * <p>Invariant: a key store location is set (a TLS server needs one); the store types are resolved.
 */
public record TlsSettings(
        String prefix,
        Store keyStore,
        Store trustStore,
        List<String> enabledProtocols,
        List<String> cipherSuites,
        ClientAuth clientAuth,
        boolean hostnameVerification,
        boolean clientHostnameVerification,
        boolean allowReverseDnsLookup) {

    /** Settings whose host checks are ZooKeeper's quorum defaults: client host name check and reverse lookup on. */
    public TlsSettings(String prefix, Store keyStore, Store trustStore, List<String> enabledProtocols, List<String> cipherSuites,
            ClientAuth clientAuth, boolean hostnameVerification) {
        this(prefix, keyStore, trustStore, enabledProtocols, cipherSuites, clientAuth, hostnameVerification, true, true);
    }

    /** ZooKeeper's X509Util#DEFAULT_PROTOCOL on any JDK that Corral runs on (17 and later). */
    public static final String DEFAULT_PROTOCOL = "TLSv1.3";

    /** Whether and how a server asks for the client's certificate: ZooKeeper's X509Util.ClientAuth. */
    public enum ClientAuth {
        /** No certificate is asked for. */
        NONE,
        /** A certificate is asked for; a client without one is served, unauthenticated. */
        WANT,
        /** A client without a trusted certificate fails the handshake. */
        NEED
    }

    /** A key or trust store file: where, its password (empty for none) and its format. */
    public record Store(Path location, String password, StoreType type) {}

    public TlsSettings {
        if (keyStore == null) {
            throw new IllegalArgumentException("a TLS server needs a key store");
        }
        enabledProtocols = List.copyOf(enabledProtocols);
        cipherSuites = cipherSuites == null ? null : List.copyOf(cipherSuites);
    }

    /** The settings of the keys under {@code prefix} ("ssl." or "ssl.quorum."); errors name the key and where it was set. */
    public static TlsSettings read(ConfigSource source, String prefix) throws ConfigException {
        Store keyStore = store(source, prefix + "keyStore.");
        if (keyStore == null) {
            throw new ConfigException(source.describe(prefix + "keyStore.location")
                    + ": a key store is required for a TLS server (ZooKeeper: 'Keystore is required for SSL server')");
        }
        Store trustStore = store(source, prefix + "trustStore.");
        String protocol = orDefault(source.value(prefix + "protocol"), DEFAULT_PROTOCOL);
        String enabled = source.value(prefix + "enabledProtocols");
        List<String> protocols = enabled == null ? List.of(protocol) : list(enabled);
        String ciphers = source.value(prefix + "ciphersuites");
        ClientAuth clientAuth;
        String auth = source.value(prefix + "clientAuth");
        try {
            clientAuth = auth == null || auth.isEmpty() ? ClientAuth.NEED : ClientAuth.valueOf(auth.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source.describe(prefix + "clientAuth") + ": expected none, want or need, got '" + auth + "'");
        }
        return new TlsSettings(prefix, keyStore, trustStore, protocols, ciphers == null ? null : list(ciphers), clientAuth,
                notFalse(source, prefix + "hostnameVerification"), notFalse(source, prefix + "clientHostnameVerification"),
                notFalse(source, prefix + "allowReverseDnsLookup"));
    }

    /** A boolean key that is true unless set to false (ZooKeeper's ZKConfig#getBoolean with default true). */
    private static boolean notFalse(ConfigSource source, String key) {
        String value = source.value(key);
        return value == null || !value.trim().equalsIgnoreCase("false");
    }

    private static Store store(ConfigSource source, String keyPrefix) throws ConfigException {
        String location = source.value(keyPrefix + "location");
        if (location == null || location.isEmpty()) {
            return null;
        }
        String password = orDefault(source.value(keyPrefix + "password"), "");
        String passwordPath = source.value(keyPrefix + "passwordPath");
        if (passwordPath != null && !passwordPath.isEmpty()) {
            password = readSecret(source, keyPrefix + "passwordPath", passwordPath);
        }
        String type = source.value(keyPrefix + "type");
        try {
            return new Store(Path.of(location), password, StoreType.of(type, location));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source.describe(keyPrefix + (type == null ? "location" : "type")) + ": " + e.getMessage());
        }
    }

    /** ZooKeeper's SecretUtils#readSecret: the file's content, less one trailing line separator. */
    private static String readSecret(ConfigSource source, String key, String file) throws ConfigException {
        try {
            String secret = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            String separator = System.lineSeparator();
            return secret.endsWith(separator) ? secret.substring(0, secret.length() - separator.length()) : secret;
        } catch (java.io.IOException e) {
            throw new ConfigException(source.describe(key) + ": cannot read the password file " + file + ": " + e.getMessage());
        }
    }

    private static List<String> list(String commaSeparated) {
        List<String> items = new ArrayList<>();
        for (String item : commaSeparated.split(",")) {
            if (!item.trim().isEmpty()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
