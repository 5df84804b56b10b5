package dev.corral.server.quorum;

/**
 * ZooKeeper 3.9.5's zoo.cfg keys for SASL authentication between ensemble members (QuorumAuth's constants, read by
 * QuorumPeerConfig), with ZooKeeper's defaults and its consistency rules.
 *
 * <p>How ZooKeeper uses them, and so Corral: with {@code quorum.auth.enableSasl=true} a member reads both JAAS
 * sections at start (a missing one stops the start) and, accepting a connection on its election or quorum port,
 * authenticates a peer whose first bytes after the election handshake (or first bytes at all, on the quorum port)
 * are a QuorumAuthPacket; a peer that sends none is let through unless {@code quorum.auth.serverRequireSasl}, and
 * so is one whose authentication fails (after an ERROR packet, which ends the exchange on the peer's side).
 * Connecting, a member authenticates only with {@code quorum.auth.learnerRequireSasl=true}, and then closes the
 * connection unless the other side answers SUCCESS. That is what lets an ensemble turn SASL on by rolling restarts:
 * enableSasl everywhere, then learnerRequireSasl everywhere, then serverRequireSasl.
 *
 * @param enableSasl {@code quorum.auth.enableSasl}, default false
 * @param learnerRequireSasl {@code quorum.auth.learnerRequireSasl}, default false: this member authenticates when
 *     it connects to another
 * @param serverRequireSasl {@code quorum.auth.serverRequireSasl}, default false: this member refuses a connecting
 *     member that does not authenticate
 * @param learnerLoginContext {@code quorum.auth.learner.saslLoginContext}, the JAAS section with this member's
 *     {@code username} and {@code password}, default QuorumLearner
 * @param serverLoginContext {@code quorum.auth.server.saslLoginContext}, the JAAS section with the
 *     {@code user_<name>} passwords of the members it accepts, default QuorumServer
 * @param servicePrincipal {@code quorum.auth.kerberos.servicePrincipal}, default zkquorum/localhost: the principal a
 *     member asks a Kerberos ticket for when its QuorumLearner section logs in with Kerberos, {@code _HOST} replaced
 *     by the other member's host ({@link QuorumSasl})
 * @param cnxnThreads {@code quorum.cnxn.threads.size}, default 20: ZooKeeper's pool of threads that authenticate
 *     connections, which blocks one thread per connection; Corral's transports authenticate asynchronously on their
 *     event loop, so the value is checked and otherwise unused
 */
public record QuorumAuthSettings(boolean enableSasl, boolean learnerRequireSasl, boolean serverRequireSasl,
        String learnerLoginContext, String serverLoginContext, String servicePrincipal, int cnxnThreads) {

    public static final String ENABLE_SASL = "quorum.auth.enableSasl";
    public static final String LEARNER_REQUIRE_SASL = "quorum.auth.learnerRequireSasl";
    public static final String SERVER_REQUIRE_SASL = "quorum.auth.serverRequireSasl";
    public static final String LEARNER_LOGIN_CONTEXT = "quorum.auth.learner.saslLoginContext";
    public static final String SERVER_LOGIN_CONTEXT = "quorum.auth.server.saslLoginContext";
    public static final String SERVICE_PRINCIPAL = "quorum.auth.kerberos.servicePrincipal";
    public static final String CNXN_THREADS = "quorum.cnxn.threads.size";

    /** What a zoo.cfg without these keys gets: no SASL between members. */
    public static final QuorumAuthSettings OFF = new QuorumAuthSettings(false, false, false, "QuorumLearner", "QuorumServer",
            "zkquorum/localhost", 20);

    /**
     * @throws IllegalArgumentException for the combinations QuorumPeerConfig refuses: requiring SASL without enabling
     *     it, and requiring it of connecting members without authenticating as one (this member could never join)
     */
    public QuorumAuthSettings {
        if (!enableSasl && serverRequireSasl) {
            throw new IllegalArgumentException(ENABLE_SASL + " is disabled, so cannot enable " + SERVER_REQUIRE_SASL);
        }
        if (!enableSasl && learnerRequireSasl) {
            throw new IllegalArgumentException(ENABLE_SASL + " is disabled, so cannot enable " + LEARNER_REQUIRE_SASL);
        }
        if (!learnerRequireSasl && serverRequireSasl) {
            throw new IllegalArgumentException(LEARNER_REQUIRE_SASL + " is disabled, so cannot enable " + SERVER_REQUIRE_SASL);
        }
        if (cnxnThreads < 1) {
            throw new IllegalArgumentException(CNXN_THREADS + " must be at least 1, got " + cnxnThreads);
        }
    }
}
