package dev.corral.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.RecordCases.Case;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our bytes are Apache ZooKeeper 3.9.5's bytes: each record is compared with the same values in
 * ZooKeeper's generated jute class (or its hand-written MultiOperationRecord and MultiResponse)
 * serialized through {@code BinaryOutputArchive}.
 */
class OfficialEncodingTest {

    static List<Case> casesWithOfficialClass() {
        return RecordCases.all().stream().filter(row -> row.official() != null).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("casesWithOfficialClass")
    void writeProducesZooKeepersBytes(Case row) {
        assertThat(row.bytes()).isEqualTo(RecordCases.officialBytes(row.official()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("casesWithOfficialClass")
    void readDecodesZooKeepersBytesToTheSameValue(Case row) {
        JuteInput in = new JuteInput(RecordCases.officialBytes(row.official()));

        assertThat(row.reader().apply(in)).isEqualTo(row.value());
        assertThat(in.remaining()).isZero();
    }
}
