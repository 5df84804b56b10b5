package dev.corral.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AclReadSharedTest {
    static List<List<Acl>> constants() {
        return List.of(Acl.OPEN_ACL_UNSAFE, Acl.CREATOR_ALL_ACL, Acl.READ_ACL_UNSAFE);
    }

    private static byte[] listThenInt(List<Acl> acl, int after) {
        JuteOutput out = new JuteOutput(64);
        Acl.writeList(out, acl);
        out.writeInt(after);
        return out.toByteArray();
    }

    @ParameterizedTest
    @MethodSource("constants")
    void aCommonListIsReadAsItsConstantAndTheFieldsAfterItStillRead(List<Acl> constant) {
        JuteInput in = new JuteInput(listThenInt(List.copyOf(constant), 42));

        assertThat(Acl.readShared(in)).isSameAs(constant);
        assertThat(in.readInt()).isEqualTo(42);
        assertThat(in.remaining()).isZero();
    }

    static List<List<Acl>> others() {
        return List.of(
                List.of(new Acl(Acl.ALL, new Id("digest", "bob:hash"))),
                List.of(new Acl(Acl.ALL, Id.ANYONE), new Acl(Acl.READ, new Id("ip", "10.0.0.1"))),
                List.of(new Acl(Acl.READ | Acl.WRITE, Id.ANYONE)),
                List.of());
    }

    @ParameterizedTest
    @MethodSource("others")
    void anyOtherListIsReadAsReadListReadsItAndIsImmutable(List<Acl> acl) {
        JuteInput in = new JuteInput(listThenInt(new java.util.ArrayList<>(acl), 7));

        List<Acl> read = Acl.readShared(in);
        assertThat(read).isEqualTo(acl);
        assertThatThrownBy(() -> read.add(new Acl(Acl.READ, Id.ANYONE))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(in.readInt()).isEqualTo(7);
    }

    @Test
    void aNullListIsReadAsNull() {
        JuteOutput out = new JuteOutput(8);
        out.writeInt(-1);
        assertThat(Acl.readShared(new JuteInput(out.toByteArray()))).isNull();
    }

    @Test
    void aCommonListCutShortIsRefusedAsMalformed() {
        byte[] whole = listThenInt(Acl.OPEN_ACL_UNSAFE, 0);
        JuteInput cut = new JuteInput(whole, 0, whole.length - Integer.BYTES - 1);

        assertThatThrownBy(() -> Acl.readShared(cut)).isInstanceOf(MalformedRecordException.class);
    }
}
