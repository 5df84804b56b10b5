package dev.corral.server.quorum;

import java.util.Set;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.sasl.AuthorizeCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may join, for a member that accepts with GSSAPI, as ZooKeeper 3.9.5's SaslQuorumServerCallbackHandler decides
 * once Kerberos has proved the connecting member's principal: the member asks for no other authorization id than
 * its principal, and the principal is {@code name/host@REALM} whose host is that of one of the ensemble's server.N
 * lines. A principal of another shape, or of a host outside the ensemble, is refused. Immutable and thread-safe.
 */
final class QuorumGssapiCallbacks implements CallbackHandler {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumGssapiCallbacks.class);
    private final Set<String> authorizedHosts;

    QuorumGssapiCallbacks(Set<String> authorizedHosts) {
        this.authorizedHosts = Set.copyOf(authorizedHosts);
    }

    @Override
    public void handle(Callback[] callbacks) {
        for (Callback callback : callbacks) {
            if (callback instanceof AuthorizeCallback authorize) {
                authorize.setAuthorized(authorized(authorize.getAuthenticationID(), authorize.getAuthorizationID()));
                if (authorize.isAuthorized()) {
                    authorize.setAuthorizedID(authorize.getAuthorizationID());
                } else {
                    // ZooKeeper's words, so that a log watcher finds the same line on either server.
                    LOG.error("SASL authorization completed, {} is not authorized to connect (as {}; the hosts of the server.N"
                            + " lines are {})", authorize.getAuthenticationID(), authorize.getAuthorizationID(), authorizedHosts);
                }
            }
        }
    }

    boolean authorized(String authenticationId, String authorizationId) {
        if (!authenticationId.equals(authorizationId)) {
            return false;
        }
        String[] components = authorizationId.split("[/@]");
        return components.length == 3 && authorizedHosts.contains(components[1]);
    }
}
