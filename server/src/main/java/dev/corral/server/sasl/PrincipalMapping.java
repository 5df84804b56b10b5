package dev.corral.server.sasl;

import java.util.Properties;

/**
 * How the principal a SASL exchange authenticated becomes the id of scheme {@code sasl}, as ZooKeeper 3.9.5's
 * SaslServerCallbackHandler#handleAuthorizeCallback computes it: the short name of the principal
 * ({@link AuthToLocal}), then "/host" unless {@code zookeeper.kerberos.removeHostFromPrincipal=true}, then "@REALM"
 * unless {@code zookeeper.kerberos.removeRealmFromPrincipal=true}. With the default rules "alice@EXAMPLE.COM" stays
 * "alice@EXAMPLE.COM" and "zookeeper/host1@EXAMPLE.COM" stays itself; removing both gives "alice" and "zookeeper".
 *
 * <p>Where Corral differs: when no rule gives a short name (a principal of another realm than the default, under
 * the default rules), ZooKeeper keeps the authorization id the client asked for, which the client chooses freely;
 * Corral keeps the authenticated principal itself. The two agree for ZooKeeper's own clients, which ask for their
 * principal. Immutable.
 *
 * @param rules the short-name rules, {@code zookeeper.security.auth_to_local}
 * @param removeHost {@code zookeeper.kerberos.removeHostFromPrincipal}
 * @param removeRealm {@code zookeeper.kerberos.removeRealmFromPrincipal}
 */
public record PrincipalMapping(AuthToLocal rules, boolean removeHost, boolean removeRealm) {
    public static final String REMOVE_HOST = "zookeeper.kerberos.removeHostFromPrincipal";
    public static final String REMOVE_REALM = "zookeeper.kerberos.removeRealmFromPrincipal";

    /**
     * The mapping the system properties configure, as ZooKeeper reads them ("true" exactly turns an option on).
     *
     * @param defaultRealm the default realm of the Kerberos configuration ("" without one)
     * @throws IllegalArgumentException if the auth_to_local rules cannot be parsed
     */
    public static PrincipalMapping of(Properties system, String defaultRealm) {
        return new PrincipalMapping(AuthToLocal.parse(system.getProperty(AuthToLocal.PROPERTY, "DEFAULT"), defaultRealm),
                "true".equals(system.getProperty(REMOVE_HOST)), "true".equals(system.getProperty(REMOVE_REALM)));
    }

    /**
     * The sasl id of {@code principal}.
     *
     * @throws IllegalArgumentException if the principal is not a Kerberos name of at most two components
     */
    public String authorizationId(String principal) {
        KerberosName name = KerberosName.parse(principal);
        String shortName = rules.shortName(name);
        if (shortName == null) {
            return principal;
        }
        StringBuilder id = new StringBuilder(shortName);
        if (!removeHost && name.hostName() != null) {
            id.append('/').append(name.hostName());
        }
        if (!removeRealm && name.realm() != null) {
            id.append('@').append(name.realm());
        }
        return id.toString();
    }
}
