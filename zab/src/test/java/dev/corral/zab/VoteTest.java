package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The candidate order of fast leader election (FastLeaderElection#totalOrderPredicate). */
class VoteTest {
    record Case(String name, Vote candidate, Vote other, boolean beats) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // The epoch decides first: a later epoch wins even with a lower zxid.
                new Case("later epoch wins over higher zxid", new Vote(1, 0x100000001L, 1, 2), new Vote(3, 0x100000009L, 1, 1), true),
                new Case("earlier epoch loses", new Vote(3, 0x100000009L, 1, 1), new Vote(1, 0x100000001L, 1, 2), false),
                // Then the zxid.
                new Case("higher zxid wins on equal epoch", new Vote(1, 0x100000005L, 1, 1), new Vote(3, 0x100000004L, 1, 1), true),
                new Case("lower zxid loses on equal epoch", new Vote(3, 0x100000004L, 1, 1), new Vote(1, 0x100000005L, 1, 1), false),
                // Then the server id.
                new Case("higher id wins on equal epoch and zxid", new Vote(3, 7, 1, 1), new Vote(2, 7, 1, 1), true),
                new Case("lower id loses on equal epoch and zxid", new Vote(2, 7, 1, 1), new Vote(3, 7, 1, 1), false),
                new Case("a vote does not beat itself", new Vote(2, 7, 1, 1), new Vote(2, 7, 1, 1), false),
                // The round is not part of the order.
                new Case("round does not matter", new Vote(2, 7, 1, 1), new Vote(2, 7, 9, 1), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void candidatesAreOrderedByEpochThenZxidThenId(Case row) {
        assertThat(row.candidate().beats(row.other())).isEqualTo(row.beats());
    }
}
