package dev.corral.zab.codec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.Id;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.QuorumPacket;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Message;
import dev.corral.zab.Snapshot;
import dev.corral.zab.codec.LearnerCases.Case;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes that are not a frame we know fail with {@link MalformedRecordException} naming what was wrong,
 * and a length beyond its bound fails before anything is allocated or awaited; messages that have no
 * faithful packet are refused when encoded.
 */
class LearnerStreamMalformedTest {
    static final long CONNECTION = LearnerCases.CONNECTION;
    static final long ZXID = 0x500000007L;

    static List<Case> cases() {
        return LearnerCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTruncationOfAFrameFailsToDecode(Case row) {
        byte[] frame = row.zooKeepersBytes();
        for (int prefix = 0; prefix < frame.length; prefix++) {
            byte[] cut = Arrays.copyOf(frame, prefix);
            assertThatThrownBy(() -> LearnerCases.decode(cut, row.epoch()))
                    .as("prefix of %d bytes", prefix)
                    .isInstanceOf(MalformedRecordException.class)
                    .hasMessageContaining("cut short");
        }
    }

    record Bad(String name, byte[] bytes, long epoch, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Bad> malformed() {
        byte[] txn = LearnerCases.txn(ZXID, "/a");
        return List.of(
                // Lengths: negative, or beyond the bounds, fail at once (frameLength and decode alike).
                bad("data length -2", raw(o -> { header(o, 4, ZXID); o.writeInt(-2); o.writeInt(-1); }), "data length -2"),
                bad("data length 2 GiB", raw(o -> { header(o, 2, ZXID); o.writeInt(Integer.MAX_VALUE); }), "above the bound"),
                bad("authinfo count -2", raw(o -> { header(o, 4, ZXID); o.writeInt(-1); o.writeInt(-2); }), "authinfo count -2"),
                bad("authinfo count 2^31-1", raw(o -> { header(o, 4, ZXID); o.writeInt(-1); o.writeInt(Integer.MAX_VALUE); }),
                        "authinfo count 2147483647"),
                bad("authinfo scheme of 1 GiB", raw(o -> { header(o, 4, ZXID); o.writeInt(-1); o.writeInt(1); o.writeInt(1 << 30); }),
                        "authinfo scheme length"),
                bad("SNAP image of 1 GiB", raw(o -> { packet(o, 15, ZXID, null); o.writeInt(1 << 30); }), "SNAP image length"),
                bad("SNAP signature of 11 bytes", raw(o -> { packet(o, 15, ZXID, null); o.writeBuffer(new byte[1]); o.writeString("BenWasHere!"); }),
                        "SNAP signature length 11"),
                // Framing.
                bad("SNAP with a wrong signature", raw(o -> { packet(o, 15, ZXID, null); o.writeBuffer(new byte[1]); o.writeString("BenWasGone"); }),
                        "signature \"BenWasGone\""),
                bad("SNAP with a null signature", raw(o -> { packet(o, 15, ZXID, null); o.writeBuffer(new byte[1]); o.writeString(null); }),
                        "signature \"null\""),
                bad("SNAP with a null image", raw(o -> { packet(o, 15, ZXID, null); o.writeBuffer(null); o.writeString("BenWasHere"); }),
                        "null image"),
                bad("SNAP with data in the packet", raw(o -> { packet(o, 15, ZXID, new byte[1]); o.writeBuffer(new byte[1]); o.writeString("BenWasHere"); }),
                        "data where the image belongs"),
                bad("bytes after the frame", raw(o -> { packet(o, 4, ZXID, null); o.writeInt(0); }), "4 bytes after the frame"),
                // Packet types.
                bad("unknown type 99", raw(o -> packet(o, 99, ZXID, null)), "unknown packet type 99"),
                bad("unknown type 0", raw(o -> packet(o, 0, ZXID, null)), "unknown packet type 0"),
                bad("REQUEST shorter than its header", raw(o -> packet(o, 1, -1, new byte[15])), "shorter than its 16-byte header"),
                bad("REVALIDATE of 10 bytes", raw(o -> packet(o, 6, -1, new byte[10])), "neither a question (12) nor an answer (9)"),
                bad("SYNC with data", raw(o -> packet(o, 7, 0, new byte[1])), "where none belong"),
                bad("COMMITANDACTIVATE", raw(o -> packet(o, 9, ZXID, null)), "has no Corral message yet"),
                bad("COMMITANDACTIVATE", raw(o -> packet(o, 9, ZXID, new byte[8])), "COMMITANDACTIVATE has no Corral message yet"),
                bad("INFORMANDACTIVATE", raw(o -> packet(o, 19, ZXID, new byte[8])), "INFORMANDACTIVATE has no Corral message yet"),
                // Fields of each type.
                bad("authinfo in a COMMIT", raw(o -> new QuorumPacket(4, ZXID, null, List.of(Id.ANYONE)).write(o)), "authinfo outside REQUEST"),
                bad("FOLLOWERINFO of a 3.3 server (12 bytes)", raw(o -> packet(o, 11, 0x500000000L, new byte[12])), "12 bytes, not 20"),
                bad("FOLLOWERINFO without data", raw(o -> packet(o, 11, 0x500000000L, null)), "null bytes, not 20"),
                bad("FOLLOWERINFO of protocol 0", raw(o -> packet(o, 11, 0x500000000L, new byte[20])), "below 0x10000"),
                bad("FOLLOWERINFO with a counter", raw(o -> packet(o, 11, 0x500000001L, LearnerCases.learnerInfo(3))), "counter 1"),
                bad("LEADERINFO of 3 bytes", raw(o -> packet(o, 17, 0x600000000L, new byte[3])), "3 bytes, not one int"),
                bad("LEADERINFO with a secret past its bound", raw(o -> packet(o, 17, 0x600000000L, java.nio.ByteBuffer.allocate(4 + 1025)
                        .putInt(0x10000).array())), "1029 bytes, not one int and at most 1024 bytes of secret"),
                bad("LEADERINFO of protocol 0x20000", raw(o -> packet(o, 17, 0x600000000L, intBytes(0x20000))), "protocol version 0x20000"),
                bad("LEADERINFO with a counter", raw(o -> packet(o, 17, 0x600000002L, intBytes(0x10000))), "counter 2"),
                bad("NEWLEADER with a counter", raw(o -> packet(o, 10, 0x600000005L, null)), "counter 5"),
                new Bad("ACKEPOCH on a connection without LEADERINFO", raw(o -> packet(o, 18, ZXID, intBytes(5))), -1, "no LEADERINFO"),
                new Bad("ACKEPOCH without data", raw(o -> packet(o, 18, ZXID, null)), 6, "null bytes, not one int"),
                new Bad("ACKEPOCH of current epoch -2", raw(o -> packet(o, 18, ZXID, intBytes(-2))), 6, "current epoch -2"),
                bad("PROPOSAL without data", raw(o -> packet(o, 2, ZXID, null)), "txn of null bytes"),
                bad("PROPOSAL shorter than a TxnHeader", raw(o -> packet(o, 2, ZXID, new byte[31])), "txn of 31 bytes"),
                bad("PROPOSAL whose TxnHeader has another zxid", raw(o -> packet(o, 2, ZXID + 1, txn)), "its TxnHeader has zxid 0x500000007"),
                bad("INFORM whose TxnHeader has another zxid", raw(o -> packet(o, 8, ZXID - 1, txn)), "its TxnHeader has zxid 0x500000007"),
                bad("COMMIT with data", raw(o -> packet(o, 4, ZXID, new byte[1])), "1 bytes of data where none belong"),
                bad("DIFF with data", raw(o -> packet(o, 13, ZXID, new byte[8])), "8 bytes of data where none belong"),
                bad("PING touches of 13 bytes", raw(o -> packet(o, 5, ZXID, new byte[13])), "not a multiple of 12"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFrameFailsNamingTheProblem(Bad row) {
        assertThatThrownBy(() -> LearnerCases.decode(row.bytes(), row.epoch()))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(row.problem());
    }

    record Refused(String name, LearnerStream stream, Message.Learner message, Class<? extends RuntimeException> error, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Refused> refused() {
        LearnerStream small = new LearnerStream(LearnerCases.STRING_IMAGES, 36, 4);
        LearnerStream normal = LearnerCases.STREAM;
        byte[] txn = LearnerCases.txn(ZXID, "/a");
        return List.of(
                // An ACK of counter 0 would read back as the ACK of NEWLEADER.
                new Refused("ACK of a counter 0 zxid", normal, new Message.Ack(CONNECTION, 0x600000000L), IllegalArgumentException.class,
                        "a zxid no txn has"),
                // Epochs are 32 bits in a zxid; ACKEPOCH's current epoch is an int.
                new Refused("LEADERINFO of epoch 2^32", normal, new Message.LeaderInfo(CONNECTION, 1L << 32), IllegalArgumentException.class,
                        "not a 32-bit epoch"),
                new Refused("FOLLOWERINFO of epoch -1", normal, new Message.LearnerInfo(CONNECTION, -1, false), IllegalArgumentException.class,
                        "not a 32-bit epoch"),
                new Refused("NEWLEADER of epoch -1", normal, new Message.NewLeader(CONNECTION, -1), IllegalArgumentException.class,
                        "not a 32-bit epoch"),
                new Refused("ACKEPOCH of current epoch -2", normal, new Message.AckEpoch(CONNECTION, 6, -2, ZXID),
                        IllegalArgumentException.class, "does not fit"),
                new Refused("ACKEPOCH of current epoch 2^31", normal, new Message.AckEpoch(CONNECTION, 6, 1L << 31, ZXID),
                        IllegalArgumentException.class, "does not fit ZooKeeper's signed int"),
                // A txn's header must agree with its entry, as on decode.
                new Refused("PROPOSAL whose TxnHeader has another zxid", normal, new Message.Proposal(CONNECTION, new LogEntry(ZXID + 1, txn)),
                        MalformedRecordException.class, "its TxnHeader has zxid 0x500000007"),
                new Refused("INFORM of a txn too short", normal, new Message.Inform(CONNECTION, new LogEntry(ZXID, new byte[8])),
                        MalformedRecordException.class, "txn of 8 bytes"),
                // The bounds hold on the sending side too.
                new Refused("PROPOSAL above dataBytesMax", small, new Message.Proposal(CONNECTION, new LogEntry(ZXID, txn)),
                        IllegalArgumentException.class, "38 bytes of data, above dataBytesMax 36"),
                new Refused("SNAP image above imageBytesMax", small, new Message.Snap(CONNECTION, new Snapshot(ZXID, "12345")),
                        IllegalArgumentException.class, "above imageBytesMax 4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void messageWithNoFaithfulPacketIsRefusedWhenEncoded(Refused row) {
        assertThatThrownBy(() -> row.stream().encode(row.message(), LearnerCases.SENDER))
                .isInstanceOf(row.error())
                .hasMessageContaining(row.problem());
    }

    private static Bad bad(String name, byte[] bytes, String problem) {
        return new Bad(name, bytes, LearnerCases.EPOCH, problem);
    }

    private static byte[] raw(Consumer<JuteOutput> writes) {
        JuteOutput out = new JuteOutput();
        writes.accept(out);
        return out.toByteArray();
    }

    private static void header(JuteOutput out, int type, long zxid) {
        out.writeInt(type);
        out.writeLong(zxid);
    }

    private static void packet(JuteOutput out, int type, long zxid, byte[] data) {
        new QuorumPacket(type, zxid, data, null).write(out);
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }
}
