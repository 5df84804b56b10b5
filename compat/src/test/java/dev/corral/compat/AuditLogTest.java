package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit log (audit.enable=true) line for line as ZooKeeper 3.9.5 writes it, read from the server's log:
 * its start, a client's writes that succeed and fail, a multi, and the ephemeral deleted when the session
 * ends. Passes against Corral and against ZooKeeper, so the format and the choice of what is logged are
 * ZooKeeper's.
 */
class AuditLogTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults().withConfig("audit.enable", "true"));

    /** The audit lines in the log (the message part of each), with {@code sessionHex} replaced by "S". */
    private static List<String> auditLines(String sessionHex) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : server.process().log().split("\n")) {
            int message = line.indexOf(" - ");
            if (message >= 0 && line.contains("operation=")) {
                lines.add(line.substring(message + 3).replace(sessionHex, "S"));
            }
        }
        return lines;
    }

    @Test
    void writesAndTheirResultsAreLoggedAsZooKeeperLogsThem() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        String a = root + "/a";
        zk.create(a, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThatThrownBy(() -> zk.create(a, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                .isInstanceOf(KeeperException.NodeExistsException.class);
        zk.setData(a, new byte[] {1}, -1);
        assertThatThrownBy(() -> zk.setData(a, new byte[] {2}, 9)).isInstanceOf(KeeperException.BadVersionException.class);
        zk.setACL(a, ZooDefs.Ids.OPEN_ACL_UNSAFE, -1);
        zk.multi(List.of(Op.create(a + "/m", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData(a + "/m", new byte[] {3}, -1)));
        assertThatThrownBy(() -> zk.multi(List.of(Op.delete(a + "/m", -1), Op.delete(a + "/missing", -1))))
                .isInstanceOf(KeeperException.NoNodeException.class);
        zk.delete(a + "/m", -1);
        zk.getData(a, false, null);
        ZooKeeper ephemeralOwner = server.zk();
        ephemeralOwner.create(a + "/e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        String ownerHex = "0x" + Long.toHexString(ephemeralOwner.getSessionId());
        ephemeralOwner.close();

        String who = "session=S\tuser=127.0.0.1\tip=127.0.0.1\t";
        String serverUser = System.getProperty("user.name");
        Awaitility.await().atMost(BOUND).untilAsserted(() -> assertThat(auditLines("0x" + Long.toHexString(zk.getSessionId())))
                .startsWith("user=" + serverUser + "\toperation=serverStart\tresult=success")
                .containsSubsequence(
                        who + "operation=create\tznode=" + a + "\tznode_type=persistent\tresult=success",
                        who + "operation=create\tznode=" + a + "\tznode_type=persistent\tresult=failure",
                        who + "operation=setData\tznode=" + a + "\tresult=success",
                        who + "operation=setData\tznode=" + a + "\tresult=failure",
                        who + "operation=setAcl\tznode=" + a + "\tacl=world:anyone:cdrwa\tresult=success",
                        who + "operation=create\tznode=" + a + "/m\tznode_type=persistent\tresult=success",
                        who + "operation=setData\tznode=" + a + "/m\tresult=success",
                        who + "operation=multiOperation\tresult=failure",
                        who + "operation=delete\tznode=" + a + "/m\tresult=success")
                .contains("session=" + ownerHex + "\tuser=" + serverUser
                        + "\toperation=ephemeralZNodeDeletionOnSessionCloseOrExpire\tznode=" + a + "/e\tresult=success")
                .noneMatch(line -> line.contains("getData")));
    }
}
