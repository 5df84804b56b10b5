package dev.corral.server;

import dev.corral.node.SaslAuthenticator;
import dev.corral.server.sasl.DigestServerCallbacks;
import dev.corral.server.sasl.JaasFile;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.login.AppConfigurationEntry;
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
    static final String JAAS_FILE = JaasFile.PROPERTY;
    static final String SECTION = "zookeeper.sasl.serverconfig";

    private final DigestServerCallbacks callbacks;
    private final Map<Long, SaslServer> exchanges = new ConcurrentHashMap<>();

    private JaasSaslAuthenticator(Map<String, String> passwords) {
        this.callbacks = new DigestServerCallbacks(passwords);
    }

    /** The authenticator of the JAAS file the system properties name, if it has the server section. */
    static Optional<JaasSaslAuthenticator> load(Properties system) throws IOException {
        String file = system.getProperty(JAAS_FILE);
        if (file == null) {
            return Optional.empty();
        }
        String section = system.getProperty(SECTION, "Server");
        AppConfigurationEntry[] entries = JaasFile.open(file).section(section);
        if (entries == null) {
            LOG.warn("No JAAS section '{}' in {}: SASL authentication is off", section, file);
            return Optional.empty();
        }
        Map<String, String> passwords = JaasFile.users(entries);
        LOG.info("SASL DIGEST-MD5 on the client port for {} users of JAAS section '{}' in {}", passwords.size(), section, file);
        return Optional.of(new JaasSaslAuthenticator(passwords));
    }

    @Override
    public Step evaluate(long connectionId, byte[] token) throws Refused {
        try {
            SaslServer server = exchanges.get(connectionId);
            if (server == null) {
                server = Sasl.createSaslServer("DIGEST-MD5", "zookeeper", "zk-sasl-md5", null, callbacks);
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
}
