package dev.corral.compat;

import static dev.corral.compat.KeeperAssertions.acl;
import static dev.corral.compat.KeeperAssertions.assertKeeperError;
import static dev.corral.compat.KeeperAssertions.bytes;
import static dev.corral.compat.KeeperAssertions.digestAcl;
import static dev.corral.compat.KeeperAssertions.text;
import static dev.corral.compat.KeeperAssertions.worldAcl;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ACL enforcement: which permission each operation needs and on which znode (ZooKeeper 3.9
 * PrepRequestProcessor and FinalRequestProcessor), and the world, auth, digest, ip and super
 * schemes.
 */
class AclTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    private static final String ALICE = "alice:secret";

    /** An operation by an anonymous client on {@code node}, which has a child named "child". */
    interface Operation {
        void run(ZooKeeper zk, String node) throws Exception;
    }

    record PermissionCase(String name, int perm, Operation operation) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<PermissionCase> permissionCases() {
        return Stream.of(
                // Writes that change the child list check the parent.
                new PermissionCase("create checks CREATE on the parent", Perms.CREATE,
                        (zk, node) -> zk.create(node + "/new", new byte[0], Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT)),
                new PermissionCase("delete checks DELETE on the parent", Perms.DELETE,
                        (zk, node) -> zk.delete(node + "/child", -1)),
                // Writes to the node itself.
                new PermissionCase("setData checks WRITE", Perms.WRITE,
                        (zk, node) -> zk.setData(node, bytes("x"), -1)),
                new PermissionCase("setACL checks ADMIN", Perms.ADMIN,
                        (zk, node) -> zk.setACL(node, worldAcl(Perms.ADMIN), -1)),
                new PermissionCase("check in a multi checks READ", Perms.READ,
                        (zk, node) -> zk.multi(List.of(Op.check(node, -1)))),
                // Reads of an existing node.
                new PermissionCase("getData checks READ", Perms.READ, (zk, node) -> zk.getData(node, false, null)),
                new PermissionCase("exists of an existing node checks READ", Perms.READ,
                        (zk, node) -> zk.exists(node, false)),
                new PermissionCase("getChildren checks READ", Perms.READ, (zk, node) -> zk.getChildren(node, false)),
                new PermissionCase("getChildren2 checks READ", Perms.READ,
                        (zk, node) -> zk.getChildren(node, false, new Stat())),
                new PermissionCase("getAllChildrenNumber checks READ", Perms.READ,
                        (zk, node) -> zk.getAllChildrenNumber(node)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("permissionCases")
    void eachOperationNeedsExactlyItsPermission(PermissionCase permissionCase) throws Exception {
        ZooKeeper admin = server.superZk();
        ZooKeeper anonymous = server.zk();
        String node = server.newRoot(admin);
        admin.create(node + "/child", new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        admin.setACL(node, worldAcl(Perms.ALL & ~permissionCase.perm()), -1);
        assertKeeperError(Code.NOAUTH, () -> permissionCase.operation().run(anonymous, node));

        admin.setACL(node, worldAcl(permissionCase.perm()), -1);
        permissionCase.operation().run(anonymous, node);
    }

    @Test
    void syncAddWatchGetEphemeralsAndExistsOfAMissingNodeNeedNoPermission() throws Exception {
        ZooKeeper alice = server.clients().zkAs(ALICE);
        ZooKeeper anonymous = server.zk();
        String node = server.newRoot(alice);
        alice.setACL(node, digestAcl(Perms.ALL, ALICE), -1);
        assertKeeperError(Code.NOAUTH, () -> anonymous.getData(node, false, null));
        CompletableFuture<Integer> synced = new CompletableFuture<>();

        anonymous.sync(node, (rc, path, ctx) -> synced.complete(rc), null);
        anonymous.addWatch(node, event -> { }, AddWatchMode.PERSISTENT_RECURSIVE);

        assertThat(synced.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(anonymous.getEphemerals(node)).isEmpty();
        assertThat(anonymous.exists(node + "/missing", false)).isNull();
    }

    @Test
    void multiReadReportsNoAuthPerOpWithoutFailingTheOthers() throws Exception {
        ZooKeeper alice = server.clients().zkAs(ALICE);
        ZooKeeper anonymous = server.zk();
        String root = server.newRoot(alice);
        alice.create(root + "/secret", bytes("s"), digestAcl(Perms.ALL, ALICE), CreateMode.PERSISTENT);
        alice.create(root + "/public", bytes("p"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        var results = anonymous.multi(List.of(Op.getData(root + "/secret"), Op.getData(root + "/public")));

        assertThat(((org.apache.zookeeper.OpResult.ErrorResult) results.get(0)).getErr())
                .isEqualTo(Code.NOAUTH.intValue());
        assertThat(text(((org.apache.zookeeper.OpResult.GetDataResult) results.get(1)).getData())).isEqualTo("p");
    }

    @Test
    void getAclNeedsReadOrAdmin() throws Exception {
        ZooKeeper admin = server.superZk();
        ZooKeeper anonymous = server.zk();
        String node = server.newRoot(admin);

        admin.setACL(node, worldAcl(Perms.ALL & ~(Perms.READ | Perms.ADMIN)), -1);
        assertKeeperError(Code.NOAUTH, () -> anonymous.getACL(node, null));
        admin.setACL(node, worldAcl(Perms.READ), -1);
        assertThat(anonymous.getACL(node, null)).isEqualTo(worldAcl(Perms.READ));
        admin.setACL(node, worldAcl(Perms.ADMIN), -1);
        assertThat(anonymous.getACL(node, null)).isEqualTo(worldAcl(Perms.ADMIN));
    }

    @Test
    void getAclWithoutAdminMasksDigestHashes() throws Exception {
        ZooKeeper admin = server.superZk();
        ZooKeeper anonymous = server.zk();
        String node = server.newRoot(admin);
        String aliceDigest = ServerSpec.digest(ALICE);

        admin.setACL(node, acl(new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE),
                new ACL(Perms.ALL, new Id("digest", aliceDigest))), -1);
        List<ACL> masked = anonymous.getACL(node, null);
        admin.setACL(node, acl(new ACL(Perms.READ | Perms.ADMIN, Ids.ANYONE_ID_UNSAFE),
                new ACL(Perms.ALL, new Id("digest", aliceDigest))), -1);
        List<ACL> clear = anonymous.getACL(node, null);

        assertThat(masked).containsExactly(new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE),
                new ACL(Perms.ALL, new Id("digest", "alice:x")));
        assertThat(clear).contains(new ACL(Perms.ALL, new Id("digest", aliceDigest)));
    }

    @Test
    void aDigestAclAdmitsOnlyTheMatchingCredentials() throws Exception {
        ZooKeeper alice = server.clients().zkAs(ALICE);
        ZooKeeper wrongPassword = server.clients().zkAs("alice:wrong");
        ZooKeeper anonymous = server.zk();
        String root = server.newRoot(alice);
        alice.create(root + "/n", bytes("mine"), digestAcl(Perms.ALL, ALICE), CreateMode.PERSISTENT);

        assertThat(text(alice.getData(root + "/n", false, null))).isEqualTo("mine");
        assertKeeperError(Code.NOAUTH, () -> wrongPassword.getData(root + "/n", false, null));
        assertKeeperError(Code.NOAUTH, () -> anonymous.getData(root + "/n", false, null));
    }

    @Test
    void theAuthSchemeExpandsToEveryDigestIdentityOfTheCreator() throws Exception {
        ZooKeeper both = server.clients().zkAs(ALICE);
        both.addAuthInfo("digest", bytes("bob:pw"));
        String root = server.newRoot(both);

        both.create(root + "/n", new byte[0], Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);

        assertThat(both.getACL(root + "/n", null)).containsExactlyInAnyOrder(
                new ACL(Perms.ALL, new Id("digest", ServerSpec.digest(ALICE))),
                new ACL(Perms.ALL, new Id("digest", ServerSpec.digest("bob:pw"))));
    }

    @Test
    void anIpAclMatchesTheClientAddressOrItsNetwork() throws Exception {
        ZooKeeper admin = server.superZk();
        ZooKeeper anonymous = server.zk();
        String root = server.newRoot(admin);
        admin.create(root + "/exact", bytes("e"), acl(new ACL(Perms.READ, new Id("ip", "127.0.0.1"))),
                CreateMode.PERSISTENT);
        admin.create(root + "/network", bytes("n"), acl(new ACL(Perms.READ, new Id("ip", "127.0.0.0/8"))),
                CreateMode.PERSISTENT);
        admin.create(root + "/elsewhere", bytes("x"), acl(new ACL(Perms.READ, new Id("ip", "10.1.2.3"))),
                CreateMode.PERSISTENT);

        assertThat(text(anonymous.getData(root + "/exact", false, null))).isEqualTo("e");
        assertThat(text(anonymous.getData(root + "/network", false, null))).isEqualTo("n");
        assertKeeperError(Code.NOAUTH, () -> anonymous.getData(root + "/elsewhere", false, null));
    }

    @Test
    void theSuperUserBypassesEveryAcl() throws Exception {
        ZooKeeper alice = server.clients().zkAs(ALICE);
        ZooKeeper superUser = server.superZk();
        String root = server.newRoot(alice);
        alice.create(root + "/n", bytes("a"), digestAcl(Perms.READ, ALICE), CreateMode.PERSISTENT);

        superUser.create(root + "/n/child", new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        superUser.setData(root + "/n", bytes("b"), -1);
        superUser.delete(root + "/n/child", -1);
        superUser.setACL(root + "/n", worldAcl(Perms.ALL), -1);

        assertThat(text(superUser.getData(root + "/n", false, null))).isEqualTo("b");
        assertThat(alice.getACL(root + "/n", null)).isEqualTo(worldAcl(Perms.ALL));
    }

    @Test
    void aclsAreNotInheritedByChildren() throws Exception {
        ZooKeeper admin = server.superZk();
        ZooKeeper anonymous = server.zk();
        String root = server.newRoot(admin);
        admin.setACL(root, worldAcl(Perms.CREATE), -1);

        anonymous.create(root + "/open", bytes("o"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        assertThat(text(anonymous.getData(root + "/open", false, null))).isEqualTo("o");
        assertKeeperError(Code.NOAUTH, () -> anonymous.getChildren(root, false));
    }
}
