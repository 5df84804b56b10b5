package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.TreeSnapshot;
import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.OpCode;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.SetDataRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The admin restore command on a standalone Node (Node#restoreByAdmin): the image replaces the tree and the
 * sessions as the txn at the next zxid, only once it is durable; until then the server serves nobody and
 * takes no second restore, and every client connection is closed at the start.
 */
class NodeAdminRestoreTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theImageIsLoadedAtTheNextZxidOnlyOnceItIsDurable() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withDurableLog(true));
        FrameClient client = shell.connect(10_000);
        assertThat(client.call(OpCode.CREATE, new CreateRequest("/a", bytes("before"), Acl.OPEN_ACL_UNSAFE, 0)::write).err())
                .isEqualTo(ErrorCode.OK);
        TreeSnapshot image = shell.node.snapshot();
        FrameClient.Reply changed = client.call(OpCode.SET_DATA, new SetDataRequest("/a", bytes("after"), -1)::write);
        long lastZxid = changed.zxid();
        assertThat(shell.node.canRestoreByAdmin()).isTrue();

        shell.holdLog = true;
        shell.restoreByAdmin(image);
        assertThat(client.isClosed()).as("every connection is closed at once").isTrue();
        assertThat(shell.node.serving()).as("nobody is served until the image is durable").isFalse();
        assertThat(shell.node.canRestoreByAdmin()).isFalse();
        assertThat(shell.node.tree().lastProcessedZxid()).isEqualTo(lastZxid);
        FrameClient meanwhile = shell.open();
        JuteOutput connect = new JuteOutput();
        new ConnectRequest(0, 0, 10_000, 0, new byte[16], false, true).write(connect);
        meanwhile.sendRaw(connect.toByteArray());
        assertThat(meanwhile.isClosed()).as("a client that comes meanwhile is turned away").isTrue();
        assertThat(shell.outputs).noneMatch(Output.Restored.class::isInstance);

        shell.syncLog();
        assertThat(shell.outputs).filteredOn(Output.Restored.class::isInstance).singleElement()
                .isEqualTo(new Output.Restored(lastZxid + 1));
        assertThat(shell.node.serving()).isTrue();
        assertThat(shell.node.tree().lastProcessedZxid()).isEqualTo(lastZxid + 1);
        assertThat(shell.node.tree().node("/a").data()).isEqualTo(bytes("before"));
        assertThat(shell.node.tree().digest()).isEqualTo(image.digest());

        shell.holdLog = false;
        FrameClient after = shell.connect(10_000);
        FrameClient.Reply created = after.call(OpCode.CREATE, new CreateRequest("/b", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)::write);
        assertThat(created.err()).isEqualTo(ErrorCode.OK);
        assertThat(created.zxid()).as("the txns after the restore follow it").isGreaterThan(lastZxid + 1);
        assertThat(after.call(OpCode.EXISTS, new ExistsRequest("/a", false)::write).err()).isEqualTo(ErrorCode.OK);
    }
}
