package dev.corral.server;

import dev.corral.node.SaslAuthenticator;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;

/**
 * The client side of SASL GSSAPI as ZooKeeper 3.9.5's ZooKeeperSaslClient runs it (SecurityUtils#createSaslClient):
 * logged in from a keytab with the JDK's Krb5LoginModule, the JDK's GSSAPI SaslClient for service
 * {@code protocol/host}, asking for its own principal as authorization id, each token made as the logged-in Subject.
 */
final class GssapiClient {
    private static final int STEPS_MAX = 5;

    private final Subject subject;
    private final String principal;
    private final SaslClient client;

    private GssapiClient(Subject subject, String principal, SaslClient client) {
        this.subject = subject;
        this.principal = principal;
        this.client = client;
    }

    /** Logs {@code principal} (with realm) in from {@code keytab}, for service {@code protocol/host}. */
    static GssapiClient login(String principal, Path keytab, String protocol, String host) throws Exception {
        Configuration configuration = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of("useKeyTab", "true", "keyTab",
                                keytab.toString(), "storeKey", "true", "useTicketCache", "false", "principal", principal))};
            }
        };
        LoginContext context = new LoginContext("Client", new Subject(), null, configuration);
        context.login();
        Subject subject = context.getSubject();
        SaslClient client = doAs(subject, () -> Sasl.createSaslClient(new String[] {"GSSAPI"}, principal, protocol, host, null,
                callbacks -> { }));
        return new GssapiClient(subject, principal, client);
    }

    @SuppressWarnings("removal")
    private static <T> T doAs(Subject subject, PrivilegedExceptionAction<T> action) throws Exception {
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
    }

    String principal() {
        return principal;
    }

    /** The first token: GSSAPI has an initial response, made with a service ticket from the KDC. */
    byte[] initialToken() throws Exception {
        return doAs(subject, () -> client.evaluateChallenge(new byte[0]));
    }

    /** The answer to a server's token. */
    byte[] answer(byte[] challenge) throws Exception {
        return doAs(subject, () -> client.evaluateChallenge(challenge == null ? new byte[0] : challenge));
    }

    /**
     * Runs the exchange on {@code connectionId} from {@code firstToken} to the end.
     *
     * @return the authorization id the server gives
     */
    String finish(SaslAuthenticator server, long connectionId, byte[] firstToken) throws Exception {
        byte[] token = firstToken;
        for (int step = 0; step < STEPS_MAX; step++) {
            SaslAuthenticator.Step answer = server.evaluate(connectionId, token);
            if (answer.authorizationId() != null) {
                return answer.authorizationId();
            }
            token = answer(answer.response());
        }
        throw new AssertionError("the exchange did not complete in " + STEPS_MAX + " steps");
    }

    /** The whole exchange on {@code connectionId}; returns the authorization id. */
    String authenticate(SaslAuthenticator server, long connectionId) throws Exception {
        return finish(server, connectionId, initialToken());
    }
}
