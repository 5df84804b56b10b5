package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shell command through its non-interactive form, {@code corral shell -server host:port CMD ARGS},
 * as a script runs it: the exact stdout zkCli prints, and for errors exit status 1 with zkCli's message
 * on stderr. Each case starts from an empty tree, runs its setup commands, then the command under test.
 */
class ShellCommandTest {
    @RegisterExtension
    static final ShellFixture fixture = new ShellFixture();

    /** zkCli's StatPrinter lines, with the given values for the fields a case pins down. */
    private static String stat(int version, int aversion, int dataLength, int numChildren) {
        return "cZxid = 0x[0-9a-f]+\nctime = .+\nmZxid = 0x[0-9a-f]+\nmtime = .+\npZxid = 0x[0-9a-f]+\ncversion = \\d+\n"
                + "dataVersion = " + version + "\naclVersion = " + aversion + "\nephemeralOwner = 0x0\n"
                + "dataLength = " + dataLength + "\nnumChildren = " + numChildren + "\n";
    }

    private static final String DIGEST_ID = ShellFixture.digest("user:pass");

    /**
     * @param setup commands run first, each as one line of words
     * @param out a regular expression stdout must match in full; {@link #lit} for literal text
     */
    record Case(String name, List<String> setup, String command, int exit, String out, String err) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // ls: children sorted in brackets, -s adds the stat, -R walks as ZKUtil.visitSubTreeDFS does.
        cases.add(ok("ls lists the children sorted", List.of("create /a", "create /a/c", "create /a/b"), "ls /a", lit("[b, c]\n")));
        cases.add(ok("ls of a childless znode prints []", List.of("create /a"), "ls /a", lit("[]\n")));
        cases.add(ok("ls -s adds the stat lines", List.of("create /a", "create /a/b"), "ls -s /a", lit("[b]\n") + stat(0, 0, 0, 1)));
        cases.add(ok("ls -R lists a znode's children before their subtrees",
                List.of("create /a", "create /a/b", "create /a/c", "create /a/b/d"), "ls -R /a", lit("/a\n/a/b\n/a/c\n/a/b/d\n")));
        cases.add(ok("ls -w leaves a watch and prints as ls", List.of("create /a"), "ls -w /a", lit("[]\n")));
        cases.add(fails("ls of a missing znode", List.of(), "ls /nope", "Node does not exist: /nope\n"));
        cases.add(fails("ls of a relative path", List.of(), "ls a", "Path must start with / character\n"));
        cases.add(fails("ls of a path with an empty name", List.of(), "ls /a//b",
                "Invalid path string \"/a//b\" caused by empty node name specified @3\n"));
        cases.add(fails("ls with an unknown option", List.of(), "ls -z /", "Unrecognized option: -z\n"));
        cases.add(fails("ls without a path prints its usage", List.of(), "ls", "ls [-s] [-w] [-R] path\n"));

        // create: modes, TTL and container, ACL, and zkCli's refusals.
        cases.add(ok("create prints the created path", List.of(), "create /a hello", lit("Created /a\n")));
        cases.add(ok("create -s appends a sequence number", List.of("create /q"), "create -s /q/item-",
                lit("Created /q/item-0000000000\n")));
        cases.add(ok("create -e -s makes an ephemeral sequential znode", List.of("create /q"), "create -e -s /q/lock-",
                lit("Created /q/lock-0000000000\n")));
        cases.add(ok("create -c makes a container", List.of(), "create -c /c", lit("Created /c\n")));
        cases.add(ok("create -t makes a TTL znode", List.of(), "create -t 60000 /t x", lit("Created /t\n")));
        cases.add(ok("create with an ACL sets it", List.of("create /a x world:anyone:r"), "getAcl /a", lit("'world,'anyone\n: r\n")));
        cases.add(ok("create without data stores null, which get prints as null", List.of("create /a"), "get /a", lit("null\n")));
        cases.add(fails("create of an existing znode", List.of("create /a"), "create /a", "Node already exists: /a\n"));
        cases.add(fails("create under a missing parent", List.of(), "create /a/b", "Node does not exist: /a/b\n"));
        cases.add(fails("create -c with -e", List.of(), "create -c -e /c",
                "-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.\n"));
        cases.add(fails("create -t with -e", List.of(), "create -e -t 10 /t", "TTLs cannot be used with Ephemeral znodes\n"));
        cases.add(fails("create -t with a word", List.of(), "create -t soon /t", "-t argument must be a long value\n"));
        cases.add(fails("create -t 0", List.of(), "create -t 0 /t", "ttl must be positive and cannot be larger than: 1099511627775\n"));
        cases.add(fails("create with an ACL missing its perms", List.of(), "create /a x world:anyone",
                "world:anyone does not have the form scheme:id:perm\n"));
        cases.add(fails("create with an unknown permission", List.of(), "create /a x world:anyone:rz", "Unknown perm type: z\n"));
        cases.add(fails("create without a path prints its usage", List.of(), "create",
                "create [-s] [-e] [-c] [-t ttl] path [data] [acl]\n"));

        // get and set: data as text, base64 or hex dump; versions checked.
        cases.add(ok("get prints the data", List.of("create /a hello"), "get /a", lit("hello\n")));
        cases.add(ok("get -s adds the stat lines", List.of("create /a hello"), "get -s /a", lit("hello\n") + stat(0, 0, 5, 0)));
        cases.add(ok("get -b prints base64", List.of("create /a hello"), "get -b /a", lit("aGVsbG8=\n")));
        cases.add(ok("get -x prints a hex dump", List.of("create /a hello"), "get -x /a", "(?s).*\\| 68 65 6c 6c 6f .*\\|hello .*"));
        cases.add(fails("get of a missing znode", List.of(), "get /nope", "Node does not exist: /nope\n"));
        cases.add(ok("set replaces the data", List.of("create /a x", "set /a y"), "get /a", lit("y\n")));
        cases.add(ok("set -s prints the new stat", List.of("create /a x"), "set -s /a yz", stat(1, 0, 2, 0)));
        cases.add(ok("set -v with the current version", List.of("create /a x"), "set -v 0 /a y", lit("")));
        cases.add(ok("set -b takes base64", List.of("create /a x", "set -b /a aGk="), "get /a", lit("hi\n")));
        cases.add(ok("set with options after the operands, as commons-cli allows", List.of("create /a x", "set /a y -v 0"),
                "get /a", lit("y\n")));
        cases.add(fails("set -v with a stale version", List.of("create /a x"), "set -v 7 /a y", "version No is not valid : /a\n"));
        cases.add(fails("set -v with a word", List.of("create /a x"), "set -v new /a y",
                "-v argument must be an int value, not 'new' (version)\n"));
        cases.add(fails("set of a missing znode", List.of(), "set /nope x", "Node does not exist: /nope\n"));
        cases.add(fails("set without data prints its usage", List.of(), "set /a", "set [-s] [-v version] [-b] path data\n"));

        // delete and deleteall.
        cases.add(ok("delete removes a znode", List.of("create /a", "delete /a"), "ls /", lit("[zookeeper]\n")));
        cases.add(fails("delete of a znode with children", List.of("create /a", "create /a/b"), "delete /a", "Node not empty: /a\n"));
        cases.add(fails("delete -v with a stale version", List.of("create /a"), "delete -v 5 /a", "version No is not valid : /a\n"));
        cases.add(fails("delete of a missing znode", List.of(), "delete /nope", "Node does not exist: /nope\n"));
        cases.add(ok("deleteall removes a subtree", List.of("create /a", "create /a/b", "create /a/b/c", "create /a/d",
                "deleteall /a"), "ls /", lit("[zookeeper]\n")));
        cases.add(ok("deleteall -b 1 deletes one znode per multi", List.of("create /a", "create /a/b", "create /a/b/c",
                "deleteall /a -b 1"), "ls /", lit("[zookeeper]\n")));
        cases.add(ok("deleteall -b 0 deletes without multi", List.of("create /a", "create /a/b", "deleteall -b 0 /a"), "ls /",
                lit("[zookeeper]\n")));
        cases.add(fails("deleteall of a missing znode", List.of(), "deleteall /nope", "Node does not exist: /nope\n"));

        // stat, sync, counts, ephemerals, config.
        cases.add(ok("stat prints the stat lines", List.of("create /a xyz"), "stat /a", stat(0, 0, 3, 0)));
        cases.add(ok("stat -w prints as stat", List.of("create /a"), "stat -w /a", stat(0, 0, 0, 0)));
        cases.add(fails("stat of a missing znode", List.of(), "stat /nope", "Node does not exist: /nope\n"));
        cases.add(ok("sync", List.of("create /a"), "sync /a", lit("Sync is OK\n")));
        cases.add(ok("getAllChildrenNumber counts all descendants", List.of("create /a", "create /a/b", "create /a/b/c",
                "create /a/d"), "getAllChildrenNumber /a", lit("3\n")));
        cases.add(fails("getAllChildrenNumber of a missing znode", List.of(), "getAllChildrenNumber /nope",
                "Node does not exist: /nope\n"));
        cases.add(ok("getEphemerals of a new session", List.of(), "getEphemerals", lit("[]\n")));
        cases.add(ok("getEphemerals with a prefix", List.of(), "getEphemerals /a", lit("[]\n")));
        cases.add(ok("config prints /zookeeper/config", List.of(), "config", "(?s).*\n"));

        // ACLs and identities.
        cases.add(ok("getAcl prints the Id as jute prints it, then the permissions", List.of(), "getAcl /", lit("'world,'anyone\n: cdrwa\n")));
        cases.add(ok("getAcl -s adds the stat lines", List.of("create /a"), "getAcl -s /a", lit("'world,'anyone\n: cdrwa\n")
                + stat(0, 0, 0, 0)));
        cases.add(ok("setAcl replaces the ACL", List.of("create /a", "setAcl /a world:anyone:cdr"), "getAcl /a",
                lit("'world,'anyone\n: cdr\n")));
        cases.add(ok("setAcl -s prints the new stat", List.of("create /a"), "setAcl -s /a world:anyone:cdrwa", stat(0, 1, 0, 0)));
        cases.add(ok("setAcl -R sets the ACL of the whole subtree", List.of("create /a", "create /a/b", "create /a/b/c",
                "setAcl -R /a world:anyone:r"), "getAcl /a/b/c", lit("'world,'anyone\n: r\n")));
        cases.add(ok("getAcl lists every entry, hiding a digest's hash from a session without admin as ZooKeeper does",
                List.of("create /a", "setAcl /a digest:" + DIGEST_ID + ":cdrwa,world:anyone:r"), "getAcl /a",
                lit("'digest,'user:x\n: cdrwa\n'world,'anyone\n: r\n")));
        cases.add(fails("a znode under a digest ACL refuses a session without that identity",
                List.of("create /a", "setAcl /a digest:" + DIGEST_ID + ":cdrwa"), "get /a", "Insufficient permission : /a\n"));
        cases.add(fails("setAcl -v with a stale version", List.of("create /a"), "setAcl -v 3 /a world:anyone:r",
                "version No is not valid : /a\n"));
        cases.add(fails("setAcl with a malformed ACL", List.of("create /a"), "setAcl /a world", "world does not have the form scheme:id:perm\n"));
        cases.add(ok("addauth digest", List.of(), "addauth digest user:pass", lit("")));
        cases.add(fails("addauth with a scheme the server does not know", List.of(), "addauth kerberos x", "KeeperErrorCode = AuthFailed\n"));
        cases.add(ok("whoami lists the session's identities", List.of(), "whoami", lit("Auth scheme: User\nip: 127.0.0.1\n")));

        // Watches.
        cases.add(ok("addWatch", List.of("create /a"), "addWatch /a", lit("")));
        cases.add(ok("addWatch -m PERSISTENT", List.of("create /a"), "addWatch -m persistent /a", lit("")));
        cases.add(fails("addWatch -m with an unknown mode", List.of(), "addWatch -m sometimes /a",
                "addWatch [-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE\n"));
        cases.add(fails("removewatches when the session has none", List.of("create /a"), "removewatches /a",
                "KeeperErrorCode = No such watcher for /a\n"));

        // Corral's tree, and the shell's own commands.
        cases.add(ok("tree draws the subtree", List.of("create /a", "create /a/b", "create /a/b/c", "create /a/d"), "tree /a",
                lit("/a\n├── b\n│   └── c\n└── d\n")));
        cases.add(ok("tree of a childless znode", List.of("create /a"), "tree /a", lit("/a\n")));
        cases.add(fails("tree of a missing znode", List.of(), "tree /nope", "Node does not exist: /nope\n"));
        cases.add(ok("version", List.of(), "version", lit("ZooKeeper CLI version: 3.9.5-corral-0.1.0\n")));
        cases.add(ok("quit", List.of(), "quit", lit("")));
        cases.add(ok("printwatches", List.of(), "printwatches", lit("printwatches is on\n")));
        cases.add(new Case("an unknown command prints the usage and fails", List.of(), "frobnicate /a", 1, "",
                "(?s)corral shell -server host:port -timeout ms cmd args\n\taddWatch .*\tcreate .*\tls .*Command not found frobnicate\n"));
        return cases.stream();
    }

    private static Case ok(String name, List<String> setup, String command, String out) {
        return new Case(name, setup, command, 0, out, "");
    }

    private static Case fails(String name, List<String> setup, String command, String err) {
        return new Case(name, setup, command, 1, "", Pattern.quote(err));
    }

    private static String lit(String text) {
        return text.isEmpty() ? "" : Pattern.quote(text);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void commandPrintsWhatZkCliPrintsAndExitsAsScriptsExpect(Case c) throws Exception {
        fixture.wipe();
        for (String line : c.setup()) {
            fixture.ok(Words.split(line).toArray(String[]::new));
        }
        ShellFixture.Run run = fixture.shell(Words.split(c.command()).toArray(String[]::new));
        assertRan(run, c.exit(), c.out(), c.err());
    }

    /** {@code out} and {@code err} are regular expressions the whole of stdout and stderr must match. */
    private static void assertRan(ShellFixture.Run run, int exit, String out, String err) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(exit);
        assertThat(run.out()).as(run.toString()).matches(Pattern.compile(out, Pattern.DOTALL));
        assertThat(run.err()).as(run.toString()).matches(Pattern.compile(err, Pattern.DOTALL));
    }

    @Test
    void aServerThatCannotBeReachedFailsWithExitOneAndSaysWhy() {
        ShellFixture.Run run = ShellFixture.run("-server", "127.0.0.1:1", "-timeout", "2000", "ls", "/");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("cannot connect to 127.0.0.1:1: ");
        assertThat(run.out()).isEmpty();
    }

    /**
     * A command run with "-server host:port/app" after {@code setup} run without a chroot; then, if
     * {@code check} is not null, that command run without a chroot must print {@code checkOut}, to show
     * where the command's effect landed.
     */
    record Rooted(String name, List<String> setup, String command, int exit, String out, String err, String check,
            String checkOut) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Rooted> rootedCases() {
        List<String> app = List.of("create /app");
        return Stream.of(
                // Paths sent are under the chroot; paths printed are relative to it.
                new Rooted("create makes the znode under the chroot", app, "create /x hi", 0, "Created /x\n", "",
                        "get /app/x", "hi\n"),
                new Rooted("create -s prints the sequential path without the chroot", List.of("create /app", "create /app/q"),
                        "create -s /q/item-", 0, "Created /q/item-0000000000\n", "", "ls /app/q", lit("[item-0000000000]\n")),
                new Rooted("ls / lists the chroot's children", List.of("create /app", "create /app/b", "create /app/a", "create /other"),
                        "ls /", 0, lit("[a, b]\n"), "", null, null),
                new Rooted("ls -R / walks the chroot with paths relative to it",
                        List.of("create /app", "create /app/a", "create /app/a/b"), "ls -R /", 0, "/\n/a\n/a/b\n", "", null, null),
                new Rooted("get reads the znode under the chroot", List.of("create /app", "create /app/a data", "create /a other"),
                        "get /a", 0, "data\n", "", null, null),
                new Rooted("set writes the znode under the chroot", List.of("create /app", "create /app/a old"), "set /a new", 0, "", "",
                        "get /app/a", "new\n"),
                new Rooted("stat / is the chroot's stat", List.of("create /app", "create /app/a", "create /app/b"), "stat /", 0,
                        "(?s).*numChildren = 2\n", "", null, null),
                new Rooted("sync of a path under the chroot", List.of("create /app", "create /app/a"), "sync /a", 0, "Sync is OK\n", "",
                        null, null),
                new Rooted("deleteall deletes the subtree under the chroot in multis",
                        List.of("create /app", "create /app/d", "create /app/d/e", "create /d"), "deleteall /d", 0, "", "",
                        "ls /", lit("[app, d, zookeeper]\n")),
                new Rooted("delete / is refused rather than deleting the chroot", app, "delete /", 1, "", ".+\n", "ls /",
                        lit("[app, zookeeper]\n")),
                new Rooted("getAllChildrenNumber counts under the chroot", List.of("create /app", "create /app/a", "create /app/a/b"),
                        "getAllChildrenNumber /", 0, "2\n", "", null, null),
                new Rooted("config reads /zookeeper/config whatever the chroot", app, "config", 0, "(?s).*\n", "", null, null),
                // Errors name the path as typed.
                new Rooted("a missing znode is named as typed", app, "get /nope", 1, "", "Node does not exist: /nope\n", null, null),
                new Rooted("a chroot that does not exist leaves / missing", List.of(), "ls /", 1, "", "Node does not exist: /\n",
                        null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rootedCases")
    void underAChrootTheShellSeesTheChrootAsTheRoot(Rooted c) throws Exception {
        fixture.wipe();
        for (String line : c.setup()) {
            fixture.ok(Words.split(line).toArray(String[]::new));
        }
        List<String> args = new ArrayList<>(List.of("-server", fixture.connectString() + "/app", "-timeout",
                String.valueOf(ShellFixture.SESSION_TIMEOUT_MS)));
        args.addAll(Words.split(c.command()));
        assertRan(ShellFixture.run(args.toArray(String[]::new)), c.exit(), c.out(), c.err());
        if (c.check() != null) {
            ShellFixture.Run check = fixture.shell(Words.split(c.check()).toArray(String[]::new));
            assertThat(check.out()).as(check.toString()).matches(Pattern.compile(c.checkOut(), Pattern.DOTALL));
        }
    }

    @Test
    void aChrootThatIsNotAPathIsRefusedWithZooKeepersMessage() {
        ShellFixture.Run run = ShellFixture.run("-server", fixture.connectString() + "/app/", "ls", "/");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("Path must not end with / character\n");
    }

    @Test
    void theShellsOwnOptionsEndAtTheCommandSoItsOptionsReachIt() {
        fixture.ok("create", "/opts");
        ShellFixture.Run run = ShellFixture.run("-timeout", "3000", "-server", fixture.connectString(), "ls", "-R", "/opts");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("/opts\n");
    }

    @Test
    void aTimeoutThatIsNotPositiveIsAUsageError() {
        ShellFixture.Run run = ShellFixture.run("-server", fixture.connectString(), "-timeout", "0", "ls", "/");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("-timeout must be a positive number of milliseconds");
    }

    @Test
    void helpDescribesTheShell() {
        ShellFixture.Run run = ShellFixture.run("--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: shell").contains("-server").contains("-timeout").contains("export path file.json");
    }
}
