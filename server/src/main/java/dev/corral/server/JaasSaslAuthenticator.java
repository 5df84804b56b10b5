package dev.corral.server;

import dev.corral.node.SaslAuthenticator;
import java.io.IOException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SASL DIGEST-MD5 on the client port, from the JAAS file ZooKeeper's servers read
 * ({@code -Djava.security.auth.login.config=...}), section {@code Server} (or the one
 * {@code zookeeper.sasl.serverconfig} names):
 * <pre>
 * Server {
 *   org.apache.zookeeper.server.auth.DigestLoginModule required
 *   user_bob="bobsecret";
 * };
 * </pre>
 * Every {@code user_<name>="<password>"} option is a user who may authenticate (ServerCnxnFactory#
 * getDigestMd5Credentials); the login module class is not loaded. Each connection runs its own exchange with
 * the JDK's DIGEST-MD5 server under ZooKeeper's protocol "zookeeper" and server name "zk-sasl-md5"; the
 * authorization id is the authentication id (ZooKeeper runs it through its Kerberos short-name rules, which
 * leave a plain user name as it is; names with a host or realm are not rewritten here). A JAAS file that
 * cannot be read stops the start; one without the section leaves SASL off, as ZooKeeper does.
 *
 * <p>Thread safety: exchanges are evaluated on the node loop and forgotten from the I/O threads when a
 * connection closes, hence the concurrent map.
 */
final class JaasSaslAuthenticator implements SaslAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(JaasSaslAuthenticator.class);
    static final String JAAS_FILE = "java.security.auth.login.config";
    static final String SECTION = "zookeeper.sasl.serverconfig";
    private static final String USER_PREFIX = "user_";

    private final Map<String, String> passwords;
    private final Map<Long, SaslServer> exchanges = new ConcurrentHashMap<>();

    private JaasSaslAuthenticator(Map<String, String> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    /** The authenticator of the JAAS file the system properties name, if it has the server section. */
    static Optional<JaasSaslAuthenticator> load(Properties system) throws IOException {
        String file = system.getProperty(JAAS_FILE);
        if (file == null) {
            return Optional.empty();
        }
        String section = system.getProperty(SECTION, "Server");
        AppConfigurationEntry[] entries;
        try {
            String location = file.startsWith("=") ? file.substring(1) : file;
            Configuration jaas = Configuration.getInstance("JavaLoginConfig", new URIParameter(Path.of(location).toUri()));
            entries = jaas.getAppConfigurationEntry(section);
        } catch (NoSuchAlgorithmException | SecurityException | IllegalArgumentException e) {
            throw new IOException("cannot read the JAAS configuration " + file + " (" + JAAS_FILE + "): " + e.getMessage(), e);
        }
        if (entries == null) {
            LOG.warn("No JAAS section '{}' in {}: SASL authentication is off", section, file);
            return Optional.empty();
        }
        Map<String, String> passwords = new HashMap<>();
        for (AppConfigurationEntry entry : entries) {
            entry.getOptions().forEach((key, value) -> {
                if (key.startsWith(USER_PREFIX)) {
                    passwords.put(key.substring(USER_PREFIX.length()), String.valueOf(value));
                }
            });
        }
        LOG.info("SASL DIGEST-MD5 on the client port for {} users of JAAS section '{}' in {}", passwords.size(), section, file);
        return Optional.of(new JaasSaslAuthenticator(passwords));
    }

    @Override
    public Step evaluate(long connectionId, byte[] token) throws Refused {
        try {
            SaslServer server = exchanges.get(connectionId);
            if (server == null) {
                server = Sasl.createSaslServer("DIGEST-MD5", "zookeeper", "zk-sasl-md5", null, this::handle);
                exchanges.put(connectionId, server);
            }
            byte[] response = server.evaluateResponse(token);
            return new Step(response, server.isComplete() ? server.getAuthorizationID() : null);
        } catch (SaslException e) {
            exchanges.remove(connectionId);
            throw new Refused(e.getMessage());
        }
    }

    /** The connection closed: its exchange, finished or not, is dropped. */
    void forget(long connectionId) {
        exchanges.remove(connectionId);
    }

    /** ZooKeeper's SaslServerCallbackHandler for DIGEST-MD5: passwords from the JAAS users, any realm. */
    private void handle(Callback[] callbacks) {
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
