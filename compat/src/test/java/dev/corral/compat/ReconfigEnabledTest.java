package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.assertKeeperError;
import static dev.corral.compat.KeeperAssertions.bytes;

import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * reconfig (opcode 16) on a standalone server with {@code reconfigEnabled=true}: past the
 * "disabled" check, a standalone server cannot reconfigure (PrepRequestProcessor: not a
 * LeaderZooKeeperServer). With reconfig disabled (the default) see {@link OpcodeTest}.
 */
class ReconfigEnabledTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(
            ServerSpec.defaults().withConfig("reconfigEnabled", "true"));

    @Test
    void reconfigOnAStandaloneServerWithReconfigEnabledIsUnimplemented() throws Exception {
        ZooKeeperAdmin admin = server.clients().admin();
        admin.addAuthInfo("digest", bytes(ServerSpec.SUPER_CREDENTIALS));

        assertKeeperError(Code.UNIMPLEMENTED,
                () -> admin.reconfigure("server.2=127.0.0.1:2888:3888;2182", null, null, -1, new Stat()));
    }

    @Test
    void reconfigIsUnimplementedEvenWithoutAnyPermission() throws Exception {
        ZooKeeperAdmin admin = server.clients().admin();

        assertKeeperError(Code.UNIMPLEMENTED, () -> admin.reconfigure(null, "3", null, -1, new Stat()));
    }
}
