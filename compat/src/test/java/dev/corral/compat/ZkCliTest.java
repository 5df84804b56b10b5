package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * zkCli.sh of ZooKeeper 3.9.5 (its main class ZooKeeperMain, on ZooKeeper's jars) typed into as a user
 * would, through every command it has: create with -s -e -c -t, ls -s -R -w, get -s -w, set -s -v, stat,
 * delete -v, deleteall, getAcl/setAcl (-s -v -R), addauth, whoami, sync, getAllChildrenNumber,
 * getEphemerals, addWatch (both modes), removewatches, printwatches, config, reconfig, the quota commands,
 * history/redo, close/connect and version; and one command given on the command line. Each command's whole
 * output is compared line for line with what ZooKeeper's shell prints against ZooKeeper 3.9.5 (this class
 * passes with {@code -Dcompat.target=zookeeper}); only zxids and times, which differ between runs and
 * servers, are matched by pattern. Each test is one shell session under a root of its own.
 */
class ZkCliTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    @RegisterExtension
    static final CompatResults results = new CompatResults("zkCli.sh (ZooKeeper's shell)",
            "ZooKeeperMain typed into through every command (create -s -e -c -t, ls -s -R -w, get "
            + "-s -w, set -s -v, stat -w, delete -v, deleteall, getAcl/setAcl -s -v -R, addauth, "
            + "whoami, sync, getAllChildrenNumber, getEphemerals, addWatch, removewatches, "
            + "printwatches, config, reconfig, setquota/listquota/delquota, history/redo, close/connect, "
            + "version) and one command on its command line; whole answers compared line for line",
            () -> CompatResults.mavenVersion("org.apache.zookeeper", "zookeeper"));

    private static final String NO_NODE = "Node does not exist: ";

    /** One line typed into the shell and its whole answer: literal lines, or patterns (see {@link #stat}). */
    record Step(String typed, List<Object> answer) {
        Step(String typed, Object... answer) {
            this(typed, List.of(answer));
        }
    }

    /** The eleven lines zkCli prints for a Stat ("cZxid = 0x..."), zxids and times matched by pattern. */
    private static List<Object> stat(int cversion, int dataVersion, int aclVersion, boolean ephemeral, int dataLength,
            int numChildren) {
        String zxid = "0x[0-9a-f]+";
        String time = "\\w{3} \\w{3} \\d{2} \\d{2}:\\d{2}:\\d{2} \\w+ \\d{4}";
        return List.of(Pattern.compile("cZxid = " + zxid), Pattern.compile("ctime = " + time),
                Pattern.compile("mZxid = " + zxid), Pattern.compile("mtime = " + time),
                Pattern.compile("pZxid = " + zxid), "cversion = " + cversion, "dataVersion = " + dataVersion,
                "aclVersion = " + aclVersion, ephemeral ? Pattern.compile("ephemeralOwner = 0x[0-9a-f]{1,16}")
                        : "ephemeralOwner = 0x0", "dataLength = " + dataLength, "numChildren = " + numChildren);
    }

    /** An answer of several parts: lines, and lists of lines (such as a {@link #stat}) put in their place. */
    private static Object[] lines(Object... parts) {
        List<Object> all = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof List<?> list) {
                all.addAll(list);
            } else {
                all.add(part);
            }
        }
        return all.toArray();
    }

    @Test
    void createWithEveryModeAndItsErrors() throws Exception {
        runSession(List.of(
                new Step("create /c", "Created /c"),
                new Step("create /c/p data", "Created /c/p"),
                new Step("create -s /c/s- sdata", "Created /c/s-0000000001"),
                new Step("create -e /c/e", "Created /c/e"),
                new Step("create -c /c/container", "Created /c/container"),
                new Step("create -t 60000 /c/ttl", "Created /c/ttl"),
                new Step("create -s -e /c/se-", "Created /c/se-0000000005"),
                new Step("create -s -t 60000 /c/st-", "Created /c/st-0000000006"),
                new Step("create -e -t 10 /c/bad", "TTLs cannot be used with Ephemeral znodes"),
                new Step("create /c/p", "Node already exists: /c/p"),
                new Step("create /nope/x", NO_NODE + "/nope/x"),
                new Step("create c", "Path must start with / character"),
                new Step("stat /c/e", stat(0, 0, 0, true, 0, 0).toArray()),
                new Step("get /c/s-0000000001", "sdata"),
                new Step("ls /c", "[container, e, p, s-0000000001, se-0000000005, st-0000000006, ttl]")));
    }

    @Test
    void readsWritesAndOneShotWatches() throws Exception {
        List<String> events = runSession(List.of(
                new Step("create /r", "Created /r"),
                new Step("create /r/p data", "Created /r/p"),
                new Step("ls /r", "[p]"),
                new Step("ls -s /r", lines("[p]", stat(1, 0, 0, false, 0, 1))),
                new Step("create /r/p/q", "Created /r/p/q"),
                new Step("ls -R /r", "/r", "/r/p", "/r/p/q"),
                new Step("ls -w /r", "[p]"),
                new Step("create /r/w", "Created /r/w"),
                new Step("get /r/p", "data"),
                new Step("get -s /r/p", lines("data", stat(1, 0, 0, false, 4, 1))),
                new Step("get -w /r/p", "data"),
                new Step("set /r/p new"),
                new Step("set -s /r/p v2", stat(1, 2, 0, false, 2, 1).toArray()),
                new Step("set -v 0 /r/p x", "version No is not valid : /r/p"),
                new Step("stat /r/p", stat(1, 2, 0, false, 2, 1).toArray()),
                new Step("stat -w /r/w", stat(0, 0, 0, false, 0, 0).toArray()),
                new Step("stat /r/none", NO_NODE + "/r/none"),
                new Step("get /r/none", NO_NODE + "/r/none"),
                new Step("delete /r/p", "Node not empty: /r/p"),
                new Step("delete -v 99 /r/w", "version No is not valid : /r/w"),
                new Step("delete /r/w"),
                new Step("delete /r/w", NO_NODE + "/r/w"),
                new Step("create /r/tree", "Created /r/tree"),
                new Step("create /r/tree/a", "Created /r/tree/a"),
                new Step("create /r/tree/a/b", "Created /r/tree/a/b"),
                new Step("deleteall /r/tree"),
                new Step("ls /r", "[p]"),
                new Step("sync /r", "Sync is OK"),
                new Step("getAllChildrenNumber /r", "2"),
                new Step("get -s /zookeeper", stat(-2, 0, 0, false, 0, 2).toArray())));
        assertThat(events).containsExactly(
                "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/r",
                "WatchedEvent state:SyncConnected type:NodeDataChanged path:/r/p",
                "WatchedEvent state:SyncConnected type:NodeDeleted path:/r/w");
    }

    @Test
    void aclsAndAuth() throws Exception {
        runSession(List.of(
                new Step("create /a", "Created /a"),
                new Step("create /a/n", "Created /a/n"),
                new Step("getAcl /a/n", "'world,'anyone", ": cdrwa"),
                new Step("getAcl -s /a/n", lines("'world,'anyone", ": cdrwa", stat(0, 0, 0, false, 0, 0))),
                new Step("setAcl /a/n world:anyone:cdra"),
                new Step("setAcl -s /a/n world:anyone:cdrwa", stat(0, 0, 2, false, 0, 0).toArray()),
                new Step("setAcl -v 9 /a/n world:anyone:cdrwa", "version No is not valid : /a/n"),
                new Step("setAcl /a/n world:anyone:w"),
                new Step("getAcl /a/n", "Insufficient permission : /a/n"),
                new Step("create /a/r", "Created /a/r"),
                new Step("create /a/r/x", "Created /a/r/x"),
                new Step("setAcl -R /a/r world:anyone:rw"),
                new Step("getAcl /a/r/x", "'world,'anyone", ": rw"),
                new Step("getAcl /a/r", "'world,'anyone", ": rw"),
                new Step("whoami", "Auth scheme: User", "ip: 127.0.0.1"),
                new Step("addauth digest user:pass"),
                new Step("whoami", "Auth scheme: User", "ip: 127.0.0.1", "digest: user"),
                new Step("create /a/authed data auth:user:pass:cdrwa", "Created /a/authed"),
                new Step("getAcl /a/authed", "'digest,'user:smGaoVKd/cQkjm7b88GyorAUz20=", ": cdrwa"),
                new Step("create /a/other data digest:other:tpUq/4Pn5A64fVZyQ0gOJ8ZWqkY=:cdrwa", "Created /a/other"),
                new Step("get /a/other", "Insufficient permission : /a/other"),
                new Step("create /a/ip data ip:127.0.0.1:cdrwa", "Created /a/ip"),
                new Step("getAcl /a/ip", "'ip,'127.0.0.1", ": cdrwa"),
                new Step("get /a/ip", "data"),
                new Step("create /a/bad data foo:bar:cdrwa", "KeeperErrorCode = InvalidACL for /a/bad",
                        "Acl is not valid : /a/bad")));
    }

    @Test
    void ephemeralsPersistentWatchesAndPrintwatches() throws Exception {
        List<String> events = runSession(List.of(
                new Step("create /w", "Created /w"),
                new Step("create -e /w/e1", "Created /w/e1"),
                new Step("getEphemerals /w", "[/w/e1]"),
                new Step("create /w/pw", "Created /w/pw"),
                new Step("create /w/p", "Created /w/p"),
                new Step("addWatch /w/pw"),
                new Step("addWatch -m PERSISTENT /w/p"),
                new Step("addWatch -m FOO /w", "addWatch [-m mode] path # optional mode is one of"
                        + " [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE"),
                new Step("create /w/pw/child", "Created /w/pw/child"),
                new Step("set /w/pw/child x"),
                new Step("set /w/p x"),
                new Step("set /w/p y"),
                new Step("removewatches /w/p"),
                new Step("removewatches /w/p", "KeeperErrorCode = No such watcher for /w/p"),
                new Step("removewatches -a /w/pw"),
                new Step("get -w /w/p", "y"),
                new Step("removewatches -d /w/p"),
                new Step("printwatches", "printwatches is on"),
                new Step("printwatches off"),
                new Step("printwatches", "printwatches is off"),
                new Step("printwatches on"),
                new Step("config"),
                // Without reconfigEnabled=true, as the servers here run, reconfig is refused before any ACL check.
                new Step("reconfig -remove 3", "KeeperErrorCode = Reconfig is disabled")));
        assertThat(events).containsExactly(
                "WatchedEvent state:SyncConnected type:NodeCreated path:/w/pw/child",
                "WatchedEvent state:SyncConnected type:NodeDataChanged path:/w/pw/child",
                "WatchedEvent state:SyncConnected type:NodeDataChanged path:/w/p",
                "WatchedEvent state:SyncConnected type:NodeDataChanged path:/w/p",
                "WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/w/p",
                "WatchedEvent state:SyncConnected type:PersistentWatchRemoved path:/w/pw",
                "WatchedEvent state:SyncConnected type:DataWatchRemoved path:/w/p");
    }

    /** Soft quotas: ZooKeeper keeps the count and bytes of a quota's subtree in its zookeeper_stats node. */
    @Test
    void quotaCommandsAndTheStatisticsTheServerKeeps() throws Exception {
        String limits = "absolute path is /zookeeper/quota/q/zookeeper_limits";
        runSession(List.of(
                new Step("create /q", "Created /q"),
                new Step("create /q/a 12345", "Created /q/a"),
                new Step("setquota -n 5 /q"),
                new Step("listquota /q", limits, "Output quota for /q count=5,bytes=-1=;byteHardLimit=-1;countHardLimit=-1",
                        "Output stat for /q count=2,bytes=5"),
                new Step("setquota -b 100 /q"),
                new Step("create /q/b", "Created /q/b"),
                new Step("create /q/a/c abc", "Created /q/a/c"),
                new Step("set /q 0123456789"),
                new Step("delete /q/b"),
                new Step("listquota /q", limits, "Output quota for /q count=5,bytes=100=;byteHardLimit=-1;countHardLimit=-1",
                        "Output stat for /q count=3,bytes=18"),
                new Step("setquota -N 2 -B 50 /q", "org.apache.commons.cli.AlreadySelectedException: The option 'B'"
                        + " was specified but an option from this group has already been selected: 'N'"),
                new Step("delquota -n /q"),
                new Step("listquota /q", limits, "Output quota for /q count=-1,bytes=100=;byteHardLimit=-1;countHardLimit=-1",
                        "Output stat for /q count=3,bytes=18"),
                new Step("delquota /q"),
                new Step("listquota /q", limits, "quota for /q does not exist."),
                new Step("setquota -n 1 /nope", "/nope does not exist.")));
    }

    /**
     * history numbers every line typed, the marker after each step included ({@link ZkCli#TYPED_PER_RUN}
     * lines per step); redo runs one of them again.
     */
    @Test
    void historyRedoVersionAndCloseConnect() throws Exception {
        try (ZkCli cli = ZkCli.interactive(server.connectString())) {
            assertThat(cli.run("version")).singleElement().asString()
                    .startsWith("ZooKeeper CLI version: 3.9.5-");
            assertThat(cli.run("create /h")).containsExactly("Created /h");
            assertThat(cli.run("history")).containsExactly(
                    "0 - version", "1 - ls /zkcli-end-of-output-0", "2 - create /h", "3 - ls /zkcli-end-of-output-1",
                    "4 - history");
            assertThat(cli.run("redo 2")).containsExactly("Node already exists: /h");
            assertThat(cli.run("redo 99")).containsExactly("Command index out of range");
            cli.send("close");
            cli.shell().expect("WatchedEvent state:Closed type:None path:null", ZkCli.ANSWER_BOUND);
            cli.send("ls /h");
            cli.shell().expect("Not connected$", ZkCli.ANSWER_BOUND);
            cli.send("connect " + server.connectString());
            cli.shell().expect("WatchedEvent state:SyncConnected type:None path:null", ZkCli.ANSWER_BOUND);
            assertThat(cli.run("ls /h")).containsExactly("[]");
            assertThat(cli.run("nosuchcommand")).contains("Command not found: Command not found nosuchcommand");
        }
    }

    /** zkCli.sh -server host:port cmd args: runs the one command, prints its answer, exits with its status. */
    @Test
    void oneCommandOnTheCommandLine() throws Exception {
        ZkCli.Outcome created = ZkCli.runOnce(server.connectString(), "create", "/once", "data");
        assertThat(created).isEqualTo(new ZkCli.Outcome(0, List.of("Created /once")));
        ZkCli.Outcome read = ZkCli.runOnce(server.connectString(), "get", "/once");
        assertThat(read).isEqualTo(new ZkCli.Outcome(0, List.of("data")));
        ZkCli.Outcome missing = ZkCli.runOnce(server.connectString(), "get", "/once/none");
        assertThat(missing).isEqualTo(new ZkCli.Outcome(1, List.of(NO_NODE + "/once/none")));
    }

    /**
     * Types each step into one session and checks its whole answer; returns the watch events printed, in
     * order and without their zxids (which differ between servers).
     */
    private static List<String> runSession(List<Step> steps) throws Exception {
        try (ZkCli cli = ZkCli.interactive(server.connectString())) {
            for (Step step : steps) {
                List<String> output = cli.run(step.typed());
                assertThat(output).as("zkCli answer to '%s'\n--- transcript ---\n%s", step.typed(), cli.transcript())
                        .hasSize(step.answer().size());
                for (int i = 0; i < output.size(); i++) {
                    Object expected = step.answer().get(i);
                    if (expected instanceof Pattern pattern) {
                        assertThat(output.get(i)).as("line %d of the answer to '%s'", i, step.typed()).matches(pattern);
                    } else {
                        assertThat(output.get(i)).as("line %d of the answer to '%s'", i, step.typed())
                                .isEqualTo(expected);
                    }
                }
            }
            return cli.events().stream().map(event -> event.replaceAll(" zxid: -?\\d+$", "")).toList();
        }
    }
}
