package dev.corral.server.quorum;

import dev.corral.wire.QuorumAuthPacket;

/**
 * What one side of a quorum authentication does after a packet: send {@code reply} (unless null) and then go on,
 * or stand authenticated, or give up for {@code reason}.
 *
 * @param reply the packet to send now, or null
 * @param outcome whether the exchange goes on, succeeded or failed
 * @param reason why it failed (for the log), or the authenticated id when it succeeded; null while it goes on
 */
record QuorumAuthStep(QuorumAuthPacket reply, Outcome outcome, String reason) {
    enum Outcome { CONTINUE, AUTHENTICATED, FAILED }

    static QuorumAuthStep next(QuorumAuthPacket reply) {
        return new QuorumAuthStep(reply, Outcome.CONTINUE, null);
    }

    static QuorumAuthStep authenticated(QuorumAuthPacket reply, String identity) {
        return new QuorumAuthStep(reply, Outcome.AUTHENTICATED, identity);
    }

    static QuorumAuthStep failed(QuorumAuthPacket reply, String reason) {
        return new QuorumAuthStep(reply, Outcome.FAILED, reason);
    }
}
