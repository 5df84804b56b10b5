package dev.corral.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.ServerProbe;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A leader's counts of learners it brought up to date by DIFF and by SNAP, from {@code mntr}
 * (ZooKeeper 3.9 ServerMetrics: {@code zk_diff_count}, {@code zk_snap_count}); a test reads them before and
 * after a learner rejoins to see how it was synced.
 */
final class SyncCounts {
    static final String DIFF = "zk_diff_count";
    static final String SNAP = "zk_snap_count";

    private SyncCounts() {}

    /** {@link #DIFF} and {@link #SNAP} from the {@code mntr} of member {@code leader}; fails if either is missing. */
    static Map<String, Long> of(Ensemble ensemble, int leader) throws IOException {
        String mntr = ServerProbe.fourLetterWord(ensemble.member(leader).clientPort(), "mntr");
        Map<String, Long> counts = new HashMap<>();
        for (String line : mntr.split("\n")) {
            String[] keyValue = line.split("\t");
            if (keyValue.length == 2 && (keyValue[0].equals(DIFF) || keyValue[0].equals(SNAP))) {
                counts.put(keyValue[0], Long.parseLong(keyValue[1].trim()));
            }
        }
        assertThat(counts).as("mntr of leader %d names %s and %s:%n%s", leader, DIFF, SNAP, mntr).containsKeys(DIFF, SNAP);
        return counts;
    }
}
