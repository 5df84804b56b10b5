package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A connection that never completes its handshake is closed by the server after
 * {@code zookeeper.nio.sessionlessCnxnTimeout} (ZooKeeper 3.9's NIOServerCnxnFactory: 10 s by default, a
 * connection without a session expires from its {@code cnxnExpiryQueue}, whose buckets round the deadline
 * up to the next multiple of the timeout, so after one to two timeouts). A connection with a session is
 * not touched by that bound. The bound is set to 1 s here, for both targets, so the test is quick.
 */
class SilentConnectionTest {
    private static final int TIMEOUT_MS = 1_000;
    // ZooKeeper closes after one to two timeouts plus its expirer's wake-up; generous for a loaded machine.
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    static final CompatServer server = CompatServer.perClass(ServerSpec.defaults()
            .withSystemProperty("zookeeper.nio.sessionlessCnxnTimeout", Integer.toString(TIMEOUT_MS)));

    record Case(String name, byte[] sent) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> silences() {
        return Stream.of(
                // Nothing at all after the TCP handshake.
                new Case("no byte", new byte[0]),
                // Half of a frame length, then nothing.
                new Case("two bytes of a length", new byte[] {0, 0}),
                // A whole length announcing a connect request, and only part of it.
                new Case("a length and part of its frame", new byte[] {0, 0, 0, 45, 0, 0, 0, 0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("silences")
    void aConnectionThatNeverCompletesItsHandshakeIsClosed(Case silence) throws Exception {
        RawClient silent = server.clients().rawConnection();
        if (silence.sent().length > 0) {
            silent.writeRaw(silence.sent());
        }
        long start = System.nanoTime();
        assertThat(silent.closedByServerWithin(CLOSE_BOUND)).as("closed by the server within %s", CLOSE_BOUND).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not closed before the bound")
                .isGreaterThanOrEqualTo(Duration.ofMillis(TIMEOUT_MS / 2));
    }

    @Test
    void aConnectionWithASessionOutlivesTheHandshakeBound() throws Exception {
        RawClient session = server.clients().raw(Clients.SESSION_TIMEOUT_MS);
        RawClient silent = server.clients().rawConnection();
        // The silent connection, opened after the session's, being closed shows the bound has passed for both.
        assertThat(silent.closedByServerWithin(CLOSE_BOUND)).isTrue();
        // Pinged well within its session timeout, the session is still served on its connection.
        assertThat(session.ping().err()).isZero();
    }
}
