package dev.corral.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How many txns one zxid is behind another, as the leader and the console count a member's lag. */
class ZxidTest {
    record Case(String name, long from, long to, long behind) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Within one epoch: the counters' difference.
                new Case("same epoch", Zxid.of(3, 10), Zxid.of(3, 25), 15),
                new Case("up to date", Zxid.of(3, 25), Zxid.of(3, 25), 0),
                // Ahead (a stale view of the leader's end): not behind, never negative.
                new Case("ahead", Zxid.of(3, 26), Zxid.of(3, 25), 0),
                // From an earlier epoch, or from nothing: every txn of the later epoch so far.
                new Case("earlier epoch", Zxid.of(2, 900), Zxid.of(3, 4), 4),
                new Case("empty", 0, Zxid.of(1, 7), 7),
                new Case("epoch with its high bit set", Zxid.of(1, 5), Zxid.of(0x80000001, 2), 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void txnsBehindCountsTheTxnsOfTheLaterEpoch(Case c) {
        assertThat(Zxid.txnsBehind(c.from(), c.to())).isEqualTo(c.behind());
    }
}
