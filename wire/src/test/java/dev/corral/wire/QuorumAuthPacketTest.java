package dev.corral.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The constants of quorum SASL authentication are ZooKeeper 3.9.5's (its byte format is pinned by the
 * QuorumAuthPacket rows of {@link RecordCases}).
 */
class QuorumAuthPacketTest {
    @Test
    void magicIsZooKeepersQuorumAuthMagicNumber() {
        assertThat(QuorumAuthPacket.MAGIC)
                .isEqualTo(org.apache.zookeeper.server.quorum.auth.QuorumAuth.QUORUM_AUTH_MAGIC_NUMBER)
                .isEqualTo(0x5f2435013501edccL);
    }

    @Test
    void encodeIsTheHeaderThenTheToken() {
        byte[] token = "abc".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = QuorumAuthPacket.of(QuorumAuthPacket.SUCCESS, token).encode();

        assertThat(bytes).hasSize(QuorumAuthPacket.HEADER_BYTES + 3);
        assertThat(QuorumAuthPacket.read(new JuteInput(bytes))).isEqualTo(QuorumAuthPacket.of(QuorumAuthPacket.SUCCESS, token));
    }

    @Test
    void toStringShowsNoTokenBytes() {
        String text = QuorumAuthPacket.of(QuorumAuthPacket.IN_PROGRESS, "secret".getBytes(StandardCharsets.US_ASCII)).toString();

        assertThat(text).contains("IN_PROGRESS", "6 bytes").doesNotContain("secret");
    }
}
