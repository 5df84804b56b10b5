package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** zookeeper.snapshotSizeFactor as ZooKeeper 3.9's ZKDatabase reads it. */
class SnapshotSizeFactorTest {
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(nullValues = "absent", value = {
        "absent, 0.33",
        "0.5, 0.5",
        "0, 0",
        "-1, -1",
        "1, 1",
        "1.5, 0.33",
        "lots, 0.33",
    })
    void readAsZooKeeperReadsIt(String value, double expected) {
        assertThat(CorralServer.snapshotSizeFactor(value)).isEqualTo(expected);
    }
}
