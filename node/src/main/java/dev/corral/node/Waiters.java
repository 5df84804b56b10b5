package dev.corral.node;

import dev.corral.tree.Invariants;
import dev.corral.tree.TxnEntry;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The waiters of txns not yet applied, found by the (sessionId, cxid) of a committed txn. Each session's
 * waiters form a queue in the order they were registered, and a committed txn can only be for the
 * head of its session's queue: the leader proposes a session's requests in the order it receives
 * them and commits in zxid order, so a session's txns arrive in the order its server sent them. A
 * committed txn that the head does not await, or for a session with no waiter, was asked for by
 * another server (or by the leader itself) and nobody here waits for it: it is applied without a reply.
 *
 * <p>Invariant, checked on every commit: the waiters this server proposed itself (known zxid) are
 * committed in the order of their zxids and none is skipped, i.e. when the txn with zxid z commits,
 * every own proposal below z has been matched, and the own proposal at z, if any, is the waiter its
 * (sessionId, cxid) finds.
 */
final class Waiters {
    private final Map<Long, ArrayDeque<Waiter>> bySession = new HashMap<>();
    // This server's own proposals (zxid known), in zxid order.
    private final ArrayDeque<Waiter> proposedHere = new ArrayDeque<>();
    // Own proposals of an earlier leadership: their zxids may have been truncated or committed by the next
    // leader, so they no longer constrain the order of commits; a committed txn still finds them by
    // (sessionId, cxid).
    private final java.util.Set<Waiter> orphaned = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private int size;

    /** Registers a waiter behind the earlier waiters of its session. */
    void add(Waiter waiter) {
        if (waiter.zxid() != 0) {
            Waiter last = proposedHere.peekLast();
            Invariants.check(last == null || last.zxid() < waiter.zxid(), "waiter for %x registered after %x",
                    waiter.zxid(), last == null ? 0 : last.zxid());
            proposedHere.addLast(waiter);
        }
        bySession.computeIfAbsent(waiter.sessionId(), id -> new ArrayDeque<>()).addLast(waiter);
        size++;
    }

    /** The waiter of a committed txn, no longer registered, or null if nobody here waits for it. */
    Waiter onCommitted(TxnEntry entry) {
        if (size == 0 && proposedHere.isEmpty()) {
            // Nobody waits here: another server's txn, or a replay (no session id boxed for a lookup).
            return null;
        }
        ArrayDeque<Waiter> queue = bySession.get(entry.sessionId());
        Waiter waiter = queue != null && queue.peekFirst().awaits(entry) ? queue.pollFirst() : null;
        if (waiter != null) {
            size--;
            if (queue.isEmpty()) {
                bySession.remove(entry.sessionId());
            }
        }
        Waiter oldestHere = proposedHere.peekFirst();
        Invariants.check(oldestHere == null || oldestHere.zxid() >= entry.zxid(),
                "txn %x committed before this server's proposal %x", entry.zxid(), oldestHere == null ? 0 : oldestHere.zxid());
        if (oldestHere != null && oldestHere.zxid() == entry.zxid()) {
            Invariants.check(waiter == oldestHere, "txn %x of session %x cxid %d is not the one proposed here for session %x cxid %d",
                    entry.zxid(), entry.sessionId(), entry.cxid(), oldestHere.sessionId(), oldestHere.cxid());
            proposedHere.pollFirst();
        } else {
            Invariants.check(waiter == null || waiter.zxid() == 0 || orphaned.remove(waiter), "txn %x matched the waiter proposed here at %x",
                    entry.zxid(), waiter == null ? 0 : waiter.zxid());
        }
        return waiter;
    }

    /**
     * Forgets every waiter, when this server stops serving: what they wait for may never be committed, and
     * if it is, it is applied as another server's txn, without a reply.
     */
    void clear() {
        bySession.clear();
        proposedHere.clear();
        orphaned.clear();
        size = 0;
    }

    /**
     * This server stopped leading while its own proposals wait: they stay registered, found by (sessionId,
     * cxid) if the next leader commits them, but no longer by zxid order (the next epoch's txns come first).
     */
    void orphanOwnProposals() {
        orphaned.addAll(proposedHere);
        proposedHere.clear();
    }

    /**
     * Forgets the waiters of a session whose close was applied here, before its txns that are still to
     * come: none of them can be a proposal of this server's own (a leader orders nothing of a session
     * after its close), only a write another server will be told is an error of, or an orphan.
     */
    void removeClosedSession(long sessionId) {
        ArrayDeque<Waiter> queue = bySession.get(sessionId);
        if (queue != null) {
            for (Waiter waiter : queue) {
                Invariants.check(!proposedHere.contains(waiter), "session %x closed before this server's proposal %x of it",
                        sessionId, waiter.zxid());
            }
        }
        removeSession(sessionId);
    }

    /** Forgets every waiter of the session (what they wait for was lost); returns how many there were. */
    int removeSession(long sessionId) {
        ArrayDeque<Waiter> queue = bySession.remove(sessionId);
        if (queue == null) {
            return 0;
        }
        for (Waiter waiter : queue) {
            proposedHere.remove(waiter);
            orphaned.remove(waiter);
        }
        size -= queue.size();
        return queue.size();
    }

    /** The number of waiters registered. */
    int size() {
        return size;
    }
}
