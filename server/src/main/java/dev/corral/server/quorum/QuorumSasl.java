package dev.corral.server.quorum;

import dev.corral.server.sasl.DigestServerCallbacks;
import dev.corral.server.sasl.JaasFile;
import java.io.IOException;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.SaslException;

/**
 * SASL authentication between ensemble members, ZooKeeper 3.9.5's {@code quorum.auth.*} ({@link QuorumAuthSettings})
 * with DIGEST-MD5 credentials from the JAAS file:
 * <pre>
 * QuorumServer {
 *   org.apache.zookeeper.server.auth.DigestLoginModule required
 *   user_test="test";                 // the members this one accepts
 * };
 * QuorumLearner {
 *   org.apache.zookeeper.server.auth.DigestLoginModule required
 *   username="test" password="test";  // what this one presents when it connects
 * };
 * </pre>
 * Both sections must be there when SASL is enabled, as ZooKeeper's QuorumPeer#initialize requires (it builds both
 * SaslQuorumAuthServer and SaslQuorumAuthLearner); a missing one, or a learner section without username and
 * password when this member must authenticate, stops the start with the section's name.
 *
 * <p>Where Corral differs: only DIGEST-MD5. ZooKeeper uses GSSAPI when a section logs in with Kerberos
 * (Krb5LoginModule); that needs a Kerberos login and ticket renewal that Corral does not have, so a section with
 * any other login module than ZooKeeper's DigestLoginModule stops the start rather than leave members
 * unauthenticated. And Corral does not read {@code zookeeper.fips-mode}: ZooKeeper 3.9.5 in its default FIPS mode
 * makes no DIGEST-MD5 client (SecurityUtils#createSaslClient), so its members with learnerRequireSasl=true fail every
 * connection until {@code -Dzookeeper.fips-mode=false} is set, as a working 3.9 deployment therefore has it; Corral
 * authenticates either way. Immutable and thread-safe; each connection gets exchanges of its own.
 */
public final class QuorumSasl {
    /** ZooKeeper's QuorumAuth.QUORUM_SERVER_PROTOCOL_NAME: the SASL protocol both sides name. */
    static final String PROTOCOL = "zookeeper-quorum";
    /** ZooKeeper's QuorumAuth.QUORUM_SERVER_SASL_DIGEST: the server name both sides name. */
    static final String SERVER_NAME = "zk-quorum-sasl-md5";

    private final QuorumAuthSettings settings;
    private final DigestServerCallbacks serverCallbacks;
    private final int users;
    private final String username;
    private final String password;

    private QuorumSasl(QuorumAuthSettings settings, Map<String, String> users, String username, String password) {
        this.settings = settings;
        this.serverCallbacks = new DigestServerCallbacks(users);
        this.users = users.size();
        this.username = username;
        this.password = password;
    }

    /**
     * The quorum SASL of {@code settings} with the credentials of the JAAS file at {@code jaasLocation}, or null when
     * {@code quorum.auth.enableSasl} is false (the file is then not read, as in ZooKeeper).
     *
     * @throws IOException if SASL is enabled and the file is not named, cannot be read, or lacks what it needs
     */
    public static QuorumSasl load(QuorumAuthSettings settings, String jaasLocation) throws IOException {
        if (!settings.enableSasl()) {
            return null;
        }
        if (jaasLocation == null) {
            throw new IOException(QuorumAuthSettings.ENABLE_SASL + "=true needs a JAAS file with sections '"
                    + settings.serverLoginContext() + "' and '" + settings.learnerLoginContext() + "', named by -D"
                    + JaasFile.PROPERTY + "=...");
        }
        JaasFile jaas = JaasFile.open(jaasLocation);
        AppConfigurationEntry[] server = digestSection(jaas, settings.serverLoginContext());
        AppConfigurationEntry[] learner = digestSection(jaas, settings.learnerLoginContext());
        String username = JaasFile.option(learner, "username");
        String password = JaasFile.option(learner, "password");
        if (settings.learnerRequireSasl() && (username == null || password == null)) {
            throw new IOException("JAAS section '" + settings.learnerLoginContext() + "' in " + jaas.location()
                    + " needs username and password: " + QuorumAuthSettings.LEARNER_REQUIRE_SASL + "=true makes this member"
                    + " authenticate with them");
        }
        return new QuorumSasl(settings, JaasFile.users(server), username, password);
    }

    private static AppConfigurationEntry[] digestSection(JaasFile jaas, String name) throws IOException {
        AppConfigurationEntry[] entries = jaas.section(name);
        if (entries == null) {
            throw new IOException("SASL-authentication failed because the specified JAAS configuration section '" + name
                    + "' could not be found in " + jaas.location() + " (" + QuorumAuthSettings.ENABLE_SASL + "=true)");
        }
        for (AppConfigurationEntry entry : entries) {
            if (!entry.getLoginModuleName().equals(JaasFile.DIGEST_LOGIN_MODULE)) {
                throw new IOException("JAAS section '" + name + "' in " + jaas.location() + " logs in with "
                        + entry.getLoginModuleName() + "; Corral authenticates members with DIGEST-MD5 only ("
                        + JaasFile.DIGEST_LOGIN_MODULE + "), not Kerberos");
            }
        }
        return entries;
    }

    public QuorumAuthSettings settings() {
        return settings;
    }

    /** Whether this member authenticates when it connects to another (learnerRequireSasl). */
    boolean learnerAuthenticates() {
        return settings.learnerRequireSasl();
    }

    /** Whether a connecting member that does not authenticate, or fails to, is refused (serverRequireSasl). */
    boolean serverRequires() {
        return settings.serverRequireSasl();
    }

    QuorumAuthServerExchange newServerExchange() throws SaslException {
        return new QuorumAuthServerExchange(serverCallbacks);
    }

    QuorumAuthLearnerExchange newLearnerExchange() throws SaslException {
        return new QuorumAuthLearnerExchange(username, password);
    }

    @Override
    public String toString() {
        return "quorum SASL DIGEST-MD5 (" + QuorumAuthSettings.LEARNER_REQUIRE_SASL + "=" + settings.learnerRequireSasl() + ", "
                + QuorumAuthSettings.SERVER_REQUIRE_SASL + "=" + settings.serverRequireSasl() + ", " + users + " users in '"
                + settings.serverLoginContext() + "', this member " + (username == null ? "without a name" : "'" + username + "'")
                + " in '" + settings.learnerLoginContext() + "')";
    }
}
