package dev.corral.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Session liveness on the leader, counted in ticks. Like ZooKeeper's {@code ExpiryQueue}, sessions sit
 * in buckets by the tick at which they expire, so a tick costs one bucket, not a scan of every session;
 * a touch moves a session to a later bucket. A session touched during tick {@code t} with timeout T
 * expires at tick {@code t + ceil(T / tickMs) + 1}: never before T has passed, at most two ticks after.
 *
 * <p>Invariant: a session is in exactly the bucket {@code expiryTick.get(sessionId)} names.
 */
final class SessionTracker {
    private final int tickMs;
    private long currentTick;
    private final TreeMap<Long, Set<Long>> buckets = new TreeMap<>();
    private final Map<Long, Long> expiryTick = new HashMap<>();

    SessionTracker(int tickMs) {
        this.tickMs = tickMs;
    }

    long currentTick() {
        return currentTick;
    }

    void touch(long sessionId, int timeoutMs) {
        long expiry = currentTick + (timeoutMs + tickMs - 1) / tickMs + 1;
        Long previous = expiryTick.put(sessionId, expiry);
        if (previous != null) {
            if (previous == expiry) {
                return;
            }
            removeFromBucket(previous, sessionId);
        }
        buckets.computeIfAbsent(expiry, k -> new LinkedHashSet<>()).add(sessionId);
    }

    void remove(long sessionId) {
        Long expiry = expiryTick.remove(sessionId);
        if (expiry != null) {
            removeFromBucket(expiry, sessionId);
        }
    }

    boolean isTracked(long sessionId) {
        return expiryTick.containsKey(sessionId);
    }

    /** Advances one tick and returns the sessions that expired, which are no longer tracked. */
    List<Long> tick() {
        currentTick++;
        List<Long> expired = new ArrayList<>();
        while (!buckets.isEmpty() && buckets.firstKey() <= currentTick) {
            for (long sessionId : buckets.pollFirstEntry().getValue()) {
                expiryTick.remove(sessionId);
                expired.add(sessionId);
            }
        }
        return expired;
    }

    private void removeFromBucket(long expiry, long sessionId) {
        Set<Long> bucket = buckets.get(expiry);
        bucket.remove(sessionId);
        if (bucket.isEmpty()) {
            buckets.remove(expiry);
        }
    }
}
