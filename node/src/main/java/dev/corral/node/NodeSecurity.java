package dev.corral.node;

import java.util.Set;

/**
 * What the Node needs to know of the server's authentication settings, as ZooKeeper 3.9 has them:
 *
 * @param registeredSchemes the schemes besides ip and digest that have a provider: x509 (ZooKeeper
 *     registers X509AuthenticationProvider when a client port speaks TLS, or when authProvider.N names it) and
 *     sasl (authProvider.N naming SASLAuthenticationProvider); only their ids may appear in an ACL
 * @param x509SuperUser a client certificate subject that is also the super user
 *     ({@code zookeeper.X509AuthenticationProvider.superUser}), or null
 * @param saslSuperUser a SASL authorization id that is also the super user ({@code zookeeper.superUser}), or null
 * @param enforcedSchemes with authentication enforced ({@code enforce.auth.enabled} with
 *     {@code enforce.auth.schemes}, or {@code sessionRequireClientSASLAuth}, which means the sasl scheme),
 *     the schemes one of which a connection must have authenticated with before any request but auth and
 *     SASL; empty when it is not enforced
 * @param auditEnabled whether changes go to the audit log ({@code audit.enable}; see {@link Auditor})
 */
public record NodeSecurity(Set<String> registeredSchemes, String x509SuperUser, String saslSuperUser, Set<String> enforcedSchemes,
        boolean auditEnabled) {

    /** ZooKeeper's defaults: no x509 or sasl provider, no enforced authentication, no audit log. */
    public static final NodeSecurity NONE = new NodeSecurity(Set.of(), null, null, Set.of(), false);

    public NodeSecurity {
        registeredSchemes = Set.copyOf(registeredSchemes);
        enforcedSchemes = Set.copyOf(enforcedSchemes);
    }

    public boolean x509Registered() {
        return registeredSchemes.contains("x509");
    }

    public boolean enforced() {
        return !enforcedSchemes.isEmpty();
    }
}
