package dev.corral.node;

import dev.corral.tree.Txn;
import dev.corral.tree.TxnEntry;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.JuteInput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.OpCode;
import dev.corral.zab.Message;
import dev.corral.zab.Peer;
import java.util.function.LongSupplier;

/**
 * The leader's side of forwarding: what learners send it on behalf of their clients, as ZooKeeper's
 * LearnerHandler hands it to the leader's server. A REQUEST (a write, a closeSession, a session's creation
 * or a sync) is ordered like a request of the leader's own clients, a REVALIDATE of a session that moved
 * to a learner is answered, and the session touches a learner carries in its PINGs keep those sessions
 * alive. Nothing waits here for the txns it proposes: the learner that forwarded a request replies when
 * it applies the txn, so a leader that loses its leadership loses nothing of them.
 *
 * <p>The leader is the one owner of sessions (ZooKeeper's SessionTrackerImpl): it records which server
 * each session is used through, and a write through any other server becomes a SESSIONMOVED error txn,
 * on which that server closes the stale connection (ZooKeeper's FinalRequestProcessor); a closeSession
 * through any server ends the session. A forwarded
 * request never takes a session from its owner: only a revalidation moves it, and a request claims only
 * a session whose owner is unknown (one recovered from a log or snapshot).
 */
final class ForwardedRequests {
    private final Peer peer;
    private final Sessions sessions;
    private final Proposer proposer;
    // The wall time of the event being handled, which a txn carries.
    private final LongSupplier clock;

    ForwardedRequests(Peer peer, Sessions sessions, Proposer proposer, LongSupplier clock) {
        this.peer = peer;
        this.sessions = sessions;
        this.proposer = proposer;
        this.clock = clock;
    }

    /** Client traffic learner {@code from} forwarded to this server, which is the established leader. */
    void onLearnerMessage(long from, Message.Learner message) {
        if (message instanceof Message.Request request) {
            onRequest(from, request);
        } else if (message instanceof Message.Revalidate revalidate) {
            onRevalidate(from, revalidate);
        } else if (message instanceof Message.Ping ping) {
            onPing(ping);
        }
    }

    /**
     * Orders a request a learner forwarded, as ZooKeeper's leader does in PrepRequestProcessor: the
     * learner's own session creation, or a write or closeSession of a session that must be alive and, for a
     * write, owned by that learner (else the txn is an error: SESSIONEXPIRED, which the learner replies, or
     * SESSIONMOVED, on which it closes the stale connection); a sync is answered once what is proposed now
     * is committed.
     */
    private void onRequest(long from, Message.Request request) {
        if (request.type() == OpCode.SYNC) {
            peer.answerSync(from);
            return;
        }
        if (!proposer.canPropose()) {
            return; // the learner's connection to us ends with our leadership, and its clients' requests with it
        }
        long zxid = proposer.nextZxid();
        Session session = sessions.get(request.sessionId());
        Txn txn;
        if (request.type() == OpCode.CREATE_SESSION) {
            if (session != null || request.body().length != 4 || request.cxid() != Waiter.SERVER_CXID) {
                return; // a session id in use, or not a learner's createSession: nothing to order
            }
            int timeoutMs = sessions.grantedTimeoutMs(new JuteInput(request.body()).readInt());
            Session created = sessions.adopt(request.sessionId(), timeoutMs);
            created.established = false;
            created.owner = from;
            txn = new Txn.CreateSession(request.sessionId(), timeoutMs);
        } else if (session == null || !session.established || session.closing) {
            txn = new Txn.Error(ErrorCode.SESSIONEXPIRED);
        } else if (session.movedFrom(from, request.type())) {
            // Not for a closeSession (an expiry is not the owner's either): its owner closes its connection to
            // the session when it applies the txn.
            txn = new Txn.Error(ErrorCode.SESSIONMOVED);
        } else if (!Requests.isWrite(request.type())) {
            txn = new Txn.Error(ErrorCode.MARSHALLINGERROR); // only writes and closeSession are forwarded
        } else {
            sessions.touch(session);
            if (request.type() == OpCode.CLOSE_SESSION) {
                session.closing = true;
                sessions.stopTracking(session);
            } else {
                session.owner = from;
            }
            Object body;
            try {
                body = Requests.decode(request.type(), new JuteInput(request.body()));
            } catch (MalformedRecordException e) {
                body = Requests.UNDECODABLE;
            }
            txn = proposer.prepare(session, request.type(), body, request.authInfo(), zxid);
        }
        proposer.proposeUnwaited(new TxnEntry(zxid, clock.getAsLong(), request.sessionId(), request.cxid(), txn));
    }

    /**
     * A client resumed a session on the learner, which asks whether it is alive (ZooKeeper's
     * LearnerHandler REVALIDATE): if it is, the learner owns it from now, with the timeout it granted.
     */
    private void onRevalidate(long from, Message.Revalidate revalidate) {
        Session session = sessions.get(revalidate.sessionId());
        boolean valid = session != null && session.established && !session.closing;
        if (valid) {
            session.owner = from;
            session.timeoutMs = revalidate.timeoutMs();
            sessions.touch(session);
        }
        peer.answerRevalidate(from, revalidate.sessionId(), valid);
    }

    /** The sessions the learner's clients kept alive since its last ping live for another timeout. */
    private void onPing(Message.Ping ping) {
        ping.touches().forEach((sessionId, timeoutMs) -> {
            Session session = sessions.get(sessionId);
            if (session != null && session.established) {
                sessions.touch(session);
            }
        });
    }
}
