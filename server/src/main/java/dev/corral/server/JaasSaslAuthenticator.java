package dev.corral.server;

import dev.corral.node.SaslAuthenticator;
import dev.corral.server.sasl.DigestServerCallbacks;
import dev.corral.server.sasl.GssapiServerCallbacks;
import dev.corral.server.sasl.JaasFile;
import dev.corral.server.sasl.KerberosLogin;
import dev.corral.server.sasl.PrincipalMapping;
import dev.corral.server.sasl.SaslErrors;
import java.io.IOException;
import java.util.Arrays;
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
 * SASL on the client port, from the JAAS file ZooKeeper's servers read ({@code -Djava.security.auth.login.config=...}),
 * section {@code Server} (or the one {@code zookeeper.sasl.serverconfig} names), with one of the two mechanisms
 * ZooKeeper 3.9.5 offers. As ZooKeeper's SecurityUtils#createSaslServer, the section decides which, not the client:
 * <ul>
 *   <li><b>GSSAPI (Kerberos)</b> when the section logs in with a principal:
 *   <pre>
 * Server {
 *   com.sun.security.auth.module.Krb5LoginModule required
 *   useKeyTab=true keyTab="/etc/zookeeper/zk.keytab" storeKey=true useTicketCache=false
 *   principal="zookeeper/host1.example.com@EXAMPLE.COM";
 * };
 *   </pre>
 *   The section is logged in at start ({@link KerberosLogin}, renewed before its ticket ends) and each connection runs
 *   the JDK's GSSAPI server as that Subject, with the protocol and host of the principal {@code protocol/host@REALM};
 *   clients need a service ticket for exactly that principal. The id is the client's principal as
 *   {@link PrincipalMapping} maps it (zookeeper.kerberos.removeHostFromPrincipal, removeRealmFromPrincipal,
 *   zookeeper.security.auth_to_local). {@code user_} options of such a section are not offered: ZooKeeper's server
 *   then speaks GSSAPI only, and a DIGEST-MD5 client fails.</li>
 *   <li><b>DIGEST-MD5</b> otherwise: every {@code user_<name>="<password>"} option of ZooKeeper's DigestLoginModule
 *   is a user (ServerCnxnFactory#getDigestMd5Credentials), under ZooKeeper's protocol "zookeeper" and server name
 *   "zk-sasl-md5"; the login module class is not loaded, and the id is the user name.</li>
 * </ul>
 * A JAAS file that cannot be read, or a login that fails, stops the start; a file without the section leaves SASL
 * off, as ZooKeeper does. Where Corral differs: a Kerberos principal without a host part ({@code zookeeper@REALM})
 * stops the start, where ZooKeeper starts and then answers each client's token with an empty one, unauthenticated.
 *
 * <p>Evaluation runs on the node loop and never reaches the network: accepting a GSSAPI token needs the service key
 * from the keytab (read from the local file) and the JDK's in-memory replay cache, not the KDC. Making the GSSAPI
 * server may look the host name up (the JDK canonicalizes host-based names), so it is made on the connection's I/O
 * thread when the connection opens ({@link #prepare}), as ZooKeeper makes it in its connection's constructor.
 *
 * <p>Thread safety: exchanges are prepared and forgotten from the I/O threads and evaluated on the node loop, hence
 * the concurrent map; one exchange is used by one thread at a time.
 */
final class JaasSaslAuthenticator implements SaslAuthenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JaasSaslAuthenticator.class);
    static final String JAAS_FILE = JaasFile.PROPERTY;
    static final String SECTION = "zookeeper.sasl.serverconfig";
    /** The mechanisms' names, as the JDK knows them. */
    static final String DIGEST_MD5 = "DIGEST-MD5";
    static final String GSSAPI = "GSSAPI";

    private final String mechanism;
    // DIGEST-MD5's callbacks, or GSSAPI's.
    private final javax.security.auth.callback.CallbackHandler callbacks;
    // GSSAPI only: the login, and the protocol and host of its principal. Null for DIGEST-MD5.
    private final KerberosLogin login;
    private final String protocol;
    private final String host;
    private final Map<Long, SaslServer> exchanges = new ConcurrentHashMap<>();

    private JaasSaslAuthenticator(String mechanism, javax.security.auth.callback.CallbackHandler callbacks,
            KerberosLogin login, String protocol, String host) {
        this.mechanism = mechanism;
        this.callbacks = callbacks;
        this.login = login;
        this.protocol = protocol;
        this.host = host;
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
        boolean digestOnly = Arrays.stream(entries).allMatch(entry -> entry.getLoginModuleName().equals(JaasFile.DIGEST_LOGIN_MODULE));
        if (!digestOnly) {
            KerberosLogin login = KerberosLogin.login(section, entries, file, KerberosLogin.minReloginMs(system));
            String principal = login.principal();
            if (principal != null) {
                return Optional.of(gssapi(login, principal, system, section, file));
            }
            login.close();
        }
        LOG.info("SASL DIGEST-MD5 on the client port for {} users of JAAS section '{}' in {}", passwords.size(), section, file);
        return Optional.of(new JaasSaslAuthenticator(DIGEST_MD5, new DigestServerCallbacks(passwords), null, null, null));
    }

    private static JaasSaslAuthenticator gssapi(KerberosLogin login, String principal, Properties system, String section,
            String file) throws IOException {
        // ZooKeeper's SecurityUtils#createSaslServer: "zookeeper/myhost.foo.com@FOO.COM" is protocol "zookeeper" on
        // host "myhost.foo.com".
        int slash = principal.indexOf('/');
        int at = principal.indexOf('@', slash + 1);
        if (slash < 0 || at < 0) {
            login.close();
            throw new IOException("The Kerberos principal " + principal + " of JAAS section '" + section + "' in " + file
                    + " has no host part: a server's principal is service/host@REALM, e.g. zookeeper/host1.example.com@EXAMPLE.COM");
        }
        PrincipalMapping mapping;
        try {
            mapping = PrincipalMapping.of(system, KerberosLogin.defaultRealm());
        } catch (IllegalArgumentException e) {
            login.close();
            throw new IOException(e.getMessage(), e);
        }
        LOG.info("SASL GSSAPI (Kerberos) on the client port as {} (JAAS section '{}' in {}; {}={}, {}={})", principal, section,
                file, PrincipalMapping.REMOVE_HOST, mapping.removeHost(), PrincipalMapping.REMOVE_REALM, mapping.removeRealm());
        return new JaasSaslAuthenticator(GSSAPI, new GssapiServerCallbacks(mapping), login, principal.substring(0, slash),
                principal.substring(slash + 1, at));
    }


    /** The mechanism every exchange runs: GSSAPI or DIGEST-MD5. */
    String mechanism() {
        return mechanism;
    }

    /** The login of a GSSAPI server (null for DIGEST-MD5). */
    KerberosLogin login() {
        return login;
    }

    /**
     * The connection opened: a GSSAPI server makes its exchange now, on the connection's I/O thread, so that the
     * node loop never waits for the host name lookup the JDK makes then. DIGEST-MD5 makes its exchange when it is
     * first needed.
     */
    void prepare(long connectionId) {
        if (login == null) {
            return;
        }
        try {
            exchanges.put(connectionId, newExchange());
        } catch (SaslException e) {
            // evaluate makes it again and refuses the client with the reason.
            LOG.warn("Making the GSSAPI exchange of connection {} failed: {}", connectionId, SaslErrors.reason(e));
        }
    }

    private SaslServer newExchange() throws SaslException {
        if (login == null) {
            return Sasl.createSaslServer(DIGEST_MD5, "zookeeper", "zk-sasl-md5", null, callbacks);
        }
        try {
            SaslServer server = login.doAs(() -> Sasl.createSaslServer(GSSAPI, protocol, host, null, callbacks));
            if (server == null) {
                throw new SaslException("the JDK has no " + GSSAPI + " SASL server");
            }
            return server;
        } catch (SaslException e) {
            throw e;
        } catch (Exception e) {
            throw new SaslException("cannot make a " + GSSAPI + " server as " + login.principal() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Step evaluate(long connectionId, byte[] token) throws Refused {
        try {
            SaslServer server = exchanges.get(connectionId);
            if (server == null) {
                server = newExchange();
                exchanges.put(connectionId, server);
            }
            byte[] response = server.evaluateResponse(token);
            return new Step(response, server.isComplete() ? server.getAuthorizationID() : null);
        } catch (SaslException e) {
            exchanges.remove(connectionId);
            throw new Refused(SaslErrors.reason(e));
        } catch (RuntimeException e) {
            // The JDK's mechanisms throw unchecked exceptions on some malformed tokens: still only this client's failure.
            exchanges.remove(connectionId);
            throw new Refused(mechanism + " failed: " + e);
        }
    }

    /** The connection closed: its exchange, finished or not, is dropped. */
    void forget(long connectionId) {
        SaslServer server = exchanges.remove(connectionId);
        if (server != null) {
            try {
                server.dispose();
            } catch (SaslException e) {
                LOG.debug("Disposing of the SASL exchange of connection {} failed: {}", connectionId, e.getMessage());
            }
        }
    }

    /** Stops renewing the Kerberos login. */
    @Override
    public void close() {
        if (login != null) {
            login.close();
        }
    }
}
