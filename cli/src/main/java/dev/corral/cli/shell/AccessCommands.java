package dev.corral.cli.shell;

import dev.corral.client.AclList;
import dev.corral.client.CorralClient;
import dev.corral.client.Stat;
import dev.corral.client.KeeperException;
import dev.corral.wire.Acl;
import dev.corral.wire.ClientInfo;
import dev.corral.wire.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * zkCli's commands on access: getAcl, setAcl, addauth, whoami (ZooKeeper 3.9: {@code cli/GetAclCommand},
 * {@code cli/SetAclCommand}, {@code cli/AddAuthCommand}, {@code cli/WhoAmICommand}).
 */
final class AccessCommands {
    private final Shell shell;

    AccessCommands(Shell shell) {
        this.shell = shell;
    }

    void getAcl(Args args) throws ShellException, KeeperException, InterruptedException {
        AclList got = shell.client().getAcl(args.operand(0));
        for (Acl acl : got.acl()) {
            shell.out().println(AclSyntax.describe(acl));
        }
        if (args.has('s')) {
            StatPrinter.print(shell.out(), got.stat());
        }
    }

    /**
     * Sets an ACL; with -R on every znode of the subtree, in {@code ls -R} order, carrying on past znodes
     * it may not change. zkCli prints those failures and exits 0; this shell prints each on stderr and
     * exits 1 after the walk.
     */
    void setAcl(Args args) throws ShellException, KeeperException, InterruptedException {
        String path = args.operand(0);
        List<Acl> acl = AclSyntax.parse(args.operand(1));
        int version = args.intValue('v', -1, "version");
        CorralClient zk = shell.client();
        if (!args.has('R')) {
            Stat stat = zk.setAcl(path, acl, version);
            if (args.has('s')) {
                StatPrinter.print(shell.out(), stat);
            }
            return;
        }
        int[] failed = {0};
        Subtree.visitInZkCliOrder(zk, path, false, each -> {
            try {
                zk.setAcl(each, acl, version);
            } catch (KeeperException e) {
                if (e.code() == ErrorCode.CONNECTIONLOSS || !zk.isAlive()) {
                    // The session is being resumed or has ended: the rest of the walk would fail alike.
                    throw e;
                }
                shell.err().println(e.getMessage());
                failed[0]++;
            }
        });
        if (failed[0] > 0) {
            throw new ShellException("Failed to set the ACL of " + failed[0] + " znode(s) under " + path);
        }
    }

    void addAuth(Args args) throws ShellException, KeeperException, InterruptedException {
        byte[] auth = args.operand(1) == null ? null : args.operand(1).getBytes(StandardCharsets.UTF_8);
        shell.client().addAuth(args.operand(0), auth);
    }

    void whoAmI(Args args) throws ShellException, KeeperException, InterruptedException {
        List<ClientInfo> identities = shell.client().whoAmI();
        shell.out().println("Auth scheme: User");
        for (ClientInfo identity : identities) {
            shell.out().println(identity.authScheme() + ": " + identity.user());
        }
    }
}
