package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.node.Node;
import dev.corral.node.NodeConfig;
import dev.corral.tree.DataTree;
import dev.corral.tree.TreeSnapshot;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.RequestHeader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A SNAP's image goes through the snapshot file's bytes and comes back as the same tree and sessions, checked. */
class TreeImageCodecTest {
    private final TreeImageCodec codec = new TreeImageCodec();

    @Test
    void anImageComesBackAsTheSameTreeAndSessions() {
        TreeSnapshot image = populated().snapshot();

        TreeSnapshot back = (TreeSnapshot) codec.decode(codec.encode(image));

        assertThat(back.zxid()).isEqualTo(image.zxid());
        assertThat(back.digest()).isEqualTo(image.digest());
        assertThat(back.sessions()).isEqualTo(image.sessions()).isNotEmpty();
        assertThat(back.nodeCount()).isEqualTo(image.nodeCount()).isGreaterThan(2);
        List<Znode> nodes = new ArrayList<>();
        back.forEach(nodes::add);
        DataTree tree = new DataTree();
        tree.load(back.zxid(), nodes, back.digest()); // checks the digest of the nodes it built
        assertThat(tree.nodeCount()).isEqualTo(image.nodeCount());
    }

    /** A standalone Node with a session, a persistent znode with data and an ACL, and an ephemeral. */
    private static Node populated() {
        Node node = Node.startedAlone(NodeConfig.standalone(1000, 0));
        node.onConnectionOpened(1, "127.0.0.1", 0);
        node.onFrame(1, frame(out -> new ConnectRequest(0, 0, 10_000, 0, new byte[16], false, true).write(out)), 0);
        node.onFrame(1, frame(out -> {
            new RequestHeader(1, OpCode.CREATE).write(out);
            new CreateRequest("/a", "data".getBytes(), Acl.READ_ACL_UNSAFE, 0).write(out);
        }), 0);
        node.onFrame(1, frame(out -> {
            new RequestHeader(2, OpCode.CREATE).write(out);
            new CreateRequest("/e", null, Acl.OPEN_ACL_UNSAFE, 1).write(out);
        }), 0);
        return node;
    }

    private static byte[] frame(java.util.function.Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput();
        writer.accept(out);
        return out.toByteArray();
    }

    @Test
    void aDamagedImageIsRefusedNamingTheCause() {
        byte[] bytes = codec.encode(Node.startedAlone(NodeConfig.standalone(1000, 0)).snapshot());
        bytes[bytes.length / 2] ^= 1;

        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("received image");
    }
}
