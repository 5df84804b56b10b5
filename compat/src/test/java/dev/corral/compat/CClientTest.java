package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ZooKeeper C client (Debian libzookeeper-mt-dev and zookeeper-bin, 3.8): src/test/c/zk_suite.c,
 * built here with gcc against -lzookeeper_mt, goes through the library's API (connect with chroot and
 * the read-only flag, every create mode, reads and watches, removeWatches, multi, sync, ACLs and auth,
 * restart, expiry, a cut-off reply, a reply of 1,000,000 bytes), each case one dynamic test; and cli_mt,
 * the library's shell, is typed into as a user would. The C client has no API for persistent or recursive
 * watches (addWatch), so neither is here.
 */
class CClientTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("C client and its cli_mt",
            "`compat/src/test/c/zk_suite.c` built with gcc against `-lzookeeper_mt`: connect, "
            + "read-only flag, chroot, every create mode (container and TTL included, and their "
            + "removal), errors, get/set/exists/children, watches, removeWatches, multi, sync, ACLs "
            + "and auth, auth failure, expiry, restart (watches re-sent), a reply cut off after its "
            + "request, a reply of 1,000,000 bytes read whole and cut to a 1,000-byte buffer (ZOK, the "
            + "whole length in the Stat: the client has no reply size limit but the caller's buffer), "
            + "getConfig; and `cli_mt` typed into (create with every flag, create2, set, "
            + "get, ls, ls2, exists, wexists, sync, delete, addauth, config, myid), batch mode, an "
            + "unknown auth scheme",
            () -> "Debian libzookeeper-mt-dev " + CompatResults.debianVersion("libzookeeper-mt-dev"));

    private static final Duration BUILD_BOUND = Duration.ofSeconds(60);
    private static final Duration SUITE_BOUND = Duration.ofSeconds(120);
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);

    @TestFactory
    Stream<DynamicTest> cSuite() throws Exception {
        Path program = build(Path.of("src/test/c/zk_suite.c"), Path.of("target/c/zk_suite"));
        return ClientProgram.suite("C client", "zk_suite.c", List.of(program.toString(), server.connectString()),
                program.getParent(), server, SUITE_BOUND);
    }

    /** Compiles one C file against the multi-threaded C client; fails with gcc's output if it cannot. */
    static Path build(Path source, Path binary) throws Exception {
        String gcc = Toolchain.gccWithZooKeeperLibrary();
        Files.createDirectories(binary.toAbsolutePath().getParent());
        Toolchain.build(new ProcessBuilder(gcc, "-std=c11", "-DTHREADED", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-O1",
                "-o", binary.toString(), source.toString(), "-lzookeeper_mt", "-lpthread"), BUILD_BOUND);
        return binary.toAbsolutePath();
    }

    /** One line typed into cli_mt and the output lines (regular expressions, in order) that answer it. */
    record Step(String typed, List<String> answers) {
        Step(String typed, String... answers) {
            this(typed, List.of(answers));
        }
    }

    @Test
    void cliMtSessionTypedAsAUserWould() throws Exception {
        String root = "/climt";
        List<Step> steps = List.of(
                // create and its modes: cli_mt always writes the data "new"
                new Step("create " + root, "^\\[" + root + "\\]: rc = 0$", "name = " + root + "$"),
                new Step("create +s " + root + "/s-", "name = " + root + "/s-0000000000$"),
                new Step("create +e " + root + "/e", "^\\[" + root + "/e\\]: rc = 0$"),
                new Step("create +c " + root + "/c", "^\\[" + root + "/c\\]: rc = 0$"),
                new Step("create +t=60000 " + root + "/t", "^\\[" + root + "/t\\]: rc = 0$"),
                new Step("create2 " + root + "/two", "^\\[" + root + "/two\\]: rc = 0$", "version=0"),
                new Step("create " + root, "^\\[" + root + "\\]: rc = -110$"),
                // set, get, children
                new Step("set " + root + " hello", "^" + root + ": rc = 0 Stat:$", "version=1"),
                new Step("get " + root, "^" + root + ": rc = 0$", "value_len = 5", "^hello$", "version=1"),
                new Step("ls " + root, "^" + root + ": rc = 0$"),
                new Step("ls2 " + root, "^" + root + ": rc = 0$"),
                new Step("get " + root + "/none", "^" + root + "/none: rc = -101$"),
                new Step("exists " + root + "/none", "^Error -101 for " + root + "/none$"),
                // watches: get leaves one, wexists another
                new Step("set " + root + " again", "Watcher CHANGED_EVENT state = CONNECTED_STATE for path " + root
                        + "$"),
                new Step("wexists " + root + "/w", "^Error -101 for " + root + "/w$"),
                new Step("create " + root + "/w", "Watcher CREATED_EVENT state = CONNECTED_STATE for path " + root
                        + "/w$"),
                // sync, delete, the asynchronous form of get
                new Step("sync " + root, "^\\[" + root + "\\]: rc = 0$"),
                new Step("delete " + root + "/two", "^" + root + "/two: rc = 0$"),
                new Step("delete " + root, "^" + root + ": rc = -111$"),
                new Step("aget " + root + "/w", "^" + root + "/w: rc = 0$", "^new$"),
                new Step("addauth digest user:password"),
                new Step("create " + root + "/after-auth", "^\\[" + root + "/after-auth\\]: rc = 0$"),
                new Step("config", "^" + "/zookeeper/config: rc = 0$"));
        try (ShellSession cli = ShellSession.start(List.of(Toolchain.cliMt(), server.connectString()))) {
            cli.expect("Watcher SESSION_EVENT state = CONNECTED_STATE", ANSWER_BOUND);
            String session = cli.expect("^Got a new session id: 0x[0-9a-f]+$", ANSWER_BOUND).replaceAll(".*0x", "");
            for (Step step : steps) {
                cli.send(step.typed());
                for (String answer : step.answers()) {
                    cli.expect(answer, ANSWER_BOUND);
                }
            }
            // ls of the root, listed in any order
            cli.send("ls " + root);
            cli.expect("^" + root + ": rc = 0$", ANSWER_BOUND);
            List<String> children = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                children.add(cli.expect("^\\t\\S+$", ANSWER_BOUND).trim());
            }
            assertThat(children).as(cli.transcriptText())
                    .containsExactlyInAnyOrder("s-0000000000", "e", "c", "t", "w", "after-auth");
            // myid prints on stdout, which cli_mt flushes only when it exits
            cli.send("myid");
            cli.send("quit");
            cli.expect("^Quitting\\.\\.\\.$", ANSWER_BOUND);
            cli.expect("^session Id = " + session + "$", ANSWER_BOUND);
            assertThat(cli.awaitExit(ANSWER_BOUND)).as(cli.transcriptText()).isZero();
        }
    }

    @Test
    void cliMtBatchModeRunsOneCommandAndExits() throws Exception {
        // The second session lists what the first created, and batch mode has no sync to put first: on an
        // ensemble that is guaranteed only through one member (a member that has not applied the create yet
        // answers without it, as ZooKeeper's does), so both sessions go to one member.
        String connectString = server.ensemble() == null ? server.connectString() : "127.0.0.1:" + server.port();
        try (ShellSession cli = ShellSession.start(List.of(Toolchain.cliMt(), connectString,
                "cmd:create /climt-batch"))) {
            cli.expect("^\\[/climt-batch\\]: rc = 0$", ANSWER_BOUND);
            assertThat(cli.awaitExit(ANSWER_BOUND)).as(cli.transcriptText()).isZero();
        }
        try (ShellSession cli = ShellSession.start(List.of(Toolchain.cliMt(), connectString,
                "cmd:ls /climt-batch"))) {
            cli.expect("^/climt-batch: rc = 0$", ANSWER_BOUND);
            assertThat(cli.awaitExit(ANSWER_BOUND)).as(cli.transcriptText()).isZero();
        }
    }

    @Test
    void cliMtUnknownAuthSchemeFailsTheSessionAndTheShellQuits() throws Exception {
        try (ShellSession cli = ShellSession.start(List.of(Toolchain.cliMt(), server.connectString()))) {
            cli.expect("Watcher SESSION_EVENT state = CONNECTED_STATE", ANSWER_BOUND);
            cli.send("addauth nosuchscheme whatever");
            cli.expect("Watcher SESSION_EVENT state = AUTH_FAILED_STATE", ANSWER_BOUND);
            cli.expect("^Authentication failure\\. Shutting down\\.\\.\\.$", ANSWER_BOUND);
        }
    }
}
