package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.CreateMode;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.GetDataResponse;
import dev.corral.wire.JuteInput;
import dev.corral.wire.OpCode;
import dev.corral.wire.SyncRequest;
import dev.corral.zab.ServerState;
import org.junit.jupiter.api.Test;

/**
 * Read-only mode ({@link ReadOnlyMode}) on a member of an in-memory ensemble cut off from the others: it
 * starts only after the grace period of looking in vain, serves read-only clients with sessions of its own,
 * refuses every change, sync, a client that is not read-only and a session of the quorum, and ends with its
 * connections and sessions once the member rejoins. Checked against ZooKeeper 3.9.5 by the compat module's
 * EnsembleReadOnlyTest, which runs real servers of both.
 */
class NodeReadOnlyModeTest {
    private static final int TIMEOUT_MS = 4_000;
    private static final int ELECTION_TICKS_MAX = 200;

    /** A three-voter ensemble with read-only mode as given, "/data" = "v", and one follower cut off and looking. */
    private record CutOff(EnsembleShell ensemble, long follower, FrameClient quorumClient) {
        SimShell shell() {
            return ensemble.server(follower);
        }
    }

    private static CutOff cutOff(boolean readOnlyMode) {
        EnsembleShell ensemble = new EnsembleShell(3, 0, readOnlyMode);
        assertThat(ensemble.stabilize(ELECTION_TICKS_MAX)).as("every server serves: %s", ensemble.describe()).isTrue();
        FrameClient quorumClient = ensemble.server(ensemble.leader()).connect(TIMEOUT_MS);
        assertThat(quorumClient.create("/data", CreateMode.PERSISTENT).err()).isEqualTo(ErrorCode.OK);
        assertThat(quorumClient.setData("/data", "v", -1).err()).isEqualTo(ErrorCode.OK);
        long follower = ensemble.follower();
        ensemble.cut(follower);
        SimShell shell = ensemble.server(follower);
        for (int tick = 0; tick < ELECTION_TICKS_MAX && shell.node.serverState() != ServerState.LOOKING; tick++) {
            ensemble.peerTick();
        }
        assertThat(shell.node.serverState()).as("the cut-off follower looks for a quorum").isEqualTo(ServerState.LOOKING);
        return new CutOff(ensemble, follower, quorumClient);
    }

    /** Lets the grace period pass on the cut-off member: wall time moves on, peer ticks see it. */
    private static void passGrace(CutOff cutOff, long ms) {
        cutOff.shell().advanceWallMs(ms);
        cutOff.ensemble().peerTick();
    }

    private static ConnectResponse connectReadOnly(FrameClient client, long sessionId, byte[] password) {
        return client.handshake(new ConnectRequest(0, 0, TIMEOUT_MS, sessionId, password, true, true));
    }

    @Test
    void aCutOffMemberServesReadOnlyClientsOnlyAfterTheGracePeriod() {
        CutOff cutOff = cutOff(true);
        passGrace(cutOff, ReadOnlyMode.GRACE_MS_MIN - 1);
        assertThat(cutOff.shell().node.readOnly()).as("read-only before the grace period passed").isFalse();
        FrameClient early = cutOff.shell().open();
        early.sendRaw(handshakeBytes(new ConnectRequest(0, 0, TIMEOUT_MS, 0, new byte[16], true, true)));
        assertThat(early.isClosed()).as("a client during the grace period is closed").isTrue();

        passGrace(cutOff, 1);
        assertThat(cutOff.shell().node.readOnly()).isTrue();
        FrameClient client = cutOff.shell().open();
        ConnectResponse response = connectReadOnly(client, 0, new byte[16]);

        assertThat(response.readOnly()).as("the ConnectResponse says read-only").isTrue();
        assertThat(response.sessionId()).isNotZero();
        FrameClient.Reply read = client.getData("/data", true);
        assertThat(read.err()).isEqualTo(ErrorCode.OK);
        assertThat(new String(GetDataResponse.read(new JuteInput(read.body())).data())).isEqualTo("v");
        assertThat(client.exists("/data", false).err()).isEqualTo(ErrorCode.OK);
        assertThat(client.getChildren("/", false).err()).isEqualTo(ErrorCode.OK);
        assertThat(client.addAuth("digest", "u:p").err()).isEqualTo(ErrorCode.OK);
    }

    @Test
    void everyChangeAndSyncIsAnsweredNotReadOnlyAndNothingChanges() {
        CutOff cutOff = cutOff(true);
        passGrace(cutOff, ReadOnlyMode.GRACE_MS_MIN);
        FrameClient client = cutOff.shell().open();
        connectReadOnly(client, 0, new byte[16]);
        long zxid = cutOff.shell().node.tree().lastProcessedZxid();
        long digest = cutOff.shell().node.tree().digest();

        assertThat(client.create("/new", CreateMode.PERSISTENT).err()).isEqualTo(ErrorCode.NOTREADONLY);
        assertThat(client.create("/e", CreateMode.EPHEMERAL).err()).isEqualTo(ErrorCode.NOTREADONLY);
        assertThat(client.createContainer("/c").err()).isEqualTo(ErrorCode.NOTREADONLY);
        assertThat(client.setData("/data", "w", -1).err()).isEqualTo(ErrorCode.NOTREADONLY);
        assertThat(client.delete("/data").err()).isEqualTo(ErrorCode.NOTREADONLY);
        assertThat(client.call(OpCode.SYNC, new SyncRequest("/data")::write).err()).isEqualTo(ErrorCode.NOTREADONLY);
        FrameClient.Reply read = client.getData("/data", false);

        assertThat(new String(GetDataResponse.read(new JuteInput(read.body())).data())).isEqualTo("v");
        assertThat(cutOff.shell().node.tree().lastProcessedZxid()).isEqualTo(zxid);
        assertThat(cutOff.shell().node.tree().digest()).isEqualTo(digest);
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void aClientThatIsNotReadOnlyAndASessionOfTheQuorumAreRefusedWhileALocalSessionResumes() {
        CutOff cutOff = cutOff(true);
        passGrace(cutOff, ReadOnlyMode.GRACE_MS_MIN);
        FrameClient readWrite = cutOff.shell().open();
        readWrite.sendRaw(handshakeBytes(new ConnectRequest(0, 0, TIMEOUT_MS, 0, new byte[16], false, true)));
        assertThat(readWrite.isClosed()).as("a client that is not read-only is closed").isTrue();

        FrameClient global = cutOff.shell().open();
        global.sendRaw(handshakeBytes(new ConnectRequest(0, 0, TIMEOUT_MS, cutOff.quorumClient().sessionId,
                cutOff.quorumClient().password, true, true)));
        assertThat(global.isClosed()).as("a session of the quorum is not resumed in read-only mode").isTrue();

        FrameClient first = cutOff.shell().open();
        ConnectResponse created = connectReadOnly(first, 0, new byte[16]);
        FrameClient again = cutOff.shell().open();
        ConnectResponse resumed = connectReadOnly(again, created.sessionId(), created.passwd());

        assertThat(resumed.sessionId()).isEqualTo(created.sessionId());
        assertThat(resumed.readOnly()).isTrue();
        assertThat(first.isClosed()).as("the session's previous connection").isTrue();
        assertThat(again.getData("/data", false).err()).isEqualTo(ErrorCode.OK);
    }

    @Test
    void rejoiningTheQuorumEndsTheModeClosingItsClientsAndLeavesNoSessionBehind() {
        CutOff cutOff = cutOff(true);
        passGrace(cutOff, ReadOnlyMode.GRACE_MS_MIN);
        FrameClient client = cutOff.shell().open();
        long localSession = connectReadOnly(client, 0, new byte[16]).sessionId();

        cutOff.ensemble().heal(cutOff.follower());
        assertThat(cutOff.ensemble().stabilize(ELECTION_TICKS_MAX)).as("rejoined: %s", cutOff.ensemble().describe()).isTrue();

        assertThat(cutOff.shell().node.readOnly()).isFalse();
        assertThat(client.isClosed()).as("the read-only client's connection").isTrue();
        assertThat(cutOff.shell().node.sessionTable().all()).doesNotContainKey(localSession);
        FrameClient after = cutOff.shell().connect(TIMEOUT_MS);
        assertThat(after.setData("/data", "w", -1).err()).isEqualTo(ErrorCode.OK);
    }

    @Test
    void withoutReadOnlyModeACutOffMemberServesNoClient() {
        CutOff cutOff = cutOff(false);
        passGrace(cutOff, 10 * ReadOnlyMode.GRACE_MS_MIN);

        assertThat(cutOff.shell().node.readOnly()).isFalse();
        FrameClient client = cutOff.shell().open();
        client.sendRaw(handshakeBytes(new ConnectRequest(0, 0, TIMEOUT_MS, 0, new byte[16], true, true)));
        assertThat(client.isClosed()).isTrue();
    }

    private static byte[] handshakeBytes(ConnectRequest request) {
        dev.corral.wire.JuteOutput out = new dev.corral.wire.JuteOutput();
        request.write(out);
        return out.toByteArray();
    }
}
