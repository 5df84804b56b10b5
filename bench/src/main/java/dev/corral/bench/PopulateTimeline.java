package dev.corral.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a populate's slow creates fell, to line up with a server's own log, GC log or flight recording:
 * the snapshot windows, the slowest creates, and the longest gaps between two consecutive completions,
 * all as milliseconds from the populate's start and as wall-clock times.
 *
 * <p>The gaps tell a stall of the server from a delay of one request. While a server stops answering, every
 * create in flight waits and no create completes, so the longest gap is about as long as the longest create;
 * a create that waited in a queue of its own (the client's event thread, a connection's buffer) leaves no
 * gap.
 */
final class PopulateTimeline {
    static final int SHOWN = 12;

    private PopulateTimeline() {}

    /**
     * The timeline of {@code count} creates, create {@code i} issued at {@code issuedNanos[i]} (System.nanoTime())
     * and completed {@code latencyMicros[i]} later; {@code startNanos} was read at the wall-clock time
     * {@code startEpochMillis}.
     */
    static String describe(long startNanos, long startEpochMillis, long[] issuedNanos, int[] latencyMicros, int count,
            List<SnapshotWatch.Window> windows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "populate of %,d creates started at %s; offsets are ms from then%n",
                count, Instant.ofEpochMilli(startEpochMillis)));
        out.append(String.format(Locale.ROOT, "%nsnapshots (first sighting to last growth):%n"));
        for (SnapshotWatch.Window window : windows) {
            out.append(String.format(Locale.ROOT, "  %-30s %10.1f .. %10.1f  (%s)%n", window.name(),
                    ms(window.startNanos() - startNanos), ms(window.endNanos() - startNanos),
                    wall(startNanos, startEpochMillis, window.startNanos())));
        }
        List<Integer> slowest = slowest(latencyMicros, count, SHOWN);
        out.append(String.format(Locale.ROOT, "%nslowest creates:%n  %10s %10s %10s  %-24s %s%n", "issued", "completed",
                "latency", "completed at", "during a snapshot"));
        for (int i : slowest) {
            long completed = issuedNanos[i] + latencyMicros[i] * 1_000L;
            out.append(String.format(Locale.ROOT, "  %10.1f %10.1f %10.1f  %-24s %s%n", ms(issuedNanos[i] - startNanos),
                    ms(completed - startNanos), latencyMicros[i] / 1000.0, wall(startNanos, startEpochMillis, completed),
                    during(windows, issuedNanos[i], completed)));
        }
        out.append(String.format(Locale.ROOT, "%nlongest gaps with no create completing:%n  %10s %10s %10s  %-24s %s%n",
                "from", "to", "gap", "ended at", "during a snapshot"));
        for (long[] gap : longestGaps(issuedNanos, latencyMicros, count, SHOWN)) {
            out.append(String.format(Locale.ROOT, "  %10.1f %10.1f %10.1f  %-24s %s%n", ms(gap[0] - startNanos),
                    ms(gap[1] - startNanos), ms(gap[1] - gap[0]), wall(startNanos, startEpochMillis, gap[1]),
                    during(windows, gap[0], gap[1])));
        }
        return out.toString();
    }

    /** The indexes of the {@code shown} longest latencies, longest first. */
    static List<Integer> slowest(int[] latencyMicros, int count, int shown) {
        List<Integer> slowest = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (slowest.size() < shown || latencyMicros[i] > latencyMicros[slowest.get(slowest.size() - 1)]) {
                int at = slowest.size();
                while (at > 0 && latencyMicros[slowest.get(at - 1)] < latencyMicros[i]) {
                    at--;
                }
                slowest.add(at, i);
                if (slowest.size() > shown) {
                    slowest.remove(slowest.size() - 1);
                }
            }
        }
        return slowest;
    }

    /** The {@code shown} longest intervals between consecutive completions, as {from, to} nanos, longest first. */
    static List<long[]> longestGaps(long[] issuedNanos, int[] latencyMicros, int count, int shown) {
        long[] completions = new long[count];
        for (int i = 0; i < count; i++) {
            completions[i] = issuedNanos[i] + latencyMicros[i] * 1_000L;
        }
        Arrays.sort(completions);
        List<long[]> gaps = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            long length = completions[i] - completions[i - 1];
            if (gaps.size() < shown || length > gapLength(gaps.get(gaps.size() - 1))) {
                int at = gaps.size();
                while (at > 0 && gapLength(gaps.get(at - 1)) < length) {
                    at--;
                }
                gaps.add(at, new long[] {completions[i - 1], completions[i]});
                if (gaps.size() > shown) {
                    gaps.remove(gaps.size() - 1);
                }
            }
        }
        return gaps;
    }

    private static long gapLength(long[] gap) {
        return gap[1] - gap[0];
    }

    private static String during(List<SnapshotWatch.Window> windows, long fromNanos, long toNanos) {
        for (SnapshotWatch.Window window : windows) {
            if (fromNanos <= window.endNanos() && toNanos >= window.startNanos()) {
                return window.name();
            }
        }
        return "-";
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String wall(long startNanos, long startEpochMillis, long nanos) {
        return Instant.ofEpochMilli(startEpochMillis + (nanos - startNanos) / 1_000_000).toString();
    }
}
