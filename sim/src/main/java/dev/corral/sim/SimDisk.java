package dev.corral.sim;

import dev.corral.tree.Invariants;
import dev.corral.tree.Zxid;
import dev.corral.zab.DurableState;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Output;
import dev.corral.zab.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One server's data directory in the simulator: the epoch files, the snapshot and the log, and the
 * persist outputs written but not yet synced. A sync makes everything written so far durable; a crash
 * keeps the durable state plus a random prefix of what was written after it (what the page cache had
 * flushed by chance), so lost and torn unsynced writes are both covered: a torn last record is dropped
 * at recovery, which is the same as losing it.
 */
final class SimDisk {
    private long acceptedEpoch;
    private long currentEpoch;
    private dev.corral.zab.SharedSecret secret = dev.corral.zab.SharedSecret.NONE;
    private Snapshot snapshot = new Snapshot(0, HashChainState.EMPTY);
    private final List<LogEntry> log = new ArrayList<>();
    private final List<Output.Persist> unsynced = new ArrayList<>();
    private long writtenSeq;
    // What earlier wipes destroyed, for the commit check only; the server never sees it again.
    private final java.util.Map<Long, LogEntry> lost = new java.util.HashMap<>();
    private long lostSnapshotZxid;

    /** Writes a persist output; it is durable only after a {@link #sync()} that follows. */
    void write(Output.Persist output) {
        Invariants.check(output.seq() == writtenSeq + 1, "persist output %d after %d", output.seq(), writtenSeq);
        writtenSeq = output.seq();
        unsynced.add(output);
    }

    boolean hasUnsynced() {
        return !unsynced.isEmpty();
    }

    /** Makes every write so far durable; returns the highest durable seq. */
    long sync() {
        for (Output.Persist output : unsynced) {
            apply(output);
        }
        unsynced.clear();
        return writtenSeq;
    }

    /**
     * Makes only the first {@code count} writes since the last sync durable (all of them if fewer), as a
     * disk that flushed part of its queue; returns the seq of the last write made durable.
     */
    long syncFirst(int count) {
        int done = Math.min(count, unsynced.size());
        long seq = 0;
        for (int i = 0; i < done; i++) {
            apply(unsynced.get(i));
            seq = unsynced.get(i).seq();
        }
        unsynced.subList(0, done).clear();
        return seq;
    }

    /** A crash: unsynced writes are lost, but a random prefix of them may have reached the disk. */
    void crash(Random random) {
        int survive = unsynced.isEmpty() ? 0 : random.nextInt(unsynced.size() + 1);
        for (int i = 0; i < survive; i++) {
            apply(unsynced.get(i));
        }
        unsynced.clear();
        writtenSeq = 0;
    }

    /**
     * The whole data directory is lost (a replaced disk). What it durably held is remembered for the
     * checkers only ({@link #heldDurably}): an ack it gave before the loss was true when given.
     */
    void wipe() {
        for (LogEntry entry : log) {
            lost.put(entry.zxid(), entry);
        }
        lostSnapshotZxid = Math.max(lostSnapshotZxid, snapshot.zxid());
        acceptedEpoch = 0;
        currentEpoch = 0;
        secret = dev.corral.zab.SharedSecret.NONE;
        snapshot = new Snapshot(0, HashChainState.EMPTY);
        log.clear();
        unsynced.clear();
        writtenSeq = 0;
    }

    DurableState recover() {
        return new DurableState(acceptedEpoch, currentEpoch, snapshot.zxid(), log, secret);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    long acceptedEpoch() {
        return acceptedEpoch;
    }

    long currentEpoch() {
        return currentEpoch;
    }

    /** The last zxid durable here: the log's end, or the snapshot's. */
    long lastZxid() {
        return log.isEmpty() ? snapshot.zxid() : log.get(log.size() - 1).zxid();
    }

    /** Whether this disk durably holds {@code entry}, or held it before a wipe: its log, or a snapshot past it. */
    boolean heldDurably(LogEntry entry) {
        LogEntry held = entry(entry.zxid());
        if (held == null) {
            held = lost.get(entry.zxid());
        }
        return (held != null && java.util.Arrays.equals(held.txn(), entry.txn()))
                || snapshot.zxid() >= entry.zxid() || lostSnapshotZxid >= entry.zxid();
    }

    /** The durable txn at {@code zxid}, or null. */
    LogEntry entry(long zxid) {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i).zxid() == zxid) {
                return log.get(i);
            }
            if (log.get(i).zxid() < zxid) {
                break;
            }
        }
        return null;
    }

    private void apply(Output.Persist output) {
        if (output instanceof Output.Append append) {
            long zxid = append.entry().zxid();
            Invariants.check(Zxid.follows(lastZxid(), zxid), "disk append %s after %s", Zxid.hex(zxid), Zxid.hex(lastZxid()));
            log.add(append.entry());
        } else if (output instanceof Output.Truncate truncate) {
            Invariants.check(truncate.zxid() >= snapshot.zxid(), "truncate to %s below the snapshot %s", Zxid.hex(truncate.zxid()),
                    Zxid.hex(snapshot.zxid()));
            log.removeIf(entry -> entry.zxid() > truncate.zxid());
        } else if (output instanceof Output.WriteAcceptedEpoch accepted) {
            acceptedEpoch = accepted.epoch();
        } else if (output instanceof Output.WriteCurrentEpoch current) {
            currentEpoch = current.epoch();
        } else if (output instanceof Output.InstallSnapshot install) {
            snapshot = install.snapshot();
            log.clear();
        } else if (output instanceof Output.WriteSharedSecret shared) {
            secret = shared.secret();
        }
        Invariants.check(acceptedEpoch >= currentEpoch, "on disk: acceptedEpoch %d below currentEpoch %d", acceptedEpoch, currentEpoch);
    }
}
