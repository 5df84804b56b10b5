package dev.corral.zab;

import java.util.HashMap;
import java.util.Map;

/**
 * The LOOKING role: fast leader election (ZooKeeper 3.9, FastLeaderElection#lookForLeader), on peer ticks.
 *
 * <p>Each election round ({@code electionEpoch}) a voter proposes the best candidate it has heard of by
 * {@link Vote#beats}, starting with itself, and tells every other member. A round ends for a voter when
 * a quorum of voters proposes the same candidate and either every voter has answered or
 * {@code finalizeTicks} passed with no better vote: ZooKeeper always waits its finalizeWait (200 ms),
 * which serves liveness only, since safety comes from every vote quorum meeting every commit quorum.
 * A server also joins an ensemble already running when a quorum of voters says, outside the election,
 * that they follow a leader that says it leads ({@code outOfElection}, FastLeaderElection#checkLeader).
 * Observers never propose a candidate; they only learn the leader that way. Neither does a server that
 * lost its disk ({@link Peer#rejoining()}): with it went acks that a commit quorum counted on, so it
 * abstains until it has been synchronized once.
 *
 * <p>An election starts only once everything this server asked to persist is durable, so the vote it
 * sends advertises exactly its durable log and epoch (ZOOKEEPER-3642, -4643).
 */
final class Election implements Role {
    private final Peer peer;
    private final PeerConfig config;
    private final Map<Long, Vote> received = new HashMap<>();
    private final Map<Long, Message.Notification> outOfElection = new HashMap<>();
    private Vote vote;
    private boolean started;
    private long lastSentAt;
    private long resendInterval;
    private long agreedAt = -1;

    Election(Peer peer) {
        this.peer = peer;
        this.config = peer.config();
    }

    @Override
    public String phase() {
        return "election";
    }

    @Override
    public void tick() {
        if (!started) {
            maybeStart();
            return;
        }
        if (peer.now() - lastSentAt >= resendInterval) {
            broadcast();
            resendInterval = Math.min(resendInterval * 2, 8L * config.resendTicks());
        }
        maybeDecide();
    }

    @Override
    public void onLearnerMessage(long from, Message.Learner message) {
            // Not leading or following: learner traffic of an earlier role is stale.
    }

    @Override
    public void onDurable() {
        maybeStart();
    }

    void onNotification(long from, Message.Notification notification) {
        if (!started) {
            maybeStart();
            if (!started) {
                return;
            }
        }
        Vote theirs = notification.vote();
        boolean fromVoter = config.isVoter(from);
        if (peer.rejoining()) {
            // Abstain: back no candidate, count in no quorum; join only a leader a quorum already follows.
            vote = abstention();
            received.clear();
            if (notification.state() == ServerState.LOOKING) {
                return;
            }
        }
        if (notification.state() == ServerState.LOOKING) {
            if (!fromVoter || config.isObserver()) {
                if (!config.isObserver()) {
                    send(from); // an observer learns the candidate we back
                }
                return;
            }
            if (theirs.electionEpoch() > peer.electionRound()) {
                peer.adoptElectionRound(theirs.electionEpoch());
                received.clear();
                Vote own = peer.ownVote();
                vote = theirs.beats(own) ? inRound(theirs) : own;
                received.put(config.serverId(), vote);
                agreedAt = -1;
                broadcast();
            } else if (theirs.electionEpoch() < peer.electionRound()) {
                send(from); // it is a round behind: tell it where we are
                return;
            } else if (theirs.beats(vote)) {
                vote = inRound(theirs);
                received.put(config.serverId(), vote);
                agreedAt = -1;
                broadcast();
            }
            received.put(from, theirs);
            maybeDecide();
            return;
        }
        // The sender already follows or leads. As in ZooKeeper (Vote#equals), votes of servers out of the
        // election are compared by leader and epoch only: they were cast in different rounds.
        if (!fromVoter) {
            return;
        }
        outOfElection.put(from, notification);
        if (theirs.electionEpoch() == peer.electionRound() && !peer.rejoining()) {
            received.put(from, theirs);
            if (agrees(received, theirs, false) && leaderConfirmed(theirs)) {
                decide(theirs);
                return;
            }
        }
        Map<Long, Vote> votes = new HashMap<>();
        outOfElection.forEach((id, n) -> votes.put(id, n.vote()));
        if (agrees(votes, theirs, false) && leaderConfirmed(theirs)) {
            peer.adoptElectionRound(theirs.electionEpoch());
            decide(theirs);
        }
    }

    private void maybeStart() {
        if (started || !peer.allDurable()) {
            return;
        }
        started = true;
        peer.nextElectionRound();
        vote = peer.rejoining() ? abstention() : peer.ownVote();
        if (config.isVoter(config.serverId()) && !peer.rejoining()) {
            received.put(config.serverId(), vote);
        }
        resendInterval = config.resendTicks();
        broadcast();
        maybeDecide();
    }

    /** Ends the round if a quorum backs our candidate and nobody else can still change it in time. */
    private void maybeDecide() {
        if (!started || config.isObserver() || peer.rejoining() || !agrees(received, vote, true)) {
            agreedAt = -1;
            return;
        }
        if (agreedAt < 0) {
            agreedAt = peer.now();
        }
        boolean everyoneAnswered = received.keySet().containsAll(config.voters());
        if (everyoneAnswered || peer.now() - agreedAt >= config.finalizeTicks()) {
            decide(vote);
        }
    }

    private void decide(Vote chosen) {
        if (chosen.leader() == config.serverId()) {
            peer.becomeLeader(chosen);
        } else {
            peer.becomeLearner(chosen);
        }
    }

    /**
     * Whether a quorum of voters in {@code votes} back the candidate: the same candidate with the same
     * advertised state in the same round ({@code inRound}), or the same leader of the same epoch.
     */
    private boolean agrees(Map<Long, Vote> votes, Vote candidate, boolean inRound) {
        int count = 0;
        for (Map.Entry<Long, Vote> entry : votes.entrySet()) {
            Vote v = entry.getValue();
            boolean same = inRound ? v.sameCandidate(candidate) && v.electionEpoch() == candidate.electionEpoch()
                    : v.leader() == candidate.leader() && v.peerEpoch() == candidate.peerEpoch();
            if (config.isVoter(entry.getKey()) && same) {
                count++;
            }
        }
        return count >= config.quorumSize();
    }

    /** A leader other than us must have said it leads; we never take ourselves as leader from others' word. */
    private boolean leaderConfirmed(Vote candidate) {
        if (candidate.leader() == config.serverId()) {
            return false;
        }
        Message.Notification fromLeader = outOfElection.get(candidate.leader());
        return fromLeader != null && fromLeader.state() == ServerState.LEADING;
    }

    /**
     * The vote of a rejoining blank server: no candidate (leader -1, which no vote agrees with), round 0,
     * so that every voter answers it with where it stands and none restarts its own round for it.
     */
    private Vote abstention() {
        return new Vote(-1, 0, 0, 0);
    }

    private Vote inRound(Vote candidate) {
        return new Vote(candidate.leader(), candidate.zxid(), peer.electionRound(), candidate.peerEpoch());
    }

    private void broadcast() {
        lastSentAt = peer.now();
        for (long other : config.others()) {
            if (config.isVoter(other)) {
                send(other);
            }
        }
    }

    private void send(long to) {
        peer.send(to, new Message.Notification(ServerState.LOOKING, vote));
    }
}
