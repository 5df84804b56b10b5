package dev.corral.node;

/**
 * The server side of SASL for the client protocol's sasl packets (opcode 102), one exchange per connection,
 * as ZooKeeper 3.9's ZooKeeperSaslServer runs it. The shell implements it with the JDK's SASL server (its
 * nonces are random, so it lives outside the deterministic Node) and forgets a connection's exchange when
 * the connection closes.
 */
public interface SaslAuthenticator {

    /** A step's answer: the token for the client, and the authorization id once the exchange is complete (else null). */
    record Step(byte[] response, String authorizationId) {}

    /** The client's token failed the exchange (a wrong password, an unknown user, a malformed token). */
    final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    /** Evaluates the connection's next client token (empty at the start of DIGEST-MD5). */
    Step evaluate(long connectionId, byte[] token) throws Refused;
}
