package dev.corral.zab;

import dev.corral.tree.Invariants;
import dev.corral.tree.Zxid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LEADING role (ZooKeeper 3.9, Leader#lead and LearnerHandler#run; Zab phases 1-3).
 *
 * <p>Phases: <b>discovery</b> collects learner infos from a quorum of voters, proposes an epoch above
 * every accepted epoch among them and makes it durable before telling anyone (ZOOKEEPER-1282);
 * <b>synchronization</b> starts once a quorum acked that epoch, none of them ahead of us: each learner
 * gets a DIFF, TRUNC or SNAP plan from its last zxid, then NEWLEADER, and acks it once what it received
 * and its current epoch are durable; the epoch is <b>established</b> when a quorum including us did:
 * our whole log is committed, learners get UPTODATE, and proposals are taken. Learners that come later
 * go through the same steps against the established epoch.
 *
 * <p>Commit rule: a zxid commits when it is durable in our own log and acked by enough followers to make
 * a quorum with us; commits are cumulative and in zxid order. Observers never count; they get committed
 * txns as INFORMs.
 */
final class LeaderRole implements Role {
    private enum Phase { DISCOVERY, EPOCH_PENDING, ACKEPOCH, SYNC, ESTABLISHED }

    private enum Stage { INFO, SYNCED, ACTIVE }

    /** What the leader knows of one connected learner. */
    private static final class Handler {
        final long serverId;
        final long connection;
        final boolean observer;
        Stage stage = Stage.INFO;
        boolean ackedEpoch;
        long lastHeard;
        long syncedTo;
        // Invariant: acked <= the leader's last logged zxid; only for ACTIVE followers.
        long acked;

        Handler(long serverId, long connection, boolean observer, long now) {
            this.serverId = serverId;
            this.connection = connection;
            this.observer = observer;
            this.lastHeard = now;
        }
    }

    private final Peer peer;
    private final PeerConfig config;
    private final Map<Long, Handler> learners = new HashMap<>();
    private final Set<Long> epochVoters = new HashSet<>();
    private final Set<Long> epochAckers = new HashSet<>();
    private final Set<Long> newLeaderAckers = new HashSet<>();
    /** A learner's sync waiting for the proposals before it to commit. */
    private record PendingSync(long upTo, long learner, long connection) {}

    // In the order asked; upTo never decreases along the queue.
    private final java.util.ArrayDeque<PendingSync> pendingSyncs = new java.util.ArrayDeque<>();
    /** The last zxid each learner reported in its ACKEPOCH, for its synchronization plan. */
    private final Map<Long, Long> summaries = new HashMap<>();
    private final long startedAt;
    private Phase phase = Phase.DISCOVERY;
    private long maxAcceptedEpoch;
    private long epoch = -1;
    private long epochSeq;
    private long currentEpochSeq;
    private long initialHistoryEnd;
    private long lastProposed;
    // Sizes of the txns proposed in this term, -1 before the first (ZooKeeper's BufferStats).
    private int lastProposalSize = -1;
    private int minProposalSize = -1;
    private int maxProposalSize = -1;

    LeaderRole(Peer peer) {
        this.peer = peer;
        this.config = peer.config();
        this.startedAt = peer.now();
    }

    void start() {
        epochVoters.add(config.serverId());
        maxAcceptedEpoch = peer.acceptedEpoch();
        maybeProposeEpoch();
    }

    @Override
    public String phase() {
        return switch (phase) {
            case DISCOVERY, EPOCH_PENDING, ACKEPOCH -> "discovery";
            case SYNC -> "synchronization";
            case ESTABLISHED -> "broadcast";
        };
    }

    boolean established() {
        return phase == Phase.ESTABLISHED;
    }

    long epoch() {
        return epoch;
    }

    long nextZxid() {
        return lastProposed + 1;
    }

    void propose(LogEntry entry) {
        Invariants.checkZxids(entry.zxid() == lastProposed + 1, "proposal %s, expected %s", entry.zxid(), lastProposed + 1);
        lastProposed = entry.zxid();
        lastProposalSize = entry.txn().length;
        minProposalSize = minProposalSize < 0 ? lastProposalSize : Math.min(minProposalSize, lastProposalSize);
        maxProposalSize = Math.max(maxProposalSize, lastProposalSize);
        peer.appendLog(entry);
        for (Handler h : learners.values()) {
            if (!h.observer && h.stage != Stage.INFO) {
                peer.send(h.serverId, new Message.Proposal(h.connection, entry));
            }
        }
        if (Zxid.counter(lastProposed) == 0xffffffffL) {
            // The counter is used up: a new epoch needs a new election (ZooKeeper: "zxid lower 32 bits have
            // rolled over, forcing re-election").
            peer.becomeLooking("the zxid counter of epoch " + epoch + " is used up");
        }
    }

    /** See {@link Peer#restoreAsLeader}. */
    void restore(Snapshot snapshot) {
        Invariants.check(config.quorumSize() == 1 && learners.isEmpty(), "a restore on a leader with learners or other voters");
        Invariants.check(snapshot.zxid() == lastProposed + 1, "restore at %s, expected %s", Zxid.hex(snapshot.zxid()),
                Zxid.hex(lastProposed + 1));
        Invariants.check(peer.lastDelivered() == lastProposed, "restore with proposals up to %s in flight, delivered %s",
                Zxid.hex(lastProposed), Zxid.hex(peer.lastDelivered()));
        lastProposed = snapshot.zxid();
        peer.installSnapshot(snapshot);
    }

    @Override
    public void tick() {
        long now = peer.now();
        if (phase != Phase.ESTABLISHED && now - startedAt > config.initLimitTicks()) {
            peer.becomeLooking("no quorum of followers synchronized within initLimit (phase " + phase + ")");
            return;
        }
        learners.values().removeIf(h -> now - h.lastHeard > (h.stage == Stage.ACTIVE ? config.syncLimitTicks() : config.initLimitTicks()));
        if (phase == Phase.ESTABLISHED && activeVoters() < config.quorumSize()) {
            peer.becomeLooking("only " + activeVoters() + " of the " + config.quorumSize()
                    + " voters a quorum needs were heard from within syncLimit");
            return;
        }
        if (now % Math.max(1, config.syncLimitTicks() / 3) == 0) {
            for (Handler h : learners.values()) {
                peer.send(h.serverId, new Message.Ping(h.connection));
            }
        }
    }

    @Override
    public void onLearnerMessage(long from, Message.Learner message) {
        if (message instanceof Message.LearnerInfo info) {
            onLearnerInfo(from, info);
            return;
        }
        Handler h = learners.get(from);
        if (h == null || h.connection != message.connection()) {
            return; // a message of a connection that ended
        }
        h.lastHeard = peer.now();
        if (message instanceof Message.Request || message instanceof Message.Revalidate
                || message instanceof Message.Ping ping && !ping.touches().isEmpty()) {
            // Client traffic of a learner that serves goes to the host; one not synchronized has no clients.
            if (h.stage == Stage.ACTIVE && phase == Phase.ESTABLISHED) {
                peer.forwarded(from, message);
            }
        } else if (message instanceof Message.AckEpoch ack) {
            onAckEpoch(h, ack);
        } else if (message instanceof Message.AckNewLeader ack) {
            onAckNewLeader(h, ack);
        } else if (message instanceof Message.Ack ack) {
            onAck(h, ack);
        }
    }

    @Override
    public void onDurable() {
        if (phase == Phase.EPOCH_PENDING && peer.durableSeq() >= epochSeq) {
            phase = Phase.ACKEPOCH;
            epochAckers.add(config.serverId());
            for (Handler h : learners.values()) {
                peer.send(h.serverId, new Message.LeaderInfo(h.connection, epoch, peer.sharedSecret()));
            }
            maybeStartSync();
        }
        if (phase == Phase.SYNC && peer.durableSeq() >= currentEpochSeq && newLeaderAckers.add(config.serverId())) {
            maybeEstablish();
        }
        if (phase == Phase.ESTABLISHED) {
            maybeCommit();
        }
    }

    private void onLearnerInfo(long from, Message.LearnerInfo info) {
        boolean observer = info.observer() || !config.isVoter(from);
        Handler h = new Handler(from, info.connection(), observer, peer.now());
        Handler previous = learners.put(from, h);
        if (previous != null && previous.connection == info.connection()) {
            learners.put(from, previous); // the same connection said it again
            previous.lastHeard = peer.now();
            return;
        }
        if (phase == Phase.DISCOVERY) {
            if (!observer) {
                epochVoters.add(from);
                maxAcceptedEpoch = Math.max(maxAcceptedEpoch, info.acceptedEpoch());
            }
            maybeProposeEpoch();
        } else if (!observer && info.acceptedEpoch() > epoch) {
            // It promised a later epoch, so it can never follow ours (ZooKeeper leaves it out for as long as
            // we lead). Step down: the next election proposes an epoch above its promise, as a Raft leader
            // steps down on a higher term.
            peer.becomeLooking("server " + from + " accepted epoch " + info.acceptedEpoch() + ", above our epoch " + epoch);
        } else if (phase != Phase.EPOCH_PENDING) {
            peer.send(from, new Message.LeaderInfo(h.connection, epoch, peer.sharedSecret()));
        }
    }

    private void maybeProposeEpoch() {
        if (phase == Phase.DISCOVERY && epochVoters.size() >= config.quorumSize()) {
            epoch = maxAcceptedEpoch + 1;
            Invariants.check(epoch <= 0xffffffffL, "epoch %d past 32 bits", epoch);
            phase = Phase.EPOCH_PENDING;
            epochSeq = peer.writeAcceptedEpoch(epoch);
            peer.knowEpoch(epoch);
        }
    }

    private void onAckEpoch(Handler h, Message.AckEpoch ack) {
        if (phase == Phase.DISCOVERY || phase == Phase.EPOCH_PENDING || h.ackedEpoch || ack.epoch() != epoch) {
            return;
        }
        h.ackedEpoch = true;
        summaries.put(h.serverId, ack.lastZxid());
        if (phase == Phase.ACKEPOCH) {
            if (ack.currentEpoch() == -1) {
                // It had accepted this epoch before, maybe from another leader that proposed the same epoch:
                // counting it again could let two leaders establish one epoch (Leader#waitForEpochAck skips
                // it too). It is synchronized with the others once a quorum acked.
                return;
            }
            if (!h.observer && isAhead(ack)) {
                // A follower that knows more than we do must not be synchronized to our history
                // (ZooKeeper: "Follower is ahead of the leader").
                peer.becomeLooking("follower " + h.serverId + " is ahead of the leader (last zxid " + Zxid.hex(ack.lastZxid()) + ")");
                return;
            }
            if (!h.observer) {
                epochAckers.add(h.serverId);
            }
            maybeStartSync();
        } else {
            synchronize(h, ack.lastZxid());
        }
    }

    private boolean isAhead(Message.AckEpoch ack) {
        if (config.plantedBug() == PlantedBug.VOTE_UNSYNCED_ZXID) {
            return false; // the discovery check alone stops this planted bug, so the plant removes it too
        }
        if (ack.currentEpoch() != peer.durableCurrentEpoch()) {
            return ack.currentEpoch() > peer.durableCurrentEpoch();
        }
        return ack.lastZxid() > peer.durableLastZxid();
    }

    private void maybeStartSync() {
        if (phase != Phase.ACKEPOCH || epochAckers.size() < config.quorumSize()) {
            return;
        }
        phase = Phase.SYNC;
        initialHistoryEnd = peer.log().lastZxid();
        lastProposed = Zxid.of((int) epoch, 0);
        currentEpochSeq = peer.writeCurrentEpoch(epoch);
        for (Handler h : learners.values()) {
            if (h.ackedEpoch && h.stage == Stage.INFO) {
                Long lastZxid = summaries.get(h.serverId);
                if (lastZxid != null) {
                    synchronize(h, lastZxid);
                }
            }
        }
    }

    /**
     * Brings a learner whose log ends at {@code learnerZxid} to our history (LearnerHandler#syncFollower):
     * DIFF when its last zxid is in our log and the txns after it are not worth more than a snapshot
     * ({@link PeerLog#diffWorthIt}); TRUNC when it holds txns of an epoch we also have past the
     * point where ours end (txns of one epoch come from one leader, so both logs agree up to there);
     * otherwise SNAP. Followers and observers alike get every txn we logged, committed or not, as
     * ZooKeeper's startForwarding sends outstanding proposals to both: synchronizing an observer only up
     * to our commit point could truncate txns it already applied from the previous leader. NEWLEADER
     * closes it.
     */
    private void synchronize(Handler h, long learnerZxid) {
        PeerLog log = peer.log();
        long limit = log.lastZxid();
        long from;
        boolean inLog = learnerZxid <= limit && learnerZxid >= log.baseZxid() && log.contains(learnerZxid);
        if (inLog && log.diffWorthIt(learnerZxid, limit, peer.diffBytesLimit())) {
            peer.send(h.serverId, new Message.Diff(h.connection));
            peer.countSync(Message.Diff.class);
            from = learnerZxid;
        } else {
            // A learner whose last txn we hold but whose gap is too long gets a snapshot, never a TRUNC.
            long truncateTo = !inLog && learnerZxid > log.baseZxid()
                    ? log.lastOfEpochBelow(Zxid.epoch(learnerZxid), learnerZxid) : -1;
            if (truncateTo >= 0 && truncateTo <= limit) {
                long cut = truncateTo;
                if (config.plantedBug() == PlantedBug.TRUNC_BELOW_COMMITTED && truncateTo > log.baseZxid()) {
                    cut = Math.max(log.baseZxid(), truncateTo - 1);
                }
                peer.send(h.serverId, new Message.Trunc(h.connection, cut));
                peer.countSync(Message.Trunc.class);
                from = truncateTo;
            } else {
                Snapshot snapshot = peer.snapshotOfState();
                peer.send(h.serverId, new Message.Snap(h.connection, snapshot));
                peer.countSync(Message.Snap.class);
                from = snapshot.zxid();
            }
        }
        for (LogEntry entry : log.between(from, limit)) {
            peer.send(h.serverId, new Message.Proposal(h.connection, entry));
        }
        peer.send(h.serverId, new Message.NewLeader(h.connection, epoch));
        h.stage = Stage.SYNCED;
        h.syncedTo = limit;
    }

    private void onAckNewLeader(Handler h, Message.AckNewLeader ack) {
        if (h.stage != Stage.SYNCED || ack.epoch() != epoch) {
            return;
        }
        h.stage = Stage.ACTIVE;
        h.acked = h.syncedTo;
        if (!h.observer) {
            newLeaderAckers.add(h.serverId);
        }
        if (phase == Phase.SYNC) {
            maybeEstablish();
        } else if (phase == Phase.ESTABLISHED) {
            peer.send(h.serverId, new Message.UpToDate(h.connection, peer.commitZxid()));
            maybeCommit();
        }
    }

    private void maybeEstablish() {
        if (phase != Phase.SYNC || newLeaderAckers.size() < config.quorumSize() || !newLeaderAckers.contains(config.serverId())) {
            return;
        }
        phase = Phase.ESTABLISHED;
        commitTo(initialHistoryEnd);
        for (Handler h : learners.values()) {
            if (h.stage == Stage.ACTIVE) {
                peer.send(h.serverId, new Message.UpToDate(h.connection, peer.commitZxid()));
            }
        }
        peer.setServing(true, "epoch " + epoch + " established: a quorum acked NEWLEADER");
        maybeCommit();
    }

    private void onAck(Handler h, Message.Ack ack) {
        if (h.observer || h.stage != Stage.ACTIVE) {
            return;
        }
        Invariants.check(ack.zxid() <= peer.log().lastZxid(), "server %d acked %s beyond our log's end %s", h.serverId,
                Zxid.hex(ack.zxid()), Zxid.hex(peer.log().lastZxid()));
        h.acked = Math.max(h.acked, ack.zxid());
        maybeCommit();
    }

    /** Commits up to the highest zxid durable here and acked by enough followers to make a quorum with us. */
    private void maybeCommit() {
        if (phase != Phase.ESTABLISHED) {
            return;
        }
        List<Long> acks = new ArrayList<>();
        for (Handler h : learners.values()) {
            if (!h.observer && h.stage == Stage.ACTIVE && config.isVoter(h.serverId)) {
                acks.add(h.acked);
            }
        }
        int needed = config.plantedBug() == PlantedBug.COMMIT_WITHOUT_QUORUM ? 0 : config.quorumSize() - 1;
        if (acks.size() < needed) {
            return;
        }
        acks.sort(java.util.Comparator.reverseOrder());
        long candidate = config.plantedBug() == PlantedBug.ACK_BEFORE_FSYNC ? peer.log().lastZxid() : peer.durableLastZxid();
        if (needed > 0) {
            candidate = Math.min(candidate, acks.get(needed - 1));
        }
        if (candidate > peer.commitZxid()) {
            commitTo(candidate);
        }
    }

    /** The learners as mntr shows them: connected followers, those synchronized, synchronized observers, waiting syncs. */
    Peer.Learners learners() {
        int followers = 0;
        int synced = 0;
        int nonVoting = 0;
        int observers = 0;
        for (Handler h : learners.values()) {
            int active = h.stage == Stage.ACTIVE ? 1 : 0;
            if (h.observer && config.isVoter(h.serverId)) {
                nonVoting += active;
            } else if (h.observer) {
                observers += active;
            } else {
                followers++;
                synced += active;
            }
        }
        return new Peer.Learners(learners.size(), followers, synced, nonVoting, observers, pendingSyncs.size());
    }

    Peer.ProposalSizes proposalSizes() {
        return new Peer.ProposalSizes(lastProposalSize, minProposalSize, maxProposalSize);
    }

    /**
     * Each connected learner as the leader knows it, in server id order. How far it is: a synchronized follower
     * by what it acked, an observer by what it was sent committed, a learner still synchronizing by where its
     * synchronization takes it (0 before the plan is made); behind our log's end as {@link Zxid#txnsBehind} counts.
     */
    java.util.List<Peer.LearnerState> learnerStates() {
        long last = peer.log().lastZxid();
        long now = peer.now();
        java.util.List<Peer.LearnerState> states = new java.util.ArrayList<>();
        for (Handler h : learners.values()) {
            boolean synced = h.stage == Stage.ACTIVE;
            long reached = synced && !h.observer ? h.acked : h.syncedTo;
            states.add(new Peer.LearnerState(h.serverId, h.observer, synced, reached, Zxid.txnsBehind(reached, last), now - h.lastHeard));
        }
        states.sort(java.util.Comparator.comparingLong(Peer.LearnerState::serverId));
        return states;
    }

    /** Us and the voting followers that are synchronized and heard from within syncLimit. */
    private int activeVoters() {
        int live = 1;
        for (Handler h : learners.values()) {
            if (!h.observer && h.stage == Stage.ACTIVE && config.isVoter(h.serverId)) {
                live++;
            }
        }
        return live;
    }

    @Override
    public void onDisconnected(long serverId, long connection) {
        Handler h = learners.get(serverId);
        if (h != null && h.connection == connection) {
            learners.remove(serverId);
            if (phase == Phase.ESTABLISHED && activeVoters() < config.quorumSize()) {
                peer.becomeLooking("lost the connection of follower " + serverId + "; " + activeVoters() + " of the "
                        + config.quorumSize() + " voters a quorum needs remain");
            }
        }
    }

    /** Sends a message made for the learner's connection, if it is an active learner. */
    void answer(long learner, java.util.function.LongFunction<Message.Learner> make) {
        Handler h = learners.get(learner);
        if (h != null && h.stage == Stage.ACTIVE) {
            peer.send(learner, make.apply(h.connection));
        }
    }

    /** Answers a learner's sync now if everything proposed is committed, else once it is. */
    void answerSync(long learner) {
        Handler h = learners.get(learner);
        if (h == null || h.stage != Stage.ACTIVE) {
            return; // its connection is gone, and the learner drops its pending syncs with it
        }
        // The last txn proposed: our log's end (lastProposed has counter 0 before the epoch's first proposal).
        long last = peer.log().lastZxid();
        if (last <= peer.commitZxid()) {
            peer.send(learner, new Message.Sync(h.connection));
        } else {
            pendingSyncs.addLast(new PendingSync(last, learner, h.connection));
        }
    }

    /**
     * Commits up to {@code zxid}. A learner's sync answered at a point below it gets its SYNC right after
     * the commit of that point and before the rest, as ZooKeeper's per-proposal COMMITs place it: the
     * learner must answer the sync before it applies (and replies to) writes its session sent after it.
     */
    private void commitTo(long zxid) {
        while (!pendingSyncs.isEmpty() && pendingSyncs.peekFirst().upTo() < zxid && pendingSyncs.peekFirst().upTo() > peer.commitZxid()) {
            commitStep(pendingSyncs.peekFirst().upTo());
        }
        commitStep(zxid);
    }

    private void commitStep(long zxid) {
        long previous = peer.commitZxid();
        if (zxid <= previous) {
            return;
        }
        List<LogEntry> informed = null;
        for (Handler h : learners.values()) {
            if (h.stage == Stage.INFO) {
                continue;
            }
            if (!h.observer || zxid <= h.syncedTo) {
                peer.send(h.serverId, new Message.Commit(h.connection, zxid));
            } else {
                // An observer holds what its synchronization sent; what was proposed after that reaches
                // it committed, as INFORMs.
                if (previous < h.syncedTo) {
                    peer.send(h.serverId, new Message.Commit(h.connection, h.syncedTo));
                }
                if (informed == null) {
                    informed = peer.log().between(Math.max(previous, peer.log().baseZxid()), zxid);
                }
                for (LogEntry entry : informed) {
                    if (entry.zxid() > h.syncedTo) {
                        peer.send(h.serverId, new Message.Inform(h.connection, entry));
                    }
                }
                h.syncedTo = zxid;
            }
        }
        peer.commit(zxid);
        while (!pendingSyncs.isEmpty() && pendingSyncs.peekFirst().upTo() <= zxid) {
            PendingSync sync = pendingSyncs.pollFirst();
            Handler h = learners.get(sync.learner());
            if (h != null && h.connection == sync.connection()) {
                peer.send(sync.learner(), new Message.Sync(sync.connection()));
            }
        }
    }
}
