package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Session passwords that cannot be computed from the session id (issue 12 item 4), and the sessions
 * made before the secret, whose clients hold ZooKeeper's computable password.
 */
class SessionPasswordsTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final long BOOT_MS = SimShell.BOOT_WALL_MS;
    /** A session id made by a server of id 1 that booted at {@code bootMs}, as SessionTrackerImpl makes them. */
    private static long sessionId(long bootMs) {
        return ((bootMs << 24) >>> 8) | (1L << 56);
    }

    @Test
    void zookeepersPasswordIsTheSeededRandomOfTheSessionId() {
        byte[] expected = new byte[16];
        new Random(sessionId(BOOT_MS) ^ 0xB3415C00L).nextBytes(expected);
        assertThat(SessionPasswords.zookeeper().derive(sessionId(BOOT_MS))).isEqualTo(expected);
        assertThat(SessionPasswords.zookeeperPassword(sessionId(BOOT_MS))).isEqualTo(expected);
    }

    @Test
    void aKeyedPasswordIsNotZooKeepersAndDependsOnTheSecretAndTheIdOnly() {
        SessionPasswords keyed = SessionPasswords.keyed(SECRET, BOOT_MS);
        long id = sessionId(BOOT_MS + 5);
        assertThat(keyed.derive(id)).hasSize(16).isNotEqualTo(SessionPasswords.zookeeperPassword(id))
                .isEqualTo(SessionPasswords.keyed(SECRET.clone(), BOOT_MS).derive(id));
        assertThat(keyed.derive(id + 1)).isNotEqualTo(keyed.derive(id));
        byte[] otherSecret = SECRET.clone();
        otherSecret[0] ^= 1;
        assertThat(SessionPasswords.keyed(otherSecret, BOOT_MS).derive(id)).isNotEqualTo(keyed.derive(id));
    }

    @Test
    void aKeyedPasswordIsTheHmacOfTheLabelAndTheIdHoweverOftenAndFromWhicheverThreadItIsDerived() throws Exception {
        SessionPasswords keyed = SessionPasswords.keyed(SECRET, BOOT_MS);
        long id = sessionId(BOOT_MS + 5);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        mac.update("corral-session-password".getBytes(StandardCharsets.US_ASCII));
        byte[] expected = Arrays.copyOf(mac.doFinal(ByteBuffer.allocate(8).putLong(id).array()), 16);
        // Derived from a prototype HMAC that is cloned: a derivation that left anything in it would change the next.
        for (int i = 0; i < 3; i++) {
            assertThat(keyed.derive(id)).isEqualTo(expected);
        }
        List<byte[]> fromThreads = IntStream.range(0, 4).parallel().mapToObj(i -> keyed.derive(id)).toList();
        assertThat(fromThreads).allSatisfy(password -> assertThat(password).isEqualTo(expected));
    }

    record Check(String name, long sessionBootMs, boolean zookeeperPassword, boolean accepted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Check> checks() {
        // The secret was made at BOOT_MS.
        return Stream.of(
                new Check("keyed password, session made after the secret", BOOT_MS + 1_000, false, true),
                new Check("keyed password, session made before the secret (it keeps ZooKeeper's)", BOOT_MS - 1_000, false, false),
                new Check("ZooKeeper's password, session made before the secret (imported)", BOOT_MS - 1_000, true, true),
                new Check("ZooKeeper's password, session made after the secret", BOOT_MS + 1_000, true, false),
                new Check("ZooKeeper's password, session made by a server booted the same millisecond", BOOT_MS, true, false));
    }

    @ParameterizedTest
    @MethodSource("checks")
    void whichPasswordsASessionAccepts(Check check) {
        SessionPasswords keyed = SessionPasswords.keyed(SECRET, BOOT_MS);
        long id = sessionId(check.sessionBootMs());
        // The secret's HMAC whatever the session's age: with the secret made when the session's server booted,
        // the session is not older than the secret.
        byte[] presented = check.zookeeperPassword() ? SessionPasswords.zookeeperPassword(id)
                : SessionPasswords.keyed(SECRET, check.sessionBootMs()).derive(id);
        assertThat(keyed.accepts(id, presented)).isEqualTo(check.accepted());
        presented[15] ^= 1;
        assertThat(keyed.accepts(id, presented)).as("one bit off").isFalse();
        assertThat(keyed.accepts(id, null)).isFalse();
    }

    /** An ensemble member's secret made in a blank data directory dates from no session: every session is keyed, even one older. */
    @Test
    void aSecretThatNoSessionPredatesKeysEverySession() {
        SessionPasswords keyed = SessionPasswords.keyed(SECRET, -1);
        for (long bootMs : new long[] {BOOT_MS - 86_400_000L, BOOT_MS, BOOT_MS + 86_400_000L}) {
            long id = sessionId(bootMs);
            assertThat(keyed.derive(id)).as("boot " + bootMs).isNotEqualTo(SessionPasswords.zookeeperPassword(id))
                    .isEqualTo(SessionPasswords.keyed(SECRET, bootMs).derive(id));
        }
    }

    /** What a leader hands its learners derives exactly its passwords, and keeps the learner's own imported sessions. */
    @Test
    void theSharedFormCarriesTheSecretAndItsDate() {
        long before = sessionId(BOOT_MS - 1_000);
        long after = sessionId(BOOT_MS + 1_000);
        long imported = sessionId(BOOT_MS + 2_000);
        SessionPasswords leaders = SessionPasswords.keyed(SECRET, BOOT_MS);
        SessionPasswords learners = SessionPasswords.keyed("another secret, 32 bytes long...".getBytes(StandardCharsets.US_ASCII), -1,
                java.util.Set.of(imported)).withSharedForm(leaders.sharedForm());
        assertThat(learners.derive(after)).isEqualTo(leaders.derive(after));
        assertThat(learners.derive(before)).isEqualTo(leaders.derive(before)).isEqualTo(SessionPasswords.zookeeperPassword(before));
        assertThat(learners.derive(imported)).isEqualTo(SessionPasswords.zookeeperPassword(imported));
        assertThat(SessionPasswords.keyed(SECRET, -1).withSharedForm(SessionPasswords.keyed(SECRET, -1).sharedForm()).derive(before))
                .isEqualTo(SessionPasswords.keyed(SECRET, -1).derive(before));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> leaders.withSharedForm(new byte[23]))
                .hasMessageContaining("23 bytes, fewer than 24");
    }

    @Test
    void aSessionImportedFromZooKeeperKeepsItsPasswordWhateverItsIdSays() {
        // ZooKeeper 3.9 puts its monotonic clock in session ids (here: 6 hours of uptime), not the wall clock.
        long imported = sessionId(6 * 3_600_000L);
        long other = imported + 1;
        SessionPasswords keyed = SessionPasswords.keyed(SECRET, BOOT_MS, java.util.Set.of(imported));

        assertThat(keyed.derive(imported)).isEqualTo(SessionPasswords.zookeeperPassword(imported));
        assertThat(keyed.accepts(imported, SessionPasswords.zookeeperPassword(imported))).isTrue();
        assertThat(keyed.accepts(other, SessionPasswords.zookeeperPassword(other))).as("a session not in the list").isFalse();
        assertThat(keyed.derive(other)).isNotEqualTo(SessionPasswords.zookeeperPassword(other));
    }

    @Test
    void aNewSessionsPasswordIsKeyedAndZooKeepersDoesNotResumeIt() {
        SimShell shell = new SimShell(NodeConfig.standalone(1000, BOOT_MS), NodeSecurity.NONE,
                node -> node.usePasswords(SessionPasswords.keyed(SECRET, BOOT_MS)));
        FrameClient first = shell.connect(10_000);
        assertThat(first.password).isEqualTo(SessionPasswords.keyed(SECRET, BOOT_MS).derive(first.sessionId))
                .isNotEqualTo(SessionPasswords.zookeeperPassword(first.sessionId));

        ConnectResponse hijack = shell.open().handshake(resume(first.sessionId, SessionPasswords.zookeeperPassword(first.sessionId)));
        assertThat(hijack.sessionId()).as("refused with ZooKeeper's all-zero answer").isZero();
        ConnectResponse resumed = shell.open().handshake(resume(first.sessionId, first.password));
        assertThat(resumed.sessionId()).isEqualTo(first.sessionId);
    }

    @Test
    void aSessionFromBeforeTheSecretResumesWithZooKeepersPasswordAndKeepsIt() {
        // The secret was made after this server's boot: its sessions stand for those imported from ZooKeeper.
        SessionPasswords keyed = SessionPasswords.keyed(SECRET, BOOT_MS + 60_000);
        SimShell shell = new SimShell(NodeConfig.standalone(1000, BOOT_MS), NodeSecurity.NONE, node -> node.usePasswords(keyed));
        FrameClient first = shell.connect(10_000);

        ConnectResponse resumed = shell.open().handshake(resume(first.sessionId, SessionPasswords.zookeeperPassword(first.sessionId)));
        assertThat(resumed.sessionId()).isEqualTo(first.sessionId);
        assertThat(resumed.passwd()).as("the password it keeps, which ZooKeeper checks too after a move back")
                .isEqualTo(SessionPasswords.zookeeperPassword(first.sessionId)).isEqualTo(keyed.derive(first.sessionId));
        assertThat(shell.open().handshake(resume(first.sessionId, resumed.passwd())).sessionId()).isEqualTo(first.sessionId);
    }

    private static ConnectRequest resume(long sessionId, byte[] password) {
        return new ConnectRequest(0, 0, 10_000, sessionId, password, false, true);
    }
}
