package dev.corral.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order and pauses of reconnect attempts: the servers in the order given from the one after the
 * server lost, a jitter before each attempt, and a round pause before each new round of the servers.
 */
class ServerRotationTest {
    private static final int JITTER = 250;

    /** Servers, the index last connected to, and the attempts that follow as "server+delay". */
    record Case(String name, int servers, int connectedTo, List<String> attempts) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        int round = JITTER + ServerRotation.ROUND_PAUSE_MS;
        return Stream.of(
                // One server: every attempt goes to it; from the second on, after a round pause.
                new Case("one server", 1, 0, List.of("s0+" + JITTER, "s0+" + round, "s0+" + round)),
                // Several: the next one first, the one lost last in its round, then a pause and again.
                new Case("three servers, lost the first", 3, 0,
                        List.of("s1+" + JITTER, "s2+" + JITTER, "s0+" + JITTER, "s1+" + round, "s2+" + JITTER)),
                new Case("three servers, lost the last", 3, 2, List.of("s0+" + JITTER, "s1+" + JITTER, "s2+" + JITTER, "s0+" + round)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void attemptsGoRoundTheServersWithBoundedPauses(Case c) {
        List<InetSocketAddress> servers = servers(c.servers());
        ServerRotation rotation = new ServerRotation(servers, () -> JITTER);
        rotation.onConnected(c.connectedTo());
        List<String> attempts = new ArrayList<>();
        for (int i = 0; i < c.attempts().size(); i++) {
            ServerRotation.Attempt attempt = rotation.next();
            assertThat(servers.get(rotation.lastTriedIndex())).isEqualTo(attempt.server());
            attempts.add(attempt.server().getHostString() + "+" + attempt.delayMs());
        }
        assertThat(attempts).isEqualTo(c.attempts());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aConnectionStartsTheNextOutageFromTheServerAfterIt(Case c) {
        List<InetSocketAddress> servers = servers(c.servers());
        ServerRotation rotation = new ServerRotation(servers, () -> 0);
        rotation.onConnected(c.connectedTo());
        rotation.next();
        rotation.next();
        int reached = rotation.lastTriedIndex();
        rotation.onConnected(reached);
        ServerRotation.Attempt after = rotation.next();
        assertThat(after.server()).isEqualTo(servers.get((reached + 1) % servers.size()));
        assertThat(after.delayMs()).as("a new outage starts without a round pause").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aReadWriteServerFoundIsTriedNextAndTheRoundGoesOnFromIt(Case c) {
        List<InetSocketAddress> servers = servers(c.servers());
        ServerRotation rotation = new ServerRotation(servers, () -> 0);
        rotation.onConnected(c.connectedTo());
        int found = (c.connectedTo() + c.servers() - 1) % c.servers();

        rotation.tryNext(found);

        ServerRotation.Attempt first = rotation.next();
        assertThat(first.server()).isEqualTo(servers.get(found));
        assertThat(first.delayMs()).as("no round pause before it").isZero();
        assertThat(rotation.lastTriedIndex()).isEqualTo(found);
        assertThat(rotation.next().server()).isEqualTo(servers.get((found + 1) % servers.size()));
    }

    private static List<InetSocketAddress> servers(int count) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            servers.add(InetSocketAddress.createUnresolved("s" + i, 2181));
        }
        return servers;
    }
}
