package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The frame length limit, jute.maxbuffer (default 1,048,575 bytes, NIOServerCnxn#readLength): a
 * longer or negative length closes that connection only; a frame of exactly the limit is served.
 */
class FrameLimitTest {

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass();

    /** BinaryInputArchive.maxBuffer with no jute.maxbuffer property: 0xfffff. */
    private static final int JUTE_MAXBUFFER = 0xfffff;
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(10);

    @Test
    void aFrameLongerThanJuteMaxbufferClosesOnlyThatConnection() throws Exception {
        ZooKeeper bystander = server.zk();
        RawClient raw = server.raw();

        raw.writeRaw(ByteBuffer.allocate(4).putInt(JUTE_MAXBUFFER + 1).array());

        assertThat(raw.closedByServerWithin(CLOSE_BOUND)).isTrue();
        assertThat(bystander.exists("/", false)).as("other connections keep working").isNotNull();
        assertThat(server.raw().ping().err()).as("new connections are served").isZero();
    }

    @Test
    void aHugeFrameLengthBeforeTheHandshakeClosesTheConnection() throws Exception {
        RawClient raw = server.clients().rawConnection();

        raw.writeRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());

        assertThat(raw.closedByServerWithin(CLOSE_BOUND)).isTrue();
    }

    @Test
    void aNegativeFrameLengthClosesTheConnection() throws Exception {
        RawClient raw = server.raw();

        raw.writeRaw(ByteBuffer.allocate(4).putInt(-5).array());

        assertThat(raw.closedByServerWithin(CLOSE_BOUND)).isTrue();
    }

    @Test
    void aFrameOfExactlyJuteMaxbufferIsServed() throws Exception {
        ZooKeeper zk = server.zk();
        String root = server.newRoot(zk);
        RawClient raw = server.raw();
        byte[] path = root.getBytes(StandardCharsets.UTF_8);
        // xid + type + (length + path) + (length + data) + version
        int dataLength = JUTE_MAXBUFFER - (4 + 4 + 4 + path.length + 4 + 4);
        byte[] data = new byte[dataLength];
        Arrays.fill(data, (byte) 'z');
        byte[] body = new Jute.Writer().writeString(root).writeBuffer(data).writeInt(-1).toByteArray();
        assertThat(body.length + 8).isEqualTo(JUTE_MAXBUFFER);

        RawClient.Reply reply = raw.call(RawClient.SET_DATA, body);

        assertThat(reply.err()).isZero();
        assertThat(zk.exists(root, false).getDataLength()).isEqualTo(dataLength);
        RawClient.Reply read = raw.call(RawClient.GET_DATA,
                new Jute.Writer().writeString(root).writeBoolean(false).toByteArray());
        assertThat(read.reader().readBuffer()).isEqualTo(data);
    }
}
