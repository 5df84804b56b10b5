package dev.corral.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our packet type numbers are the constants of ZooKeeper 3.9.5's {@code quorum.Leader}, read by reflection
 * because most of them are package-private there; and we have one for each of theirs.
 */
class QuorumPacketTypeTest {

    static List<Field> ours() {
        return constants(QuorumPacketType.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ours")
    void numberIsZooKeepersLeaderConstantOfTheSameName(Field ours) throws Exception {
        Field theirs = org.apache.zookeeper.server.quorum.Leader.class.getDeclaredField(ours.getName());
        theirs.setAccessible(true);

        assertThat(ours.getInt(null)).isEqualTo(theirs.getInt(null));
        assertThat(QuorumPacketType.name(ours.getInt(null))).isEqualTo(ours.getName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zooKeepers")
    void everyPacketTypeOfZooKeepersIsOurs(String name) throws Exception {
        assertThat(QuorumPacketType.class.getField(name)).isNotNull();
    }

    /** Leader's packet types: in 3.9.5, its static final int constants named in capitals are exactly these. */
    static List<String> zooKeepers() {
        return constants(org.apache.zookeeper.server.quorum.Leader.class).stream().map(Field::getName).toList();
    }

    private static List<Field> constants(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && Modifier.isFinal(field.getModifiers())
                        && field.getType() == int.class && field.getName().matches("[A-Z]+"))
                .toList();
    }
}
