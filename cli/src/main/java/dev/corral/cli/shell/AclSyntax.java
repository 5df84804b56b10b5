package dev.corral.cli.shell;

import dev.corral.wire.Acl;
import dev.corral.wire.Id;
import java.util.ArrayList;
import java.util.List;

/**
 * zkCli's ACL syntax (ZooKeeper 3.9: {@code cli/AclParser}, {@code ZKUtil#getPermString}): a comma-separated
 * list of {@code scheme:id:perms}, where the id runs from the first to the last colon (so digest ids,
 * which hold a colon, need no quoting) and perms are letters of {@code cdrwa}.
 *
 * <p>Unlike zkCli, which prints a complaint and drops a malformed entry or letter, a malformed ACL is
 * refused as a whole: setting a different ACL than the one typed is worse than setting none.
 */
final class AclSyntax {
    private AclSyntax() {}

    static List<Acl> parse(String text) throws ShellException {
        List<Acl> acls = new ArrayList<>();
        for (String entry : text.split(",")) {
            int first = entry.indexOf(':');
            int last = entry.lastIndexOf(':');
            if (first < 0 || first == last) {
                throw new ShellException(entry + " does not have the form scheme:id:perm");
            }
            acls.add(new Acl(perms(entry.substring(last + 1)), new Id(entry.substring(0, first), entry.substring(first + 1, last))));
        }
        return acls;
    }

    static int perms(String letters) throws ShellException {
        int perms = 0;
        for (char letter : letters.toCharArray()) {
            perms |= switch (letter) {
                case 'r' -> Acl.READ;
                case 'w' -> Acl.WRITE;
                case 'c' -> Acl.CREATE;
                case 'd' -> Acl.DELETE;
                case 'a' -> Acl.ADMIN;
                default -> throw new ShellException("Unknown perm type: " + letter);
            };
        }
        return perms;
    }

    /** The permission letters in ZooKeeper's order: c, d, r, w, a. */
    static String permString(int perms) {
        StringBuilder letters = new StringBuilder();
        if ((perms & Acl.CREATE) != 0) {
            letters.append('c');
        }
        if ((perms & Acl.DELETE) != 0) {
            letters.append('d');
        }
        if ((perms & Acl.READ) != 0) {
            letters.append('r');
        }
        if ((perms & Acl.WRITE) != 0) {
            letters.append('w');
        }
        if ((perms & Acl.ADMIN) != 0) {
            letters.append('a');
        }
        return letters.toString();
    }

    /**
     * One ACL entry as zkCli's getAcl prints it: the Id in jute's ToStringOutputArchive form, which ends
     * with a newline, then ": " and the permissions, e.g. "'world,'anyone\n: cdrwa".
     */
    static String describe(Acl acl) {
        return quoted(acl.id().scheme()) + "," + quoted(acl.id().id()) + "\n: " + permString(acl.perms());
    }

    /** jute's ToStringOutputArchive#escapeString. */
    private static String quoted(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder quoted = new StringBuilder("'");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\0' -> quoted.append("%00");
                case '\n' -> quoted.append("%0A");
                case '\r' -> quoted.append("%0D");
                case ',' -> quoted.append("%2C");
                case '}' -> quoted.append("%7D");
                case '%' -> quoted.append("%25");
                default -> quoted.append(c);
            }
        }
        return quoted.toString();
    }
}
