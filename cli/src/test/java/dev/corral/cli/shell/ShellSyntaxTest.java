package dev.corral.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.client.Chroot;
import dev.corral.client.ConnectString;
import dev.corral.client.ZnodePaths;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the shell makes of what is typed, before anything is sent: words split as zkCli splits them,
 * options as commons-cli parses zkCli's, connect strings as ZooKeeper's client reads them, and paths
 * checked with ZooKeeper's client-side messages; and the client addresses {@code config -c} reads from a
 * dynamic config.
 */
class ShellSyntaxTest {
    record Split(String line, List<String> words) {}

    static Stream<Split> splits() {
        return Stream.of(
                // Blanks separate words; a word that starts with a quote runs to the matching quote.
                new Split("ls /", List.of("ls", "/")),
                new Split("  set   /a  b  ", List.of("set", "/a", "b")),
                new Split("set /a \"x y\"", List.of("set", "/a", "x y")),
                new Split("set /a 'say \"hi\"'", List.of("set", "/a", "say \"hi\"")),
                new Split("set /a x\"y", List.of("set", "/a", "x\"y")),
                new Split("set /a \"\"", List.of("set", "/a", "")),
                new Split("", List.of()));
    }

    @ParameterizedTest
    @MethodSource("splits")
    void linesSplitIntoWordsAsZkCliSplitsThem(Split split) {
        assertThat(Words.split(split.line())).isEqualTo(split.words());
    }

    record Parse(String name, List<String> words, String flagsSet, String version, List<String> operands, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Parse> parses() {
        return Stream.of(
                new Parse("options before operands", List.of("-s", "-v", "3", "/a", "x"), "s", "3", List.of("/a", "x"), null),
                new Parse("options after operands", List.of("/a", "x", "-v", "3", "-s"), "s", "3", List.of("/a", "x"), null),
                new Parse("bundled flags", List.of("-sw", "/a"), "sw", null, List.of("/a"), null),
                new Parse("a value in the option's word", List.of("-v3", "/a"), "", "3", List.of("/a"), null),
                new Parse("a negative number is an operand", List.of("/a", "-1"), "", null, List.of("/a", "-1"), null),
                new Parse("-- ends the options", List.of("--", "-s", "/a"), "", null, List.of("-s", "/a"), null),
                new Parse("a lone dash is an operand", List.of("/a", "-"), "", null, List.of("/a", "-"), null),
                new Parse("an unknown option", List.of("-q", "/a"), "", null, List.of(), "Unrecognized option: -q"),
                new Parse("a valued option without its value", List.of("/a", "-v"), "", null, List.of(), "Missing argument for option: v"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parses")
    void optionsParseAsCommonsCliParsesZkClis(Parse parse) throws Exception {
        if (parse.error() != null) {
            assertThatThrownBy(() -> Args.parse(parse.words(), "sw", "v")).hasMessage(parse.error());
            return;
        }
        Args args = Args.parse(parse.words(), "sw", "v");
        for (char flag : "sw".toCharArray()) {
            assertThat(args.has(flag)).as("-" + flag).isEqualTo(parse.flagsSet().indexOf(flag) >= 0);
        }
        assertThat(args.value('v')).isEqualTo(parse.version());
        assertThat(args.operands()).isEqualTo(parse.operands());
    }

    record Connect(String connectString, List<String> servers, String chroot, String error) {}

    static Stream<Connect> connectStrings() {
        return Stream.of(
                // Servers: the port 2181 when left out, IPv6 hosts in brackets.
                new Connect("127.0.0.1:2181", List.of("127.0.0.1:2181"), "", null),
                new Connect("zk1:2181,zk2:2182, zk3", List.of("zk1:2181", "zk2:2182", "zk3:2181"), "", null),
                new Connect("[::1]:2181", List.of("::1:2181"), "", null),
                new Connect("[::1]", List.of("::1:2181"), "", null),
                new Connect("zk1:http", null, null, "bad port 'http' in connect string zk1:http"),
                new Connect(" , ", null, null, "no server in connect string  , "),
                // A chroot: everything from the first '/', for all the servers; "/" is none.
                new Connect("zk1:2181/app", List.of("zk1:2181"), "/app", null),
                new Connect("zk1:2181,zk2:2182/app/one", List.of("zk1:2181", "zk2:2182"), "/app/one", null),
                new Connect("zk1/app", List.of("zk1:2181"), "/app", null),
                new Connect("[::1]:2181/app", List.of("::1:2181"), "/app", null),
                new Connect("zk1:2181/", List.of("zk1:2181"), "", null),
                // A chroot is checked as a path, with ZooKeeper's messages (ConnectStringParser: PathUtils.validatePath).
                new Connect("zk1:2181/app/", null, null, "Path must not end with / character"),
                new Connect("zk1:2181/a//b", null, null, "Invalid path string \"/a//b\" caused by empty node name specified @3"),
                new Connect("zk1:2181/a/./b", null, null, "Invalid path string \"/a/./b\" caused by relative paths not allowed @3"));
    }

    @ParameterizedTest
    @MethodSource("connectStrings")
    void connectStringsParseAsZooKeepersClientParsesThem(Connect connect) {
        if (connect.error() != null) {
            assertThatThrownBy(() -> ConnectString.parse(connect.connectString())).hasMessage(connect.error());
            return;
        }
        ConnectString parsed = ConnectString.parse(connect.connectString());
        assertThat(parsed.servers()).extracting(ShellSyntaxTest::hostPort).isEqualTo(connect.servers());
        assertThat(parsed.chroot().toString()).isEqualTo(connect.chroot());
    }

    record Rooted(String chroot, String clientPath, String serverPath) {}

    static Stream<Rooted> chrootedPaths() {
        return Stream.of(
                // Sent: "/" is the chroot itself, anything else goes under it (ZooKeeper#prependChroot).
                new Rooted("/app", "/", "/app"),
                new Rooted("/app", "/a", "/app/a"),
                new Rooted("/app/one", "/a/b", "/app/one/a/b"),
                new Rooted("", "/a", "/a"));
    }

    @ParameterizedTest
    @MethodSource("chrootedPaths")
    void aChrootIsPrependedToWhatIsSentAndStrippedFromWhatComesBack(Rooted rooted) {
        Chroot chroot = rooted.chroot().isEmpty() ? Chroot.NONE : new Chroot(rooted.chroot());
        assertThat(chroot.prepend(rooted.clientPath())).isEqualTo(rooted.serverPath());
        assertThat(chroot.strip(rooted.serverPath())).isEqualTo(rooted.clientPath());
    }

    record Outside(String chroot, String serverPath) {}

    static Stream<Outside> pathsOutsideTheChroot() {
        return Stream.of(
                // The config znode, which getConfig reads whatever the chroot.
                new Outside("/app", "/zookeeper/config"),
                // A sibling whose name starts with the chroot's: ZooKeeper would make it "ple".
                new Outside("/app", "/apple"),
                new Outside("/app", "/"));
    }

    @ParameterizedTest
    @MethodSource("pathsOutsideTheChroot")
    void aPathOutsideTheChrootComesBackAsItIs(Outside outside) {
        assertThat(new Chroot(outside.chroot()).strip(outside.serverPath())).isEqualTo(outside.serverPath());
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    record PathCheck(String path, boolean sequential, String error) {}

    static Stream<PathCheck> paths() {
        return Stream.of(
                new PathCheck("/", false, null),
                new PathCheck("/a/b", false, null),
                new PathCheck("/a/", true, null),
                new PathCheck("", false, "Path length must be > 0"),
                new PathCheck("a", false, "Path must start with / character"),
                new PathCheck("/a/", false, "Path must not end with / character"),
                new PathCheck("/a//b", false, "Invalid path string \"/a//b\" caused by empty node name specified @3"),
                new PathCheck("/a/./b", false, "Invalid path string \"/a/./b\" caused by relative paths not allowed @3"),
                new PathCheck("/a\u0001", false, "Invalid path string \"/a\u0001\" caused by invalid character @2"));
    }

    @ParameterizedTest
    @MethodSource("paths")
    void pathsAreCheckedWithZooKeepersClientSideMessages(PathCheck check) {
        if (check.error() == null) {
            ZnodePaths.validate(check.path(), check.sequential());
            return;
        }
        assertThatThrownBy(() -> ZnodePaths.validate(check.path(), check.sequential()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(check.error());
    }

    @Test
    void configDashCListsTheVersionAndTheServersClientAddressesAsZooKeeperDoes() {
        String config = "server.2=b:2888:3888:participant;2182\nserver.1=a:2888:3888:participant;10.0.0.1:2181\n"
                + "server.3=c:2888:3888:observer\nversion=100000000\n";
        assertThat(ZnodeCommands.clientConfig(config)).isEqualTo("100000000 10.0.0.1:2181,0.0.0.0:2182");
    }
}
