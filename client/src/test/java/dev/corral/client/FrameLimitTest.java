package dev.corral.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client's jute.maxbuffer ({@link ClientOptions#juteMaxBuffer}) as ZooKeeper 3.9.5's client applies it
 * ({@code ClientCnxnSocket#readLength}: {@code len < 0 || len > packetLen} is out of range), on the frame
 * length alone, before any byte of the frame is read.
 */
class FrameLimitTest {
    private static final int MAX = 64;

    record Case(String name, int length, boolean accepted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // within the bound, the bound itself included
                new Case("empty", 0, true),
                new Case("one byte under", MAX - 1, true),
                new Case("exactly jute.maxbuffer", MAX, true),
                // beyond it, or nonsense
                new Case("one byte over", MAX + 1, false),
                new Case("far over", Integer.MAX_VALUE, false),
                new Case("negative", -1, false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aFrameIsReadOnlyWithinTheClientsJuteMaxbuffer(Case c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(c.length());
        // Enough body for an accepted frame; a refused one must fail on its length, not on missing bytes.
        out.write(new byte[c.accepted() ? c.length() : 0]);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));

        if (c.accepted()) {
            assertThat(Connection.readFrame(in, MAX)).hasSize(c.length());
        } else {
            assertThatThrownBy(() -> Connection.readFrame(in, MAX)).isInstanceOf(IOException.class)
                    .hasMessage("Packet len " + c.length() + " is out of range!");
        }
    }

    @Test
    void theDefaultIsZooKeepersAndAPositiveLimitIsRequired() {
        assertThat(ClientOptions.JUTE_MAXBUFFER_DEFAULT).isEqualTo(ZKClientConfig.CLIENT_MAX_PACKET_LENGTH_DEFAULT);
        String property = System.getProperty("jute.maxbuffer");
        assertThat(ClientOptions.defaults().juteMaxBuffer())
                .isEqualTo(property == null ? ClientOptions.JUTE_MAXBUFFER_DEFAULT : Integer.parseInt(property));
        assertThat(ClientOptions.defaults().canBeReadOnly()).isFalse();
        assertThat(ClientOptions.defaults().withJuteMaxBuffer(2_048).withCanBeReadOnly(true))
                .isEqualTo(new ClientOptions(true, 2_048));
        assertThatThrownBy(() -> ClientOptions.defaults().withJuteMaxBuffer(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jute.maxbuffer");
    }
}
