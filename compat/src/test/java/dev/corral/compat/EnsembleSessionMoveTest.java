package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.Poll;
import dev.corral.testkit.ServerProbe;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, item 6: session move. A session created on one server is resumed on another (same session id
 * and password, through a second connection), and the first connection then sends a request. ZooKeeper 3.9.5
 * hands the session to the second server (the leader records it as the session's owner). What the old
 * connection then sees, observed on ZooKeeper 3.9.5 and pinned below:
 * <ul>
 *   <li>a request that goes through the leader's pipeline (any write; on the leader, any request) finds the
 *       owner changed and the server closes the old connection without a reply: ZooKeeper turns the
 *       SessionMovedException into a closed connection (ZOOKEEPER-710), which its own
 *       {@code QuorumTest#testSessionMoved} expects of the official client as ConnectionLoss; no reply ever
 *       carries SESSIONMOVED (-118);</li>
 *   <li>a read or a ping on the old connection to a follower is still answered (err 0): the follower serves
 *       it from its own tree and session table without asking the leader who owns the session.</li>
 * </ul>
 *
 * <p>One ensemble for the class; each case moves a fresh session. Runs against Corral and against ZooKeeper
 * 3.9.5.
 */
class EnsembleSessionMoveTest {
    private static final Duration RESUME_BOUND = Duration.ofSeconds(10);
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final Duration ELECTION_BOUND = Duration.ofSeconds(30);
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(10);

    private static Ensemble ensemble;
    private static int leader;

    enum Role { FOLLOWER, LEADER }

    /** What the old connection sees: a reply with an error code (and whether the server then closes it), or no reply. */
    record Outcome(String what) {
        static final Outcome CLOSED = new Outcome("closed without a reply");

        static Outcome reply(int err, boolean thenClosed) {
            return new Outcome("reply err=" + err + (thenClosed ? ", then closed" : ""));
        }
    }

    /**
     * @param request  what the old connection sends: a write (goes through the leader) or a read or ping
     *                 (served by the old server itself)
     * @param oldRole  the role of the server the session was created on
     * @param expected what ZooKeeper 3.9.5 does
     */
    record Case(String request, Role oldRole, Outcome expected) {
        @Override
        public String toString() {
            return request + " on the old connection to the " + oldRole.name().toLowerCase(Locale.ROOT);
        }
    }

    static List<Case> cases() {
        return List.of(
                // A write goes through the leader, which knows the session's owner is the new server.
                new Case("create", Role.FOLLOWER, Outcome.CLOSED),
                new Case("create", Role.LEADER, Outcome.CLOSED),
                // A read or a ping is served by a follower itself, which does not check the session's owner ...
                new Case("exists", Role.FOLLOWER, Outcome.reply(0, false)),
                new Case("ping", Role.FOLLOWER, Outcome.reply(0, false)),
                // ... while on the leader every request passes the owner check ...
                new Case("exists", Role.LEADER, Outcome.CLOSED),
                new Case("ping", Role.LEADER, Outcome.CLOSED),
                // ... but a closeSession, which the leader orders without it: it ends the session, whose new
                // server then closes its connection too.
                new Case("closeSession", Role.FOLLOWER, Outcome.reply(0, true)),
                new Case("closeSession", Role.LEADER, Outcome.reply(0, true)));
    }

    @BeforeAll
    static void startEnsemble() throws Exception {
        ensemble = CompatEnsemble.start("session-move", spec -> spec);
        leader = ensemble.awaitLeader(ELECTION_BOUND);
    }

    @AfterAll
    static void stopEnsemble() {
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oldConnectionAfterSessionMoved(Case c) throws Exception {
        int oldServer = c.oldRole() == Role.LEADER ? leader : ensemble.members().stream()
                .mapToInt(Ensemble.Member::serverId).filter(id -> id != leader).min().orElseThrow();
        int newServer = ensemble.members().stream().mapToInt(Ensemble.Member::serverId)
                .filter(id -> id != oldServer).min().orElseThrow();
        String path = "/moved-" + c.request() + "-" + c.oldRole().name().toLowerCase(Locale.ROOT);
        try (RawClient old = RawClient.connect(ensemble.member(oldServer).clientPort(), SESSION_TIMEOUT_MS)) {
            RawClient.ConnectResponse session = old.session();
            RawClient.Reply created = old.call(RawClient.CREATE, createBody(path));
            assertThat(created.err()).as("create %s on server %d before the move", path, oldServer).isZero();
            try (RawClient moved = resume(ensemble.member(newServer).clientPort(), created.zxid(), session)) {
                checkMove(c, oldServer, newServer, path, old, session, moved);
            }
        }
    }

    /**
     * Resumes the session on another server once that server has applied the zxid the client has seen:
     * both ZooKeeper and Corral refuse (close) a connection from a client that has seen a zxid the server
     * has not applied yet ("client has seen zxid ... our last zxid is ..."), and a follower can be a commit
     * behind for a moment. Waits by the server's own {@code srvr} Zxid line, within a bound.
     */
    private static RawClient resume(int port, long lastZxidSeen, RawClient.ConnectResponse session) throws Exception {
        boolean caughtUp = Poll.until(RESUME_BOUND, Duration.ofMillis(5), () -> appliedZxid(port) >= lastZxidSeen);
        assertThat(caughtUp).as("server on port %d applied zxid 0x%x within %s", port, lastZxidSeen, RESUME_BOUND).isTrue();
        RawClient moved = RawClient.open(port);
        try {
            moved.handshake(lastZxidSeen, session.sessionId(), session.password(), SESSION_TIMEOUT_MS);
            return moved;
        } catch (IOException | RuntimeException e) {
            moved.close();
            throw e;
        }
    }

    /** The last zxid the server applied, from its srvr answer's "Zxid: 0x..." line; -1 if it does not answer. */
    private static long appliedZxid(int port) {
        try {
            for (String line : ServerProbe.fourLetterWord(port, "srvr").split("\n")) {
                if (line.startsWith("Zxid: 0x")) {
                    return Long.parseUnsignedLong(line.substring("Zxid: 0x".length()).trim(), 16);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private static void checkMove(Case c, int oldServer, int newServer, String path, RawClient old,
            RawClient.ConnectResponse session, RawClient moved) throws Exception {
        RawClient.ConnectResponse resumed = moved.session();
        assertThat(resumed.valid()).as("session resumed on server %d", newServer).isTrue();
        assertThat(resumed.sessionId()).isEqualTo(session.sessionId());
        // The new connection's first request is answered: the move has gone through the leader.
        assertThat(moved.call(RawClient.EXISTS, existsBody(path)).err()).as("exists through the new connection").isZero();

        Outcome outcome = send(old, c.request(), path);
        System.out.printf(Locale.ROOT, "EnsembleSessionMoveTest %s: session 0x%x created on server %d (%s), resumed on"
                + " server %d; %s -> %s%n", CompatRun.target(), session.sessionId(), oldServer,
                c.oldRole().name().toLowerCase(Locale.ROOT), newServer, c, outcome.what());
        assertThat(outcome).as(c.toString()).isEqualTo(c.expected());
        if (c.request().equals("closeSession")) {
            assertThat(moved.closedByServerWithin(CLOSE_BOUND)).as("server %d closed its connection to the ended session", newServer)
                    .isTrue();
            try (RawClient again = RawClient.open(ensemble.member(newServer).clientPort())) {
                assertThat(again.handshake(0L, session.sessionId(), session.password(), SESSION_TIMEOUT_MS).valid())
                        .as("a resume of the ended session").isFalse();
            }
            return;
        }
        assertThat(moved.ping().err()).as("the session still serves on the new connection").isZero();
    }

    /** Sends the case's request on the old connection; a reply's error code, or CLOSED if the server closes it. */
    private static Outcome send(RawClient old, String request, String path) throws IOException {
        try {
            RawClient.Reply reply = switch (request) {
                case "create" -> old.call(RawClient.CREATE, createBody(path + "-after"));
                case "exists" -> old.call(RawClient.EXISTS, existsBody(path));
                case "ping" -> old.ping();
                case "closeSession" -> old.call(RawClient.CLOSE_SESSION, new byte[0]);
                default -> throw new IllegalArgumentException(request);
            };
            // An error reply may come before the server closes the connection, as does a closeSession's; a
            // success of anything else needs no wait.
            boolean closes = reply.err() != 0 || request.equals("closeSession");
            return Outcome.reply(reply.err(), closes && old.closedByServerWithin(CLOSE_BOUND));
        } catch (EOFException | SocketException closed) {
            return Outcome.CLOSED;
        }
    }

    private static byte[] createBody(String path) {
        return new Jute.Writer().writeString(path).writeBuffer(new byte[0]).writeOpenAcl().writeInt(0).toByteArray();
    }

    private static byte[] existsBody(String path) {
        return new Jute.Writer().writeString(path).writeBoolean(false).toByteArray();
    }
}
