package dev.corral.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The mode is read from {@code srvr} answers as ZooKeeper 3.9.5 prints them (ServerCommand / StatCommand). */
class ServerProbeTest {
    record Case(String name, String answer, Optional<String> mode) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case[] cases() {
        String head = "Zookeeper version: 3.9.5\nLatency min/avg/max: 0/0.0/0\nReceived: 1\nSent: 0\nConnections: 1\n"
                + "Outstanding: 0\nZxid: 0x100000000\n";
        return new Case[] {
            // The four roles a serving server reports.
            new Case("leader", head + "Mode: leader\nNode count: 5\nProposal sizes last/min/max: -1/-1/-1\n", Optional.of("leader")),
            new Case("follower", head + "Mode: follower\nNode count: 5\n", Optional.of("follower")),
            new Case("observer", head + "Mode: observer\nNode count: 5\n", Optional.of("observer")),
            new Case("standalone", head + "Mode: standalone\nNode count: 5\n", Optional.of("standalone")),
            // A member outside a quorum answers without a Mode line.
            new Case("not serving", "This ZooKeeper instance is not currently serving requests\n", Optional.empty()),
            new Case("empty", "", Optional.empty()),
        };
    }

    @ParameterizedTest
    @MethodSource("cases")
    void modeLine(Case c) {
        assertThat(ServerProbe.modeIn(c.answer())).isEqualTo(c.mode());
    }
}
