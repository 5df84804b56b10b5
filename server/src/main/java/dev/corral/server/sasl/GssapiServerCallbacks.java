package dev.corral.server.sasl;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.sasl.AuthorizeCallback;

/**
 * The callbacks of a JDK GSSAPI SaslServer as ZooKeeper 3.9.5's SaslServerCallbackHandler answers them: the only
 * one the mechanism asks is authorization, once the Kerberos exchange has proved the client's principal; the
 * client is authorized, under the id {@link PrincipalMapping} computes from that principal (not the one the client
 * asked for). A principal that is not a Kerberos name of at most two components is not authorized, which fails
 * the exchange. Immutable and thread-safe.
 */
public final class GssapiServerCallbacks implements CallbackHandler {
    private final PrincipalMapping mapping;

    public GssapiServerCallbacks(PrincipalMapping mapping) {
        this.mapping = mapping;
    }

    @Override
    public void handle(Callback[] callbacks) {
        for (Callback callback : callbacks) {
            if (callback instanceof AuthorizeCallback authorize) {
                try {
                    authorize.setAuthorizedID(mapping.authorizationId(authorize.getAuthenticationID()));
                    authorize.setAuthorized(true);
                } catch (IllegalArgumentException e) {
                    authorize.setAuthorized(false);
                }
            }
        }
    }
}
