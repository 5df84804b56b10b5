package dev.corral.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ElectionFrameDecoderTest {
    record Case(String name, int length, boolean accepted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> lengths() {
        return Stream.of(
                // RecvWorker's bounds: 0 < length <= PACKETMAXSIZE (512 KiB).
                new Case("zero", 0, false),
                new Case("negative", -1, false),
                new Case("one byte", 1, true),
                new Case("512 KiB", 512 * 1024, true),
                new Case("512 KiB + 1", 512 * 1024 + 1, false),
                new Case("int max", Integer.MAX_VALUE, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lengths")
    void frameLengthIsBoundedAsZooKeeperBoundsIt(Case row) {
        EmbeddedChannel channel = new EmbeddedChannel(new ElectionFrameDecoder());
        // The length alone: a bad one must be refused before its body arrives.
        if (!row.accepted()) {
            assertThrows(DecoderException.class, () -> channel.writeInbound(Unpooled.buffer(4).writeInt(row.length())));
            return;
        }
        channel.writeInbound(Unpooled.buffer(4).writeInt(row.length()));
        assertNull(channel.readInbound());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[row.length()]));
        assertEquals(row.length(), ((byte[]) channel.readInbound()).length);
    }

    @Test
    void severalFramesInOneReadComeOutInOrder() {
        EmbeddedChannel channel = new EmbeddedChannel(new ElectionFrameDecoder());
        channel.writeInbound(Unpooled.buffer().writeInt(1).writeByte(7).writeInt(2).writeByte(8).writeByte(9).writeInt(3));
        assertEquals(7, ((byte[]) channel.readInbound())[0]);
        assertEquals(9, ((byte[]) channel.readInbound())[1]);
        assertNull(channel.readInbound());
    }
}
