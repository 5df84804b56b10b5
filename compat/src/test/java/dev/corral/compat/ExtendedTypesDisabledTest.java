package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.assertKeeperError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server started without {@code -Dzookeeper.extendedTypesEnabled=true}: TTL nodes are refused,
 * containers still work (they do not depend on the extended ephemeralOwner encoding).
 */
class ExtendedTypesDisabledTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults().withoutExtendedTypes());

    private static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    @Test
    void creatingATtlNodeAnswersUnimplemented() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        assertKeeperError(Code.UNIMPLEMENTED,
                () -> zk.create(root + "/t", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, null, 1_000));
        assertKeeperError(Code.UNIMPLEMENTED, () -> zk.create(root + "/s", new byte[0], OPEN,
                CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, null, 1_000));
        assertThat(zk.getChildren(root, false)).isEmpty();
        assertThat(zk.exists(root, false).getCversion()).as("a refused create does not count").isZero();
    }

    @Test
    void aTtlCreateInAMultiAnswersUnimplemented() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        assertKeeperError(Code.UNIMPLEMENTED, () -> zk.multi(List.of(
                Op.create(root + "/a", new byte[0], OPEN, CreateMode.PERSISTENT),
                Op.create(root + "/t", new byte[0], OPEN, CreateMode.PERSISTENT_WITH_TTL, 1_000))));
        assertThat(zk.getChildren(root, false)).isEmpty();
    }

    @Test
    void unimplementedTtlIsReportedBeforeABadTtlValue() throws Exception {
        RawClient raw = server.raw();

        RawClient.Reply reply = raw.call(RawClient.CREATE_TTL, new Jute.Writer().writeString("/ttl-zero")
                .writeBuffer(new byte[0]).writeOpenAcl().writeInt(5).writeLong(0).toByteArray());

        assertThat(Code.get(reply.err())).isEqualTo(Code.UNIMPLEMENTED);
        assertThat(raw.ping().err()).as("the connection stays usable").isZero();
    }

    @Test
    void containersStillWork() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);

        zk.create(root + "/c", new byte[0], OPEN, CreateMode.CONTAINER);

        assertThat(zk.exists(root + "/c", false).getEphemeralOwner()).isZero();
    }
}
