package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions and small values shared by the compatibility tests. */
final class KeeperAssertions {

    private KeeperAssertions() {
    }

    /** Asserts that {@code call} throws a KeeperException with exactly {@code code}; returns it. */
    static KeeperException assertKeeperError(KeeperException.Code code, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("expected KeeperException %s", code).isInstanceOf(KeeperException.class);
        KeeperException keeperException = (KeeperException) thrown;
        assertThat(keeperException.code()).as("code of %s", keeperException).isEqualTo(code);
        return keeperException;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * A mutable ACL list: the Java client calls {@code contains(null)} on it, which immutable
     * {@code List.of} lists reject with a NullPointerException.
     */
    static List<ACL> acl(ACL... entries) {
        return new ArrayList<>(Arrays.asList(entries));
    }

    /** world:anyone with exactly {@code perms}. */
    static List<ACL> worldAcl(int perms) {
        return acl(new ACL(perms, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }

    /** digest:user:hash with {@code perms}, for credentials "user:password". */
    static List<ACL> digestAcl(int perms, String credentials) {
        return acl(new ACL(perms, new Id("digest", ServerSpec.digest(credentials))));
    }
}
