package dev.corral.zab.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.zab.Message;
import dev.corral.zab.codec.LearnerCases.Case;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.apache.zookeeper.server.util.ZxidUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every learner message is, byte for byte, the packet Apache ZooKeeper 3.9.5 writes for the same values
 * (its QuorumPacket through BinaryOutputArchive); ZooKeeper's bytes read back as the same message; and
 * the stream splits into frames at exactly their ends.
 */
class LearnerStreamTest {

    static List<Case> cases() {
        return LearnerCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodeWritesZooKeepersBytes(Case row) {
        assertThat(LearnerCases.STREAM.encode(row.message(), LearnerCases.SENDER)).isEqualTo(row.zooKeepersBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodeReadsZooKeepersBytesAsTheSameMessage(Case row) {
        Message.Learner decoded = LearnerCases.decode(row.zooKeepersBytes(), row.epoch());

        assertThat(decoded).usingRecursiveComparison().isEqualTo(row.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodeThenDecodeIsTheSameMessage(Case row) {
        byte[] frame = LearnerCases.STREAM.encode(row.message(), LearnerCases.SENDER);

        assertThat(LearnerCases.decode(frame, row.epoch())).usingRecursiveComparison().isEqualTo(row.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void frameLengthIsTheWholeFrameAndUnknownForEveryShorterPrefix(Case row) {
        byte[] frame = row.zooKeepersBytes();

        assertThat(LearnerCases.STREAM.frameLength(frame, 0, frame.length)).isEqualTo(frame.length);
        for (int prefix = 0; prefix < frame.length; prefix++) {
            assertThat(LearnerCases.STREAM.frameLength(frame, 0, prefix)).as("prefix of %d bytes", prefix).isEqualTo(-1);
        }
    }

    @Test
    void aStreamOfEveryFrameSplitsIntoTheFramesInOrder() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (Case row : cases()) {
            stream.writeBytes(LearnerCases.STREAM.encode(row.message(), LearnerCases.SENDER));
        }
        byte[] bytes = stream.toByteArray();
        List<Message.Learner> read = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            int length = LearnerCases.STREAM.frameLength(bytes, offset, bytes.length - offset);
            assertThat(length).as("frame at offset %d", offset).isPositive();
            read.add(LearnerCases.STREAM.decode(bytes, offset, length, LearnerCases.CONNECTION, LearnerCases.EPOCH));
            offset += length;
        }

        assertThat(read).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(cases().stream().map(Case::message).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void learnerInfoNamesTheSenderOnlyInFollowerAndObserverInfo(Case row) {
        var packet = dev.corral.wire.QuorumPacket.read(new dev.corral.wire.JuteInput(row.zooKeepersBytes()));
        if (row.message() instanceof Message.LearnerInfo) {
            assertThat(LearnerPackets.learnerInfo(packet))
                    .isEqualTo(new dev.corral.wire.LearnerInfo(LearnerCases.SENDER, 0x10000, LearnerPackets.CONFIG_VERSION));
        } else {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LearnerPackets.learnerInfo(packet))
                    .hasMessageContaining("not FOLLOWERINFO or OBSERVERINFO");
        }
    }

    /**
     * Packets a ZooKeeper server writes with values our messages do not carry, or in forms our encoder does
     * not write: they read as the message, and the value is dropped (each is listed in LearnerPackets'
     * comment).
     */
    record ZooKeeperOnly(String name, QuorumPacket zooKeepers, Message.Learner expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<ZooKeeperOnly> zooKeeperOnlyForms() {
        long connection = LearnerCases.CONNECTION;
        long zxid = ZxidUtils.makeZxid(5, 7);
        return List.of(
                // LearnerHandler#syncFollower: DIFF carries the leader's last committed zxid.
                new ZooKeeperOnly("DIFF with the leader's last committed zxid", LearnerCases.packet(13, zxid, null),
                        new Message.Diff(connection)),
                // LearnerHandler#run: UPTODATE's zxid is -1.
                new ZooKeeperOnly("UPTODATE with zxid -1", LearnerCases.packet(12, -1, null), new Message.UpToDate(connection, -1)),
                // LearnerHandler#run: NEWLEADER carries the QuorumVerifier text.
                new ZooKeeperOnly("NEWLEADER with configuration text", LearnerCases.packet(10, ZxidUtils.makeZxid(6, 0),
                        "server.1=a:2888:3888:participant\nversion=0".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        new Message.NewLeader(connection, 6)),
                // LearnerHandler#ping: the leader's PING carries its last proposed zxid.
                new ZooKeeperOnly("leader PING with last proposed zxid", LearnerCases.packet(5, zxid, null), new Message.Ping(connection)),
                // Learner#ping: the answer echoes it and carries (long session, int timeout)* touches.
                new ZooKeeperOnly("learner PING with two touches", LearnerCases.packet(5, zxid,
                        java.nio.ByteBuffer.allocate(24).putLong(0x100000001L).putInt(30000).putLong(0x100000002L).putInt(4000).array()),
                        new Message.Ping(connection, java.util.Map.of(0x100000001L, 30000, 0x100000002L, 4000))),
                new ZooKeeperOnly("learner PING with no touches", LearnerCases.packet(5, zxid, new byte[0]), new Message.Ping(connection)),
                // Learner#syncWithLeader: the ACK after UPTODATE repeats the NEWLEADER zxid.
                new ZooKeeperOnly("ACK after UPTODATE", LearnerCases.packet(3, ZxidUtils.makeZxid(6, 0), null),
                        new Message.AckNewLeader(connection, 6)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zooKeeperOnlyForms")
    void zooKeepersFormsReadAsOurMessageDroppingWhatItHasNoFieldFor(ZooKeeperOnly row) {
        byte[] frame = LearnerCases.zooKeepersPacketBytes(row.zooKeepers());

        assertThat(LearnerCases.decode(frame, -1)).isEqualTo(row.expected());
    }
}
