package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The frame limit follows the server's {@code -Djute.maxbuffer} system property. */
class ConfiguredFrameLimitTest {

    private static final int JUTE_MAXBUFFER = 4_096;

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(
            ServerSpec.defaults().withSystemProperty("jute.maxbuffer", Integer.toString(JUTE_MAXBUFFER)));

    @Test
    void aFrameOneByteOverTheConfiguredLimitClosesTheConnection() throws Exception {
        RawClient raw = server.raw();

        raw.writeRaw(ByteBuffer.allocate(4).putInt(JUTE_MAXBUFFER + 1).array());

        assertThat(raw.closedByServerWithin(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aRequestWithinTheConfiguredLimitIsServed() throws Exception {
        RawClient raw = server.raw();
        byte[] body = new Jute.Writer().writeString("/within-limit").writeBuffer(new byte[3_000])
                .writeOpenAcl().writeInt(0).toByteArray();

        assertThat(raw.call(RawClient.CREATE, body).err()).isZero();
    }
}
