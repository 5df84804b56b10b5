package dev.corral.zab.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.wire.MalformedRecordException;
import dev.corral.zab.Message;
import dev.corral.zab.ServerState;
import dev.corral.zab.Vote;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.zookeeper.server.quorum.FastLeaderElection;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our notifications are the bytes of Apache ZooKeeper 3.9.5's FastLeaderElection#buildMsg (package-private,
 * called by reflection) for the same vote with an empty configuration, read back as the same vote; and
 * malformed notifications fail with a message that says what was wrong.
 */
class NotificationCodecTest {

    record Case(String name, Message.Notification notification) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // One per state, as each role sends it.
                new Case("LOOKING, own vote", new Message.Notification(ServerState.LOOKING, new Vote(3, 0x500000007L, 4, 5))),
                new Case("FOLLOWING", new Message.Notification(ServerState.FOLLOWING, new Vote(2, 0x500000007L, 4, 6))),
                new Case("LEADING", new Message.Notification(ServerState.LEADING, new Vote(2, 0x600000000L, 1, 6))),
                new Case("OBSERVING", new Message.Notification(ServerState.OBSERVING, new Vote(1, 0, 1, 0))),
                // Edges: a fresh server, and the largest values of each field.
                new Case("fresh server", new Message.Notification(ServerState.LOOKING, new Vote(1, 0, 0, 0))),
                new Case("largest values", new Message.Notification(ServerState.LOOKING,
                        new Vote(Long.MAX_VALUE, 0xffffffffffffffffL, Long.MAX_VALUE, 0xffffffffL))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodeWritesZooKeepersBuildMsgBytes(Case row) throws Exception {
        assertThat(NotificationCodec.encode(row.notification())).isEqualTo(zooKeepers(row.notification(), new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodeReadsZooKeepersBytesAsTheSameNotification(Case row) throws Exception {
        assertThat(NotificationCodec.decode(zooKeepers(row.notification(), new byte[0]))).isEqualTo(row.notification());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodeDropsZooKeepersConfigurationText(Case row) throws Exception {
        byte[] config = "server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\nversion=100000000".getBytes();

        assertThat(NotificationCodec.decode(zooKeepers(row.notification(), config))).isEqualTo(row.notification());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerState.class)
    void stateNumberIsZooKeepersOrdinalOfTheSameName(ServerState state) {
        assertThat(NotificationCodec.stateNumber(state)).isEqualTo(QuorumPeer.ServerState.valueOf(state.name()).ordinal());
    }

    record Bad(String name, byte[] bytes, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Bad> malformed() throws Exception {
        Message.Notification vote = cases().get(0).notification();
        byte[] good = NotificationCodec.encode(vote);
        return List.of(
                new Bad("empty", new byte[0], "shorter than 44"),
                new Bad("one byte short", Arrays.copyOf(good, good.length - 1), "shorter than 44"),
                // Formats of servers before 3.5: 28 bytes (no peer epoch), 40 (no version), version 1 (no config).
                new Bad("28-byte notification", Arrays.copyOf(good, 28), "shorter than 44"),
                new Bad("40-byte notification", Arrays.copyOf(good, 40), "shorter than 44"),
                new Bad("version 1 with 4 more bytes", with(good, 36, 1), "version 1"),
                new Bad("version 3", with(good, 36, 3), "version 3"),
                new Bad("negative config length", with(good, 40, -1), "config length -1"),
                new Bad("config length past the end", with(good, 40, 1), "config length 1 with 0"),
                new Bad("huge config length", with(good, 40, Integer.MAX_VALUE), "config length 2147483647"),
                new Bad("bytes after the config", Arrays.copyOf(good, good.length + 3), "config length 0 with 3"),
                new Bad("unknown state 4", with(good, 0, 4), "unknown server state 4"),
                new Bad("negative state", with(good, 0, -1), "unknown server state -1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedNotificationFailsNamingTheProblem(Bad row) {
        assertThatThrownBy(() -> NotificationCodec.decode(row.bytes()))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(row.problem());
    }

    private static byte[] with(byte[] bytes, int offset, int value) {
        byte[] copy = Arrays.copyOf(bytes, bytes.length);
        ByteBuffer.wrap(copy).putInt(offset, value);
        return copy;
    }

    static byte[] zooKeepers(Message.Notification n, byte[] config) throws Exception {
        Method buildMsg = FastLeaderElection.class.getDeclaredMethod("buildMsg", int.class, long.class, long.class, long.class,
                long.class, byte[].class);
        buildMsg.setAccessible(true);
        int state = QuorumPeer.ServerState.valueOf(n.state().name()).ordinal();
        Vote v = n.vote();
        ByteBuffer buffer = (ByteBuffer) buildMsg.invoke(null, state, v.leader(), v.zxid(), v.electionEpoch(), v.peerEpoch(), config);
        return buffer.array();
    }
}
