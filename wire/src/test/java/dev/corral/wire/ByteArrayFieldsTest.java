package dev.corral.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Records holding {@code byte[]} compare contents, not array identity, and print secrets by length only.
 */
class ByteArrayFieldsTest {
    private static final String SECRET = "s3cr3t-token";

    record Case(String name, Function<byte[], Object> make, boolean secret) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // Znode data: printed as a hex preview.
                new Case("CreateRequest", b -> new CreateRequest("/a", b, List.of(), 0), false),
                new Case("CreateTTLRequest", b -> new CreateTTLRequest("/a", b, List.of(), 5, 1), false),
                new Case("GetDataResponse", b -> new GetDataResponse(b, Stat.EMPTY), false),
                new Case("SetDataRequest", b -> new SetDataRequest("/a", b, 1), false),
                new Case("GetDataResult", b -> new OpResult.GetDataResult(b, Stat.EMPTY), false),
                new Case("CreateTxn", b -> new CreateTxn("/a", b, List.of(), false, 1), false),
                new Case("CreateContainerTxn", b -> new CreateContainerTxn("/a", b, List.of(), 1), false),
                new Case("CreateTTLTxn", b -> new CreateTTLTxn("/a", b, List.of(), 1, 5), false),
                new Case("SetDataTxn", b -> new SetDataTxn("/a", b, 1), false),
                // Txn records and packets between servers: they carry znode data, never a credential.
                new Case("MultiTxn.Op", b -> new MultiTxn.Op(OpCode.SET_DATA, b), false),
                new Case("QuorumPacket", b -> new QuorumPacket(QuorumPacketType.PROPOSAL, 1, b, List.of()), false),
                // Passwords, credentials and SASL tokens: printed as a length.
                new Case("ConnectRequest", b -> new ConnectRequest(0, 0, 1, 2, b, false, true), true),
                new Case("ConnectResponse", b -> new ConnectResponse(0, 1, 2, b, false), true),
                new Case("AuthPacket", b -> new AuthPacket(0, "digest", b), true),
                new Case("GetSASLRequest", GetSASLRequest::new, true),
                new Case("SetSASLRequest", SetSASLRequest::new, true),
                new Case("SetSASLResponse", SetSASLResponse::new, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void equalContentsInDistinctArraysAreEqualAndHashAlike(Case row) {
        Object first = row.make().apply(SECRET.getBytes(UTF_8));
        Object second = row.make().apply(SECRET.getBytes(UTF_8));
        Object other = row.make().apply("other".getBytes(UTF_8));

        assertThat(first).isEqualTo(second).hasSameHashCodeAs(second).isNotEqualTo(other);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void toStringShowsSecretsByLengthOnlyAndDataAsHex(Case row) {
        String text = row.make().apply(SECRET.getBytes(UTF_8)).toString();

        assertThat(text).contains("12 bytes").doesNotContain(SECRET);
        if (row.secret()) {
            assertThat(text).doesNotContain("73336372").contains("redacted");
        } else {
            assertThat(text).contains("7333637233742d746f6b656e");
        }
    }
}
