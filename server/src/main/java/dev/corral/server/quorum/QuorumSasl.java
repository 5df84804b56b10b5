package dev.corral.server.quorum;

import dev.corral.server.sasl.DigestServerCallbacks;
import dev.corral.server.sasl.JaasFile;
import dev.corral.server.sasl.KerberosLogin;
import dev.corral.server.sasl.KerberosName;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * SASL authentication between ensemble members, ZooKeeper 3.9.5's {@code quorum.auth.*} ({@link QuorumAuthSettings}),
 * with credentials from the JAAS file, DIGEST-MD5 or Kerberos:
 * <pre>
 * QuorumServer {                      // the members this one accepts
 *   org.apache.zookeeper.server.auth.DigestLoginModule required
 *   user_test="test";
 * };
 * QuorumLearner {                     // what this one presents when it connects
 *   org.apache.zookeeper.server.auth.DigestLoginModule required
 *   username="test" password="test";
 * };
 * </pre>
 * or, for Kerberos, sections that log in with {@code com.sun.security.auth.module.Krb5LoginModule} from a keytab:
 * QuorumServer as the service principal ({@code zkquorum/host1.example.com@EXAMPLE.COM}), QuorumLearner as the
 * member's own principal ({@code learner/host1.example.com@EXAMPLE.COM}). As in ZooKeeper (SecurityUtils), each side
 * chooses its mechanism by its own section: GSSAPI when the section's login yields a principal, else DIGEST-MD5.
 *
 * <p>Kerberos, as ZooKeeper's SaslQuorumAuthLearner and SaslQuorumServerCallbackHandler: connecting, a member asks
 * for a ticket for {@code quorum.auth.kerberos.servicePrincipal} (default zkquorum/localhost), with {@code _HOST}
 * replaced by the lower-cased host of the other member's server.N line when the value is exactly
 * {@code service/_HOST} (a value with a realm is taken as it is, as ZooKeeper does). Accepting, a member accepts a
 * ticket for its own QuorumServer principal from a member whose principal is {@code name/host@REALM} with the host of
 * one of the ensemble's server.N lines, and asks for no other authorization id. Both logins are renewed
 * ({@link KerberosLogin}). The first token of a connecting member needs a service ticket from the KDC, so it is made
 * on a thread of its own ({@link #blockingWork}), never on a transport's event loop.
 *
 * <p>Both sections must be there when SASL is enabled, as ZooKeeper's QuorumPeer#initialize requires (it builds both
 * SaslQuorumAuthServer and SaslQuorumAuthLearner); a missing one, a DIGEST-MD5 learner section without username and
 * password when this member must authenticate, or a Kerberos login that fails, stops the start with the section's
 * name.
 *
 * <p>Where Corral differs: it does not read {@code zookeeper.fips-mode}: ZooKeeper 3.9.5 in its default FIPS mode makes
 * no DIGEST-MD5 client (SecurityUtils#createSaslClient), so its members with learnerRequireSasl=true fail every
 * connection until {@code -Dzookeeper.fips-mode=false} is set, as a working 3.9 deployment therefore has it; Corral
 * authenticates either way. Nor {@code zookeeper.kerberos.canonicalizeHostNames}: {@code _HOST} is the server.N line's
 * host as written. Thread-safe; each connection gets exchanges of its own.
 */
public final class QuorumSasl implements AutoCloseable {
    /** ZooKeeper's QuorumAuth.QUORUM_SERVER_PROTOCOL_NAME: the SASL protocol both sides name. */
    static final String PROTOCOL = "zookeeper-quorum";
    /** ZooKeeper's QuorumAuth.QUORUM_SERVER_SASL_DIGEST: the server name both sides name. */
    static final String SERVER_NAME = "zk-quorum-sasl-md5";
    /** ZooKeeper's SecurityUtils.QUORUM_HOSTNAME_PATTERN. */
    static final String HOST_PATTERN = "_HOST";
    /** ZooKeeper's system property for the realm of the quorum service principal, default the learner's. */
    static final String SERVER_REALM_PROPERTY = "zookeeper.server.realm";
    private static final int BLOCKING_THREADS = 2;
    private static final int BLOCKING_QUEUE_MAX = 64;

    private final QuorumAuthSettings settings;
    // The accepting side: DIGEST-MD5 callbacks, or a Kerberos login with the protocol and host of its principal.
    private final DigestServerCallbacks serverCallbacks;
    private final int users;
    private final KerberosLogin serverLogin;
    private final String serverProtocol;
    private final String serverHost;
    private final QuorumGssapiCallbacks gssapiCallbacks;
    // The connecting side: a DIGEST-MD5 name and password, or a Kerberos login.
    private final String username;
    private final String password;
    private final KerberosLogin learnerLogin;
    private final String serverRealm;
    // Where a Kerberos learner makes its first token; null when nothing blocks (DIGEST-MD5).
    private final ThreadPoolExecutor blocking;

    private QuorumSasl(QuorumAuthSettings settings, Map<String, String> users, KerberosLogin serverLogin,
            Set<String> authorizedHosts, String username, String password, KerberosLogin learnerLogin, String serverRealm) {
        this.settings = settings;
        this.serverCallbacks = new DigestServerCallbacks(users);
        this.users = users.size();
        this.serverLogin = serverLogin;
        if (serverLogin != null) {
            String principal = serverLogin.principal();
            KerberosName name = KerberosName.parse(principal);
            this.serverProtocol = name.serviceName();
            this.serverHost = name.hostName();
        } else {
            this.serverProtocol = null;
            this.serverHost = null;
        }
        this.gssapiCallbacks = new QuorumGssapiCallbacks(authorizedHosts);
        this.username = username;
        this.password = password;
        this.learnerLogin = learnerLogin;
        this.serverRealm = serverRealm;
        if (learnerLogin != null) {
            blocking = new ThreadPoolExecutor(BLOCKING_THREADS, BLOCKING_THREADS, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(BLOCKING_QUEUE_MAX), runnable -> {
                        Thread thread = new Thread(runnable, "corral-quorum-kerberos");
                        thread.setDaemon(true);
                        return thread;
                    });
        } else {
            blocking = null;
        }
    }

    /** {@link #load(QuorumAuthSettings, String, Set, Properties)} with no authorized hosts and the system properties. */
    public static QuorumSasl load(QuorumAuthSettings settings, String jaasLocation) throws IOException {
        return load(settings, jaasLocation, Set.of(), System.getProperties());
    }

    /**
     * The quorum SASL of {@code settings} with the credentials of the JAAS file at {@code jaasLocation}, or null when
     * {@code quorum.auth.enableSasl} is false (the file is then not read, as in ZooKeeper).
     *
     * @param authorizedHosts the hosts of the ensemble's server.N lines: a Kerberos member's principal must name one
     * @param system the system properties ({@code zookeeper.kerberos.minReLoginTimeMs}, {@code zookeeper.server.realm})
     * @throws IOException if SASL is enabled and the file is not named, cannot be read, or lacks what it needs, or a
     *     Kerberos login fails
     */
    public static QuorumSasl load(QuorumAuthSettings settings, String jaasLocation, Set<String> authorizedHosts,
            Properties system) throws IOException {
        if (!settings.enableSasl()) {
            return null;
        }
        if (jaasLocation == null) {
            throw new IOException(QuorumAuthSettings.ENABLE_SASL + "=true needs a JAAS file with sections '"
                    + settings.serverLoginContext() + "' and '" + settings.learnerLoginContext() + "', named by -D"
                    + JaasFile.PROPERTY + "=...");
        }
        JaasFile jaas = JaasFile.open(jaasLocation);
        AppConfigurationEntry[] server = section(jaas, settings.serverLoginContext());
        AppConfigurationEntry[] learner = section(jaas, settings.learnerLoginContext());
        long minReloginMs = KerberosLogin.minReloginMs(system);
        KerberosLogin serverLogin = null;
        KerberosLogin learnerLogin = null;
        try {
            serverLogin = kerberosLogin(jaas, settings.serverLoginContext(), server, minReloginMs);
            if (serverLogin != null && serverLogin.principal().indexOf('/') < 0) {
                throw new IOException("The Kerberos principal " + serverLogin.principal() + " of JAAS section '"
                        + settings.serverLoginContext() + "' in " + jaas.location() + " has no host part: a member's service"
                        + " principal is service/host@REALM, e.g. zkquorum/host1.example.com@EXAMPLE.COM");
            }
            learnerLogin = kerberosLogin(jaas, settings.learnerLoginContext(), learner, minReloginMs);
            String username = JaasFile.option(learner, "username");
            String password = JaasFile.option(learner, "password");
            if (learnerLogin == null && settings.learnerRequireSasl() && (username == null || password == null)) {
                throw new IOException("JAAS section '" + settings.learnerLoginContext() + "' in " + jaas.location()
                        + " needs username and password: " + QuorumAuthSettings.LEARNER_REQUIRE_SASL + "=true makes this member"
                        + " authenticate with them");
            }
            return new QuorumSasl(settings, JaasFile.users(server), serverLogin, authorizedHosts, username, password,
                    learnerLogin, system.getProperty(SERVER_REALM_PROPERTY));
        } catch (IOException | RuntimeException e) {
            if (serverLogin != null) {
                serverLogin.close();
            }
            if (learnerLogin != null) {
                learnerLogin.close();
            }
            throw e;
        }
    }

    private static AppConfigurationEntry[] section(JaasFile jaas, String name) throws IOException {
        AppConfigurationEntry[] entries = jaas.section(name);
        if (entries == null) {
            throw new IOException("SASL-authentication failed because the specified JAAS configuration section '" + name
                    + "' could not be found in " + jaas.location() + " (" + QuorumAuthSettings.ENABLE_SASL + "=true)");
        }
        return entries;
    }

    /** The section's Kerberos login, or null when it logs in with DigestLoginModule only or yields no principal. */
    private static KerberosLogin kerberosLogin(JaasFile jaas, String name, AppConfigurationEntry[] entries, long minReloginMs)
            throws IOException {
        if (Arrays.stream(entries).allMatch(entry -> entry.getLoginModuleName().equals(JaasFile.DIGEST_LOGIN_MODULE))) {
            return null;
        }
        KerberosLogin login = KerberosLogin.login(name, entries, jaas.location(), minReloginMs);
        if (login.principal() == null) {
            login.close();
            return null;
        }
        return login;
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
        if (serverLogin == null) {
            return new QuorumAuthServerExchange(Sasl.createSaslServer("DIGEST-MD5", PROTOCOL, SERVER_NAME, null, serverCallbacks));
        }
        try {
            return new QuorumAuthServerExchange(serverLogin.doAs(
                    () -> Sasl.createSaslServer("GSSAPI", serverProtocol, serverHost, null, gssapiCallbacks)));
        } catch (SaslException e) {
            throw e;
        } catch (Exception e) {
            throw new SaslException("cannot make a GSSAPI server as " + serverLogin.principal() + ": " + e.getMessage(), e);
        }
    }

    /**
     * An exchange with the member whose server.N line names {@code host}.
     *
     * @throws SaslException if the SASL client cannot be made
     */
    QuorumAuthLearnerExchange newLearnerExchange(String host) throws SaslException {
        if (learnerLogin == null) {
            return new QuorumAuthLearnerExchange(Sasl.createSaslClient(new String[] {"DIGEST-MD5"}, username, PROTOCOL,
                    SERVER_NAME, null, callbacks -> QuorumAuthLearnerExchange.answer(callbacks, username, password)), null);
        }
        KerberosName learner = KerberosName.parse(learnerLogin.principal());
        String principal = servicePrincipal(settings.servicePrincipal(), host);
        if (!principal.contains("@")) {
            principal = principal + "@" + (serverRealm != null ? serverRealm : learner.realm());
        }
        KerberosName service = KerberosName.parse(principal);
        try {
            SaslClient client = learnerLogin.doAs(() -> Sasl.createSaslClient(new String[] {"GSSAPI"}, learner.toString(),
                    service.serviceName(), service.hostName(), null, callbacks -> { }));
            return new QuorumAuthLearnerExchange(client, learnerLogin);
        } catch (SaslException e) {
            throw e;
        } catch (Exception e) {
            throw new SaslException("cannot make a GSSAPI client as " + learnerLogin.principal() + " for " + principal + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * ZooKeeper's SecurityUtils#getServerPrincipal: {@code service/_HOST} becomes {@code service/host} (lower case);
     * anything else, a value with a realm included, is kept as it is.
     */
    static String servicePrincipal(String configured, String host) {
        String[] components = configured.split("[/]");
        if (components.length != 2 || !components[1].equals(HOST_PATTERN)) {
            return configured;
        }
        return components[0] + "/" + host.toLowerCase(Locale.ROOT);
    }

    /**
     * Where a connecting member's first token is made when it may wait on the KDC (GSSAPI), or null when it never
     * waits (DIGEST-MD5) and is made on the caller's thread. Bounded: a full queue refuses more work.
     */
    Executor blockingWork() {
        return blocking;
    }

    /** Stops renewing the Kerberos logins and the thread that makes first tokens. */
    @Override
    public void close() {
        if (serverLogin != null) {
            serverLogin.close();
        }
        if (learnerLogin != null) {
            learnerLogin.close();
        }
        if (blocking != null) {
            blocking.shutdownNow();
        }
    }

    @Override
    public String toString() {
        String accepting = serverLogin != null ? "GSSAPI as " + serverLogin.principal() + " in '" + settings.serverLoginContext() + "'"
                : "DIGEST-MD5 with " + users + " users in '" + settings.serverLoginContext() + "'";
        String connecting = learnerLogin != null ? "GSSAPI as " + learnerLogin.principal() + " for "
                + settings.servicePrincipal() : "DIGEST-MD5 " + (username == null ? "without a name" : "as '" + username + "'");
        return "quorum SASL (" + QuorumAuthSettings.LEARNER_REQUIRE_SASL + "=" + settings.learnerRequireSasl() + ", "
                + QuorumAuthSettings.SERVER_REQUIRE_SASL + "=" + settings.serverRequireSasl() + "; accepting " + accepting
                + "; connecting " + connecting + " in '" + settings.learnerLoginContext() + "')";
    }
}
