package dev.corral.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.RecordCases.Case;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record reads back what it wrote, and every cut-short encoding is rejected. */
class RecordRoundTripTest {

    static List<Case> cases() {
        return RecordCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readReturnsTheWrittenValueAndConsumesEveryByte(Case row) {
        byte[] bytes = row.bytes();
        JuteInput in = new JuteInput(bytes);

        Object read = row.reader().apply(in);

        assertThat(read).isEqualTo(row.value());
        assertThat(read.hashCode()).isEqualTo(row.value().hashCode());
        assertThat(in.remaining()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readOfEveryTruncatedEncodingThrowsMalformed(Case row) {
        byte[] bytes = row.bytes();
        // The connect records end in an optional byte: without it the record is still complete.
        int mandatoryLength = row.optionalTrailingByte() ? bytes.length - 1 : bytes.length;

        for (int length = 0; length < mandatoryLength; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> row.reader().apply(new JuteInput(truncated)))
                    .as("%s cut to %d of %d bytes", row.name(), length, bytes.length)
                    .isInstanceOf(MalformedRecordException.class);
        }
    }
}
