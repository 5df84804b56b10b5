package dev.corral.zab;

import dev.corral.tree.Invariants;
import dev.corral.tree.Zxid;

/**
 * The FOLLOWING and OBSERVING roles (ZooKeeper 3.9, Learner, Follower and Observer): connect to the
 * elected leader, agree on its epoch, take its synchronization, then log its proposals and apply its
 * commits.
 *
 * <p>Stages: CONNECTING (our info sent, again every few ticks until the leader answers), EPOCH (its epoch
 * is being made durable as our accepted epoch, then ACKEPOCH), SYNCING (DIFF, TRUNC or SNAP and the txns
 * that follow), NEWLEADER (the current epoch is being made durable behind those txns, ZOOKEEPER-4643;
 * then the ACK of NEWLEADER), UPTODATE (waiting for the leader to establish the epoch), BROADCAST
 * (serving). A follower acks a proposal only once it is durable; an observer never acks.
 */
final class LearnerRole implements Role {
    private enum Stage { CONNECTING, EPOCH, SYNCING, NEWLEADER, UPTODATE, BROADCAST }

    private final Peer peer;
    private final PeerConfig config;
    private final long leader;
    private final boolean observer;
    private final long connection;
    private Stage stage = Stage.CONNECTING;
    private long epoch = -1;
    private long waitSeq;
    private long lastHeard;
    // Invariant: every txn at or below ackSent is acked, or covered by the ACK of NEWLEADER.
    private long ackSent;
    // The end of our log when NEWLEADER came: what its ACK covers (the leader credits no more).
    private long newLeaderZxid;
    // The LEADERINFO's epoch was already our accepted epoch: we promised it before, maybe to another leader.
    private boolean reAck;

    LearnerRole(Peer peer, long leader, boolean observer) {
        this.peer = peer;
        this.config = peer.config();
        this.leader = leader;
        this.observer = observer;
        this.connection = peer.newConnection();
    }

    void start() {
        lastHeard = peer.now();
        sendInfo();
    }

    @Override
    public void tick() {
        long silent = peer.now() - lastHeard;
        if (silent > (stage == Stage.BROADCAST ? config.syncLimitTicks() : config.initLimitTicks())) {
            peer.becomeLooking("leader " + leader + " silent for " + silent + " ticks, past "
                    + (stage == Stage.BROADCAST ? "syncLimit" : "initLimit"));
            return;
        }
        if (stage == Stage.CONNECTING && silent > 0 && silent % config.resendTicks() == 0) {
            sendInfo(); // the leader may not have been leading yet when the first one came
        }
    }

    /** Peer ticks since the leader was last heard from. */
    long silentTicks() {
        return peer.now() - lastHeard;
    }

    @Override
    public void onLearnerMessage(long from, Message.Learner message) {
        if (from != leader || message.connection() != connection) {
            return;
        }
        lastHeard = peer.now();
        if (message instanceof Message.LeaderInfo info) {
            onLeaderInfo(info);
        } else if (message instanceof Message.Diff) {
            expect(Stage.SYNCING, message);
        } else if (message instanceof Message.Trunc trunc) {
            expect(Stage.SYNCING, message);
            peer.truncateLog(trunc.zxid());
        } else if (message instanceof Message.Snap snap) {
            expect(Stage.SYNCING, message);
            peer.installSnapshot(snap.snapshot());
        } else if (message instanceof Message.Proposal proposal) {
            Invariants.check(stage.compareTo(Stage.SYNCING) >= 0, "PROPOSAL %s before synchronization", proposal.entry());
            peer.appendLog(proposal.entry());
            if (config.plantedBug() == PlantedBug.ACK_BEFORE_FSYNC && !observer && stage.compareTo(Stage.UPTODATE) >= 0) {
                ackSent = proposal.entry().zxid();
                peer.send(leader, new Message.Ack(connection, ackSent));
            }
        } else if (message instanceof Message.NewLeader newLeader) {
            expect(Stage.SYNCING, message);
            Invariants.check(newLeader.epoch() == epoch, "NEWLEADER of epoch %d after LEADERINFO %d", newLeader.epoch(), epoch);
            stage = Stage.NEWLEADER;
            newLeaderZxid = peer.log().lastZxid();
            waitSeq = peer.writeCurrentEpoch(epoch);
        } else if (message instanceof Message.UpToDate upToDate) {
            expect(Stage.UPTODATE, message);
            stage = Stage.BROADCAST;
            peer.commit(upToDate.zxid());
            if (observer && !config.isObserver() && !peer.rejoining()) {
                // A voter that joined without a vote because its disk was lost is synchronized now: its history
                // is durable again, so it may count in quorums. A leader counts a learner as the kind it said it
                // was when it connected, so it elects again and joins as a follower.
                peer.becomeLooking("synchronized once after its data directory was lost: rejoining the quorum as a voter");
                return;
            }
            peer.setServing(true, "synchronized with leader " + leader + " (UPTODATE)");
        } else if (message instanceof Message.Commit commit) {
            // A COMMIT may come between NEWLEADER and UPTODATE (ZOOKEEPER-4394): it only moves the commit point.
            if (stage.compareTo(Stage.SYNCING) < 0) {
                Invariants.check(false, "COMMIT %s in stage %s", Zxid.hex(commit.zxid()), stage);
            }
            peer.commit(commit.zxid());
        } else if (message instanceof Message.Inform inform) {
            Invariants.check(observer && stage.compareTo(Stage.SYNCING) >= 0, "INFORM %s in stage %s", inform.entry(), stage);
            peer.appendLog(inform.entry());
            peer.commit(inform.entry().zxid());
        } else if (message instanceof Message.Ping) {
            peer.send(leader, new Message.Ping(connection, stage == Stage.BROADCAST ? peer.drainTouches() : java.util.Map.of()));
        } else if (message instanceof Message.Sync) {
            Invariants.check(stage == Stage.BROADCAST, "SYNC in stage %s", stage);
            peer.syncAnswered();
        } else if (message instanceof Message.RevalidateReply) {
            peer.forwarded(leader, message);
        }
    }

    @Override
    public String phase() {
        return switch (stage) {
            case CONNECTING, EPOCH -> "discovery";
            case SYNCING, NEWLEADER, UPTODATE -> "synchronization";
            case BROADCAST -> "broadcast";
        };
    }

    @Override
    public void onDisconnected(long serverId, long lost) {
        if (serverId == leader && lost == connection) {
            peer.becomeLooking("lost the connection to leader " + leader);
        }
    }

    /** Sends a message made for this connection to the leader, if synchronized and serving; false otherwise. */
    boolean forward(java.util.function.LongFunction<Message.Learner> make) {
        if (stage != Stage.BROADCAST) {
            return false;
        }
        peer.send(leader, make.apply(connection));
        return true;
    }

    @Override
    public void onDurable() {
        if (stage == Stage.EPOCH && peer.durableSeq() >= waitSeq) {
            sendAckEpoch();
        }
        if (stage == Stage.NEWLEADER && peer.durableSeq() >= waitSeq) {
            stage = Stage.UPTODATE;
            // The proposals that followed NEWLEADER and reached the disk with it still need their own ACK.
            ackSent = newLeaderZxid;
            peer.send(leader, new Message.AckNewLeader(connection, epoch));
        }
        if (!observer && (stage == Stage.UPTODATE || stage == Stage.BROADCAST) && peer.durableLastZxid() > ackSent) {
            ackSent = peer.durableLastZxid();
            peer.send(leader, new Message.Ack(connection, ackSent));
        }
    }

    private void onLeaderInfo(Message.LeaderInfo info) {
        if (stage != Stage.CONNECTING) {
            if (info.newEpoch() != epoch) {
                // The leader stepped down and leads again on this connection's info: start over.
                peer.becomeLooking("leader " + leader + " announced epoch " + info.newEpoch() + " after " + epoch);
            }
            return;
        }
        if (info.newEpoch() < peer.acceptedEpoch() && !observer) {
            // ZooKeeper: "Leaders epoch is less than accepted epoch": this leader cannot be ours.
            peer.becomeLooking("leader " + leader + "'s epoch " + info.newEpoch() + " is below our accepted epoch "
                    + peer.acceptedEpoch());
            return;
        }
        epoch = info.newEpoch();
        peer.knowEpoch(epoch);
        stage = Stage.EPOCH;
        // The leader's secret is durable here before the ACKEPOCH, so before this server serves any client.
        long secretSeq = peer.adoptSharedSecret(info.secret());
        if (epoch < peer.acceptedEpoch()) {
            waitSeq = peer.followEpochAsNonVoter(epoch);
        } else if (epoch > peer.acceptedEpoch()) {
            waitSeq = peer.writeAcceptedEpoch(epoch);
        } else {
            waitSeq = secretSeq;
            reAck = true;
            onDurable();
        }
    }

    private void sendAckEpoch() {
        Invariants.check(peer.allDurable(), "ACKEPOCH with persist outputs pending");
        stage = Stage.SYNCING;
        // An epoch accepted before is acked with current epoch -1, which a leader does not count (ZooKeeper
        // Learner#registerWithLeader): our promise of this epoch may already count for another leader.
        long current = reAck ? -1 : peer.durableCurrentEpoch();
        peer.send(leader, new Message.AckEpoch(connection, epoch, current, peer.durableLastZxid()));
    }

    private void sendInfo() {
        peer.send(leader, new Message.LearnerInfo(connection, peer.acceptedEpoch(), observer));
    }

    private void expect(Stage expected, Message message) {
        Invariants.check(stage == expected, "%s in stage %s, expected %s", Message.describe(message), stage, expected);
    }
}
