package dev.corral.zab;

import dev.corral.tree.Invariants;
import dev.corral.tree.Zxid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One server's share of the consensus core: fast leader election and ZAB's discovery, synchronization
 * and broadcast (Zab paper; ZooKeeper 3.9's FastLeaderElection, Leader, LearnerHandler, Learner), as a
 * deterministic state machine. It owns no thread, socket, file or clock: the host calls {@link #tick},
 * {@link #step} with a message from another server, {@link #propose} on the leader, and
 * {@link #onPersisted} when persist outputs are durable, and after each call carries out
 * {@link #drainOutputs()} in order.
 *
 * <p>This class owns the roles and changes them; the transition table:
 * <pre>
 *   start                                  -> LOOKING
 *   LOOKING   a quorum agrees on us        -> LEADING
 *   LOOKING   a quorum agrees on another   -> FOLLOWING (voter) / OBSERVING (observer)
 *   LOOKING   rejoining after a lost disk, a quorum follows a leader that leads
 *                                          -> OBSERVING (a non-voting learner) until synchronized
 *   LEADING   no quorum within initLimit, a quorum silent for syncLimit, a follower ahead at
 *             discovery, the zxid counter used up                              -> LOOKING
 *   FOLLOWING / OBSERVING  the leader silent for initLimit (before UPTODATE) or syncLimit,
 *             a LEADERINFO below our accepted epoch                            -> LOOKING
 * </pre>
 *
 * <p>Durability: every change to the log, the epoch files or the snapshot is a numbered
 * {@link Output.Persist}; the state it leads to counts only once the host reports it durable. What
 * depends on durable state waits for that report: votes (ZOOKEEPER-3642), ACKEPOCH, the ACK of NEWLEADER
 * (ZOOKEEPER-3911/4646/4785), ACKs of proposals, and a leader's own share of a quorum. The state machine
 * is never ahead of the local log: a txn is delivered once it is committed and durable here.
 *
 * <p>Invariants: {@code acceptedEpoch >= currentEpoch}; {@code lastDelivered <= commitZxid};
 * delivered txns are never truncated; appends follow by {@code Zxid.follows}.
 */
public final class Peer {
    private final PeerConfig config;
    private final StateSource stateSource;
    private final PeerLog log;
    private final ArrayDeque<Output.Persist> pending = new ArrayDeque<>();
    private List<Output> outputs = new ArrayList<>();
    private Role role;
    private ServerState state = ServerState.LOOKING;
    private long leader = -1;
    private boolean serving;
    private long now;
    private long electionRound;
    private Vote currentVote;
    private long connections;

    private long acceptedEpoch;
    private long currentEpoch;
    private long durableAcceptedEpoch;
    // Invariant: durableCurrentEpoch <= durableAcceptedEpoch.
    private long durableCurrentEpoch;
    // The ensemble's shared secret as this server holds it: recovered, or adopted from a leader (written
    // before it is used, since outputs are made durable in order and ACKEPOCH waits for all of them).
    private SharedSecret secret;
    private long lastSeq;
    private long durableSeq;
    private long durableLastZxid;
    // Invariant: lastDelivered <= commitZxid.
    private long commitZxid;
    // While a SNAP is being made durable, the state machine still holds what it had before it.
    private Snapshot pendingRestore;
    private long deliveredBeforeRestore;
    // Synchronizations this server made as a leader, by kind (monitoring only).
    private long diffSyncs;
    private long truncSyncs;
    private long snapSyncs;
    // On a learner: for each sync the leader answered, in order, the commit point it must apply first.
    private final ArrayDeque<Long> syncTargets = new ArrayDeque<>();
    // On a learner: the sessions its clients kept alive since its last ping, which the ping carries.
    private java.util.function.Supplier<java.util.Map<Long, Integer>> touches = java.util.Map::of;

    public Peer(PeerConfig config, DurableState recovered, StateSource stateSource) {
        Invariants.check(recovered.acceptedEpoch() >= recovered.currentEpoch(), "acceptedEpoch %d below currentEpoch %d",
                recovered.acceptedEpoch(), recovered.currentEpoch());
        this.config = config;
        this.stateSource = stateSource;
        this.log = new PeerLog(recovered.snapshotZxid(), recovered.log());
        this.acceptedEpoch = recovered.acceptedEpoch();
        this.secret = recovered.secret();
        this.durableAcceptedEpoch = acceptedEpoch;
        this.currentEpoch = recovered.currentEpoch();
        this.durableCurrentEpoch = currentEpoch;
        this.durableLastZxid = log.lastZxid();
        this.commitZxid = recovered.snapshotZxid();
        this.currentVote = ownVote();
        this.role = new Election(this);
    }

    // ---- Events from the host ----

    /** One peer tick. */
    public void tick() {
        now++;
        role.tick();
    }

    /** A message from server {@code from}. */
    public void step(long from, Message message) {
        if (from == config.serverId() || (!config.isVoter(from) && !config.observers().contains(from))) {
            return;
        }
        if (message instanceof Message.Notification notification) {
            if (role instanceof Election election) {
                election.onNotification(from, notification);
            } else if (notification.state() == ServerState.LOOKING) {
                // A server still electing learns whom we follow or lead (FastLeaderElection answers so).
                send(from, new Message.Notification(state, currentVote));
            }
        } else {
            role.onLearnerMessage(from, (Message.Learner) message);
        }
    }

    /**
     * The host's transport lost the learner connection {@code connection} with server {@code serverId} (a TCP
     * reset, a crashed peer). The timers would notice within initLimit or syncLimit; this is at once, as
     * ZooKeeper's learner leaves a leader whose socket closed: a learner looks for a new leader, a leader
     * forgets the learner and steps down if it no longer has a quorum.
     */
    public void onDisconnected(long serverId, long connection) {
        role.onDisconnected(serverId, connection);
    }

    /** Every persist output numbered up to {@code seq} is durable. */
    public void onPersisted(long seq) {
        Invariants.check(seq <= lastSeq, "persisted %d beyond the last persist output %d", seq, lastSeq);
        while (!pending.isEmpty() && pending.peekFirst().seq() <= seq) {
            Output.Persist done = pending.pollFirst();
            durableSeq = done.seq();
            if (done instanceof Output.Append append) {
                durableLastZxid = append.entry().zxid();
            } else if (done instanceof Output.Truncate truncate) {
                durableLastZxid = truncate.zxid();
            } else if (done instanceof Output.WriteAcceptedEpoch accepted) {
                durableAcceptedEpoch = accepted.epoch();
            } else if (done instanceof Output.WriteCurrentEpoch current) {
                durableCurrentEpoch = current.epoch();
            } else if (done instanceof Output.InstallSnapshot install) {
                durableLastZxid = install.snapshot().zxid();
                if (pendingRestore == install.snapshot()) {
                    emit(new Output.Restore(install.snapshot()));
                    pendingRestore = null;
                }
            }
        }
        Invariants.check(durableCurrentEpoch <= durableAcceptedEpoch, "durable currentEpoch %d above acceptedEpoch %d",
                durableCurrentEpoch, durableAcceptedEpoch);
        role.onDurable();
        maybeDeliver();
    }

    /**
     * Whether this server is an established leader that can take a proposal now: not while a restored state
     * is being made durable ({@link #restoreAsLeader}), since a txn prepared against the old state would be
     * applied to the new one.
     */
    public boolean canPropose() {
        return role instanceof LeaderRole leading && leading.established() && pendingRestore == null;
    }

    /**
     * Replaces the state with {@code snapshot}, whose zxid is {@link #nextZxid()}, on the leader of an ensemble
     * of one voter without learners and with every proposal delivered (the admin restore command of a
     * standalone server). It takes the place of a txn: the log is reset to continue from it, the snapshot is
     * made durable in place of the log ({@link Output.InstallSnapshot}), and then the state machine is handed
     * it ({@link Output.Restore}), as a learner is handed a SNAP. The zxid moves on, never back, so that
     * clients that saw later zxids of the old state can still connect.
     */
    public void restoreAsLeader(Snapshot snapshot) {
        Invariants.check(canPropose(), "restore on a server that cannot propose");
        ((LeaderRole) role).restore(snapshot);
    }

    /** The zxid the next proposal must carry; only when {@link #canPropose()}. */
    public long nextZxid() {
        Invariants.check(canPropose(), "nextZxid asked of a server that cannot propose");
        return ((LeaderRole) role).nextZxid();
    }

    /** Proposes a txn whose zxid is {@link #nextZxid()}; only when {@link #canPropose()}. */
    public void propose(LogEntry entry) {
        Invariants.check(canPropose(), "proposal %s on a server that cannot propose", entry);
        ((LeaderRole) role).propose(entry);
    }

    // ---- Forwarding: a learner's clients, ordered by the leader ----

    /**
     * On a learner that serves: sends a client's request to the leader to be ordered (a write, a session's
     * creation or close, a sync). Returns false, sending nothing, when this server is not a serving
     * learner; the host then treats the request as lost with the connection.
     */
    public boolean forwardRequest(long sessionId, int cxid, int type, byte[] body, List<dev.corral.wire.Id> authInfo) {
        return role instanceof LearnerRole learning
                && learning.forward(connection -> new Message.Request(connection, sessionId, cxid, type, body, authInfo));
    }

    /** On a learner that serves: asks the leader whether a session a client resumes here is alive. */
    public boolean revalidate(long sessionId, int timeoutMs) {
        return role instanceof LearnerRole learning && learning.forward(connection -> new Message.Revalidate(connection, sessionId, timeoutMs));
    }

    /** Where a learner's pings find the sessions its clients kept alive since the last one (drained on each ping). */
    public void setTouchSource(java.util.function.Supplier<java.util.Map<Long, Integer>> source) {
        this.touches = source;
    }

    /** On the leader: answers a learner's {@link Message.Revalidate}. */
    public void answerRevalidate(long learner, long sessionId, boolean valid) {
        if (role instanceof LeaderRole leading) {
            leading.answer(learner, connection -> new Message.RevalidateReply(connection, sessionId, valid));
        }
    }

    /**
     * On the leader: answers a sync a learner forwarded, once every txn proposed so far is committed
     * (ZooKeeper's Leader#processSync); answers go out in the order asked.
     */
    public void answerSync(long learner) {
        if (role instanceof LeaderRole leading) {
            leading.answerSync(learner);
        }
    }

    /** The outputs of the calls since the last drain, in order. */
    public List<Output> drainOutputs() {
        List<Output> drained = outputs;
        outputs = new ArrayList<>();
        return drained;
    }

    // ---- What the host and the checkers may read ----

    /**
     * A leader's learners, for monitoring (ZooKeeper mntr's zk_learners, zk_followers, zk_synced_followers,
     * zk_synced_non_voting_followers, zk_synced_observers, zk_pending_syncs); all zero on a server that does
     * not lead. A synchronized non-voting follower is a voter that learns without a vote while it rejoins
     * after a lost disk; an observer is a server of an observer line.
     */
    public record Learners(int learners, int followers, int syncedFollowers, int syncedNonVotingFollowers, int syncedObservers,
            int pendingSyncs) {}

    public Learners learners() {
        return role instanceof LeaderRole leading ? leading.learners() : new Learners(0, 0, 0, 0, 0, 0);
    }

    /**
     * The sizes in bytes of the txns this server proposed as leader in its current term: the last, the
     * smallest and the largest (ZooKeeper's Leader#getProposalStats, a BufferStats: -1 before the first
     * proposal). Null on a server that does not lead, where ZooKeeper prints none of them.
     */
    public record ProposalSizes(int last, int min, int max) {}

    public ProposalSizes proposalSizes() {
        return role instanceof LeaderRole leading ? leading.proposalSizes() : null;
    }

    /**
     * What a leader knows of one connected learner: whether it observes, whether it is synchronized (it takes
     * proposals or informs), the last zxid it holds as far as the leader knows, how many txns that is behind
     * the leader's log, and how many peer ticks ago the leader last heard from it.
     */
    public record LearnerState(long serverId, boolean observer, boolean synced, long zxid, long lagTxns, long silentTicks) {}

    /** On the leader: its connected learners in server id order. Empty elsewhere. */
    public java.util.List<LearnerState> learnerStates() {
        return role instanceof LeaderRole leading ? leading.learnerStates() : java.util.List.of();
    }

    /**
     * On the leader: how many txns each synchronized learner is behind the last one proposed, by server id;
     * a follower by what it acked, an observer by what it was sent committed. Empty elsewhere.
     */
    public java.util.Map<Long, Long> learnerLags() {
        java.util.Map<Long, Long> lags = new java.util.TreeMap<>();
        for (LearnerState learner : learnerStates()) {
            if (learner.synced()) {
                lags.put(learner.serverId(), learner.lagTxns());
            }
        }
        return lags;
    }

    /** On a follower or observer: peer ticks since it last heard from its leader; -1 elsewhere. */
    public long ticksSinceLeaderHeard() {
        return role instanceof LearnerRole learning ? learning.silentTicks() : -1;
    }

    /** How many learners this server synchronized as a leader by DIFF, TRUNC and SNAP since it started. */
    public long diffSyncs() {
        return diffSyncs;
    }

    public long truncSyncs() {
        return truncSyncs;
    }

    public long snapSyncs() {
        return snapSyncs;
    }

    public long serverId() {
        return config.serverId();
    }

    /** Whether the ensemble is this server alone (a standalone server): nothing is replicated. */
    public boolean alone() {
        return config.others().isEmpty();
    }

    public ServerState state() {
        return state;
    }

    /** The leader this server follows or is, or -1 while looking. */
    public long leader() {
        return leader;
    }

    public boolean serving() {
        return serving;
    }

    public long acceptedEpoch() {
        return acceptedEpoch;
    }

    /** The ensemble's shared secret as this server holds it ({@link SharedSecret}): what it sends as a leader. */
    public SharedSecret sharedSecret() {
        return secret;
    }

    public long currentEpoch() {
        return currentEpoch;
    }

    public long commitZxid() {
        return commitZxid;
    }

    /** The zxid of the state the state machine holds: what was delivered, or restored. */
    public long lastDelivered() {
        return pendingRestore != null ? deliveredBeforeRestore : log.lastDelivered();
    }

    public long lastLoggedZxid() {
        return log.lastZxid();
    }

    public long durableLastZxid() {
        return durableLastZxid;
    }

    /** The epoch this server leads, once it proposed one; -1 otherwise. */
    public long leadingEpoch() {
        return role instanceof LeaderRole leading && leading.established() ? leading.epoch() : -1;
    }

    public String describeRole() {
        return state + (leader >= 0 ? " leader=" + leader : "") + (serving ? " serving" : "") + " accepted=" + acceptedEpoch
                + " current=" + currentEpoch + " last=" + Zxid.hex(log.lastZxid()) + " durable=" + Zxid.hex(durableLastZxid)
                + " commit=" + Zxid.hex(commitZxid) + " delivered=" + Zxid.hex(log.lastDelivered());
    }

    // ---- For the roles ----

    PeerConfig config() {
        return config;
    }

    PeerLog log() {
        return log;
    }

    long now() {
        return now;
    }

    long durableSeq() {
        return durableSeq;
    }

    long durableCurrentEpoch() {
        return durableCurrentEpoch;
    }

    boolean allDurable() {
        return pending.isEmpty();
    }

    /**
     * Whether this server holds no history at all: no current epoch and no txn. A blank server has never
     * acked anything, or has lost its data directory and with it every ack it gave.
     */
    boolean blank() {
        return durableCurrentEpoch == 0 && durableLastZxid == 0 && log.baseZxid() == 0;
    }

    /**
     * A server whose operator says it lost its data directory ({@link PeerConfig#rejoining()}) and that is
     * still blank: the acks it gave are gone, so it counts in no quorum (no vote, no ack) until it has been
     * synchronized once, and joins an established leader as a non-voting learner until then. ZooKeeper
     * has no such rule: a server whose disk was replaced can help elect a leader that lacks committed txns.
     */
    boolean rejoining() {
        return config.rejoining() && blank() && config.plantedBug() != PlantedBug.IGNORE_LOST_DISK;
    }

    /**
     * Where in ZAB this server is: election, discovery, synchronization or broadcast (ZooKeeper's
     * QuorumPeer.ZabState, lower case as its zabstate admin command prints it).
     */
    public String zabPhase() {
        return role.phase();
    }

    long nextElectionRound() {
        return ++electionRound;
    }

    long electionRound() {
        return electionRound;
    }

    void adoptElectionRound(long round) {
        electionRound = Math.max(electionRound, round);
    }

    /** This server as a candidate: its durable state, in the current round. */
    Vote ownVote() {
        boolean lies = config.plantedBug() == PlantedBug.VOTE_UNSYNCED_ZXID
                && config.serverId() == java.util.Collections.max(config.voters());
        long advertised = lies ? durableLastZxid + 1 : durableLastZxid;
        return new Vote(config.serverId(), advertised, electionRound, durableCurrentEpoch);
    }

    /**
     * A connection number no other connection used: not one of this server's in this run or an earlier
     * one (the incarnation), nor one of another server's (its id), since both ends of a connection know
     * it by this number.
     */
    long newConnection() {
        return (config.incarnation() << 32) | ((config.serverId() & 0xff) << 24) | (++connections & 0xffffffL);
    }

    void countSync(Class<? extends Message.Learner> kind) {
        if (kind == Message.Diff.class) {
            diffSyncs++;
        } else if (kind == Message.Trunc.class) {
            truncSyncs++;
        } else {
            snapSyncs++;
        }
    }

    java.util.Map<Long, Integer> drainTouches() {
        return touches.get();
    }

    /** Hands a forwarded message to the host. */
    void forwarded(long from, Message.Learner message) {
        emit(new Output.Forwarded(from, message));
    }

    /** The leader answered a sync: it is done once everything committed now is applied here. */
    void syncAnswered() {
        syncTargets.addLast(commitZxid);
        maybeDeliver();
    }

    /** The state's limit on a long DIFF's bytes ({@link StateSource#diffBytesLimit}). */
    long diffBytesLimit() {
        return stateSource.diffBytesLimit();
    }

    Snapshot snapshotOfState() {
        Snapshot snapshot = stateSource.snapshot();
        Invariants.check(snapshot.zxid() == log.lastDelivered(), "state image at %s but delivered %s", Zxid.hex(snapshot.zxid()),
                Zxid.hex(log.lastDelivered()));
        return snapshot;
    }

    void send(long to, Message message) {
        emit(new Output.Send(to, message));
    }

    long appendLog(LogEntry entry) {
        log.append(entry);
        return persist(seq -> new Output.Append(seq, entry));
    }

    long truncateLog(long zxid) {
        log.truncate(zxid);
        return persist(seq -> new Output.Truncate(seq, zxid));
    }

    long installSnapshot(Snapshot snapshot) {
        if (pendingRestore == null) {
            deliveredBeforeRestore = log.lastDelivered();
        }
        log.reset(snapshot.zxid());
        pendingRestore = snapshot;
        // A snapshot holds only what its leader delivered, so all of it is committed.
        commitZxid = Math.max(commitZxid, snapshot.zxid());
        return persist(seq -> new Output.InstallSnapshot(seq, snapshot));
    }

    /**
     * A learner takes its leader's shared secret when it differs from its own; returns the persist output
     * to wait for (0 when nothing changed). A leader without one leaves the learner's as it is.
     */
    long adoptSharedSecret(SharedSecret leaders) {
        if (leaders.isEmpty() || leaders.equals(secret)) {
            return 0;
        }
        secret = leaders;
        return persist(seq -> new Output.WriteSharedSecret(seq, leaders));
    }

    long writeAcceptedEpoch(long epoch) {
        Invariants.check(epoch >= acceptedEpoch, "acceptedEpoch %d lowered to %d", acceptedEpoch, epoch);
        acceptedEpoch = epoch;
        return persist(seq -> new Output.WriteAcceptedEpoch(seq, epoch));
    }

    /**
     * A learner that counts in no quorum (an observer, or a server rejoining after a lost disk) follows
     * whatever epoch the established leader has, even one below an epoch it accepted from a leader that
     * never established: its promises are ones no quorum relies on. Lowers the current epoch first, so
     * that on disk acceptedEpoch >= currentEpoch holds after every write.
     */
    long followEpochAsNonVoter(long epoch) {
        if (epoch >= acceptedEpoch) {
            return writeAcceptedEpoch(epoch);
        }
        if (currentEpoch > epoch) {
            currentEpoch = epoch;
            persist(seq -> new Output.WriteCurrentEpoch(seq, epoch));
        }
        acceptedEpoch = epoch;
        return persist(seq -> new Output.WriteAcceptedEpoch(seq, epoch));
    }

    long writeCurrentEpoch(long epoch) {
        Invariants.check(epoch <= acceptedEpoch && epoch >= currentEpoch, "currentEpoch %d with accepted %d, current %d", epoch,
                acceptedEpoch, currentEpoch);
        currentEpoch = epoch;
        return persist(seq -> new Output.WriteCurrentEpoch(seq, epoch));
    }

    /** Everything up to {@code zxid} is committed; delivers what is also durable here. */
    void commit(long zxid) {
        Invariants.checkZxids(zxid <= log.lastZxid() || pendingRestore != null, "commit %s beyond the log's end %s", zxid,
                log.lastZxid());
        if (zxid > commitZxid) {
            commitZxid = zxid;
            maybeDeliver();
        }
    }

    /** Leaves the current role to elect; {@code reason} says why, for the operator's log. */
    void becomeLooking(String reason) {
        syncTargets.clear();
        role = new Election(this);
        setRole(ServerState.LOOKING, -1, false, reason);
    }

    void becomeLeader(Vote vote) {
        syncTargets.clear();
        currentVote = vote;
        role = new LeaderRole(this);
        setRole(ServerState.LEADING, config.serverId(), false, "elected by a quorum (last zxid " + Zxid.hex(vote.zxid()) + ")");
        ((LeaderRole) role).start();
    }

    void becomeLearner(Vote vote) {
        syncTargets.clear();
        currentVote = vote;
        boolean observer = config.isObserver() || rejoining();
        role = new LearnerRole(this, vote.leader(), observer);
        setRole(observer ? ServerState.OBSERVING : ServerState.FOLLOWING, vote.leader(), false,
                "a quorum elected server " + vote.leader());
        ((LearnerRole) role).start();
    }

    /**
     * Once the epoch of our leader is known, we tell servers that are still looking that epoch: every
     * member of one established ensemble then reports the same (leader, epoch), whatever round each
     * decided in, and a looking server joins on a quorum of them.
     */
    void knowEpoch(long epoch) {
        currentVote = new Vote(currentVote.leader(), currentVote.zxid(), currentVote.electionEpoch(), epoch);
    }

    void setServing(boolean nowServing, String reason) {
        setRole(state, leader, nowServing, reason);
    }

    private void setRole(ServerState newState, long newLeader, boolean nowServing, String reason) {
        if (newState != state || newLeader != leader || nowServing != serving) {
            state = newState;
            leader = newLeader;
            serving = nowServing;
            emit(new Output.RoleChanged(state, leader, currentEpoch, serving, reason));
        }
    }

    private long persist(java.util.function.LongFunction<Output.Persist> make) {
        Output.Persist output = make.apply(++lastSeq);
        pending.addLast(output);
        emit(output);
        return output.seq();
    }

    private void maybeDeliver() {
        if (pendingRestore != null) {
            return;
        }
        long upTo = Math.min(commitZxid, durableLastZxid);
        answerSyncs();
        for (LogEntry entry = log.deliverable(upTo); entry != null; entry = log.deliverable(upTo)) {
            log.delivered(entry);
            emit(new Output.Deliver(entry));
            // Each sync right where it is reached, before the txns after it: those may answer requests its
            // session sent after the sync.
            answerSyncs();
        }
        log.trim(config.committedLogMax());
    }

    private void answerSyncs() {
        while (!syncTargets.isEmpty() && syncTargets.peekFirst() <= log.lastDelivered()) {
            syncTargets.pollFirst();
            emit(new Output.SyncDone());
        }
    }

    private void emit(Output output) {
        if (outputs.size() >= 10_000_000) {
            throw new IllegalStateException("more than 10,000,000 outputs without a drain");
        }
        outputs.add(output);
    }
}
