package dev.corral.server.quorum;

import dev.corral.wire.QuorumAuthPacket;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * The accepting member's side of one quorum authentication, as ZooKeeper 3.9.5's SaslQuorumAuthServer#authenticate
 * runs it: every packet of the connecting member is a response for the JDK's SASL server ({@link QuorumSasl} makes it:
 * DIGEST-MD5 with protocol "zookeeper-quorum" and server name "zk-quorum-sasl-md5", or GSSAPI); each challenge goes back as IN_PROGRESS, the last one as
 * SUCCESS once the server is complete, and an exchange that fails, or is still going after {@link #ROUNDS_MAX}
 * challenges, is answered with ERROR. Deciding what a failure means (refuse the connection, or let it through when
 * SASL is not required) is the caller's.
 *
 * <p>Owned by one connection's event loop; not thread-safe.
 */
final class QuorumAuthServerExchange {
    /** ZooKeeper's SaslQuorumAuthServer.MAX_RETRIES: IN_PROGRESS answers after which the exchange fails. */
    static final int ROUNDS_MAX = 5;

    private final SaslServer server;
    private int rounds;
    private boolean finished;

    QuorumAuthServerExchange(SaslServer server) throws SaslException {
        if (server == null) {
            throw new SaslException("this JDK has no such SASL server");
        }
        this.server = server;
    }

    /** The answer to the connecting member's next packet. */
    QuorumAuthStep onPacket(QuorumAuthPacket packet) {
        if (finished) {
            throw new IllegalStateException("quorum authentication already finished");
        }
        if (packet.token() == null) {
            return fail("the learner sent a packet without a token");
        }
        try {
            byte[] challenge = server.evaluateResponse(packet.token());
            if (server.isComplete()) {
                finished = true;
                String identity = server.getAuthorizationID();
                dispose();
                return QuorumAuthStep.authenticated(QuorumAuthPacket.of(QuorumAuthPacket.SUCCESS, challenge), identity);
            }
            if (++rounds > ROUNDS_MAX) {
                return fail("still not complete after " + ROUNDS_MAX + " rounds");
            }
            return QuorumAuthStep.next(QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, challenge));
        } catch (SaslException | RuntimeException e) {
            // The JDK's server throws IllegalStateException, not SaslException, for some states a hostile peer reaches.
            return fail(dev.corral.server.sasl.SaslErrors.reason(e));
        }
    }

    private QuorumAuthStep fail(String reason) {
        finished = true;
        dispose();
        return QuorumAuthStep.failed(QuorumAuthPacket.of(QuorumAuthPacket.ERROR, new byte[0]), reason);
    }

    private void dispose() {
        try {
            server.dispose();
        } catch (SaslException e) {
            // Nothing is held that matters: the mechanisms dispose of keys in memory.
        }
    }
}
