package dev.corral.server.quorum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.apache.zookeeper.server.quorum.QuorumCnxManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ElectionHandshakeTest {
    /** What QuorumCnxManager#startConnection writes, byte for byte, for a given version and address text. */
    static byte[] zooKeeperHandshake(long protocolVersion, long serverId, String addresses) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] text = addresses.getBytes(StandardCharsets.UTF_8);
        out.writeLong(protocolVersion);
        out.writeLong(serverId);
        out.writeInt(text.length);
        out.write(text);
        return bytes.toByteArray();
    }

    @Test
    void encodesWhatZooKeepersInitiatorWritesAndItsParserReads() throws Exception {
        byte[] ours = ElectionHandshake.encode(3, new InetSocketAddress("127.0.0.1", 3888));
        assertArrayEquals(zooKeeperHandshake(-65536L, 3, "127.0.0.1:3888"), ours);

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(ours));
        QuorumCnxManager.InitialMessage parsed = QuorumCnxManager.InitialMessage.parse(in.readLong(), in);
        assertEquals(3L, parsed.sid);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 3888)), parsed.electionAddr);
    }

    record Accepted(String name, byte[] bytes, long serverId, List<String> addresses) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Accepted> accepted() throws IOException {
        return Stream.of(
                // The V1 form every ZooKeeper 3.5+ without multi-address sends.
                new Accepted("v1", zooKeeperHandshake(-65536L, 2, "10.0.0.2:3888"), 2, List.of("10.0.0.2:3888")),
                // V2: several addresses separated by '|', IPv6 in brackets.
                new Accepted("v2", zooKeeperHandshake(-65535L, 7, "a:1|[::1]:2"), 7, List.of("a:1", "[::1]:2")),
                // Before 3.5: only the id.
                new Accepted("old form", new byte[] {0, 0, 0, 0, 0, 0, 0, 5}, 5, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void decoderReadsHandshakeAndPassesFollowingBytesToFrames(Accepted row) {
        EmbeddedChannel channel = new EmbeddedChannel(new ElectionHandshakeDecoder());
        // Deliver the handshake one byte at a time, followed by one frame: the decoder must wait for it whole.
        for (byte b : row.bytes()) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 2, 9, 8}));
        assertEquals(new ElectionHandshake(row.serverId(), row.addresses()), channel.readInbound());
        assertArrayEquals(new byte[] {9, 8}, (byte[]) channel.readInbound());
        assertTrue(channel.pipeline().get(ElectionFrameDecoder.class) != null);
    }

    static Stream<Accepted> refused() throws IOException {
        return Stream.of(
                // Versions other than V1 and V2 (negative ones; non-negative is the old form).
                new Accepted("unknown version", zooKeeperHandshake(-65534L, 2, "h:1"), 0, List.of()),
                // Address lengths outside 1..2048 (InitialMessage#parse: "Unreasonable buffer length").
                new Accepted("empty address", zooKeeperHandshake(-65536L, 2, ""), 0, List.of()),
                new Accepted("address of 2049 bytes", zooKeeperHandshake(-65536L, 2, "h".repeat(2044) + ":3888"), 0, List.of()),
                new Accepted("negative length", new byte[] {-1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, -1, -1, -1, -1}, 0,
                        List.of()),
                // Badly formed addresses.
                new Accepted("no port", zooKeeperHandshake(-65536L, 2, "host"), 0, List.of()),
                new Accepted("port not a number", zooKeeperHandshake(-65536L, 2, "host:x"), 0, List.of()),
                new Accepted("one bad of two", zooKeeperHandshake(-65535L, 2, "a:1|b"), 0, List.of()),
                new Accepted("IPv6 without brackets", zooKeeperHandshake(-65536L, 2, "::1:2"), 0, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void decoderRefusesMalformedHandshake(Accepted row) {
        EmbeddedChannel channel = new EmbeddedChannel(new ElectionHandshakeDecoder());
        assertThrows(DecoderException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(row.bytes())));
    }

    @Test
    void addressOf2048BytesIsTheLongestAccepted() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel(new ElectionHandshakeDecoder());
        String address = "h".repeat(2043) + ":3888";
        channel.writeInbound(Unpooled.wrappedBuffer(zooKeeperHandshake(-65536L, 4, address)));
        assertEquals(new ElectionHandshake(4, List.of(address)), channel.readInbound());
    }
}
