package dev.corral.node;

import dev.corral.wire.OpCode;
import dev.corral.zab.ServerState;
import java.util.HashSet;
import java.util.Set;

/**
 * ZooKeeper's read-only mode ({@code -Dreadonlymode.enabled=true}): a server that has looked for a quorum
 * for {@link #graceMs} without finding one serves the clients that ask for read-only access, until it joins a
 * quorum again. What ZooKeeper 3.9.5 does, and so what this does:
 * <ul>
 *   <li>it starts once the server has been LOOKING for max(2 s, one tick) (QuorumPeer's roZkMgr), and ends as
 *       soon as the server has a role again (follower, leader or observer, before it serves), closing every
 *       client connection, whose sessions are gone;</li>
 *   <li>a client that did not set the readOnly flag of its ConnectRequest is refused (the connection closes);
 *       a read-only client gets a session that lives on this server only (ZooKeeper's local session), its
 *       ConnectResponse says read-only, and only such a session may be resumed here: a session of the quorum
 *       is refused (ReadOnlyZooKeeperServer#validateSession);</li>
 *   <li>reads, watches and auth are served from this server's tree; every change, and sync, is answered
 *       NOTREADONLY (ReadOnlyRequestProcessor); closeSession ends the local session.</li>
 * </ul>
 * ZooKeeper grants those sessions only with {@code localSessionsEnabled=true} (without it, a read-only
 * server cannot make a session at all and the client never connects); Corral grants them in either case,
 * since a read-only session is local by nature, and accepts the key.
 *
 * <p>Invariants: sessions made here are never proposed, and none outlives the mode; nothing is written while
 * it is active.
 */
final class ReadOnlyMode {
    /** ZooKeeper's lower bound on how long a server looks for a quorum before it serves read-only. */
    static final long GRACE_MS_MIN = 2_000;

    private final boolean enabled;
    private final long graceMs;
    // Since when the server has been looking without a role (-1 while it has one, or serves).
    private long lookingSinceMs = -1;
    private boolean active;
    private final Set<Long> localSessions = new HashSet<>();

    ReadOnlyMode(boolean enabled, int tickMs) {
        this.enabled = enabled;
        this.graceMs = Math.max(GRACE_MS_MIN, tickMs);
    }

    boolean active() {
        return active;
    }

    /**
     * The server's role changed: a server that starts looking starts its grace period; one that has a role
     * again ends the mode. Returns whether the mode was active and ended, so the caller closes its clients.
     */
    boolean onRoleChanged(ServerState state, boolean serving, long nowMs) {
        if (state == ServerState.LOOKING && !serving) {
            if (lookingSinceMs < 0) {
                lookingSinceMs = nowMs;
            }
            return false;
        }
        lookingSinceMs = -1;
        boolean ended = active;
        active = false;
        return ended;
    }

    /** Whether the grace period passed with the server still looking, so that the mode starts now. */
    boolean due(long nowMs) {
        return enabled && !active && lookingSinceMs >= 0 && nowMs - lookingSinceMs >= graceMs;
    }

    void start() {
        active = true;
    }

    long graceMs() {
        return graceMs;
    }

    /** A session made while the mode is active: it lives here only. */
    void adopt(long sessionId) {
        localSessions.add(sessionId);
    }

    boolean isLocal(long sessionId) {
        return localSessions.contains(sessionId);
    }

    void forget(long sessionId) {
        localSessions.remove(sessionId);
    }

    /** The local sessions, emptied: the mode ended and they with it. */
    Set<Long> takeLocalSessions() {
        Set<Long> taken = Set.copyOf(localSessions);
        localSessions.clear();
        return taken;
    }

    /**
     * Whether a read-only server answers a request of this type NOTREADONLY instead of serving it: every change,
     * and sync (ZooKeeper 3.9.5's ReadOnlyRequestProcessor). closeSession is not among them: it ends the local session.
     */
    static boolean refuses(int type) {
        return type != OpCode.CLOSE_SESSION && (Requests.isWrite(type) || switch (type) {
            case OpCode.SYNC, OpCode.CHECK, OpCode.DELETE_CONTAINER -> true;
            default -> false;
        });
    }
}
