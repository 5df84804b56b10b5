package dev.corral.node;

import dev.corral.tree.Txn;
import dev.corral.tree.TxnEntry;
import dev.corral.wire.OpCode;

/**
 * Something on this server that waits for a txn to be committed and applied, and what it does then:
 * reply to a client write, establish a new session, end an expired one. A waiter is found by the
 * (sessionId, cxid) the txn carries in its header, as ZooKeeper's {@code CommitProcessor} matches a
 * committed request to a local one, not by zxid: a server that forwards a write to the leader does not
 * know the zxid the write will get, and it also applies txns that other servers asked for.
 *
 * <p>The server's own txns use cxid 0, as ZooKeeper's do: session creation and expiry under the
 * session's id, container and TTL reaping under session 0, which no client has. Because a hostile client
 * may also send cxid 0, a waiter checks the kind of the txn too, so that another server's closeSession
 * for a session is never taken for that session's write.
 *
 * <p>{@link #zxid()} is the zxid this server gave the txn when it proposed it, or 0 when it does not
 * know it (a write forwarded to the leader).
 */
sealed interface Waiter {
    /** The cxid of the server's own txns, as in ZooKeeper. */
    int SERVER_CXID = 0;

    long sessionId();

    /** The cxid of the txn waited for: the client's xid, or {@link #SERVER_CXID} for the server's own txns. */
    default int cxid() {
        return SERVER_CXID;
    }

    long zxid();

    /** Whether the committed txn is the one this waiter waits for. */
    boolean awaits(TxnEntry entry);

    /** Whether the txn is one of the server's own for the session, of the given kind. */
    private static boolean isServerTxn(TxnEntry entry, long sessionId, Class<? extends Txn> kind) {
        return entry.sessionId() == sessionId && entry.cxid() == SERVER_CXID && kind.isInstance(entry.txn());
    }

    /**
     * A client's write or closeSession; its reply goes out when the txn is applied, made from the txn the
     * leader prepared for it (here or, for a write forwarded by a learner, on the leader).
     */
    record ClientWrite(Session session, PendingRequest request) implements Waiter {
        @Override
        public long sessionId() {
            return session.sessionId;
        }

        @Override
        public int cxid() {
            return request.xid;
        }

        @Override
        public long zxid() {
            return request.zxid;
        }

        @Override
        public boolean awaits(TxnEntry entry) {
            boolean closes = request.type == OpCode.CLOSE_SESSION;
            return entry.sessionId() == sessionId() && entry.cxid() == cxid()
                    && !(entry.txn() instanceof Txn.CreateSession) && closes == (entry.txn() instanceof Txn.CloseSession);
        }
    }

    /** A new session, established (and its ConnectResponse sent) when its createSession txn is applied. */
    record CreateSession(Session session, long zxid) implements Waiter {
        @Override
        public long sessionId() {
            return session.sessionId;
        }

        @Override
        public boolean awaits(TxnEntry entry) {
            return isServerTxn(entry, sessionId(), Txn.CreateSession.class);
        }
    }

    /** A session this server expired; it ends when its closeSession txn is applied. */
    record ExpireSession(Session session, long zxid) implements Waiter {
        @Override
        public long sessionId() {
            return session.sessionId;
        }

        @Override
        public boolean awaits(TxnEntry entry) {
            return isServerTxn(entry, sessionId(), Txn.CloseSession.class);
        }
    }

    /** A txn of the server's own with no one to answer, such as reaping a container; session 0 is no client's. */
    record ServerOwn(long zxid) implements Waiter {
        static final long SESSION_ID = 0;

        @Override
        public long sessionId() {
            return SESSION_ID;
        }

        @Override
        public boolean awaits(TxnEntry entry) {
            return isServerTxn(entry, SESSION_ID, Txn.class);
        }
    }
}
