package dev.corral.server.quorum;

/**
 * Which of two election connections between a pair of servers survives: ZooKeeper keeps only the one
 * initiated by the server with the higher id, so that simultaneous connects end in one connection.
 *
 * <p>ZooKeeper 3.9.5, QuorumCnxManager: the initiator, after writing its handshake, closes its own
 * connection when the acceptor's id is higher (startConnection, "Have smaller server identifier, so
 * dropping the connection"); the acceptor closes a connection from a lower id and connects back to it
 * (handleConnection, "If wins the challenge, then close the new connection"), after closing whatever
 * connection it already had to that server, which may be stale after the other side restarted.
 */
final class DuplicateConnectionRule {
    private DuplicateConnectionRule() {}

    /** Whether the initiator keeps the connection it opened to {@code remoteId} after its handshake. */
    static boolean initiatorKeeps(long myId, long remoteId) {
        return remoteId < myId;
    }

    /** Whether the acceptor keeps a connection whose handshake named {@code remoteId}. */
    static boolean acceptorKeeps(long myId, long remoteId) {
        return remoteId > myId;
    }

    /** Whether the acceptor, refusing a connection from {@code remoteId}, connects back to it instead. */
    static boolean acceptorConnectsBack(long myId, long remoteId) {
        return remoteId < myId;
    }
}
