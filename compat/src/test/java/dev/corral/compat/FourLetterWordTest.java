package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ServerProbe;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four-letter words on the client port, whitelisted and not, with the lines monitoring agents parse
 * (ZooKeeper 3.9: {@code FourLetterCommands}, {@code server/command/*Command.java}).
 */
class FourLetterWordTest {

    @Nested
    class Whitelisted {
        @RegisterExtension
        final CompatServer server = CompatServer.perTest(ServerSpec.defaults().withConfig("4lw.commands.whitelist", "*"));

        record Case(String word, java.util.List<String> expectedFragments) {
            @Override
            public String toString() {
                return word;
            }
        }

        static Case of(String word, String... fragments) {
            return new Case(word, java.util.List.of(fragments));
        }

        static Stream<Case> words() {
            return Stream.of(
                    of("ruok", "imok"),
                    of("isro", "rw"),
                    of("srvr", "Zookeeper version: ", "Latency min/avg/max: ", "Received: ", "Sent: ", "Connections: ",
                            "Outstanding: ", "Zxid: 0x", "Mode: standalone\n", "Node count: "),
                    of("stat", "Zookeeper version: ", "Clients:\n", "queued=", "recved=", "Mode: standalone\n", "Node count: "),
                    of("cons", "queued=", "recved=", "sent="),
                    of("conf", "clientPort=", "dataDir=", "tickTime=", "maxClientCnxns=", "minSessionTimeout=",
                            "maxSessionTimeout="),
                    of("envi", "Environment:\n", "zookeeper.version=", "java.version=", "os.name=", "user.dir="),
                    of("dump", "Sessions with Ephemerals (1):\n", "\t/fourletter-e\n"),
                    of("wchs", " connections watching ", "Total watches:"),
                    of("wchp", "/fourletter-watched\n\t0x"),
                    of("wchc", "\t/fourletter-watched\n"),
                    of("dirs", "datadir_size: ", "logdir_size: "),
                    of("srst", "Server stats reset.\n"),
                    of("crst", "Connection stats reset.\n"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("words")
        void answersWithTheLinesMonitoringReads(Case c) throws Exception {
            ZooKeeper zk = server.zk();
            zk.create("/fourletter-e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk.create("/fourletter-watched", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.getData("/fourletter-watched", true, null);

            String answer = ServerProbe.fourLetterWord(server.port(), c.word());

            assertThat(answer).contains(c.expectedFragments().toArray(String[]::new));
        }

        @Test
        void mntrIsTabSeparatedWithZooKeepersKeys() throws Exception {
            ZooKeeper zk = server.zk();
            zk.create("/mntr-e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            Map<String, String> metrics = new LinkedHashMap<>();
            for (String line : ServerProbe.fourLetterWord(server.port(), "mntr").split("\n")) {
                String[] parts = line.split("\t");
                assertThat(parts).as("line '%s'", line).hasSize(2);
                metrics.put(parts[0], parts[1]);
            }
            assertThat(metrics).containsKeys("zk_version", "zk_avg_latency", "zk_max_latency", "zk_min_latency",
                    "zk_packets_received", "zk_packets_sent", "zk_num_alive_connections", "zk_outstanding_requests",
                    "zk_znode_count", "zk_watch_count", "zk_ephemerals_count", "zk_approximate_data_size",
                    "zk_open_file_descriptor_count", "zk_max_file_descriptor_count");
            assertThat(metrics.get("zk_server_state")).isEqualTo("standalone");
            assertThat(Integer.parseInt(metrics.get("zk_ephemerals_count"))).isEqualTo(1);
            assertThat(Integer.parseInt(metrics.get("zk_znode_count"))).isEqualTo(6);
        }
    }

    /**
     * ZooKeeper's {@code FourLetterWordMain} (zkServer.sh status; the Java client's search for a read-write
     * server, {@code ClientCnxn.SendThread#pingRwServer}) shuts its output down right after the word, and then
     * reads: the answer must come all the same. Corral dropped it in 59 of 100 isro probes before the client
     * port allowed half-closed connections.
     */
    @Nested
    class SenderShutsItsOutputDown {
        private static final int PROBES = 50;
        private static final int PROBE_TIMEOUT_MS = 5_000;

        @RegisterExtension
        final CompatServer server = CompatServer.perTest(ServerSpec.defaults());

        @Test
        void everyFourLetterWordOfZooKeepersOwnProbeIsAnswered() throws Exception {
            int answered = 0;
            for (int i = 0; i < PROBES; i++) {
                String answer = org.apache.zookeeper.client.FourLetterWordMain.send4LetterWord("127.0.0.1", server.port(), "srvr",
                        new org.apache.zookeeper.client.ZKClientConfig(), PROBE_TIMEOUT_MS);
                if (answer.contains("Zookeeper version: ")) {
                    answered++;
                }
            }
            assertThat(answered).as("srvr answers out of %d probes", PROBES).isEqualTo(PROBES);
        }
    }
}
