package dev.corral.node;

import dev.corral.zab.Message;
import dev.corral.zab.ServerState;

/** An effect the shell must carry out for the Node, in the order given. */
public sealed interface Output {
    /** Write {@code frame} (length prefix included) to the connection. */
    record Send(long connectionId, byte[] frame) implements Output {}

    /** Close the connection once everything sent before is flushed; {@code reason} is for the log. */
    record Close(long connectionId, String reason) implements Output {
        /** The reason of a close the client asked for with closeSession, the routine end of a session. */
        public static final String CLIENT_CLOSED = "client closed its session";

        /**
         * Whether this is the routine end of a session, which ZooKeeper 3.9 logs at DEBUG only (a churning
         * client would otherwise write a line per session from the node loop).
         */
        public boolean routine() {
            return CLIENT_CLOSED.equals(reason);
        }
    }

    /**
     * Make a change to the log, the epoch files or the snapshot durable, in the order given, and report
     * {@code Node#onPersisted} with the highest {@code seq} that is durable. Only a Node whose config has
     * a durable log asks for these; an in-memory Node counts them durable at once.
     */
    record Persist(dev.corral.zab.Output.Persist change) implements Output {}

    /** Send a quorum message to another server of the ensemble. */
    record PeerSend(long serverId, Message message) implements Output {}

    /**
     * Write this image of the state to a snapshot file, off the node loop. Its zxid is applied, so it
     * is already durable in the log; the log may start a new segment so older ones can be purged.
     */
    record Snapshot(dev.corral.tree.TreeSnapshot snapshot) implements Output {}

    /** The admin restore command's snapshot is durable and is now the state, at {@code zxid} (Node#restoreByAdmin). */
    record Restored(long zxid) implements Output {}

    /** A session's timeout passed without a request or ping from it; an operator event, for the log. */
    record SessionExpired(long sessionId, int timeoutMs) implements Output {}

    /**
     * This server's role in the ensemble changed (for the log, {@code srvr} and the health check): it
     * serves clients only while {@code serving}, i.e. as an established leader or a synchronized learner.
     * {@code reason} is the consensus core's account of why, for the log.
     */
    record RoleChanged(ServerState state, long leader, long epoch, boolean serving, String reason) implements Output {}

    /**
     * This server started or stopped serving read-only clients ({@link ReadOnlyMode}): for the log, {@code srvr}
     * (Mode: read-only) and {@code isro}. {@code reason} says why.
     */
    record ReadOnlyChanged(boolean active, String reason) implements Output {}

    /** Write this line to the audit log ({@code audit.enable}; see {@link Auditor}). */
    record Audit(AuditEvent event) implements Output {}
}
