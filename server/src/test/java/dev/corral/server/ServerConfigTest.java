package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ServerConfigTest {
    @TempDir
    Path dir;

    record Broken(String line, String expectedMessage) {}

    static Stream<Broken> brokenFiles() {
        return Stream.of(
                // Numbers that are not numbers, or out of range, name the key, the line and what was expected.
                new Broken("tickTime=abc", "line 2: key tickTime: expected an integer, got 'abc'"),
                new Broken("tickTime=0", "line 2: key tickTime: expected an integer in [1, 2147483647], got '0'"),
                new Broken("clientPort=70000", "line 2: key clientPort: expected an integer in [1, 65535], got '70000'"),
                new Broken("maxClientCnxns=-1", "line 2: key maxClientCnxns: expected an integer in [0, 2147483647], got '-1'"),
                // Booleans take true/false (and yes/no), nothing else.
                new Broken("preAllocSize=64M", "line 2: key preAllocSize: expected an integer, got '64M'"),
                new Broken("globalOutstandingLimit=0",
                        "line 2: key globalOutstandingLimit: expected an integer in [1, 2147483647], got '0'"),
                new Broken("extendedTypesEnabled=maybe", "line 2: key extendedTypesEnabled: expected true or false, got 'maybe'"),
                new Broken("warmup.requests=-1", "line 2: key warmup.requests: expected an integer in [0, 2147483647], got '-1'"),
                // Session bounds must be ordered.
                new Broken("minSessionTimeout=50000", "minSessionTimeout 50000 must not be larger than maxSessionTimeout 40000"),
                // server.N lines: malformed ones name the key and the expected form.
                new Broken("server.x=a:2888:3888", "line 2: key server.x: expected server.<id> with a numeric id"),
                new Broken("server.1=a:2888", "line 2: key server.1: expected host:quorumPort:electionPort"),
                new Broken("server.1=a:2888:abc", "line 2: key server.1: election port must be an integer in [0, 65535], got 'abc'"),
                new Broken("server.1=a:2888:3888:witness", "line 2: key server.1: expected participant or observer, got 'witness'"),
                new Broken("server.300=a:2888:3888", "line 2: key server.300: server id 300 is outside [0, 255]"),
                // An ensemble needs its limits and myid (EnsembleConfigTest has the rest of the rules).
                new Broken("server.1=a:2888:3888\nserver.2=b:2888:3888\nserver.3=c:2888:3888",
                        "key initLimit: an ensemble needs initLimit"));
    }

    @ParameterizedTest
    @MethodSource("brokenFiles")
    void badValueStopsTheStartWithKeyLineAndExpectation(Broken broken) throws Exception {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, "dataDir=" + dir + "\n" + broken.line() + "\n");
        assertThatThrownBy(() -> ServerConfig.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(broken.expectedMessage());
    }

    record Member(String line, String host, int quorumPort, int electionPort, boolean observer, String clientAddress, int clientPort) {}

    static Stream<Member> memberForms() {
        return Stream.of(
                // The forms of ZooKeeper 3.9's admin guide and reconfig guide.
                new Member("server.1=zoo1:2888:3888", "zoo1", 2888, 3888, false, null, -1),
                new Member("server.1=zoo1:2888:3888:observer", "zoo1", 2888, 3888, true, null, -1),
                new Member("server.1=zoo1:2888:3888:participant;2181", "zoo1", 2888, 3888, false, null, 2181),
                new Member("server.1=125.23.63.23:2780:2783:participant;0.0.0.0:2791", "125.23.63.23", 2780, 2783, false, "0.0.0.0", 2791),
                new Member("server.1=zoo1-net1:2888:3888|zoo1-net2:2889:3889;2188", "zoo1-net1", 2889, 3889, false, null, 2188));
    }

    @ParameterizedTest
    @MethodSource("memberForms")
    void serverLinesParseInEveryFormZooKeeperAccepts(Member expected) throws Exception {
        int equals = expected.line().indexOf('=');
        var member = EnsembleConfig.parseMember(expected.line().substring(0, equals), expected.line().substring(equals + 1), "test");
        assertThat(member.serverId()).isEqualTo(1);
        assertThat(member.addresses().get(0)).isEqualTo(expected.host());
        assertThat(member.quorumPort()).isEqualTo(expected.quorumPort());
        assertThat(member.electionPort()).isEqualTo(expected.electionPort());
        assertThat(member.observer()).isEqualTo(expected.observer());
        assertThat(member.clientAddress()).isEqualTo(expected.clientAddress());
        assertThat(member.clientPort()).isEqualTo(expected.clientPort());
    }

    @Test
    void zooCfgWithoutDataDirIsRefusedAsZooKeeperRefusesIt() throws Exception {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, "tickTime=2000\nclientPort=2181\n");
        // ZooKeeper 3.9.5: "Error processing <file>" caused by "dataDir is not set" (QuorumPeerConfig).
        assertThatThrownBy(() -> ServerConfig.load(file)).isInstanceOf(ConfigException.class)
                .hasMessage("Error processing " + file + ": dataDir is not set");
        // Without a zoo.cfg (`corral server` alone) the newcomer's default stays.
        assertThat(ServerConfig.defaults().dataDir()).isEqualTo(Path.of("data"));
    }

    @Test
    void oneServerLineWithStandaloneEnabledRunsStandalone() throws Exception {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, "dataDir=" + dir + "\nserver.1=127.0.0.1:2888:3888;2181\n");
        assertThat(ServerConfig.load(file).clientPort()).isEqualTo(2181);
        Files.writeString(dir.resolve("myid"), "1");
        Files.writeString(file, "dataDir=" + dir + "\nstandaloneEnabled=false\ninitLimit=5\nsyncLimit=2\nserver.1=127.0.0.1:2888:3888;2181\n");
        assertThat(ServerConfig.load(file).ensemble().isDistributed()).as("an ensemble of one").isTrue();
    }

    @Test
    void aRealEnsembleIsReadWithThisServersIdAndEveryMember() throws Exception {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(dir.resolve("myid"), "2\n");
        Files.writeString(file, "dataDir=" + dir + "\ninitLimit=5\nsyncLimit=2\n"
                + "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\nserver.3=127.0.0.3:2888:3888\n");
        EnsembleConfig ensemble = ServerConfig.load(file).ensemble();
        assertThat(ensemble.isDistributed()).isTrue();
        assertThat(ensemble.myId()).isEqualTo(2);
        assertThat(ensemble.voters()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void myidIsReadFromItsFirstLine() throws Exception {
        assertThat(EnsembleConfig.readMyId(dir)).as("no myid file").isEqualTo(EnsembleConfig.NO_ID);
        Files.writeString(dir.resolve("myid"), " 3\nanything\n");
        assertThat(EnsembleConfig.readMyId(dir)).isEqualTo(3);
        Files.writeString(dir.resolve("myid"), "three");
        assertThatThrownBy(() -> EnsembleConfig.readMyId(dir)).hasMessageContaining("myid").hasMessageContaining("'three'");
    }

    @Test
    void shippedSampleStartsWithZooKeeperDefaults() throws Exception {
        ServerConfig config = ServerConfig.load(Path.of("..", "conf", "zoo.cfg"));
        assertThat(config.tickMs()).isEqualTo(2000);
        assertThat(config.clientPort()).isEqualTo(2181);
        assertThat(config.clientPortAddress()).isEqualTo("127.0.0.1");
        assertThat(config.minSessionTimeoutMs()).isEqualTo(4000);
        assertThat(config.maxSessionTimeoutMs()).isEqualTo(40000);
        assertThat(config.maxClientCnxns()).isEqualTo(60);
        assertThat(config.fourLetterWords()).containsExactlyInAnyOrder("srvr", "ruok");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void zooKeeperDocumentationExampleStartsAndNamesWhatCorralDoesNotActOn() throws Exception {
        Path file = dir.resolve("zoo.cfg");
        // The standalone example of ZooKeeper's Getting Started guide, plus keys of its admin guide.
        Files.writeString(file, "tickTime=2000\ndataDir=/var/lib/zookeeper\nclientPort=2181\n"
                + "initLimit=5\nsyncLimit=2\nglobalOutstandingLimit=500\nmysteryKey=1\npreAllocSize=1024\n");
        ServerConfig config = ServerConfig.load(file);
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/zookeeper"));
        assertThat(config.dataLogDir()).isEqualTo(Path.of("/var/lib/zookeeper"));
        assertThat(config.globalOutstandingLimit()).isEqualTo(500);
        assertThat(config.preAllocBytes()).as("preAllocSize is in KiB").isEqualTo(1024 * 1024);
        assertThat(config.warnings()).anyMatch(w -> w.contains("line 4: key initLimit"))
                .anyMatch(w -> w.contains("line 7: key mysteryKey: unknown key"))
                .noneMatch(w -> w.contains("globalOutstandingLimit") || w.contains("preAllocSize"));
    }

    @Test
    void zooKeeperSystemPropertiesApplyWhenZooCfgIsSilent() throws Exception {
        Properties system = new Properties();
        system.setProperty("zookeeper.extendedTypesEnabled", "true");
        system.setProperty("znode.container.checkIntervalMs", "100");
        system.setProperty("znode.container.maxPerMinute", "500");
        system.setProperty("jute.maxbuffer", "4096");
        system.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", "super:abc=");
        system.setProperty("zookeeper.4lw.commands.whitelist", "*");
        system.setProperty("zookeeper.preAllocSize", "2048");
        system.setProperty("zookeeper.globalOutstandingLimit", "50");
        system.setProperty("zookeeper.fsync.warningthresholdms", "20");
        ServerConfig config = ServerConfig.parse(new Properties(), "test", java.util.Map.of(), system);
        assertThat(config.extendedTypesEnabled()).isTrue();
        assertThat(config.containerCheckIntervalMs()).isEqualTo(100);
        assertThat(config.containerMaxPerMinute()).isEqualTo(500);
        assertThat(config.maxBufferBytes()).isEqualTo(4096);
        assertThat(config.superDigest()).isEqualTo("super:abc=");
        assertThat(config.fourLetterWords()).isEqualTo(FourLetterWords.ALL);
        assertThat(config.preAllocBytes()).isEqualTo(2048L * 1024);
        assertThat(config.globalOutstandingLimit()).isEqualTo(50);
        assertThat(config.fsyncWarningThresholdMs()).isEqualTo(20);
    }

    @Test
    void defaultsAreZooKeepersForAStandaloneServer() throws Exception {
        ServerConfig config = ServerConfig.parse(new Properties(), "test", java.util.Map.of(), new Properties());
        assertThat(config.maxBufferBytes()).isEqualTo(0xfffff);
        assertThat(config.fourLetterWords()).containsExactly("srvr");
        assertThat(config.extendedTypesEnabled()).isFalse();
        assertThat(config.containerCheckIntervalMs()).isEqualTo(60_000);
        assertThat(config.dataDir()).isEqualTo(Path.of("data"));
        assertThat(config.preAllocBytes()).isEqualTo(64L << 20);
        assertThat(config.globalOutstandingLimit()).isEqualTo(1000);
        assertThat(config.fsyncWarningThresholdMs()).isEqualTo(1000);
    }

    record WarmUpSetting(String zooCfgValue, String propertyValue, int requests) {}

    static Stream<WarmUpSetting> warmUpSettings() {
        return Stream.of(
                // On by default; zoo.cfg's warmup.requests sizes it, and 0 turns it off.
                new WarmUpSetting(null, null, ServerConfig.DEFAULT_WARMUP_REQUESTS),
                new WarmUpSetting("0", null, 0),
                new WarmUpSetting("5000", null, 5000),
                // Corral's system property when zoo.cfg is silent; zoo.cfg wins over it.
                new WarmUpSetting(null, "0", 0),
                new WarmUpSetting("7000", "0", 7000));
    }

    @ParameterizedTest
    @MethodSource("warmUpSettings")
    void warmupRequestsIsReadFromZooCfgThenItsSystemProperty(WarmUpSetting setting) throws Exception {
        Properties cfg = new Properties();
        Properties system = new Properties();
        if (setting.zooCfgValue() != null) {
            cfg.setProperty("warmup.requests", setting.zooCfgValue());
        }
        if (setting.propertyValue() != null) {
            system.setProperty(ServerConfig.WARMUP_REQUESTS_PROPERTY, setting.propertyValue());
        }
        ServerConfig config = ServerConfig.parse(cfg, "test", java.util.Map.of(), system);
        assertThat(config.warmUpRequests()).isEqualTo(setting.requests());
        assertThat(config.warnings()).as("a key Corral reads").noneMatch(warning -> warning.contains("warmup"));
    }
}
