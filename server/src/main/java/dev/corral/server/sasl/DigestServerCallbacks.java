package dev.corral.server.sasl;

import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;

/**
 * The callbacks of a JDK DIGEST-MD5 SaslServer as ZooKeeper 3.9.5 answers them (SaslServerCallbackHandler on the
 * client port, SaslQuorumServerCallbackHandler between members): the password of the user the peer names, from
 * the JAAS {@code user_<name>} options; any realm; and authorization only of the authenticated id itself. A user
 * without a password gets none, which the JDK's server turns into a failed exchange.
 *
 * <p>Thread-safe: the JDK's DIGEST-MD5 server asks for the name and its password in one call, so nothing is kept
 * between calls.
 */
public final class DigestServerCallbacks implements CallbackHandler {
    private final Map<String, String> passwords;

    public DigestServerCallbacks(Map<String, String> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    @Override
    public void handle(Callback[] callbacks) {
        String user = null;
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                user = name.getDefaultName();
                name.setName(user);
            } else if (callback instanceof PasswordCallback password) {
                String known = user == null ? null : passwords.get(user);
                if (known != null) {
                    password.setPassword(known.toCharArray());
                }
            } else if (callback instanceof RealmCallback realm) {
                realm.setText(realm.getDefaultText());
            } else if (callback instanceof AuthorizeCallback authorize) {
                authorize.setAuthorized(authorize.getAuthenticationID().equals(authorize.getAuthorizationID()));
                authorize.setAuthorizedID(authorize.getAuthenticationID());
            }
        }
    }
}
