package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.Txn;
import dev.corral.tree.TxnEntry;
import dev.corral.wire.OpCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How committed txns find their waiters by (sessionId, cxid): on a server that proposed them (the
 * standalone server, a leader), on a server that forwarded them without knowing their zxid, and when
 * the txn is another server's, which nobody here waits for. Each row registers waiters, then commits
 * txns in order and names, per commit, the waiter it must find ("-" for none); or names the invariant
 * failure a commit must raise.
 */
class WaitersTest {
    private static final long A = 0xA1L;
    private static final long B = 0xB2L;
    private static final long C = 0xC3L;
    // A zxid of a later epoch, as a leader gives a forwarded write.
    private static final long EPOCH_2 = 2L << 32;

    /** A waiter to register: a name the expectations use, and how to build it. */
    record Register(String name, long sessionId, int cxid, long zxid, Kind kind) {}

    enum Kind { WRITE, CLOSE, CREATE_SESSION, EXPIRE, SERVER_OWN }

    /** A committed txn; {@code expect} is the name of the waiter it finds, or "-". */
    record Commit(long zxid, long sessionId, int cxid, Txn txn, String expect) {}

    record Case(String name, List<Register> waiters, List<Commit> commits, String failure) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Txn set = new Txn.SetData("/a", new byte[0], 0);
        Txn delete = new Txn.Delete(OpCode.DELETE, "/c");
        return Stream.of(
                // Every txn proposed here, as on the standalone server and a leader.
                new Case("own writes of two sessions come back in zxid order, each to its waiter",
                        List.of(w("a1", A, 1, 1), w("b1", B, 1, 2), w("a2", A, 2, 3)),
                        List.of(c(1, A, 1, set, "a1"), c(2, B, 1, set, "b1"), c(3, A, 2, set, "a2")), null),
                new Case("session creation, a write, a close, an expiry and a reaped container each find their waiter",
                        List.of(new Register("createA", A, 0, 1, Kind.CREATE_SESSION), w("a1", A, 1, 2),
                                new Register("expireA", A, 0, 3, Kind.EXPIRE), new Register("reap", 0, 0, 4, Kind.SERVER_OWN),
                                new Register("createB", B, 0, 5, Kind.CREATE_SESSION), new Register("closeB", B, 9, 6, Kind.CLOSE)),
                        List.of(c(1, A, 0, new Txn.CreateSession(A, 4000), "createA"), c(2, A, 1, set, "a1"),
                                c(3, A, 0, new Txn.CloseSession(A, List.of()), "expireA"), c(4, 0, 0, delete, "reap"),
                                c(5, B, 0, new Txn.CreateSession(B, 4000), "createB"),
                                c(6, B, 9, new Txn.CloseSession(B, List.of()), "closeB")), null),
                new Case("two waiters with the same cxid in one session are found in the order they were registered",
                        List.of(w("first", A, 7, 1), w("second", A, 7, 2)),
                        List.of(c(1, A, 7, set, "first"), c(2, A, 7, set, "second")), null),

                // A follower: its writes were forwarded, the leader chose their zxids.
                new Case("a forwarded write is found by (sessionId, cxid) whatever zxid the leader gave it",
                        List.of(w("a5", A, 5, 0), w("b3", B, 3, 0)),
                        List.of(c(EPOCH_2 + 7, B, 3, set, "b3"), c(EPOCH_2 + 9, A, 5, set, "a5")), null),
                new Case("another server's txn for a session nobody here holds is applied without a waiter",
                        List.of(w("a5", A, 5, 0)),
                        List.of(c(EPOCH_2 + 1, C, 5, set, "-"), c(EPOCH_2 + 2, A, 5, set, "a5")), null),
                new Case("a txn for a local session with another cxid than its oldest waiter is not that waiter's",
                        List.of(w("a5", A, 5, 0), w("a6", A, 6, 0)),
                        List.of(c(EPOCH_2 + 1, A, 4, set, "-"), c(EPOCH_2 + 2, A, 5, set, "a5"), c(EPOCH_2 + 3, A, 6, set, "a6")),
                        null),
                new Case("the leader's expiry (cxid 0) is not a local write that a client sent with cxid 0",
                        List.of(w("a0", A, 0, 0)),
                        List.of(c(EPOCH_2 + 1, A, 0, new Txn.CloseSession(A, List.of()), "-"), c(EPOCH_2 + 2, A, 0, set, "a0")),
                        null),
                new Case("another server's session creation and reaping are applied without a waiter",
                        List.of(w("a1", A, 1, 0)),
                        List.of(c(EPOCH_2 + 1, C, 0, new Txn.CreateSession(C, 4000), "-"), c(EPOCH_2 + 2, 0, 0, delete, "-"),
                                c(EPOCH_2 + 3, A, 1, set, "a1")), null),
                new Case("a write and a createSession with the same key are told apart by the txn's kind",
                        List.of(new Register("createA", A, 0, 0, Kind.CREATE_SESSION)),
                        List.of(c(EPOCH_2 + 1, A, 0, set, "-"), c(EPOCH_2 + 2, A, 0, new Txn.CreateSession(A, 4000), "createA")),
                        null),

                // A txn proposed here must come back in the order it was proposed, and none may be skipped.
                new Case("an own proposal committed before an earlier own proposal",
                        List.of(w("a1", A, 1, 1), w("b1", B, 1, 2)),
                        List.of(c(2, B, 1, set, "b1")), "txn 2 committed before this server's proposal 1"),
                new Case("a txn at the zxid of an own proposal but for another (sessionId, cxid)",
                        List.of(w("a1", A, 1, 1)),
                        List.of(c(1, C, 9, set, "-")), "txn 1 of session c3 cxid 9 is not the one proposed here"),
                new Case("an own proposal whose key matches a later txn than the one it was proposed at",
                        List.of(w("a1", A, 1, 5)),
                        List.of(c(3, A, 1, set, "a1")), "txn 3 matched the waiter proposed here at 5"),
                new Case("own waiters registered out of zxid order",
                        List.of(w("a1", A, 1, 2), w("a2", A, 2, 1)),
                        List.of(), "waiter for 1 registered after 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void committedTxnsFindExactlyTheirWaitersInOrder(Case row) {
        Waiters waiters = new Waiters();
        Map<Waiter, String> names = new HashMap<>();
        List<String> found = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        Runnable run = () -> {
            for (Register register : row.waiters()) {
                Waiter waiter = build(register);
                names.put(waiter, register.name());
                waiters.add(waiter);
            }
            for (Commit commit : row.commits()) {
                expected.add(commit.expect());
                Waiter waiter = waiters.onCommitted(new TxnEntry(commit.zxid(), 0, commit.sessionId(), commit.cxid(), commit.txn()));
                found.add(waiter == null ? "-" : names.get(waiter));
            }
        };
        if (row.failure() != null) {
            assertThatThrownBy(run::run).isInstanceOf(IllegalStateException.class).hasMessageContaining(row.failure());
            return;
        }
        run.run();
        assertThat(found).isEqualTo(expected);
        long matched = expected.stream().filter(name -> !name.equals("-")).count();
        assertThat(waiters.size()).as("waiters left").isEqualTo(row.waiters().size() - matched);
    }

    private static Register w(String name, long sessionId, int cxid, long zxid) {
        return new Register(name, sessionId, cxid, zxid, Kind.WRITE);
    }

    private static Commit c(long zxid, long sessionId, int cxid, Txn txn, String expect) {
        return new Commit(zxid, sessionId, cxid, txn, expect);
    }

    private static Waiter build(Register register) {
        Session session = new Session(register.sessionId(), new byte[16], 4000);
        switch (register.kind()) {
            case WRITE, CLOSE -> {
                int type = register.kind() == Kind.CLOSE ? OpCode.CLOSE_SESSION : OpCode.SET_DATA;
                PendingRequest request = new PendingRequest(1, register.cxid(), type, null, true, 0, new byte[0], 0);
                request.zxid = register.zxid();
                return new Waiter.ClientWrite(session, request);
            }
            case CREATE_SESSION -> {
                return new Waiter.CreateSession(session, register.zxid());
            }
            case EXPIRE -> {
                return new Waiter.ExpireSession(session, register.zxid());
            }
            default -> {
                return new Waiter.ServerOwn(register.zxid());
            }
        }
    }
}
