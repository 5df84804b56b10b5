package dev.corral.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Issue 16's footprint figures: the large profile measures ten million znodes three times over with the
 * heap ZooKeeper needs, and a footprint figure of several runs shows their spread beside the median.
 */
class FootprintFiguresTest {
    @Test
    void theLargeProfileIsTenMillionZnodesThreeTimesOverWithEightGigabytes() {
        Profile large = Profile.named("large");

        assertThat(large.footprintZnodes()).isEqualTo(10_000_000);
        assertThat(large.footprintPairs()).isEqualTo(3);
        assertThat(large.heapMax()).isEqualTo("8g");
        assertThat(Profile.named("quick").heapMax()).isEqualTo("1g");
        assertThatThrownBy(() -> Profile.named("huge")).hasMessageContaining("large");
    }

    @Test
    void aLargeFootprintRunSnapshotsEveryTenthOfItsZnodesOnBothServers() {
        assertThat(Footprint.zooCfgFor(10_000_000)).containsExactly(java.util.Map.entry("snapCount", "1000000"));
        assertThat(Footprint.zooCfgFor(1_000_000)).isEmpty();
        assertThat(Footprint.zooCfgFor(Footprint.SNAP_COUNT_FROM_ZNODES)).isEmpty();
    }

    @Test
    void aFigureOfSeveralRunsShowsItsLowestAndHighestBesideTheMedian() {
        assertThat(Report.footprintCell(270, new double[] {258, 270, 273}, true)).isEqualTo("270 (258–273)");
        assertThat(Report.footprintCell(270.4, new double[] {270.4}, false)).doesNotContain("(");
        assertThat(Report.footprintCell(5, new double[] {Double.NaN, 5, 7}, true)).isEqualTo("5 (5–7)");
        assertThat(Report.footprintCell(5, new double[] {Double.NaN, 5}, true)).isEqualTo("5");
    }
}
