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
                new Broken("extendedTypesEnabled=maybe", "line 2: key extendedTypesEnabled: expected true or false, got 'maybe'"),
                // Session bounds must be ordered.
                new Broken("minSessionTimeout=50000", "minSessionTimeout 50000 must not be larger than maxSessionTimeout 40000"));
    }

    @ParameterizedTest
    @MethodSource("brokenFiles")
    void badValueStopsTheStartWithKeyLineAndExpectation(Broken broken) throws Exception {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, "dataDir=" + dir + "\n" + broken.line() + "\n");
        assertThatThrownBy(() -> ServerConfig.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(broken.expectedMessage());
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
                + "initLimit=5\nsyncLimit=2\nglobalOutstandingLimit=1000\nmysteryKey=1\n");
        ServerConfig config = ServerConfig.load(file);
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/zookeeper"));
        assertThat(config.dataLogDir()).isEqualTo(Path.of("/var/lib/zookeeper"));
        assertThat(config.warnings()).anyMatch(w -> w.contains("line 4: key initLimit"))
                .anyMatch(w -> w.contains("line 6: key globalOutstandingLimit"))
                .anyMatch(w -> w.contains("line 7: key mysteryKey: unknown key"));
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
        ServerConfig config = ServerConfig.parse(new Properties(), "test", java.util.Map.of(), system);
        assertThat(config.extendedTypesEnabled()).isTrue();
        assertThat(config.containerCheckIntervalMs()).isEqualTo(100);
        assertThat(config.containerMaxPerMinute()).isEqualTo(500);
        assertThat(config.maxBufferBytes()).isEqualTo(4096);
        assertThat(config.superDigest()).isEqualTo("super:abc=");
        assertThat(config.fourLetterWords()).isEqualTo(FourLetterWords.ALL);
    }

    @Test
    void defaultsAreZooKeepersForAStandaloneServer() throws Exception {
        ServerConfig config = ServerConfig.parse(new Properties(), "test", java.util.Map.of(), new Properties());
        assertThat(config.maxBufferBytes()).isEqualTo(0xfffff);
        assertThat(config.fourLetterWords()).containsExactly("srvr");
        assertThat(config.extendedTypesEnabled()).isFalse();
        assertThat(config.containerCheckIntervalMs()).isEqualTo(60_000);
        assertThat(config.dataDir()).isEqualTo(Path.of("data"));
    }
}
