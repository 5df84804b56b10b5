package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.server.quorum.ElectionTransport;
import dev.corral.server.quorum.LearnerTransport;
import dev.corral.testkit.Ports;
import dev.corral.zab.Message;
import dev.corral.zab.PeerConfig;
import dev.corral.zab.ServerState;
import dev.corral.zab.Vote;
import dev.corral.zab.codec.SnapshotImageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ensemble rules of zoo.cfg and myid, each row run against Corral and against Apache ZooKeeper
 * 3.9.5's own QuorumPeerConfig (plus the "My id N not in the peer list" check its QuorumPeer#start
 * makes), so every row's accept or refuse is known to be ZooKeeper's, or is marked as Corral's own.
 */
class EnsembleConfigTest {
    @TempDir
    Path dir;

    private static final String LIMITS = "initLimit=5\nsyncLimit=2\n";
    private static final String THREE = "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\nserver.3=127.0.0.3:2888:3888\n";

    /**
     * @param cfg zoo.cfg lines after dataDir (which the test sets)
     * @param myid the myid file's content, or null for no file
     * @param corralError what Corral's refusal says (a part of it), or null if Corral accepts
     * @param zooKeeperAccepts whether ZooKeeper 3.9.5 accepts; differs from Corral only where the name says why
     * @param dynamic the content of zoo.cfg.dynamic.100000000, which cfg names as $DYNAMIC, or null for none
     */
    record Row(String name, String cfg, String myid, String corralError, boolean zooKeeperAccepts, String dynamic) {
        Row(String name, String cfg, String myid, String corralError, boolean zooKeeperAccepts) {
            this(name, cfg, myid, corralError, zooKeeperAccepts, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                // An ensemble as ZooKeeper's admin guide writes it, and its variants.
                new Row("three participants", LIMITS + THREE, "1", null, true),
                new Row("three participants and an observer, this one the observer",
                        LIMITS + THREE + "server.4=127.0.0.4:2888:3888:observer\n", "4", null, true),
                new Row("two participants (a warning: no failure tolerated)", LIMITS + "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\n",
                        "2", null, true),
                new Row("an IPv6 host in brackets", LIMITS + "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\nserver.3=[::1]:2890:3890\n",
                        "3", null, true),
                new Row("quorumListenOnAllIPs=true", LIMITS + THREE + "quorumListenOnAllIPs=true\n", "1", null, true),
                new Row("electionAlg=3", LIMITS + THREE + "electionAlg=3\n", "1", null, true),
                // myid (QuorumPeerConfig#setupMyId, #checkValidity; QuorumPeer#start).
                new Row("ensemble without a myid file", LIMITS + THREE, null, "myid is missing", false),
                new Row("myid not among the servers", LIMITS + THREE, "7", "server id 7 is not among the servers", false),
                new Row("myid not a number", LIMITS + THREE, "one", "expected a server id on its first line, got 'one'", false),
                new Row("myid not a number, even for a standalone server", "clientPort=2181\n", "one",
                        "expected a server id on its first line, got 'one'", false),
                new Row("myid read from its first line only", LIMITS + THREE, "2\nsomething else\n", null, true),
                new Row("myid with spaces: Corral forgives them, ZooKeeper refuses", LIMITS + THREE, " 2 \n", null, false),
                // initLimit and syncLimit (QuorumPeerConfig#checkValidity): required only by an ensemble.
                new Row("ensemble without initLimit", "syncLimit=2\n" + THREE, "1", "key initLimit: an ensemble needs initLimit", false),
                new Row("ensemble without syncLimit", "initLimit=5\n" + THREE, "1", "key syncLimit: an ensemble needs syncLimit", false),
                new Row("ensemble with initLimit=0 (ZooKeeper's unset)", "initLimit=0\nsyncLimit=2\n" + THREE, "1",
                        "key initLimit: an ensemble needs initLimit", false),
                new Row("standalone without the limits", "clientPort=2181\n", null, null, true),
                new Row("negative initLimit: ZooKeeper takes it, Corral refuses", "initLimit=-1\nsyncLimit=2\n" + THREE, "1",
                        "key initLimit: expected an integer in [0, 2147483647], got '-1'", true),
                // electionAlg, peerType and the booleans, refused in any configuration (QuorumPeerConfig#parseProperties).
                new Row("electionAlg=0", LIMITS + THREE + "electionAlg=0\n", "1", "key electionAlg: only 3", false),
                new Row("electionAlg=0, standalone", "electionAlg=0\n", null, "key electionAlg: only 3", false),
                new Row("electionAlg not a number", "electionAlg=fast\n", null, "key electionAlg: expected an integer", false),
                new Row("peerType unknown", "peerType=witness\n", null, "key peerType: expected observer or participant", false),
                new Row("peerType=observer against a participant line (a warning, the line wins)",
                        LIMITS + THREE + "peerType=observer\n", "1", null, true),
                new Row("quorumListenOnAllIPs not a boolean", LIMITS + THREE + "quorumListenOnAllIPs=maybe\n", "1",
                        "key quorumListenOnAllIPs: expected true or false", false),
                new Row("standaloneEnabled not a boolean", "standaloneEnabled=maybe\n", null,
                        "key standaloneEnabled: expected true or false", false),
                // A quorum that cannot be formed (QuorumPeerConfig#parseDynamicConfig).
                new Row("only observers", LIMITS + "server.1=127.0.0.1:2888:3888:observer\nserver.2=127.0.0.2:2888:3888:observer\n", "1",
                        "key server.1: observers without any participant", false),
                new Row("one participant and an observer, standaloneEnabled",
                        LIMITS + "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888:observer\n", "1",
                        "key server.2: observers with a single participant cannot form a quorum", false),
                new Row("one participant and an observer, standaloneEnabled=false",
                        LIMITS + "standaloneEnabled=false\nserver.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888:observer\n", "2", null, true),
                new Row("standaloneEnabled=false without server lines", "standaloneEnabled=false\n", null,
                        "key standaloneEnabled: with standaloneEnabled=false the server.N lines must name at least one participant", false),
                // One server line: standalone unless standaloneEnabled=false (an ensemble of one).
                new Row("one server line, standalone", "server.1=127.0.0.1:2888:3888\n", null, null, true),
                new Row("one server line, standaloneEnabled=false", LIMITS + "standaloneEnabled=false\nserver.1=127.0.0.1:2888:3888\n", "1",
                        null, true),
                new Row("one server line, standaloneEnabled=false, no myid", LIMITS + "standaloneEnabled=false\nserver.1=127.0.0.1:2888:3888\n",
                        null, "myid is missing", false),
                // Server lines (QuorumPeer.QuorumServer).
                new Row("quorum port equal to election port", LIMITS + "server.1=127.0.0.1:2888:2888\nserver.2=127.0.0.2:2888:3888\n", "1",
                        "key server.1: the quorum port and the election port must differ", false),
                new Row("several addresses without multiAddress.enabled", LIMITS + THREE.replace("127.0.0.3:2888:3888",
                        "127.0.0.3:2888:3888|127.0.0.4:2888:3888"), "1", "key server.3: several addresses joined by '|'", false),
                new Row("unknown server type", LIMITS + THREE + "server.4=127.0.0.4:2888:3888:witness\n", "1",
                        "key server.4: expected participant or observer, got 'witness'", false),
                new Row("this server's client port in its line", LIMITS + THREE.replace("127.0.0.1:2888:3888", "127.0.0.1:2888:3888;2182"),
                        "1", null, true),
                new Row("its client port in its line differs from clientPort", "clientPort=2181\n" + LIMITS
                        + THREE.replace("127.0.0.1:2888:3888", "127.0.0.1:2888:3888;2182"), "1", "differs from clientPortAddress:clientPort", false),
                new Row("its client port in its line without the specific clientPortAddress", "clientPort=2181\nclientPortAddress=127.0.0.1\n"
                        + LIMITS + THREE.replace("127.0.0.1:2888:3888", "127.0.0.1:2888:3888;2181"), "1", "differs from clientPortAddress", false),
                new Row("one server line given twice alike", LIMITS + THREE + "server.1=127.0.0.1:2888:3888\n", "1", null, true),
                // A dynamic configuration file (QuorumPeerConfig#parse), as a reconfig-enabled ZooKeeper leaves it.
                new Row("the ensemble in a dynamic file", "dynamicConfigFile=$DYNAMIC\n" + LIMITS, "2", null, true, THREE),
                new Row("server lines in zoo.cfg besides a dynamic file", "dynamicConfigFile=$DYNAMIC\n" + LIMITS
                        + "server.4=127.0.0.4:2888:3888\n", "2", "the ensemble must be in that file, not in zoo.cfg", false, THREE),
                new Row("a version inside the dynamic file", "dynamicConfigFile=$DYNAMIC\n" + LIMITS, "2",
                        "key version: a dynamic configuration file must not hold its version", false, THREE + "version=100000000\n"),
                new Row("another key in the dynamic file", "dynamicConfigFile=$DYNAMIC\n" + LIMITS, "2",
                        "key tickTime: a dynamic configuration file holds only server.N lines", false, THREE + "tickTime=2000\n"),
                new Row("a dynamic file that is not there", "dynamicConfigFile=$DYNAMIC\n" + LIMITS, "2", "cannot read config file", false,
                        null),
                // The client address keys (QuorumPeerConfig#parseProperties).
                new Row("clientPortAddress without clientPort", "clientPortAddress=127.0.0.1\n", null,
                        "key clientPortAddress: clientPortAddress is set but clientPort is not", false),
                // Corral's own refusals where ZooKeeper starts and misbehaves later, or silently takes the last line.
                new Row("two servers with one address: ZooKeeper starts, one of them cannot listen",
                        LIMITS + "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.1:2888:3889\nserver.3=127.0.0.3:2888:3888\n", "1",
                        "key server.2: 127.0.0.1:2888 is the quorum port of server.1 and also the quorum port of server.2", true),
                new Row("one server on two different lines: ZooKeeper keeps the last", LIMITS + THREE + "server.2=127.0.0.9:2888:3888\n", "1",
                        "key server.2: server 2 is already defined at", true),
                new Row("one server under two keys: ZooKeeper keeps one of them", LIMITS + THREE + "server.02=127.0.0.9:2888:3888\n", "1",
                        "server 2 is already defined at", true),
                new Row("a server id above 255: ZooKeeper takes it, session ids cannot", LIMITS + THREE + "server.300=127.0.0.9:2888:3888\n",
                        "1", "key server.300: server id 300 is outside [0, 255]", true));
    }

    private Path write(Row row) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        if (row.myid() != null) {
            Files.writeString(data.resolve("myid"), row.myid());
        }
        Path dynamic = dir.resolve("zoo.cfg.dynamic.100000000");
        if (row.dynamic() != null) {
            Files.writeString(dynamic, row.dynamic());
        }
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, "dataDir=" + data.toAbsolutePath() + "\n" + row.cfg().replace("$DYNAMIC", dynamic.toString()));
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void corralAcceptsOrRefusesWithTheKeyAndLine(Row row) throws Exception {
        Path file = write(row);
        if (row.corralError() == null) {
            ServerConfig config = ServerConfig.read(file);
            assertThat(config.ensemble().members()).isNotNull();
        } else {
            assertThatThrownBy(() -> ServerConfig.read(file)).isInstanceOf(ConfigException.class).hasMessageContaining(row.corralError());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void zooKeeperAcceptsOrRefusesAsTheRowSays(Row row) throws Exception {
        Path file = write(row);
        assertThat(zooKeeperAccepts(file)).as("ZooKeeper 3.9.5 on:\n" + Files.readString(file)).isEqualTo(row.zooKeeperAccepts());
    }

    @Test
    void theConfigNodeShowsEveryAcceptedEnsembleAsZooKeepersDoes() throws Exception {
        int compared = 0;
        for (Row row : rows().toList()) {
            if (row.corralError() != null || !row.zooKeeperAccepts() || row.dynamic() != null) {
                continue; // refused; or a dynamic file, whose version is the zxid its reconfig left
            }
            Path file = write(row);
            ServerConfig corral = ServerConfig.read(file);
            if (!corral.ensemble().isDistributed()) {
                continue; // standalone: /zookeeper/config stays empty
            }
            QuorumPeerConfig.setStandaloneEnabled(true);
            QuorumPeerConfig.setReconfigEnabled(false);
            QuorumPeerConfig zooKeeper = new QuorumPeerConfig();
            zooKeeper.parse(file.toString());
            assertThat(corral.ensemble().dynamicConfigText()).as(row.name()).isEqualTo(zooKeeper.getQuorumVerifier().toString());
            compared++;
        }
        assertThat(compared).as("accepted ensemble rows compared").isGreaterThanOrEqualTo(10);
    }

    /** QuorumPeerMain's start up to the first use of the configuration: parse, then QuorumPeer#start's id check. */
    private static boolean zooKeeperAccepts(Path file) {
        // standaloneEnabled and reconfigEnabled are static in ZooKeeper: an earlier row must not leak into this one.
        QuorumPeerConfig.setStandaloneEnabled(true);
        QuorumPeerConfig.setReconfigEnabled(false);
        QuorumPeerConfig config = new QuorumPeerConfig();
        try {
            config.parse(file.toString());
        } catch (QuorumPeerConfig.ConfigException | RuntimeException e) {
            return false;
        } finally {
            QuorumPeerConfig.setStandaloneEnabled(true);
        }
        return !config.isDistributed() || config.getServers().containsKey(config.getServerId());
    }

    @Test
    void ensembleGivesTheMembersTimersAndAddressesThePeerNeeds() throws Exception {
        Path file = write(new Row("", "tickTime=2000\n" + LIMITS + THREE + "server.4=127.0.0.4:2889:3889:observer;127.0.0.4:2182\n",
                "2", null, true));
        ServerConfig config = ServerConfig.read(file);
        EnsembleConfig ensemble = config.ensemble();
        assertThat(ensemble.isDistributed()).isTrue();
        assertThat(ensemble.myId()).isEqualTo(2);
        assertThat(config.serverId()).isEqualTo(2);
        assertThat(ensemble.voters()).containsExactly(1L, 2L, 3L);
        assertThat(ensemble.observers()).containsExactly(4L);
        assertThat(ensemble.initLimitMs()).isEqualTo(10_000);
        assertThat(ensemble.syncLimitMs()).isEqualTo(4_000);
        assertThat(ensemble.quorumListenAddress()).hasToString("/127.0.0.2:2888");
        assertThat(ensemble.electionPeers()).containsOnlyKeys(1L, 3L, 4L);
        assertThat(ensemble.electionPeers().get(4L).getHostString()).isEqualTo("127.0.0.4");
        assertThat(ensemble.electionPeers().get(4L).getPort()).isEqualTo(3889);
        assertThat(ensemble.quorumPeers().get(1L).getPort()).isEqualTo(2888);
        PeerConfig peer = ensemble.peerConfig(7, 20);
        assertThat(peer.serverId()).isEqualTo(2);
        assertThat(peer.voters()).isEqualTo(Set.of(1L, 2L, 3L));
        assertThat(peer.observers()).isEqualTo(Set.of(4L));
        assertThat(peer.initLimitTicks()).as("5 ticks of 2000 ms in 20 ms peer ticks").isEqualTo(500);
        assertThat(peer.syncLimitTicks()).isEqualTo(200);
        assertThat(peer.incarnation()).isEqualTo(7);
        assertThat(ServerConfig.load(file).ensemble().myId()).as("the start path takes the ensemble").isEqualTo(peer.serverId());
    }

    @Test
    void theRejoiningSettingReachesTheConsensusCore() throws Exception {
        Path file = write(new Row("", "tickTime=2000\n" + LIMITS + THREE, "2", null, true));
        assertThat(ServerConfig.read(file).ensemble().peerConfig(1, 20).rejoining()).as("by default").isFalse();
        System.setProperty(ServerConfig.REJOINING_PROPERTY, "true");
        try {
            assertThat(ServerConfig.read(file).ensemble().peerConfig(1, 20).rejoining()).isTrue();
        } finally {
            System.clearProperty(ServerConfig.REJOINING_PROPERTY);
        }
    }

    @Test
    void transportsBuiltFromTheServerLinesFindEachOther() throws Exception {
        int[] ports = Ports.freeLoopbackPorts(4).stream().mapToInt(Integer::intValue).toArray();
        // Host names as an operator writes them: resolved when connecting, not when the file is read.
        String servers = "server.1=localhost:" + ports[0] + ":" + ports[1] + "\nserver.2=localhost:" + ports[2] + ":" + ports[3] + "\n";
        Path first = Files.createDirectories(dir.resolve("one"));
        Path second = Files.createDirectories(dir.resolve("two"));
        Files.writeString(first.resolve("myid"), "1");
        Files.writeString(second.resolve("myid"), "2");
        Files.writeString(first.resolve("zoo.cfg"), "dataDir=" + first + "\n" + LIMITS + servers);
        Files.writeString(second.resolve("zoo.cfg"), "dataDir=" + second + "\n" + LIMITS + servers);
        ServerConfig one = ServerConfig.read(first.resolve("zoo.cfg"));
        ServerConfig two = ServerConfig.read(second.resolve("zoo.cfg"));
        assertThat(one.ensemble().learnerTransportConfig(null, one.maxBufferBytes()).dataBytesMax())
                .as("jute.maxbuffer plus ZooKeeper's default extra size, itself").isEqualTo(2 * 0xfffff);

        var received = new ConcurrentLinkedQueue<String>();
        SnapshotImageCodec images = null; // no SNAP is sent here
        try (var leader = LearnerTransport.start(one.ensemble().learnerTransportConfig(images, one.maxBufferBytes()),
                        (from, message) -> received.add(from + " " + Message.describe(message)));
                var learner = LearnerTransport.start(two.ensemble().learnerTransportConfig(images, two.maxBufferBytes()),
                        (from, message) -> { });
                var votes1 = ElectionTransport.start(one.ensemble().electionTransportConfig(),
                        (from, vote) -> received.add(from + " vote"));
                var votes2 = ElectionTransport.start(two.ensemble().electionTransportConfig(), (from, vote) -> { })) {
            learner.send(1, new Message.LearnerInfo(0x0000000102000001L, 3, false));
            votes2.send(1, new Message.Notification(ServerState.LOOKING,
                    new Vote(2, 0, 1, 0)));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> received.contains("2 FOLLOWERINFO acceptedEpoch=3") && received.contains("2 vote"));
        }
    }

    @Test
    void quorumListenOnAllIPsListensOnTheWildcard() throws Exception {
        Path file = write(new Row("", LIMITS + THREE + "quorumListenOnAllIPs=true\n", "3", null, true));
        EnsembleConfig ensemble = ServerConfig.read(file).ensemble();
        assertThat(ensemble.quorumListenAddress().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(ensemble.quorumListenAddress().getPort()).isEqualTo(2888);
        assertThat(ensemble.electionListenAddress().getPort()).isEqualTo(3888);
    }

    @Test
    void peerTypeAgainstTheServerLineWarnsAndTheLineWins() throws Exception {
        Path file = write(new Row("", LIMITS + THREE + "peerType=observer\n", "1", null, true));
        ServerConfig config = ServerConfig.read(file);
        assertThat(config.ensemble().voters()).contains(1L);
        assertThat(config.warnings()).anyMatch(w -> w.contains("key peerType: peerType observer disagrees with the server line of server 1"));
    }

    @Test
    void clientPortOfThisServersLineIsTheOneItListensOn() throws Exception {
        Path file = write(new Row("", LIMITS + THREE.replace("127.0.0.1:2888:3888", "127.0.0.1:2888:3888;127.0.0.1:2182"), "1",
                null, true));
        ServerConfig config = ServerConfig.read(file);
        assertThat(config.clientPort()).isEqualTo(2182);
        assertThat(config.clientPortAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void warningsSayWhatZooKeeperWarnsAbout() throws Exception {
        List<String> two = ServerConfig.read(write(new Row("", LIMITS + "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\n",
                "1", null, true))).warnings();
        assertThat(two).anyMatch(w -> w.contains("2 participants tolerate no server failure"));
        List<String> standalone = ServerConfig.read(write(new Row("", LIMITS, null, null, true))).warnings();
        assertThat(standalone).anyMatch(w -> w.contains("key initLimit: used only by an ensemble member"));
        List<String> ensemble = ServerConfig.read(write(new Row("", LIMITS + THREE, "1", null, true))).warnings();
        assertThat(ensemble).noneMatch(w -> w.contains("initLimit"));
    }
}
