package dev.corral.wire;

import static dev.corral.wire.RecordCases.PASSWD;
import static dev.corral.wire.RecordCases.SESSION_ID;
import static dev.corral.wire.RecordCases.ZXID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.compat.ProtocolManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The handshake's optional readOnly byte, checked against ZooKeeper 3.9.5's own
 * {@code compat/ProtocolManager}, the code its server uses to read a ConnectRequest and answer it.
 */
class ConnectRequestTest {
    /** int protocolVersion, long lastZxidSeen, int timeOut, long sessionId, int length + 16 passwd bytes. */
    private static final int MANDATORY_BYTES = 4 + 8 + 4 + 8 + 4 + 16;
    /** int protocolVersion, int timeOut, long sessionId, int length + 16 passwd bytes. */
    private static final int RESPONSE_MANDATORY_BYTES = 4 + 4 + 8 + 4 + 16;

    record Case(String name, ConnectRequest request, int encodedLength) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // A 3.4+ client always sends the byte, asking for a read-only session or not.
                new Case("readOnly byte 1", connect(true, true), MANDATORY_BYTES + 1),
                new Case("readOnly byte 0", connect(false, true), MANDATORY_BYTES + 1),
                // A 3.3 client stops after the password.
                new Case("no readOnly byte", connect(false, false), MANDATORY_BYTES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writeEmitsTheReadOnlyByteOnlyWhenPresentAndReadRestoresIt(Case row) {
        byte[] bytes = encode(row.request());

        ConnectRequest read = ConnectRequest.read(new JuteInput(bytes));

        assertThat(bytes).hasSize(row.encodedLength());
        assertThat(read.readOnlyPresent()).isEqualTo(row.request().readOnlyPresent());
        assertThat(read.readOnly()).isEqualTo(row.request().readOnly());
        assertThat(read).isEqualTo(row.request());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void zooKeepersProtocolManagerReadsOurRequestTheSameWay(Case row) throws IOException {
        ProtocolManager protocol = new ProtocolManager();

        org.apache.zookeeper.proto.ConnectRequest theirs =
                protocol.deserializeConnectRequest(archive(encode(row.request())));

        assertThat(protocol.isReadonlyAvailable()).isEqualTo(row.request().readOnlyPresent());
        assertThat(theirs.getReadOnly()).isEqualTo(row.request().readOnly());
        assertThat(theirs.getSessionId()).isEqualTo(row.request().sessionId());
        assertThat(theirs.getPasswd()).isEqualTo(row.request().passwd());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void responseCarriesTheReadOnlyByteExactlyWhenTheRequestDid(Case row) throws IOException {
        ProtocolManager protocol = new ProtocolManager();
        protocol.deserializeConnectRequest(archive(encode(row.request())));
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        protocol.serializeConnectResponse(new org.apache.zookeeper.proto.ConnectResponse(0, 30_000, SESSION_ID,
                PASSWD, false), BinaryOutputArchive.getArchive(theirs));

        boolean includeReadOnly = ConnectRequest.read(new JuteInput(encode(row.request()))).readOnlyPresent();
        JuteOutput ours = new JuteOutput();
        new ConnectResponse(0, 30_000, SESSION_ID, PASSWD, false).write(ours, includeReadOnly);

        assertThat(ours.toByteArray()).isEqualTo(theirs.toByteArray());
        assertThat(ours.size()).isEqualTo(RESPONSE_MANDATORY_BYTES + (includeReadOnly ? 1 : 0));
    }

    @Test
    void anyNonZeroReadOnlyByteMeansTrueAsInJute() {
        byte[] bytes = encode(connect(false, true));
        bytes[bytes.length - 1] = 2;

        assertThat(ConnectRequest.read(new JuteInput(bytes)).readOnly()).isTrue();
    }

    @Test
    void requestFromZooKeeper39ClientClassDecodesWithReadOnlyPresent() {
        byte[] theirs = RecordCases.officialBytes(
                new org.apache.zookeeper.proto.ConnectRequest(0, ZXID, 30_000, 0, new byte[16], false));

        ConnectRequest read = ConnectRequest.read(new JuteInput(theirs));

        assertThat(read.readOnlyPresent()).isTrue();
        assertThat(read.readOnly()).isFalse();
    }

    @Test
    void readOnlyTrueWithoutTheByteIsRejectedBecauseWriteWouldDropIt() {
        assertThatThrownBy(() -> connect(true, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readOnly");
    }

    @Test
    void responseWithoutTheByteReadsAsNotReadOnlyLikeZooKeeper() throws IOException {
        ConnectResponse sent = new ConnectResponse(0, 30_000, SESSION_ID, PASSWD, true);
        JuteOutput out = new JuteOutput();
        sent.write(out, false);
        byte[] bytes = out.toByteArray();

        ConnectResponse ours = ConnectResponse.read(new JuteInput(bytes));
        org.apache.zookeeper.proto.ConnectResponse theirs =
                new ProtocolManager().deserializeConnectResponse(archive(bytes));

        assertThat(bytes).hasSize(RESPONSE_MANDATORY_BYTES);
        assertThat(ours.readOnly()).isFalse();
        assertThat(theirs.getReadOnly()).isFalse();
        assertThat(ours).isEqualTo(new ConnectResponse(0, 30_000, SESSION_ID, PASSWD, false));
    }

    private static ConnectRequest connect(boolean readOnly, boolean readOnlyPresent) {
        return new ConnectRequest(0, ZXID, 30_000, SESSION_ID, Arrays.copyOf(PASSWD, 16), readOnly, readOnlyPresent);
    }

    private static byte[] encode(ConnectRequest request) {
        JuteOutput out = new JuteOutput();
        request.write(out);
        return out.toByteArray();
    }

    private static BinaryInputArchive archive(byte[] bytes) {
        return BinaryInputArchive.getArchive(new ByteArrayInputStream(bytes));
    }
}
