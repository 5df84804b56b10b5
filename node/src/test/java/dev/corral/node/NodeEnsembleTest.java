package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.CreateMode;
import dev.corral.tree.WatchEvent;
import dev.corral.wire.Acl;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetDataResponse;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.SyncRequest;
import dev.corral.wire.WatcherEvent;
import dev.corral.zab.ServerState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Node as leader, follower and observer, in an {@link EnsembleShell} of in-memory servers: the leader
 * alone prepares txns and gives them zxids, a learner forwards its clients' writes, session creations
 * and closes and syncs (ZooKeeper's REQUEST) and applies what the leader commits, replying to its own
 * clients only; txns of other servers' clients are applied without a reply; sessions are revalidated
 * when they move and owned by one server at a time; the leader expires sessions from its learners'
 * pings. Each test checks that every server ends with the same tree.
 */
class NodeEnsembleTest {
    private static final int TIMEOUT_MS = 10_000;

    private static EnsembleShell elected(int voters, int observers) {
        EnsembleShell ensemble = new EnsembleShell(voters, observers);
        assertThat(ensemble.stabilize(200)).as("every server serves: %s", ensemble.describe()).isTrue();
        return ensemble;
    }

    private static void assertSameTrees(EnsembleShell ensemble) {
        SimShell leader = ensemble.server(ensemble.leader());
        ensemble.servers.forEach((id, shell) -> {
            assertThat(shell.node.tree().lastProcessedZxid()).as("last zxid on server %d", id).isEqualTo(leader.node.tree().lastProcessedZxid());
            assertThat(shell.node.tree().digest()).as("digest on server %d", id).isEqualTo(leader.node.tree().digest());
            assertThat(shell.node.sessionTable().all()).as("sessions on server %d", id).isEqualTo(leader.node.sessionTable().all());
            shell.node.checkOutstanding();
        });
    }

    @Test
    void threeVotersElectOneLeaderWhoseZxidsCarryTheNewEpoch() {
        EnsembleShell ensemble = elected(3, 0);
        long leader = ensemble.leader();
        long leaders = ensemble.servers.values().stream().filter(s -> s.node.serverState() == ServerState.LEADING).count();
        assertThat(leaders).isEqualTo(1);

        FrameClient client = ensemble.server(leader).connect(TIMEOUT_MS);
        FrameClient.Reply created = client.create("/a", CreateMode.PERSISTENT);

        assertThat(created.err()).isEqualTo(ErrorCode.OK);
        assertThat(created.zxid() >>> 32).as("epoch of the first txn").isEqualTo(1);
        assertSameTrees(ensemble);
    }

    @Test
    void aFollowersClientGetsItsSessionAndItsRepliesInOrderThroughTheLeader() {
        EnsembleShell ensemble = elected(3, 0);
        SimShell follower = ensemble.server(ensemble.follower());

        FrameClient client = follower.open();
        ConnectResponse response = client.connect(TIMEOUT_MS);
        int first = client.send(OpCode.CREATE, new CreateRequest("/x", bytes("a"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        client.send(OpCode.GET_DATA, new GetDataRequest("/x", false)::write);
        client.send(OpCode.SET_DATA, new SetDataRequest("/x", bytes("b"), 0)::write);
        client.send(OpCode.SYNC, new SyncRequest("/x")::write);
        client.send(OpCode.GET_DATA, new GetDataRequest("/x", false)::write);
        List<FrameClient.Reply> replies = client.drain();

        assertThat(response.sessionId() >>> 56).as("the follower's id in the session id's top byte").isEqualTo(follower.config.serverId());
        assertThat(replies).extracting(FrameClient.Reply::xid).containsExactly(first, first + 1, first + 2, first + 3, first + 4);
        assertThat(replies).extracting(FrameClient.Reply::err).containsOnly(ErrorCode.OK);
        assertThat(replies.get(1).read(GetDataResponse::read).data()).isEqualTo(bytes("a"));
        assertThat(replies.get(4).read(GetDataResponse::read).data()).isEqualTo(bytes("b"));
        assertSameTrees(ensemble);

        client.closeSession();
        assertThat(client.isClosed()).isTrue();
        assertThat(ensemble.server(ensemble.leader()).node.sessionTable().all()).isEmpty();
        assertSameTrees(ensemble);
    }

    @Test
    void anObserversClientWritesThroughTheLeaderAndReadsLocally() {
        EnsembleShell ensemble = elected(3, 1);
        SimShell observer = ensemble.server(4);
        assertThat(observer.node.serverState()).isEqualTo(ServerState.OBSERVING);

        FrameClient client = observer.connect(TIMEOUT_MS);
        assertThat(client.create("/o", CreateMode.EPHEMERAL).err()).isEqualTo(ErrorCode.OK);
        assertThat(client.getData("/o", false).err()).isEqualTo(ErrorCode.OK);
        assertSameTrees(ensemble);
    }

    /**
     * {@code setup} prepares the tree and the local client's watches; {@code elsewhere} makes txns
     * through other servers; {@code events} are what the local client (on a follower) must be notified
     * of, and nothing else.
     */
    record Case(String name, BiConsumer<EnsembleShell, FrameClient> setup, BiConsumer<EnsembleShell, FrameClient> elsewhere,
            List<WatcherEvent> events) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> otherServersTxns() {
        return Stream.of(
                new Case("a create by a client of the leader fires the exists watch on a follower",
                        (e, local) -> local.exists("/x", true),
                        (e, local) -> e.server(e.leader()).connect(TIMEOUT_MS).create("/x", CreateMode.PERSISTENT),
                        List.of(event(WatchEvent.NODE_CREATED, "/x"))),
                new Case("a setData by a client of another follower fires the data watch",
                        (e, local) -> {
                            local.create("/x", CreateMode.PERSISTENT);
                            local.getData("/x", true);
                        },
                        (e, local) -> e.server(otherFollower(e)).connect(TIMEOUT_MS).setData("/x", "v", 0),
                        List.of(event(WatchEvent.NODE_DATA_CHANGED, "/x"))),
                new Case("a session opened and closed through another server is applied here without a reply",
                        (e, local) -> { },
                        (e, local) -> e.server(otherFollower(e)).connect(TIMEOUT_MS).closeSession(),
                        List.of()),
                new Case("the leader reaps an empty container that a client here created",
                        (e, local) -> {
                            local.createContainer("/c");
                            local.create("/c/k", CreateMode.PERSISTENT);
                            local.delete("/c/k");
                            local.exists("/c", true);
                        },
                        (e, local) -> {
                            for (int tick = 0; tick < 6; tick++) {
                                tickAll(e, local);
                            }
                        },
                        List.of(event(WatchEvent.NODE_DELETED, "/c"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherServersTxns")
    void txnsOfOtherServersClientsAreAppliedWithoutRepliesAndLocalRequestsStillGetExactlyTheirs(Case row) {
        EnsembleShell ensemble = elected(3, 0);
        FrameClient local = ensemble.server(ensemble.follower()).connect(TIMEOUT_MS);
        row.setup().accept(ensemble, local);
        local.takeNotifications();

        row.elsewhere().accept(ensemble, local);
        long elsewhereZxid = ensemble.server(ensemble.follower()).node.tree().lastProcessedZxid();

        assertSameTrees(ensemble);
        // takeNotifications fails on any frame that is not a notification: nothing here is answered.
        assertThat(local.takeNotifications()).containsExactlyElementsOf(row.events());
        int first = local.send(OpCode.CREATE, new CreateRequest("/after", bytes("a"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        local.send(OpCode.SET_DATA, new SetDataRequest("/after", bytes("b"), 0)::write);
        local.send(OpCode.GET_DATA, new GetDataRequest("/after", false)::write);
        List<FrameClient.Reply> replies = local.drain();
        assertThat(replies).extracting(FrameClient.Reply::xid).containsExactly(first, first + 1, first + 2);
        assertThat(replies).extracting(FrameClient.Reply::err).containsOnly(ErrorCode.OK);
        assertThat(replies).extracting(FrameClient.Reply::zxid).allSatisfy(zxid -> assertThat(zxid).isGreaterThan(elsewhereZxid));
        assertSameTrees(ensemble);
    }

    @Test
    void theLeaderExpiresASilentFollowersSessionAndKeepsOneWhoseClientPings() {
        EnsembleShell ensemble = elected(3, 0);
        SimShell follower = ensemble.server(ensemble.follower());
        FrameClient silent = follower.connect(4000);
        FrameClient pinging = follower.connect(4000);
        silent.create("/silent", CreateMode.EPHEMERAL);
        pinging.create("/pinging", CreateMode.EPHEMERAL);
        pinging.getData("/silent", true);

        for (int tick = 0; tick < 8; tick++) {
            tickAll(ensemble, pinging);
        }

        assertThat(silent.isClosed()).as("the follower closed the expired session's connection").isTrue();
        assertThat(pinging.isClosed()).isFalse();
        assertThat(pinging.takeNotifications()).containsExactly(event(WatchEvent.NODE_DELETED, "/silent"));
        assertThat(pinging.exists("/pinging", false).err()).isEqualTo(ErrorCode.OK);
        assertThat(ensemble.server(ensemble.leader()).node.sessionTable().all()).containsOnlyKeys(pinging.sessionId);
        assertSameTrees(ensemble);
    }

    /**
     * As ZooKeeper 3.9.5 does (compat EnsembleSessionMoveTest, measured against it): a write through the
     * old server reaches the leader, which finds the session owned by the new server and makes an error txn
     * of it; the old server then closes that connection without a reply. Reads and pings the old follower
     * serves itself, unchecked.
     */
    @Test
    void aSessionResumedOnAnotherServerIsRevalidatedAndAWriteThroughItsOldServerClosesThatConnection() {
        EnsembleShell ensemble = elected(3, 0);
        long leader = ensemble.leader();
        long[] followers = ensemble.followers();
        FrameClient original = ensemble.server(followers[0]).connect(TIMEOUT_MS);
        original.create("/owned", CreateMode.EPHEMERAL);

        FrameClient moved = ensemble.server(followers[1]).open();
        ConnectResponse resumed = moved.handshake(new ConnectRequest(0, 0, TIMEOUT_MS, original.sessionId, original.password, false, true));
        moved.sessionId = resumed.sessionId();

        assertThat(resumed.sessionId()).as("the session resumed on the other follower").isEqualTo(original.sessionId);
        assertThat(moved.setData("/owned", "through the new server", -1).err()).isEqualTo(ErrorCode.OK);
        assertThat(original.exists("/owned", false).err()).as("a read the old follower serves itself").isEqualTo(ErrorCode.OK);
        original.send(OpCode.SET_DATA, new SetDataRequest("/owned", bytes("through the old server"), -1)::write);
        assertThat(original.drain()).as("no reply to a write through the old server").isEmpty();
        assertThat(original.isClosed()).as("the old server closed the stale connection").isTrue();
        assertThat(moved.getData("/owned", false).read(GetDataResponse::read).data()).isEqualTo(bytes("through the new server"));

        FrameClient unknown = ensemble.server(followers[1]).open();
        ConnectResponse refused = unknown.handshake(new ConnectRequest(0, 0, TIMEOUT_MS, original.sessionId + 1, original.password, false, true));
        assertThat(refused.sessionId()).as("an unknown session is refused with session id 0").isZero();
        assertThat(unknown.isClosed()).isTrue();
        assertSameTrees(ensemble);
    }

    /**
     * A closeSession is the one request the leader orders without checking the session's owner (ZooKeeper's
     * PrepRequestProcessor skips checkSession for it): through the old server it ends the session for good.
     * The old connection has its reply, and the new server closes its own connection to the session when it
     * applies the txn, so that client learns of the expiry when it reconnects. Found by kazoo's expiry test on
     * an ensemble: a second connection took the session and closed it, the first client had meanwhile resumed
     * on another member, and the leader made a SESSIONMOVED error of the close, so the session lived on.
     */
    @ParameterizedTest(name = "created on the {0}")
    @ValueSource(strings = {"follower", "leader"})
    void aCloseSessionThroughTheOldServerEndsAMovedSessionAndItsNewServerClosesItsConnection(String oldRole) {
        EnsembleShell ensemble = elected(3, 0);
        long leader = ensemble.leader();
        long[] followers = ensemble.followers();
        long oldServer = oldRole.equals("leader") ? leader : followers[0];
        FrameClient original = ensemble.server(oldServer).connect(TIMEOUT_MS);
        original.create("/owned", CreateMode.EPHEMERAL);
        FrameClient moved = resume(ensemble.server(followers[1]), original);
        assertThat(moved.sessionId).as("the session resumed on the other follower").isEqualTo(original.sessionId);

        assertThat(original.closeSession().err()).as("the old connection's closeSession is answered").isEqualTo(ErrorCode.OK);

        assertThat(original.isClosed()).isTrue();
        assertThat(moved.drain()).as("nothing for the new connection").isEmpty();
        assertThat(moved.isClosed()).as("the new server closed its connection to the ended session").isTrue();
        for (long id : ensemble.servers.keySet()) {
            assertThat(ensemble.server(id).node.sessionTable().all()).as("sessions on server %d", id).isEmpty();
        }
        FrameClient again = ensemble.server(followers[1]).open();
        ConnectResponse refused = again.handshake(new ConnectRequest(0, 0, TIMEOUT_MS, original.sessionId, original.password, false, true));
        assertThat(refused.timeOut()).as("a resume of the ended session is refused as expired").isZero();
        assertThat(ensemble.server(leader).node.tree().node("/owned")).as("its ephemeral is gone").isNull();
        assertSameTrees(ensemble);
    }

    /**
     * A client may resume on a follower a session that follower has not applied the creation of yet (it
     * lags by a commit): the follower asks the leader, as ZooKeeper's does for any session whose password is
     * right, and holds the session from the leader's answer on. Found by kazoo's expiry test on the compat
     * ensemble, where such a follower told the client its session had expired. A wrong password is refused
     * without asking.
     */
    @Test
    void aFollowerThatHasNotAppliedASessionsCreationYetResumesItOnTheLeadersWord() {
        EnsembleShell ensemble = elected(3, 0);
        long leader = ensemble.leader();
        long[] followers = ensemble.followers();
        ensemble.hold(followers[1], dev.corral.zab.Message.Proposal.class, dev.corral.zab.Message.Commit.class);
        FrameClient original = ensemble.server(followers[0]).connect(TIMEOUT_MS);
        assertThat(original.create("/first", CreateMode.EPHEMERAL).err()).isEqualTo(ErrorCode.OK);
        assertThat(ensemble.server(followers[1]).node.sessionTable().all()).as("the lagging follower has not applied it").isEmpty();

        FrameClient wrong = ensemble.server(followers[1]).open();
        byte[] wrongPassword = original.password.clone();
        wrongPassword[0] ^= 1;
        assertThat(wrong.handshake(new ConnectRequest(0, 0, TIMEOUT_MS, original.sessionId, wrongPassword, false, true)).timeOut())
                .as("a wrong password").isZero();
        FrameClient moved = resume(ensemble.server(followers[1]), original);

        assertThat(moved.sessionId).as("the session resumed on the lagging follower").isEqualTo(original.sessionId);
        ensemble.release();
        assertThat(moved.create("/second", CreateMode.EPHEMERAL).err()).isEqualTo(ErrorCode.OK);
        assertThat(ensemble.server(leader).node.tree().node("/second").ephemeralOwner()).isEqualTo(original.sessionId);
        assertThat(moved.closeSession().err()).isEqualTo(ErrorCode.OK);
        for (long id : ensemble.servers.keySet()) {
            assertThat(ensemble.server(id).node.sessionTable().all()).as("sessions on server %d", id).isEmpty();
        }
        assertSameTrees(ensemble);
    }

    /**
     * A leader that orders another server's closeSession marks the session closing; if it loses its quorum
     * before any other server logged that close, the next leader never commits it. The old leader, which
     * held its own clients, serves again once it has synchronized: the session lives on there too, and a
     * client may resume it through that server. (Read-only review of the closeSession change: the mark
     * stayed, and the old leader refused the session as expired.)
     */
    @Test
    void aCloseTheOldLeaderOrderedButTheNextLeaderNeverCommittedLeavesTheSessionAliveOnTheOldLeader() {
        EnsembleShell ensemble = elected(3, 0);
        long oldLeader = ensemble.leader();
        long[] followers = ensemble.followers();
        FrameClient held = ensemble.server(oldLeader).connect(TIMEOUT_MS);
        FrameClient original = ensemble.server(followers[0]).connect(TIMEOUT_MS);
        FrameClient moved = resume(ensemble.server(followers[1]), original);
        assertThat(moved.sessionId).isEqualTo(original.sessionId);
        for (long follower : followers) {
            ensemble.hold(follower, dev.corral.zab.Message.Proposal.class);
        }
        original.send(OpCode.CLOSE_SESSION, null);
        ensemble.cut(oldLeader);
        ensemble.release(); // the close's proposals are lost: their sender is cut off
        assertThat(ensemble.stabilize(400)).as("the two others elect: %s", ensemble.describe()).isTrue();
        assertThat(ensemble.leader()).isNotEqualTo(oldLeader);

        ensemble.heal(oldLeader);
        assertThat(ensemble.stabilize(400)).isTrue();

        assertThat(held.isClosed()).as("the old leader held its own client through the election").isFalse();
        FrameClient again = resume(ensemble.server(oldLeader), original);
        assertThat(again.sessionId).as("the session resumed through the old leader").isEqualTo(original.sessionId);
        assertThat(again.exists("/", false).err()).isEqualTo(ErrorCode.OK);
        assertSameTrees(ensemble);
    }

    /**
     * Found by the whole-server simulator's session thief (seed 66): a client resumed its session on the
     * leader while another server's closeSession of it was under way there, behind a write of its previous
     * connection. The leader dropped the client's next request (an answer would overtake the write's) and,
     * once the write was applied, answered a later one SESSIONEXPIRED: a reply out of order. Every request
     * after a dropped one is dropped too, and the connection closes with the session.
     */
    @Test
    void afterARequestDroppedBehindAClosingSessionNoLaterRequestOfTheConnectionIsAnswered() {
        EnsembleShell ensemble = elected(3, 0);
        long leader = ensemble.leader();
        long follower = ensemble.follower();
        FrameClient original = ensemble.server(leader).connect(TIMEOUT_MS);
        for (long id : ensemble.followers()) {
            ensemble.hold(id, dev.corral.zab.Message.Proposal.class, dev.corral.zab.Message.Commit.class);
        }
        original.send(OpCode.CREATE, new CreateRequest("/w", bytes("x"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        FrameClient thief = resume(ensemble.server(follower), original);
        original.closeConnection();
        FrameClient client = resume(ensemble.server(leader), original);
        assertThat(client.sessionId).isEqualTo(original.sessionId);
        thief.send(OpCode.CLOSE_SESSION, null);
        int dropped = client.send(OpCode.CREATE, new CreateRequest("/x", bytes("x"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        ensemble.releaseOldest(2); // the write's proposals: the leader commits and applies it, not yet the close

        int later = client.send(OpCode.EXISTS, new dev.corral.wire.ExistsRequest("/", false)::write);
        assertThat(client.drain()).as("no reply to xid %d before the one to xid %d", later, dropped).isEmpty();
        ensemble.release();
        assertThat(client.isClosed()).as("closed with its session").isTrue();
        assertThat(ensemble.server(leader).node.tree().node("/w")).as("the write before the close").isNotNull();
        assertThat(ensemble.server(leader).node.tree().node("/x")).isNull();
        assertSameTrees(ensemble);
    }

    /** A new connection to {@code server} that resumes {@code original}'s session; its session id is the one the server answered. */
    private static FrameClient resume(SimShell server, FrameClient original) {
        FrameClient moved = server.open();
        moved.sessionId = moved.handshake(new ConnectRequest(0, 0, TIMEOUT_MS, original.sessionId, original.password, false, true))
                .sessionId();
        return moved;
    }

    @Test
    void theLeaderClosesItsOwnConnectionOfASessionThatMovedToAFollowerOnAnyRequest() {
        EnsembleShell ensemble = elected(3, 0);
        FrameClient original = ensemble.server(ensemble.leader()).connect(TIMEOUT_MS);
        FrameClient moved = resume(ensemble.server(ensemble.follower()), original);
        assertThat(moved.sessionId).isEqualTo(original.sessionId);

        original.send(OpCode.EXISTS, new dev.corral.wire.ExistsRequest("/", false)::write);

        assertThat(original.drain()).as("no reply").isEmpty();
        assertThat(original.isClosed()).isTrue();
        assertThat(moved.ping().err()).as("the session serves on its new server").isEqualTo(ErrorCode.OK);
        assertSameTrees(ensemble);
    }

    @Test
    void whenTheLeaderIsCutOffAFollowersClientsAreHeldThroughTheElectionAndGoOnWithoutReconnecting() {
        EnsembleShell ensemble = elected(3, 0);
        long oldLeader = ensemble.leader();
        long follower = ensemble.follower();
        FrameClient client = ensemble.server(follower).connect(TIMEOUT_MS);
        client.create("/e", CreateMode.EPHEMERAL);

        ensemble.cut(oldLeader);
        assertThat(ensemble.stabilize(400)).as("the two others elect: %s", ensemble.describe()).isTrue();

        long newLeader = ensemble.leader();
        assertThat(newLeader).isNotEqualTo(oldLeader);
        assertThat(client.isClosed()).as("the follower held its client's connection through the election").isFalse();
        assertThat(client.exists("/e", false).err()).as("its session and ephemeral").isEqualTo(ErrorCode.OK);
        FrameClient.Reply write = client.create("/after-failover", CreateMode.PERSISTENT);
        assertThat(write.err()).isEqualTo(ErrorCode.OK);
        assertThat(write.zxid() >>> 32).as("a new epoch").isEqualTo(2);

        ensemble.heal(oldLeader);
        assertThat(ensemble.stabilize(400)).as("the old leader rejoins: %s", ensemble.describe()).isTrue();
        assertSameTrees(ensemble);
    }

    @Test
    void aWriteSentToALeaderThatIsCutOffBeforeCommittingIsLostAndItsConnectionClosedWhenTheFollowerServesAgain() {
        EnsembleShell ensemble = elected(3, 0);
        long oldLeader = ensemble.leader();
        long follower = ensemble.follower();
        FrameClient client = ensemble.server(follower).connect(TIMEOUT_MS);
        FrameClient other = ensemble.server(follower).connect(TIMEOUT_MS);
        ensemble.drop(oldLeader, dev.corral.zab.Message.Request.class);

        client.send(OpCode.CREATE, new CreateRequest("/lost", bytes("x"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        ensemble.cut(oldLeader);
        assertThat(ensemble.stabilize(400)).as("the two others elect: %s", ensemble.describe()).isTrue();

        assertThat(client.drain()).as("no reply to the lost write").isEmpty();
        assertThat(client.isClosed()).as("its connection is closed: the client retries, as after a connection loss").isTrue();
        assertThat(other.isClosed()).as("a client with nothing in flight goes on").isFalse();
        assertThat(other.exists("/lost", false).err()).isEqualTo(ErrorCode.NONODE);
        ensemble.heal(oldLeader);
        assertThat(ensemble.stabilize(400)).isTrue();
        assertSameTrees(ensemble);
    }

    /**
     * Found by the whole-server simulator (seed 701423, 3 voters): a client's write forwarded by a follower
     * reaches the leader only after the client has resumed its session on the leader and closed it there.
     * The follower applies the close with the write still waiting, then the leader's error txn for that
     * write: the waiter must have gone with the session, not be answered from its emptied queue.
     */
    @Test
    void aWriteForwardedBeforeItsSessionClosedThroughTheLeaderIsForgottenWithTheSession() {
        EnsembleShell ensemble = elected(3, 0);
        long leader = ensemble.leader();
        long follower = ensemble.follower();
        FrameClient original = ensemble.server(follower).connect(TIMEOUT_MS);
        ensemble.hold(leader, dev.corral.zab.Message.Request.class);
        original.send(OpCode.CREATE, new CreateRequest("/late", bytes("x"), Acl.OPEN_ACL_UNSAFE, 0)::write);
        original.closeConnection();

        FrameClient moved = resume(ensemble.server(leader), original);
        assertThat(moved.sessionId).as("the session resumed on the leader").isEqualTo(original.sessionId);
        assertThat(moved.closeSession().err()).isEqualTo(ErrorCode.OK);
        ensemble.release();

        for (long id : ensemble.servers.keySet()) {
            assertThat(ensemble.server(id).node.sessionTable().all()).as("sessions on server %d", id).isEmpty();
            assertThat(ensemble.server(id).node.tree().node("/late")).as("the late create on server %d", id).isNull();
        }
        assertSameTrees(ensemble);
    }

    /** Found by the whole-server simulator (seed 10017, 5 voters): requests queued behind a held closeSession. */
    @Test
    void aCloseSessionSentWhileHeldIsTheLastRequestItsSessionQueues() {
        EnsembleShell ensemble = elected(3, 0);
        long oldLeader = ensemble.leader();
        long follower = ensemble.follower();
        FrameClient client = ensemble.server(follower).connect(TIMEOUT_MS);
        ensemble.cut(oldLeader);
        untilNotServing(ensemble, follower);
        assertThat(ensemble.server(follower).node.serving()).isFalse();

        int close = client.send(OpCode.CLOSE_SESSION, null);
        client.send(OpCode.GET_DATA, new GetDataRequest("/", false)::write);
        assertThat(ensemble.stabilize(400)).as("the two others elect: %s", ensemble.describe()).isTrue();

        assertThat(client.drain()).extracting(FrameClient.Reply::xid).as("the close is answered, the read behind it dropped")
                .containsExactly(close);
        assertThat(client.isClosed()).isTrue();
        ensemble.heal(oldLeader);
        assertThat(ensemble.stabilize(400)).isTrue();
        assertSameTrees(ensemble);
    }

    @Test
    void aServerThatDoesNotRejoinAQuorumWithinATickClosesTheConnectionsItHeld() {
        EnsembleShell ensemble = elected(3, 0);
        long follower = ensemble.follower();
        FrameClient client = ensemble.server(follower).connect(TIMEOUT_MS);
        ensemble.cut(follower);
        untilNotServing(ensemble, follower);
        assertThat(ensemble.server(follower).node.serving()).as("cut off, it stops serving").isFalse();
        assertThat(client.isClosed()).as("held for now").isFalse();

        ensemble.server(follower).tick();

        assertThat(client.isClosed()).as("closed once a tick passed without a quorum").isTrue();
    }

    /**
     * ZOOKEEPER-2355: a follower that fails while the proposal of an ephemeral's create is in flight kept
     * the ephemeral after its session expired, because it had logged the create but missed what came
     * after. Here the follower logs the PROPOSAL of its own client's ephemeral but never gets the COMMIT,
     * then is cut off; the leader and the other follower commit the create, expire the session the cut
     * follower can no longer keep alive, and delete the ephemeral; healed, the follower is synchronized
     * and holds exactly their tree: no ephemeral, no session.
     */
    @Test
    void anEphemeralWhoseFollowerFailedMidProposalIsGoneEverywhereOnceItsSessionExpiresZk2355() {
        EnsembleShell ensemble = elected(3, 0);
        long leader = ensemble.leader();
        long failing = ensemble.follower();
        FrameClient client = ensemble.server(failing).connect(4000);
        ensemble.drop(failing, dev.corral.zab.Message.Commit.class);

        client.send(OpCode.CREATE, new CreateRequest("/eph", bytes("x"), Acl.OPEN_ACL_UNSAFE, 1)::write);

        assertThat(client.drain()).as("no reply: the follower never learns the create committed").isEmpty();
        assertThat(ensemble.server(leader).node.tree().node("/eph")).as("committed by the leader and the other follower").isNotNull();
        ensemble.cut(failing);
        FrameClient watcher = ensemble.server(leader).connect(TIMEOUT_MS);
        for (int tick = 0; tick < 8; tick++) {
            tickAll(ensemble, watcher);
        }
        assertThat(ensemble.server(leader).node.tree().node("/eph")).as("the session expired on the leader").isNull();

        ensemble.heal(failing);
        assertThat(ensemble.stabilize(400)).as("the failed follower rejoins: %s", ensemble.describe()).isTrue();

        assertThat(ensemble.server(failing).node.tree().node("/eph")).as("the ephemeral on the follower that failed").isNull();
        assertThat(ensemble.server(failing).node.sessionTable().contains(client.sessionId)).isFalse();
        assertSameTrees(ensemble);
    }

    /** One session tick on every server, with the peer ticks of that second between, and a ping from {@code keepAlive}. */
    private static void tickAll(EnsembleShell ensemble, FrameClient keepAlive) {
        for (int peerTick = 0; peerTick < 50; peerTick++) {
            if (peerTick % 10 == 0 && !keepAlive.isClosed()) {
                keepAlive.ping();
            }
            ensemble.peerTick();
        }
        ensemble.servers.values().forEach(SimShell::tick);
        ensemble.route();
    }

    record SyncCase(String name, double snapshotSizeFactor, int gap, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<SyncCase> syncChoices() {
        return Stream.of(
                new SyncCase("a long gap of large txns on a small tree: SNAP", 1, 520, "SNAP"),
                new SyncCase("factor 0 sets no limit: DIFF", 0, 520, "DIFF"),
                new SyncCase("a negative factor refuses long DIFFs", -1, 520, "SNAP"),
                new SyncCase("a gap of at most 500 txns is always a DIFF", -1, 100, "DIFF"));
    }

    /**
     * The leader's choice between DIFF and SNAP for a follower whose last txn is still in its log, by
     * ZooKeeper's zookeeper.snapshotSizeFactor rule: 1 KiB setData txns on a tree of a few znodes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("syncChoices")
    void theLeaderSendsASnapshotWhenTheTxnsAreWorthMoreThanItsShareOfOne(SyncCase c) {
        EnsembleShell ensemble = new EnsembleShell(3, 0, false, node -> node.useSnapshotSizeFactor(c.snapshotSizeFactor()));
        assertThat(ensemble.stabilize(200)).isTrue();
        long follower = ensemble.follower();
        FrameClient writer = ensemble.server(ensemble.leader()).connect(TIMEOUT_MS);
        assertThat(writer.create("/big", CreateMode.PERSISTENT).err()).isEqualTo(ErrorCode.OK);
        ensemble.cut(follower);
        untilNotServing(ensemble, follower);
        byte[] kib = new byte[1024];
        for (int i = 0; i < c.gap(); i++) {
            int xid = writer.send(OpCode.SET_DATA, new SetDataRequest("/big", kib, -1)::write);
            assertThat(writer.drain()).extracting(FrameClient.Reply::xid, FrameClient.Reply::err)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(xid, ErrorCode.OK));
        }
        dev.corral.zab.Peer leader = ensemble.server(ensemble.leader()).node.peer();
        long diffs = leader.diffSyncs();
        long snaps = leader.snapSyncs();

        ensemble.heal(follower);
        assertThat(ensemble.stabilize(200)).as("rejoined: %s", ensemble.describe()).isTrue();

        assertThat(leader.diffSyncs() - diffs).as("DIFFs").isEqualTo(c.expected().equals("DIFF") ? 1 : 0);
        assertThat(leader.snapSyncs() - snaps).as("SNAPs").isEqualTo(c.expected().equals("SNAP") ? 1 : 0);
        assertSameTrees(ensemble);
    }

    @Test
    void aConnectionOpenedWhileNotServingIsClosedWhenALeadersSnapshotReplacesTheState() {
        EnsembleShell ensemble = elected(3, 0);
        long follower = ensemble.follower();
        ensemble.cut(follower);
        untilNotServing(ensemble, follower);
        FrameClient writer = ensemble.server(ensemble.leader()).connect(TIMEOUT_MS);
        // More than the leader keeps for a DIFF (500 committed txns in EnsembleShell, trimmed with hysteresis).
        for (int i = 0; i < 1_200; i++) {
            assertThat(writer.create("/n" + i, CreateMode.PERSISTENT).err()).isEqualTo(ErrorCode.OK);
        }
        // Accepted while the follower does not serve, and silent: it has no session and holds nothing.
        FrameClient silent = ensemble.server(follower).open();

        ensemble.heal(follower);
        assertThat(ensemble.stabilize(200)).as("rejoined by SNAP: %s", ensemble.describe()).isTrue();

        assertThat(ensemble.server(ensemble.leader()).node.peer().snapSyncs()).as("SNAP syncs").isPositive();
        assertThat(silent.isClosed()).as("the silent connection, closed as its state is replaced").isTrue();
        assertSameTrees(ensemble);
    }

    /** Peer ticks until the server stops serving (a cut-off server notices within syncLimit), at most 100. */
    private static void untilNotServing(EnsembleShell ensemble, long serverId) {
        for (int peerTick = 0; peerTick < 100 && ensemble.server(serverId).node.serving(); peerTick++) {
            ensemble.peerTick();
        }
    }

    private static long otherFollower(EnsembleShell ensemble) {
        return otherThan(ensemble, ensemble.leader(), ensemble.follower());
    }

    private static long otherThan(EnsembleShell ensemble, long a, long b) {
        return ensemble.servers.keySet().stream().filter(id -> id != a && id != b).findFirst().orElseThrow();
    }

    private static WatcherEvent event(int type, String path) {
        return new WatcherEvent(type, WatchEvent.SYNC_CONNECTED, path);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
