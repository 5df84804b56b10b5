package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.Acls;
import dev.corral.tree.CreateMode;
import dev.corral.wire.Acl;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.Id;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The audit log's lines (audit.enable), in ZooKeeper 3.9's format and for ZooKeeper's choice of operations:
 * AuditHelper for a client's writes, DataTree#deleteNodes for ephemerals deleted at a session's end.
 */
class AuditorTest {
    private static final NodeSecurity AUDITED = new NodeSecurity(Set.of(), null, null, Set.of(), true);

    /** The audit lines since {@code from}, with the session id replaced by "S" and the server's user by "U". */
    private static List<String> lines(SimShell shell, int from, FrameClient client) {
        return shell.outputs.subList(from, shell.outputs.size()).stream()
                .filter(output -> output instanceof Output.Audit)
                .map(output -> ((Output.Audit) output).event().withServerUser("U").line()
                        .replace("0x" + Long.toHexString(client.sessionId), "S"))
                .toList();
    }

    @Test
    void eachWriteIsOneLineWithSessionUserIpOperationZnodeAndResult() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS), AUDITED);
        FrameClient client = shell.connect(10_000);
        int from = shell.outputs.size();

        client.create("/a", CreateMode.PERSISTENT);
        client.create("/a", CreateMode.PERSISTENT);
        client.create("/a/s-", CreateMode.EPHEMERAL_SEQUENTIAL);
        client.setData("/a", "x", -1);
        client.setData("/a", "x", 7);
        client.call(OpCode.SET_ACL, new SetACLRequest("/a", List.of(new Acl(Acl.ALL, Id.ANYONE),
                new Acl(Acl.READ, new Id("ip", "10.0.0.1"))), -1)::write);
        client.delete("/missing");
        client.getData("/a", false);

        String who = "session=S\tuser=127.0.0.1\tip=127.0.0.1\t";
        assertThat(lines(shell, from, client)).containsExactly(
                who + "operation=create\tznode=/a\tznode_type=persistent\tresult=success",
                who + "operation=create\tznode=/a\tznode_type=persistent\tresult=failure",
                who + "operation=create\tznode=/a/s-0000000000\tznode_type=ephemeral_sequential\tresult=success",
                who + "operation=setData\tznode=/a\tresult=success",
                who + "operation=setData\tznode=/a\tresult=failure",
                // ZKUtil#aclToString puts nothing between entries.
                who + "operation=setAcl\tznode=/a\tacl=world:anyone:cdrwaip:10.0.0.1:r\tresult=success",
                who + "operation=delete\tznode=/missing\tresult=failure");
    }

    @Test
    void aMultiIsALinePerChangeOrOneFailureLine() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS), AUDITED);
        FrameClient client = shell.connect(10_000);
        int from = shell.outputs.size();

        client.call(OpCode.MULTI, new MultiRequest(List.of(
                new MultiRequest.Op(OpCode.CREATE, new CreateRequest("/m", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)),
                new MultiRequest.Op(OpCode.CREATE, new CreateRequest("/m/q-", new byte[0], Acl.OPEN_ACL_UNSAFE, 2)),
                new MultiRequest.Op(OpCode.SET_DATA, new SetDataRequest("/m", new byte[] {1}, -1)),
                new MultiRequest.Op(OpCode.DELETE, new DeleteRequest("/m/q-0000000000", -1))))::write);
        client.call(OpCode.MULTI, new MultiRequest(List.of(
                new MultiRequest.Op(OpCode.CREATE, new CreateRequest("/n", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)),
                new MultiRequest.Op(OpCode.DELETE, new DeleteRequest("/missing", -1))))::write);

        String who = "session=S\tuser=127.0.0.1\tip=127.0.0.1\t";
        assertThat(lines(shell, from, client)).containsExactly(
                who + "operation=create\tznode=/m\tznode_type=persistent\tresult=success",
                // ZooKeeper looks the type up by the created path, which a sequential create does not request.
                who + "operation=create\tznode=/m/q-0000000000\tresult=success",
                who + "operation=setData\tznode=/m\tresult=success",
                who + "operation=delete\tznode=/m/q-0000000000\tresult=success",
                who + "operation=multiOperation\tresult=failure");
    }

    @Test
    void ephemeralsDeletedAtTheSessionsEndAreTheServersDoingAndTheUserListNamesEveryIdentity() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS), AUDITED);
        FrameClient client = shell.connect(10_000);
        client.addAuth("digest", "bob:secret");
        client.addAuth("digest", "super:nothing-special");
        int from = shell.outputs.size();

        client.create("/e", List.of(new Acl(Acl.ALL, new Id("digest", Acls.digest("bob:secret")))), CreateMode.EPHEMERAL);
        client.closeSession();

        assertThat(lines(shell, from, client)).containsExactly(
                "session=S\tuser=127.0.0.1,bob,super\tip=127.0.0.1\toperation=create\tznode=/e\tznode_type=ephemeral\tresult=success",
                "session=S\tuser=U\toperation=ephemeralZNodeDeletionOnSessionCloseOrExpire\tznode=/e\tresult=success");
    }

    @Test
    void withoutAuditEnableNothingIsAudited() {
        SimShell shell = SimShell.standalone();
        FrameClient client = shell.connect(10_000);
        client.create("/a", CreateMode.EPHEMERAL);
        client.closeSession();
        assertThat(shell.outputs).noneMatch(output -> output instanceof Output.Audit);
    }
}
