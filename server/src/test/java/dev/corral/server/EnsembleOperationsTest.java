package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.AdminSnapshotClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of a running three-server ensemble, in-process: mntr's leader keys, the admin
 * commands about the ensemble (leader, voting_view, observers), the Prometheus figures of the quorum, the
 * readiness check, and the log line that says why a role changed. The last test takes the quorum away,
 * so the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnsembleOperationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static final Map<Integer, CorralServer> servers = new TreeMap<>();
    static final ListAppender<ILoggingEvent> log = new ListAppender<>();
    // Servers a test already closed (CorralServer#close is not meant to run twice).
    static final List<CorralServer> closed = new ArrayList<>();
    // One console login per server, kept for the polls.
    static final Map<CorralServer, ConsoleHttp> consoles = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        log.start();
        ((Logger) LoggerFactory.getLogger(CorralServer.class)).addAppender(log);
        servers.putAll(InProcessEnsemble.start(dir, BOUND));
        try (ZooKeeper zk = Connected.zk(leader().port())) {
            zk.create("/ops", new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.setData("/ops", new byte[10], -1);
        }
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(CorralServer.class)).detachAppender(log);
        servers.values().stream().filter(server -> !closed.contains(server)).forEach(CorralServer::close);
    }

    @Test
    @Order(1)
    void leadersMntrHasZooKeepersLeaderKeysAndFollowersHaveNone() throws Exception {
        JsonNode leader = monitor(leader());
        assertThat(leader.get("server_state").asText()).isEqualTo("leader");
        assertThat(leader.get("peer_state").asText()).isEqualTo("leading - broadcast");
        assertThat(leader.get("quorum_size").asInt()).isEqualTo(3);
        assertThat(leader.get("looking_count").asInt()).isEqualTo(1);
        assertThat(leader.get("cnt_election_time").asInt()).isEqualTo(1);
        assertThat(leader.get("learners").asInt()).isEqualTo(2);
        assertThat(leader.get("followers").asInt()).isEqualTo(2);
        assertThat(leader.get("synced_followers").asInt()).isEqualTo(2);
        assertThat(leader.get("synced_non_voting_followers").asInt()).isZero();
        assertThat(leader.get("synced_observers").asInt()).isZero();
        assertThat(leader.get("pending_syncs").asInt()).isZero();
        assertThat(leader.get("leader_uptime").asLong()).isGreaterThan(0);
        // The create and the setData after it, besides the session's creation: sizes of encoded txns.
        assertThat(leader.get("last_proposal_size").asInt()).isGreaterThan(0);
        assertThat(leader.get("max_proposal_size").asInt()).isGreaterThanOrEqualTo(100);
        assertThat(leader.get("min_proposal_size").asInt()).isBetween(1, leader.get("max_proposal_size").asInt() - 1);
        for (CorralServer follower : followers()) {
            JsonNode m = monitor(follower);
            assertThat(m.get("server_state").asText()).isEqualTo("follower");
            assertThat(m.get("peer_state").asText()).isEqualTo("following - broadcast");
            assertThat(m.has("learners") || m.has("synced_followers") || m.has("last_proposal_size") || m.has("leader_uptime")).isFalse();
        }
        assertThat(leader().fourLetterWord("isro")).isEqualTo("rw");
        String word = leader().fourLetterWord("mntr");
        assertThat(word).contains("zk_synced_followers\t2\n", "zk_learners\t2\n", "zk_last_proposal_size\t");
    }

    @Test
    @Order(2)
    void leaderVotingViewAndObserversCommandsAnswerAsZooKeepers() throws Exception {
        long leaderId = leaderId();
        for (var entry : servers.entrySet()) {
            JsonNode lead = command(entry.getValue(), "lead");
            assertThat(lead.get("command").asText()).isEqualTo("leader");
            assertThat(lead.get("is_leader").asBoolean()).isEqualTo(entry.getKey() == leaderId);
            assertThat(lead.get("leader_id").asLong()).isEqualTo(leaderId);
            assertThat(lead.get("leader_ip").asText()).isEqualTo("127.0.0.1");
            JsonNode view = command(entry.getValue(), "voting_view").get("current_config");
            assertThat(view.size()).isEqualTo(3);
            assertThat(view.get("2").get("server_addresses").get(0).asText()).startsWith("127.0.0.1:");
            assertThat(view.get("2").get("learner_type").asText()).isEqualTo("participant");
            JsonNode zab = command(entry.getValue(), "zabstate");
            assertThat(zab.get("myid").asInt()).isEqualTo(entry.getKey());
            assertThat(zab.get("is_leader").asBoolean()).isEqualTo(entry.getKey() == leaderId);
            assertThat(zab.get("voting").asBoolean()).isTrue();
            assertThat(zab.get("zabstate").asText()).isEqualTo("broadcast");
            assertThat(zab.get("quorum_address").asText()).startsWith("127.0.0.1:");
            assertThat(zab.get("zab_epoch").asLong()).isPositive();
            assertThat(zab.get("last_zxid").asText()).startsWith("0x");
            JsonNode observers = command(entry.getValue(), "obsr");
            assertThat(observers.get("synced_observers").asInt()).isZero();
            assertThat(observers.get("observers").size()).isZero();
        }
        JsonNode stats = command(leader(), "srvr");
        assertThat(stats.get("server_stats").get("server_state").asText()).isEqualTo("leader");
        assertThat(stats.get("proposal_stats").get("max_buffer_size").asInt()).isGreaterThanOrEqualTo(100);
    }

    @Test
    @Order(3)
    void scrapeShowsRoleQuorumSyncsLagElectionAndCommitTimes() throws Exception {
        String leader = AdminHttpTest.get(leader().metricsPort(), "/metrics").body();
        assertThat(sample(leader, "quorum_role{role=\"leader\"}")).isEqualTo(1);
        assertThat(sample(leader, "quorum_role{role=\"follower\"}")).isEqualTo(0);
        assertThat(sample(leader, "quorum_size")).as("the voters, as ZooKeeper's mntr counts them").isEqualTo(3);
        assertThat(sample(leader, "quorum_majority")).isEqualTo(2);
        assertThat(sample(leader, "cnt_election_time")).isEqualTo(1);
        assertThat(sample(leader, "quorum_serving")).isEqualTo(1);
        assertThat(sample(leader, "learner_syncs_total{kind=\"diff\"}") + sample(leader, "learner_syncs_total{kind=\"trunc\"}")
                + sample(leader, "learner_syncs_total{kind=\"snap\"}")).isGreaterThanOrEqualTo(2);
        for (CorralServer follower : followers()) {
            assertThat(sample(leader, "learner_lag_txns{server_id=\"" + idOf(follower) + "\"}")).isGreaterThanOrEqualTo(0);
        }
        assertThat(sample(leader, "election_time_ms_count")).isGreaterThanOrEqualTo(1);
        assertThat(sample(leader, "election_time_last_ms")).isGreaterThanOrEqualTo(0);
        assertThat(sample(leader, "proposal_commit_seconds_count")).isGreaterThanOrEqualTo(1);
        for (CorralServer follower : followers()) {
            String body = AdminHttpTest.get(follower.metricsPort(), "/metrics").body();
            assertThat(sample(body, "quorum_role{role=\"follower\"}")).isEqualTo(1);
            assertThat(body).doesNotContain("learner_lag_txns{");
        }
    }

    @Test
    @Order(4)
    void aRestoreIsRefusedByEveryMemberWithItsRoleAndTheLeaderNamedAndChangesNothing() throws Exception {
        long leaderId = leaderId();
        // A whole snapshot of the ensemble's own state: the refusal is not about the body.
        HttpResponse<byte[]> snapshot = AdminSnapshotClient.snapshot(leader().adminPort(), "digest admin:secret");
        assertThat(snapshot.statusCode()).isEqualTo(200);
        try (ZooKeeper zk = Connected.zk(leader().port())) {
            zk.create("/after-snapshot", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        for (var entry : servers.entrySet()) {
            HttpResponse<String> answer = AdminSnapshotClient.restore(entry.getValue().adminPort(), "rest", snapshot.body(), "digest admin:secret");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.get("command").asText()).isEqualTo("restore");
            String error = body.get("error").asText();
            assertThat(error).startsWith("the restore command replaces the state of a standalone server only");
            if (entry.getKey() == leaderId) {
                assertThat(error).endsWith("this member is leading, this server (" + leaderId + ") leads");
            } else {
                assertThat(error).endsWith("this member is following, the leader is server " + leaderId + " (127.0.0.1)");
            }
        }
        for (CorralServer server : servers.values()) {
            try (ZooKeeper zk = Connected.zk(server.port())) {
                zk.sync("/", null, null);
                assertThat(zk.exists("/after-snapshot", false)).as("member on port " + server.port()).isNotNull();
            }
        }
    }

    @Test
    @Order(4)
    void eachRoleChangeIsLoggedWithItsReason() {
        List<String> lines = new ArrayList<>();
        log.list.forEach(event -> lines.add(event.getFormattedMessage()));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Now LEADING").contains("serving clients: epoch ",
                "established: a quorum acked NEWLEADER", " ms after it stopped serving or started"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Now FOLLOWING").contains("serving clients: synchronized"
                + " with leader " + leaderId() + " (UPTODATE)"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Now LEADING").contains(
                "not serving clients: elected by a quorum"));
    }

    @Test
    @Order(5)
    void consoleShowsEveryMembersLagOnTheLeaderAndItsOwnOnAFollower() throws Exception {
        long leaderId = leaderId();
        try (ZooKeeper zk = Connected.zk(leader().port())) {
            zk.setData("/ops", new byte[20], -1);
        }
        // The followers ack the write within moments; until then their lag may be 1 (bounded wait, no sleep).
        await().atMost(BOUND).until(() -> members(leader()).findValuesAsText("lagTxns").stream().allMatch("0"::equals));
        JsonNode onLeader = ensembleView(leader());
        assertThat(onLeader.get("state").asText()).isEqualTo("leading");
        assertThat(onLeader.get("leaderId").asLong()).isEqualTo(leaderId);
        JsonNode rows = onLeader.get("members");
        assertThat(rows).hasSize(3);
        for (JsonNode row : rows) {
            boolean self = row.get("id").asLong() == leaderId;
            assertThat(row.get("self").asBoolean()).isEqualTo(self);
            assertThat(row.get("role").asText()).isEqualTo(self ? "leader" : "follower");
            assertThat(row.get("state").asText()).isEqualTo(self ? "leading" : "synced");
            // The lag is what the member's zxid is behind the leader's log (0 once it acked everything).
            assertThat(row.get("lagTxns").asLong()).isEqualTo(dev.corral.tree.Zxid.txnsBehind(zxid(row.get("zxid")),
                    zxid(onLeader.get("lastLoggedZxid"))));
            // Heard within syncLimit (5 ticks of 200 ms), or the leader would have dropped it; itself it does not hear.
            if (self) {
                assertThat(row.has("heardMsAgo")).isFalse();
            } else {
                assertThat(row.get("heardMsAgo").asLong()).isBetween(0L, 1000L);
            }
        }

        CorralServer follower = followers().get(0);
        long followerId = idOf(follower);
        // Once it applied every commit it got (its own console login is a txn too, so its zxid moves on).
        await().atMost(BOUND).until(() -> "0".equals(memberRow(follower, Long.toString(followerId)).path("lagTxns").asText()));
        JsonNode onFollower = ensembleView(follower);
        assertThat(onFollower.get("state").asText()).isEqualTo("following");
        assertThat(onFollower.get("leaderId").asLong()).isEqualTo(leaderId);
        for (JsonNode row : onFollower.get("members")) {
            long id = row.get("id").asLong();
            if (id == followerId) {
                assertThat(row.get("state").asText()).isEqualTo("following");
                assertThat(row.get("lagTxns").asLong()).isEqualTo(dev.corral.tree.Zxid.txnsBehind(zxid(row.get("zxid")),
                        zxid(onFollower.get("lastCommittedZxid"))));
                assertThat(zxid(row.get("zxid"))).as("it applied the leader's txns").isGreaterThanOrEqualTo(zxid(onLeader.get("lastLoggedZxid")));
            } else if (id == leaderId) {
                assertThat(row.get("role").asText()).isEqualTo("leader");
                assertThat(row.get("heardMsAgo").asLong()).isBetween(0L, 1000L);
            } else {
                assertThat(row.get("state").asText()).isEqualTo("unknown (only the leader tracks it)");
                assertThat(row.has("lagTxns")).isFalse();
            }
        }
    }

    /**
     * A follower's console follows the tree live: its event stream says hello with live on, and a change
     * made through the leader reaches it (the page's "live" badge is green from the hello).
     */
    @Test
    @Order(5)
    void aFollowersConsoleEventStreamIsLiveAndHearsOfTheLeadersChanges() throws Exception {
        CorralServer follower = servers.get(leaderId() == 1 ? 2 : 1);
        ConsoleHttp console = new ConsoleHttp(follower.adminPort()).open();
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.ArrayBlockingQueue<>(1000);
        try (AutoCloseable stream = ConsoleHttp.streamLines(console.request("/console/api/events").GET().build(), lines)) {
            String hello = nextData(lines, "hello");
            assertThat(JSON.readTree(hello).get("live").asBoolean()).as(hello).isTrue();
            try (var zk = Connected.zk(servers.get((int) leaderId()).port())) {
                zk.create("/follower-live", new byte[0], org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        org.apache.zookeeper.CreateMode.PERSISTENT);
            }
            assertThat(nextData(lines, "change")).contains("\"path\":\"/follower-live\"");
        }
    }

    /** The data of the next event named {@code name} on a stream, within the bound. */
    private static String nextData(java.util.concurrent.BlockingQueue<String> lines, String name) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        boolean named = false;
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, java.util.concurrent.TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            if (line.equals("event: " + name)) {
                named = true;
            } else if (named && line.startsWith("data: ")) {
                return line.substring("data: ".length());
            }
        }
        throw new AssertionError("no " + name + " event within " + BOUND);
    }

    @Test
    @Order(6)
    void withoutAQuorumTheLeaderIsNotReadyAndItsCommandsSaySoAsZooKeepers() throws Exception {
        CorralServer leader = leader();
        List<CorralServer> followers = followers();
        closed.add(followers.get(0));
        followers.get(0).close();
        // Two of three voters are a quorum still.
        assertThat(AdminHttpTest.get(leader.adminPort(), "/health/ready").statusCode()).isEqualTo(200);
        // The console's members: the closed follower is shown as gone, not with a stale lag.
        String gone = Long.toString(idOf(followers.get(0)));
        await().atMost(BOUND).until(() -> "not connected".equals(memberRow(leader, gone).path("state").asText()));
        assertThat(memberRow(leader, gone).has("lagTxns")).isFalse();
        closed.add(followers.get(1));
        followers.get(1).close();
        await().atMost(BOUND).until(() -> AdminHttpTest.get(leader.adminPort(), "/health/ready").statusCode() == 503);
        assertThat(AdminHttpTest.get(leader.adminPort(), "/health/live").statusCode()).isEqualTo(200);
        for (String name : List.of("ruok", "is_read_only", "lead", "srvr")) {
            HttpResponse<String> response = AdminHttpTest.get(leader.adminPort(), "/commands/" + name);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(AdminEndpoints.NOT_SERVING);
        }
        assertThat(leader.fourLetterWord("mntr")).isEqualTo(FourLetterReport.NOT_SERVING);
        // zabstate needs no serving server in ZooKeeper either: it shows the election going on.
        assertThat(command(leader, "zabstate").get("zabstate").asText()).isEqualTo("election");
        // ZooKeeper's four-letter words: isro says "null" while no server runs; ruok answers imok while the process is up.
        assertThat(leader.fourLetterWord("isro")).isEqualTo("null");
        assertThat(leader.fourLetterWord("ruok")).isEqualTo("imok");
        String metrics = AdminHttpTest.get(leader.metricsPort(), "/metrics").body();
        assertThat(sample(metrics, "quorum_serving")).isEqualTo(0);
        List<String> lines = new ArrayList<>();
        log.list.forEach(event -> lines.add(event.getFormattedMessage()));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Now LOOKING").contains("not serving clients: ")
                .containsAnyOf("voters a quorum needs", "lost the connection"));
    }

    /** The console's ensemble view of {@code server}, through its API as the page reads it. */
    private static JsonNode ensembleView(CorralServer server) throws Exception {
        ConsoleHttp console = consoles.get(server);
        if (console == null) {
            console = new ConsoleHttp(server.adminPort()).open();
            consoles.put(server, console);
        }
        return console.get("server", Map.of()).json().get("ensemble");
    }

    private static long zxid(JsonNode hex) {
        return Long.parseUnsignedLong(hex.asText().substring(2), 16);
    }

    private static JsonNode members(CorralServer server) throws Exception {
        return ensembleView(server).get("members");
    }

    private static JsonNode memberRow(CorralServer server, String id) throws Exception {
        for (JsonNode row : members(server)) {
            if (row.get("id").asText().equals(id)) {
                return row;
            }
        }
        throw new AssertionError("no member " + id + " in " + members(server));
    }

    private static JsonNode monitor(CorralServer server) throws Exception {
        return command(server, "monitor");
    }

    private static JsonNode command(CorralServer server, String name) throws Exception {
        HttpResponse<String> response = AdminHttpTest.get(server.adminPort(), "/commands/" + name);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static long leaderId() {
        int id = InProcessEnsemble.leaderId(servers);
        assertThat(id).as("a leader").isPositive();
        return id;
    }

    private static CorralServer leader() {
        return servers.get((int) leaderId());
    }

    private static List<CorralServer> followers() {
        long leader = leaderId();
        return servers.entrySet().stream().filter(e -> e.getKey() != leader).map(Map.Entry::getValue).toList();
    }

    private static int idOf(CorralServer server) {
        return servers.entrySet().stream().filter(e -> e.getValue() == server).findFirst().orElseThrow().getKey();
    }

    private static double sample(String body, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(body);
        assertThat(matcher.find()).as("%s in %s", name, body).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
