package dev.corral.server.quorum;

import dev.corral.server.sasl.KerberosLogin;
import dev.corral.server.sasl.SaslErrors;
import dev.corral.wire.QuorumAuthPacket;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

/**
 * The connecting member's side of one quorum authentication, as ZooKeeper 3.9.5's SaslQuorumAuthLearner#authenticate
 * runs it with the JDK's SASL client {@link QuorumSasl} makes (DIGEST-MD5, or GSSAPI whose tokens are made as the
 * member's Kerberos login): the first packet carries the client's initial response (none for DIGEST-MD5, so an empty
 * token; GSSAPI's needs a service ticket, which may mean asking the KDC), each IN_PROGRESS challenge is answered, and the exchange succeeds when a SUCCESS packet arrives with the
 * client complete (its token, the server's rspauth, evaluated first and needing no answer). ERROR, an unknown status,
 * a SUCCESS before the client is complete, or more than {@link #ROUNDS_MAX} challenges fail it.
 *
 * <p>Owned by one connection's event loop; not thread-safe.
 */
final class QuorumAuthLearnerExchange {
    /** Challenges answered before the exchange is given up: ZooKeeper's server stops after 5, DIGEST-MD5 needs 2. */
    static final int ROUNDS_MAX = 6;

    private final SaslClient client;
    // The Kerberos login whose Subject makes GSSAPI's tokens; null for DIGEST-MD5.
    private final KerberosLogin login;
    private int rounds;
    private boolean finished;

    QuorumAuthLearnerExchange(SaslClient client, KerberosLogin login) throws SaslException {
        if (client == null) {
            throw new SaslException("this JDK has no such SASL client");
        }
        this.client = client;
        this.login = login;
    }

    /**
     * The first packet, sent right after connecting (after the election handshake on the election port). With
     * GSSAPI it may wait for the KDC: {@link QuorumSasl#blockingWork}.
     */
    QuorumAuthPacket start() throws SaslException {
        byte[] token = client.hasInitialResponse() ? evaluate(new byte[0]) : new byte[0];
        return QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, token);
    }

    private byte[] evaluate(byte[] challenge) throws SaslException {
        if (login == null) {
            return client.evaluateChallenge(challenge);
        }
        try {
            return login.doAs(() -> client.evaluateChallenge(challenge));
        } catch (SaslException e) {
            throw e;
        } catch (Exception e) {
            throw new SaslException(e.getMessage(), e);
        }
    }

    /** What to do after the accepting member's next packet. */
    QuorumAuthStep onPacket(QuorumAuthPacket packet) {
        if (finished) {
            throw new IllegalStateException("quorum authentication already finished");
        }
        try {
            switch (packet.status()) {
                case QuorumAuthPacket.SUCCESS -> {
                    if (!client.isComplete()) {
                        if (packet.token() == null) {
                            return fail("the server answered SUCCESS without a token");
                        }
                        byte[] response = evaluate(packet.token());
                        if (response != null) {
                            return fail("protocol error: a response is due after the server's SUCCESS");
                        }
                    }
                    if (!client.isComplete()) {
                        return fail("the server answered SUCCESS before the exchange was complete");
                    }
                    finished = true;
                    dispose();
                    return QuorumAuthStep.authenticated(null, "SUCCESS");
                }
                case QuorumAuthPacket.IN_PROGRESS -> {
                    if (client.isComplete()) {
                        return fail("the server goes on after the exchange completed");
                    }
                    if (packet.token() == null) {
                        return fail("the server sent a challenge without a token");
                    }
                    if (++rounds > ROUNDS_MAX) {
                        return fail("still not complete after " + ROUNDS_MAX + " challenges");
                    }
                    byte[] response = evaluate(packet.token());
                    return QuorumAuthStep.next(QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, response == null ? new byte[0] : response));
                }
                case QuorumAuthPacket.ERROR -> {
                    return fail("the server refused the credentials (status ERROR)");
                }
                default -> {
                    return fail("the server answered with " + QuorumAuthPacket.statusName(packet.status()));
                }
            }
        } catch (SaslException | RuntimeException e) {
            return fail(SaslErrors.reason(e));
        }
    }

    private QuorumAuthStep fail(String reason) {
        finished = true;
        dispose();
        return QuorumAuthStep.failed(null, reason);
    }

    private void dispose() {
        try {
            client.dispose();
        } catch (SaslException e) {
            // Nothing is held that matters: the mechanisms dispose of keys in memory.
        }
    }

    /** ZooKeeper's SaslClientCallbackHandler: the member's name and password, the server's realm. */
    static void answer(Callback[] callbacks, String username, String password) {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                name.setName(username);
            } else if (callback instanceof PasswordCallback secret) {
                secret.setPassword(password.toCharArray());
            } else if (callback instanceof RealmCallback realm) {
                realm.setText(realm.getDefaultText());
            } else if (callback instanceof AuthorizeCallback authorize) {
                authorize.setAuthorized(authorize.getAuthenticationID().equals(authorize.getAuthorizationID()));
            }
        }
    }
}
