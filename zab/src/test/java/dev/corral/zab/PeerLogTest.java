package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.tree.Zxid;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A peer's in-memory log: continuity, truncation, the TRUNC point of a divergent learner, delivery. */
class PeerLogTest {
    private static LogEntry entry(int epoch, long counter) {
        return new LogEntry(Zxid.of(epoch, counter), new byte[] {(byte) counter});
    }

    /** 1.1 1.2 1.3 2.1 2.2 4.1 */
    private static PeerLog sample() {
        return new PeerLog(0, List.of(entry(1, 1), entry(1, 2), entry(1, 3), entry(2, 1), entry(2, 2), entry(4, 1)));
    }

    record TruncCase(String name, long learnerLast, long expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<TruncCase> truncCases() {
        return List.of(
                // The learner has txns of an epoch we hold, beyond ours: cut back to our last one of that epoch.
                new TruncCase("past our end in epoch 1", Zxid.of(1, 7), Zxid.of(1, 3)),
                new TruncCase("past our end in epoch 2", Zxid.of(2, 5), Zxid.of(2, 2)),
                new TruncCase("past our end in the last epoch", Zxid.of(4, 3), Zxid.of(4, 1)),
                // An epoch we have no txn of: nothing is known to be shared, so no TRUNC (a SNAP instead).
                new TruncCase("an epoch we never logged", Zxid.of(3, 2), -1),
                new TruncCase("an epoch after ours", Zxid.of(5, 1), -1));
    }

    @ParameterizedTest
    @MethodSource("truncCases")
    void aLearnerIsTruncatedOnlyToOurLastTxnOfItsEpoch(TruncCase row) {
        assertThat(sample().lastOfEpochBelow(Zxid.epoch(row.learnerLast()), row.learnerLast())).isEqualTo(row.expected());
    }

    @Test
    void appendsMustFollowByZxidFollows() {
        PeerLog log = sample();
        assertThatThrownBy(() -> log.append(entry(4, 3))).hasMessageContaining("log append");
        assertThatThrownBy(() -> log.append(entry(5, 2))).hasMessageContaining("log append");
        log.append(entry(5, 1));
        assertThat(log.lastZxid()).isEqualTo(Zxid.of(5, 1));
    }

    @Test
    void truncateCutsWhatFollowsButNeverADeliveredTxn() {
        PeerLog log = sample();
        deliverUpTo(log, Zxid.of(1, 3));
        log.truncate(Zxid.of(2, 1));
        assertThat(log.lastZxid()).isEqualTo(Zxid.of(2, 1));
        assertThatThrownBy(() -> log.truncate(Zxid.of(1, 2))).hasMessageContaining("below the delivered");
        assertThatThrownBy(() -> log.truncate(Zxid.of(1, 9))).hasMessageContaining("not in the log");
    }

    @Test
    void aLongGapIsWorthADiffOnlyWithinTheBytesLimit() {
        List<LogEntry> entries = new ArrayList<>();
        for (int counter = 1; counter <= 600; counter++) {
            entries.add(new LogEntry(Zxid.of(1, counter), new byte[10]));
        }
        PeerLog log = new PeerLog(0, entries);
        long last = Zxid.of(1, 600);
        // 500 txns from memory whatever the limit; 501 of 10 bytes are 5,010 bytes.
        assertThat(log.diffWorthIt(Zxid.of(1, 100), last, -1)).isTrue();
        assertThat(log.diffWorthIt(Zxid.of(1, 99), last, -1)).isFalse();
        assertThat(log.diffWorthIt(Zxid.of(1, 99), last, 0)).as("0: no limit").isTrue();
        assertThat(log.diffWorthIt(Zxid.of(1, 99), last, 5_010)).isTrue();
        assertThat(log.diffWorthIt(Zxid.of(1, 99), last, 5_009)).isFalse();
    }

    @Test
    void betweenReturnsTheHalfOpenRange() {
        PeerLog log = sample();
        assertThat(log.between(Zxid.of(1, 2), Zxid.of(2, 2))).extracting(LogEntry::zxid)
                .containsExactly(Zxid.of(1, 3), Zxid.of(2, 1), Zxid.of(2, 2));
        assertThat(log.between(Zxid.of(4, 1), Zxid.of(4, 1))).isEmpty();
        assertThat(log.contains(Zxid.of(2, 2))).isTrue();
        assertThat(log.contains(Zxid.of(3, 1))).isFalse();
        assertThat(log.contains(0)).isTrue();
    }

    @Test
    void trimmingKeepsTheNewestDeliveredAndMovesTheBase() {
        List<LogEntry> entries = new ArrayList<>();
        for (int counter = 1; counter <= 200; counter++) {
            entries.add(entry(1, counter));
        }
        PeerLog log = new PeerLog(0, entries);
        deliverUpTo(log, Zxid.of(1, 150));
        log.trim(50);
        assertThat(log.baseZxid()).isEqualTo(Zxid.of(1, 100));
        assertThat(log.size()).isEqualTo(100);
        assertThat(log.deliverable(Zxid.of(1, 151)).zxid()).isEqualTo(Zxid.of(1, 151));
        assertThat(log.contains(Zxid.of(1, 99))).isFalse();
    }

    private static void deliverUpTo(PeerLog log, long zxid) {
        for (LogEntry e = log.deliverable(zxid); e != null; e = log.deliverable(zxid)) {
            log.delivered(e);
        }
    }
}
