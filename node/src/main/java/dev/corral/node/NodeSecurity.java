package dev.corral.node;

import java.util.Set;

/**
 * What the Node needs to know of the server's authentication settings, as ZooKeeper 3.9 has them:
 *
 * @param x509Registered whether the x509 scheme has a provider (ZooKeeper registers
 *     X509AuthenticationProvider when a client port speaks TLS, or when authProvider.N names it): only then
 *     may an ACL name x509 ids, and may enforce.auth.schemes name x509
 * @param x509SuperUser a client certificate subject that is also the super user
 *     ({@code zookeeper.X509AuthenticationProvider.superUser}), or null
 * @param enforcedSchemes with authentication enforced ({@code enforce.auth.enabled} with
 *     {@code enforce.auth.schemes}, or {@code sessionRequireClientSASLAuth}, which means the sasl scheme),
 *     the schemes one of which a connection must have authenticated with before any request but auth and
 *     SASL; empty when it is not enforced
 * @param auditEnabled whether changes go to the audit log ({@code audit.enable}; see {@link Auditor})
 */
public record NodeSecurity(boolean x509Registered, String x509SuperUser, Set<String> enforcedSchemes, boolean auditEnabled) {

    /** ZooKeeper's defaults: no x509 provider, no enforced authentication, no audit log. */
    public static final NodeSecurity NONE = new NodeSecurity(false, null, Set.of(), false);

    public NodeSecurity {
        enforcedSchemes = Set.copyOf(enforcedSchemes);
    }

    public boolean enforced() {
        return !enforcedSchemes.isEmpty();
    }
}
