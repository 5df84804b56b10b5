package dev.corral.node;

import dev.corral.tree.DataTree;
import dev.corral.tree.Invariants;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.TxnPreparer;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import dev.corral.wire.OpCode;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Peer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The leader's making of txns, ZooKeeper's PrepRequestProcessor and ProposalRequestProcessor in one: it
 * turns a request into a txn against the tree plus the changes already proposed ({@link TxnPreparer}),
 * gives it the Peer's next zxid ({@code epoch << 32 | counter}) and proposes it; it also makes the
 * leader's own txns, session expiry and container/TTL reaping. Only the established leader proposes;
 * on a learner this class holds nothing and only hands the txns the Peer delivers to the Node.
 *
 * <p>It keeps this server's own proposals until they are applied, so that applying them needs no
 * decoding, and checks on apply that none is skipped or applied out of zxid order.
 */
final class Proposer {
    private final Peer peer;
    private final TxnPreparer preparer;
    private final ContainerReaper reaper;
    private final DataTree tree;
    private final NodeConfig config;
    private final Sessions sessions;
    private final Waiters waiters;
    // The wall time of the event being handled, which a txn carries.
    private final LongSupplier clock;
    // This server's own proposals not yet applied, in zxid order: applying one needs no decoding.
    // Invariant: every txn applied has a zxid at most the head's.
    private final ArrayDeque<TxnEntry> ownProposals = new ArrayDeque<>();

    Proposer(Peer peer, TxnPreparer preparer, ContainerReaper reaper, DataTree tree, NodeConfig config, Sessions sessions,
            Waiters waiters, LongSupplier clock) {
        this.peer = peer;
        this.preparer = preparer;
        this.reaper = reaper;
        this.tree = tree;
        this.config = config;
        this.sessions = sessions;
        this.waiters = waiters;
        this.clock = clock;
    }

    /** Whether the Peer takes a proposal now: this server is the established leader and its counter is not used up. */
    boolean canPropose() {
        return peer.canPropose();
    }

    /** Proposes the creation of a session a client of this leader asked for; it is established when applied. */
    void proposeCreateSession(Session session, int timeoutMs) {
        propose(new Waiter.CreateSession(session, peer.nextZxid()), new Txn.CreateSession(session.sessionId, timeoutMs));
    }

    /** Proposes a write or closeSession of a session of this leader's own clients; the request then waits for it. */
    void proposeWrite(Session session, PendingRequest request, List<Id> auth) {
        long zxid = peer.nextZxid();
        if (request.type == OpCode.CLOSE_SESSION) {
            session.closing = true;
            sessions.stopTracking(session);
        }
        Txn txn = prepare(session, request.type, request.body, auth, zxid);
        request.zxid = zxid;
        propose(new Waiter.ClientWrite(session, request), txn);
    }

    /**
     * One tick of the session clock on the leader: the sessions that expired are closed, then containers
     * and TTL nodes that are due are deleted, as far as the Peer takes proposals.
     */
    void proposeTickTxns(List<Session> expired, long tick, long wallMs) {
        for (Session session : expired) {
            if (!canPropose()) {
                break;
            }
            session.closing = true;
            long zxid = peer.nextZxid();
            propose(new Waiter.ExpireSession(session, zxid), preparer.prepareCloseSession(session.sessionId, zxid));
        }
        for (String path : reaper.candidates(tick, tree, wallMs)) {
            if (!canPropose()) {
                break;
            }
            long zxid = peer.nextZxid();
            propose(new Waiter.ServerOwn(zxid),
                    preparer.prepare(OpCode.DELETE_CONTAINER, path, Waiter.ServerOwn.SESSION_ID, List.of(), zxid));
        }
    }

    /** The txn the leader makes of a session's write or closeSession, given its decoded request record. */
    Txn prepare(Session session, int type, Object body, List<Id> auth, long zxid) {
        if (type == OpCode.CLOSE_SESSION) {
            return preparer.prepareCloseSession(session.sessionId, zxid);
        } else if (body == Requests.UNDECODABLE) {
            return new Txn.Error(ErrorCode.MARSHALLINGERROR);
        } else if (type == OpCode.RECONFIG) {
            // Corral has no dynamic reconfiguration (ZooKeeper: RECONFIGDISABLED unless reconfigEnabled,
            // then UNIMPLEMENTED here); like ZooKeeper's, the refusal takes a zxid.
            return new Txn.Error(config.reconfigEnabled() ? ErrorCode.UNIMPLEMENTED : ErrorCode.RECONFIGDISABLED);
        }
        return preparer.prepare(type, body, session.sessionId, auth, zxid);
    }

    /** The zxid the next proposal must carry; only when {@link #canPropose()}. */
    long nextZxid() {
        return peer.nextZxid();
    }

    /** Proposes a txn nobody here waits for: a learner's request, which the learner answers when it applies it. */
    void proposeUnwaited(TxnEntry entry) {
        ownProposals.addLast(entry);
        peer.propose(new LogEntry(entry.zxid(), TxnCodec.encode(entry)));
    }

    /** Proposes a txn this server prepared; its header carries the waiter's (sessionId, cxid), by which it is found. */
    private void propose(Waiter waiter, Txn txn) {
        TxnEntry entry = new TxnEntry(waiter.zxid(), clock.getAsLong(), waiter.sessionId(), waiter.cxid(), txn);
        waiters.add(waiter);
        proposeUnwaited(entry);
    }

    /**
     * The txn of a committed log entry, about to be applied: this server's own proposal if it is the
     * oldest one, else decoded; its pending changes are retired from the preparer.
     */
    TxnEntry committed(LogEntry logged) {
        TxnEntry own = ownProposals.peekFirst();
        Invariants.checkZxids(own == null || own.zxid() >= logged.zxid(), "txn %s applied before this server's proposal %s",
                logged.zxid(), own == null ? 0 : own.zxid());
        return own != null && own.zxid() == logged.zxid() ? ownProposals.pollFirst() : TxnCodec.decode(logged.txn());
    }

    /** The txn is applied: the preparer no longer counts its changes as pending. */
    void retire(long zxid) {
        preparer.retire(zxid);
    }

    /** The state was replaced by a snapshot: changes prepared against the old one are void. */
    void discardPending() {
        preparer.discardPending();
    }

    /** This server left its quorum: its proposals may never commit, and are applied as another server's if they do. */
    void clear() {
        ownProposals.clear();
        preparer.discardPending();
    }
}
