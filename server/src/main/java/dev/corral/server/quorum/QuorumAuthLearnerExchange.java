package dev.corral.server.quorum;

import dev.corral.wire.QuorumAuthPacket;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

/**
 * The connecting member's side of one quorum authentication, as ZooKeeper 3.9.5's SaslQuorumAuthLearner#authenticate
 * runs it with DIGEST-MD5: the first packet carries the client's initial response (none for DIGEST-MD5, so an empty
 * token), each IN_PROGRESS challenge is answered, and the exchange succeeds when a SUCCESS packet arrives with the
 * client complete (its token, the server's rspauth, evaluated first and needing no answer). ERROR, an unknown status,
 * a SUCCESS before the client is complete, or more than {@link #ROUNDS_MAX} challenges fail it.
 *
 * <p>Owned by one connection's event loop; not thread-safe.
 */
final class QuorumAuthLearnerExchange {
    /** Challenges answered before the exchange is given up: ZooKeeper's server stops after 5, DIGEST-MD5 needs 2. */
    static final int ROUNDS_MAX = 6;

    private final SaslClient client;
    private int rounds;
    private boolean finished;

    QuorumAuthLearnerExchange(String username, String password) throws SaslException {
        this.client = Sasl.createSaslClient(new String[] {"DIGEST-MD5"}, username, QuorumSasl.PROTOCOL, QuorumSasl.SERVER_NAME,
                null, callbacks -> answer(callbacks, username, password));
        if (client == null) {
            throw new SaslException("this JDK has no DIGEST-MD5 SASL client");
        }
    }

    /** The first packet, sent right after connecting (after the election handshake on the election port). */
    QuorumAuthPacket start() throws SaslException {
        byte[] token = client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0];
        return QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, token);
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
                        byte[] response = client.evaluateChallenge(packet.token());
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
                    byte[] response = client.evaluateChallenge(packet.token());
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
            return fail(e.getMessage());
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
            // Nothing is held that matters: DIGEST-MD5 disposes of keys in memory.
        }
    }

    /** ZooKeeper's SaslClientCallbackHandler: the member's name and password, the server's realm. */
    private static void answer(Callback[] callbacks, String username, String password) {
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
