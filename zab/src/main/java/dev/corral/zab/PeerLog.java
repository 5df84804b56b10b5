package dev.corral.zab;

import dev.corral.tree.Invariants;
import dev.corral.tree.Zxid;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer's view of its own log: the txns after {@code baseZxid} that it keeps in memory (all that are not
 * delivered yet, and up to a bound of delivered ones, from which a leader serves DIFFs), and how far they
 * have been delivered to the state machine.
 *
 * <p>Invariants: entries follow each other and {@code baseZxid} by {@code Zxid.follows};
 * {@code baseZxid <= lastDelivered <= lastZxid()}; the entries before {@code nextDeliver} are exactly
 * those at or below {@code lastDelivered}.
 */
final class PeerLog {
    /** ZooKeeper's default zookeeper.commitLogCount: a gap this short is always sent as a DIFF. */
    static final int DIFF_FROM_MEMORY_MAX = 500;
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private long baseZxid;
    private long lastDelivered;
    private int nextDeliver;

    PeerLog(long snapshotZxid, List<LogEntry> recovered) {
        baseZxid = snapshotZxid;
        lastDelivered = snapshotZxid;
        entries.ensureCapacity(recovered.size());
        for (LogEntry entry : recovered) {
            append(entry);
        }
    }

    long baseZxid() {
        return baseZxid;
    }

    long lastDelivered() {
        return lastDelivered;
    }

    long lastZxid() {
        return entries.isEmpty() ? baseZxid : entries.get(entries.size() - 1).zxid();
    }

    int size() {
        return entries.size();
    }

    void append(LogEntry entry) {
        Invariants.checkZxids(Zxid.follows(lastZxid(), entry.zxid()), "log append %s after %s", entry.zxid(), lastZxid());
        entries.add(entry);
    }

    /** Cuts every entry after {@code zxid}; a delivered (so committed) one is never cut (ZOOKEEPER-1154). */
    void truncate(long zxid) {
        Invariants.check(zxid >= lastDelivered, "truncate to %s below the delivered %s", Zxid.hex(zxid), Zxid.hex(lastDelivered));
        Invariants.check(zxid >= baseZxid, "truncate to %s below the log's base %s", Zxid.hex(zxid), Zxid.hex(baseZxid));
        int keep = indexAfter(zxid);
        Invariants.check(keep == 0 ? zxid == baseZxid : entries.get(keep - 1).zxid() == zxid, "truncate to %s, not in the log",
                Zxid.hex(zxid));
        entries.subList(keep, entries.size()).clear();
    }

    /** The state machine now holds a snapshot at {@code zxid}; the log starts after it. */
    void reset(long zxid) {
        entries.clear();
        baseZxid = zxid;
        lastDelivered = zxid;
        nextDeliver = 0;
    }

    /** Whether the log ends with or passes through {@code zxid} (its base counts). */
    boolean contains(long zxid) {
        if (zxid == baseZxid) {
            return true;
        }
        int index = indexAfter(zxid) - 1;
        return index >= 0 && entries.get(index).zxid() == zxid;
    }

    /** The entries in (after, upTo], in order. */
    /**
     * Whether the txns after {@code after}, up to {@code upTo}, are worth sending as a DIFF given the state's
     * limit ({@link StateSource#diffBytesLimit}), as ZooKeeper's LearnerHandler#syncFollower decides: a
     * gap of at most {@value #DIFF_FROM_MEMORY_MAX} txns always (its in-memory committed log, of
     * zookeeper.commitLogCount txns), a longer one only while its bytes stay within a positive limit, or
     * with no limit (0).
     */
    boolean diffWorthIt(long after, long upTo, long bytesLimit) {
        int from = indexAfter(after);
        int to = indexAfter(upTo);
        if (to - from <= DIFF_FROM_MEMORY_MAX || bytesLimit == 0) {
            return true;
        }
        if (bytesLimit < 0) {
            return false;
        }
        long bytes = 0;
        for (int i = from; i < to; i++) {
            bytes += entries.get(i).txn().length;
            if (bytes > bytesLimit) {
                return false;
            }
        }
        return true;
    }

    List<LogEntry> between(long after, long upTo) {
        Invariants.check(after >= baseZxid, "entries after %s asked of a log from %s", Zxid.hex(after), Zxid.hex(baseZxid));
        return List.copyOf(entries.subList(indexAfter(after), indexAfter(upTo)));
    }

    /**
     * The highest zxid of epoch {@code epoch} below {@code below} in the log (its base included), or -1:
     * where a learner whose log ends at {@code below} may be truncated to and share everything before.
     */
    long lastOfEpochBelow(int epoch, long below) {
        int index = indexAfter(below - 1) - 1;
        long candidate = index >= 0 ? entries.get(index).zxid() : baseZxid;
        return Zxid.epoch(candidate) == epoch && candidate < below ? candidate : -1;
    }

    /** The next entry to deliver if it is at or below {@code upTo}, else null. */
    LogEntry deliverable(long upTo) {
        if (nextDeliver >= entries.size() || entries.get(nextDeliver).zxid() > upTo) {
            return null;
        }
        return entries.get(nextDeliver);
    }

    void delivered(LogEntry entry) {
        Invariants.check(entries.get(nextDeliver) == entry, "delivered out of order: %s", entry);
        nextDeliver++;
        lastDelivered = entry.zxid();
    }

    /** Forgets delivered entries beyond the newest {@code keep}, in batches so it costs O(1) per entry. */
    void trim(int keep) {
        int excess = nextDeliver - keep;
        if (excess > Math.max(16, keep / 2)) {
            baseZxid = entries.get(excess - 1).zxid();
            entries.subList(0, excess).clear();
            nextDeliver -= excess;
        }
    }

    /** Index of the first entry with a zxid above {@code zxid}. */
    private int indexAfter(long zxid) {
        int low = 0;
        int high = entries.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (entries.get(mid).zxid() <= zxid) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
