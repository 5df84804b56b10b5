package dev.corral.zab;

/**
 * A vote of fast leader election: whom the sender proposes as leader and the durable state that leader
 * advertised ({@code zxid}, {@code peerEpoch}), cast in election round {@code electionEpoch}.
 *
 * <p>ZooKeeper 3.9: FastLeaderElection#totalOrderPredicate orders candidates by peer epoch, then zxid,
 * then server id; {@link #beats} is that order. A vote advertises only durable state (ZOOKEEPER-3642):
 * the candidate's last zxid and current epoch as they are on disk, so a leader elected on it holds every
 * txn a quorum acknowledged.
 */
public record Vote(long leader, long zxid, long electionEpoch, long peerEpoch) {
    /** Whether candidate {@code this} is preferred to candidate {@code other} (rounds aside). */
    public boolean beats(Vote other) {
        if (peerEpoch != other.peerEpoch) {
            return peerEpoch > other.peerEpoch;
        }
        if (zxid != other.zxid) {
            return zxid > other.zxid;
        }
        return leader > other.leader;
    }

    /** Whether two votes name the same candidate with the same advertised state (rounds aside). */
    public boolean sameCandidate(Vote other) {
        return leader == other.leader && zxid == other.zxid && peerEpoch == other.peerEpoch;
    }

    @Override
    public String toString() {
        return "(" + leader + ", " + dev.corral.tree.Zxid.hex(zxid) + ", round " + electionEpoch + ", epoch " + peerEpoch + ")";
    }
}
