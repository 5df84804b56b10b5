package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The failover report's distributions: min, median and max over the rounds that measured, per target. */
class FailoverReportTest {

    record Case(String name, List<Long> servingMs, List<Boolean> failed, double min, double median, double max, int count) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Ordinary rounds, in any order.
                new Case("odd count", List.of(523L, 498L, 1014L), List.of(false, false, false), 498, 523, 1014, 3),
                new Case("even count averages the middle two", List.of(200L, 400L, 300L, 100L), List.of(false, false, false, false),
                        100, 250, 400, 4),
                // A round that failed is listed in the report but left out of the figures.
                new Case("failed round left out", List.of(200L, 9_999L, 300L), List.of(false, true, false), 200, 250, 300, 2),
                new Case("nothing measured", List.of(200L), List.of(true), Double.NaN, Double.NaN, Double.NaN, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void spreadCountsOnlyMeasuredRoundsOfOneTarget(Case c) {
        List<FailoverRound> rounds = new ArrayList<>();
        for (int i = 0; i < c.servingMs().size(); i++) {
            rounds.add(round(Target.CORRAL, i + 1, c.servingMs().get(i), c.failed().get(i)));
            rounds.add(round(Target.ZOOKEEPER, i + 1, 1, false)); // another target's rounds never count
        }

        FailoverReport.Spread spread = FailoverReport.spread(rounds, Target.CORRAL, FailoverRound::servingMs);

        assertThat(spread).isEqualTo(new FailoverReport.Spread(c.min(), c.median(), c.max(), c.count()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportRowShowsBothTargetsAndTheirRatios(Case c) {
        List<FailoverRound> rounds = new ArrayList<>();
        for (int i = 0; i < c.servingMs().size(); i++) {
            rounds.add(round(Target.ZOOKEEPER, i + 1, 2 * c.servingMs().get(i), c.failed().get(i)));
            rounds.add(round(Target.CORRAL, i + 1, c.servingMs().get(i), c.failed().get(i)));
        }

        String report = FailoverReport.markdown("t", "cmd", List.of(), new MachineInfo("cpu", 2, 0, "k", "jdk", "zk", "corral"),
                rounds, List.of());

        String ratios = c.count() == 0 ? "| – | – | – |" : "| 0.50 | 0.50 | 0.50 |";
        assertThat(report).contains("| every survivor serving (srvr) | " + c.count() + " / " + c.count() + " |")
                .contains(ratios);
    }

    private static FailoverRound round(Target kind, int round, long servingMs, boolean failed) {
        return new FailoverRound(kind.id(), round, 1, 2, 3, servingMs, servingMs + 5, 1, 1_000, 1.0,
                failed ? "bound passed" : null);
    }
}
