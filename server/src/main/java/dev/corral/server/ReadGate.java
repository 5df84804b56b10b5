package dev.corral.server;

import java.util.EnumSet;
import java.util.Set;

/**
 * Whether one client channel is read from. Several independent bounds may each stop the reading of a
 * connection; the channel is read from only while none of them holds it, so one bound lifting cannot
 * undo another's pause (as a bare {@code setAutoRead(true)} would).
 *
 * <p>Threads: {@link #pause} and {@link #resume} are called from the node loop and from the channel's
 * I/O loop. The reasons are changed under a lock; the channel's autoRead is then set on its own I/O loop
 * from the reasons as they are when that task runs, so the last task always leaves autoRead matching the
 * current reasons whatever the order the tasks were submitted in.
 */
final class ReadGate {
    /** Why a channel is not read from. */
    enum Reason {
        /** More requests outstanding over all sessions than globalOutstandingLimit (ZooKeeper's throttle). */
        GLOBAL_OUTSTANDING,
        /** More requests of this connection in flight than {@code connection.requestsMax}. */
        CONNECTION_REQUESTS,
        /** More reply bytes queued for this connection than {@code connection.outgoingBytesHigh}. */
        OUTGOING_BYTES
    }

    private final ClientLink link;
    // Invariant: the channel's autoRead is (reasons.isEmpty()) once the last submitted apply task has run.
    private final Set<Reason> reasons = EnumSet.noneOf(Reason.class);

    ReadGate(ClientLink link) {
        this.link = link;
    }

    /** Stops reading for {@code reason}; true if the reason was not holding the channel already. */
    boolean pause(Reason reason) {
        return change(reason, true);
    }

    /** Lifts {@code reason}; the channel is read again once no other reason holds it. */
    void resume(Reason reason) {
        change(reason, false);
    }

    private boolean change(Reason reason, boolean paused) {
        boolean changed;
        synchronized (reasons) {
            changed = paused ? reasons.add(reason) : reasons.remove(reason);
        }
        if (changed) {
            link.execute(this::apply);
        }
        return changed;
    }

    private void apply() {
        boolean read;
        synchronized (reasons) {
            read = reasons.isEmpty();
        }
        link.setAutoRead(read);
    }
}
