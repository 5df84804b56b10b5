package dev.corral.tree;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated part of the session state: which sessions exist and their negotiated timeouts. It
 * changes only by createSession and closeSession txns, so every server agrees on it; liveness and expiry
 * are tracked by the leader outside the tree.
 */
public final class SessionTable {
    private final Map<Long, Integer> timeoutsMs = new TreeMap<>();

    public boolean contains(long sessionId) {
        return timeoutsMs.containsKey(sessionId);
    }

    /** The negotiated timeout of a live session, or -1. */
    public int timeoutMs(long sessionId) {
        return timeoutsMs.getOrDefault(sessionId, -1);
    }

    public int size() {
        return timeoutsMs.size();
    }

    public Map<Long, Integer> all() {
        return Collections.unmodifiableMap(timeoutsMs);
    }

    /** Replaces the table with a snapshot's sessions, at recovery. */
    public void load(Map<Long, Integer> sessions) {
        timeoutsMs.clear();
        timeoutsMs.putAll(sessions);
    }

    void add(long sessionId, int timeoutMs) {
        Invariants.check(!timeoutsMs.containsKey(sessionId), "session %x created twice", sessionId);
        timeoutsMs.put(sessionId, timeoutMs);
    }

    void remove(long sessionId) {
        timeoutsMs.remove(sessionId);
    }
}
