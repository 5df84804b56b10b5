package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** zookeeper.snapshotSizeFactor as ZooKeeper 3.9's ZKDatabase reads it, with Corral's default of 1 instead of 0.33. */
class SnapshotSizeFactorTest {
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(nullValues = "absent", value = {
        "absent, 1",
        "0.5, 0.5",
        "0, 0",
        "-1, -1",
        "1, 1",
        "1.5, 1",
        "lots, 1",
    })
    void readAsZooKeeperReadsIt(String value, double expected) {
        assertThat(CorralServer.snapshotSizeFactor(value)).isEqualTo(expected);
    }
}
