package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.node.Node;
import dev.corral.node.NodeConfig;
import dev.corral.wire.Acl;
import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetWatches2;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every four-letter word answers over the state hostile requests leave behind. {@code exists(null, watch)}
 * and {@code addWatch(null)} once registered a watch on a null path, on which {@code wchp} threw on the
 * node loop, outside the guard of the state machine: the process stayed alive and answered nothing more.
 */
class FourLetterReportTest {
    private static final long WALL_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ruok", "isro", "srvr", "stat", "cons", "conf", "envi", "mntr", "dump", "wchs", "wchc", "wchp",
            "dirs", "hash", "gtmk", "srst", "crst"})
    void everyWordAnswersAfterWatchesWereAskedForOnNullPaths(String word) {
        Node node = nodeWithASessionThatCreatedW();
        FourLetterReport report = reportOn(node);
        request(node, 2, OpCode.EXISTS, new ExistsRequest(null, true)::write);
        request(node, 3, OpCode.ADD_WATCH, new AddWatchRequest(null, 1)::write);
        List<String> withNull = new ArrayList<>(Arrays.asList("/w", null));
        request(node, 4, OpCode.SET_WATCHES2, new SetWatches2(0, List.of(), List.of(), List.of(), withNull, withNull)::write);
        request(node, 5, OpCode.GET_DATA, new GetDataRequest("/w", true)::write);

        String answer = report.answer(word);

        assertThat(answer).isNotEmpty().doesNotContain(" failed: ");
        if (word.startsWith("wch")) {
            assertThat(answer).doesNotContain("null");
        }
        if (word.equals("wchp")) {
            assertThat(answer).isEqualTo("/w\n\t0x" + Long.toHexString(node.connectionViews().get(0).sessionId()) + "\n");
        }
    }

    /**
     * cons as ZooKeeper 3.9.5's ServerCnxn#dumpConnectionInfo prints it: the session fields only for a
     * connection with a session, and avglat as a whole number (totalLatency / count). go-zookeeper's
     * FLWCons parses each line with {@code avglat=(\d+)} and listed no client of Corral's "avglat=0.0".
     */
    @Test
    void consPrintsSessionFieldsOnlyWithASessionAndAWholeAverageLatencyAsZooKeeperDoes() {
        Node node = nodeWithASessionThatCreatedW();
        FourLetterReport report = reportOn(node);
        node.onConnectionOpened(2, "127.0.0.1", WALL_MS);

        List<String> lines = report.answer("cons").lines().filter(line -> !line.isEmpty()).toList();

        assertThat(lines).hasSize(2);
        assertThat(lines).anyMatch(line -> line.matches(" /127\\.0\\.0\\.1:1\\[1\\]\\(queued=\\d+,recved=\\d+,sent=\\d+,"
                + "sid=0x[0-9a-f]+,lop=\\w+,est=\\d+,to=\\d+,lcxid=0x[0-9a-f]+,lzxid=0x[0-9a-f]+,lresp=\\d+,llat=\\d+,"
                + "minlat=\\d+,avglat=\\d+,maxlat=\\d+\\)"));
        assertThat(lines).anyMatch(line -> line.matches(" /127\\.0\\.0\\.1:2\\[0\\]\\(queued=0,recved=\\d+,sent=0\\)"));
    }

    /** A standalone node whose connection 1 opened a session and created /w. */
    private static Node nodeWithASessionThatCreatedW() {
        Node node = Node.startedAlone(NodeConfig.standalone(1000, WALL_MS));
        node.onConnectionOpened(1, "127.0.0.1", WALL_MS);
        node.onFrame(1, frame(out -> new ConnectRequest(0, 0, 10_000, 0, new byte[16], false, true).write(out)), WALL_MS);
        request(node, 1, OpCode.CREATE, new CreateRequest("/w", new byte[0], Acl.OPEN_ACL_UNSAFE, 0)::write);
        return node;
    }

    private FourLetterReport reportOn(Node node) {
        return new FourLetterReport(ServerConfig.defaults().listeningOn(0, dir), node, id -> "/127.0.0.1:" + id, WALL_MS);
    }

    /** A standalone server is no QuorumZooKeeperServer: ZooKeeper's mntr prints none of the ensemble's keys there. */
    @ParameterizedTest
    @ValueSource(strings = {"zk_peer_state", "zk_quorum_size", "zk_looking_count", "zk_cnt_election_time", "zk_learners",
            "zk_followers", "zk_synced_followers", "zk_pending_syncs", "zk_leader_uptime", "zk_last_proposal_size"})
    void standaloneMntrHasNoEnsembleKey(String key) {
        Node node = Node.startedAlone(NodeConfig.standalone(1000, WALL_MS));
        FourLetterReport report = new FourLetterReport(ServerConfig.defaults().listeningOn(0, dir), node,
                id -> "/127.0.0.1:" + id, WALL_MS);

        String mntr = report.answer("mntr");

        assertThat(mntr).contains("zk_server_state\tstandalone\n").doesNotContain(key + "\t");
        assertThat(report.answer("isro")).isEqualTo("rw");
    }

    private static void request(Node node, int xid, int type, Consumer<JuteOutput> body) {
        node.onFrame(1, frame(out -> {
            new RequestHeader(xid, type).write(out);
            body.accept(out);
        }), WALL_MS);
    }

    private static byte[] frame(Consumer<JuteOutput> writer) {
        JuteOutput out = new JuteOutput();
        writer.accept(out);
        return out.toByteArray();
    }
}
