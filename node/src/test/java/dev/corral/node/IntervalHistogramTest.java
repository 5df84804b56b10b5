package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interval histogram against a model: the same values sorted in an array, read by nearest rank. Each
 * case draws its values from a seeded generator; the seed is printed and -Dhistogram.seed=N replays it.
 */
class IntervalHistogramTest {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};

    /** A distribution of values and how many of them make an interval. */
    record Case(String name, int count, ToLongFunction<SplittableRandom> draw) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Small values only: every bucket holds one value, so every percentile is exact.
                new Case("exact range", 5_000, r -> r.nextLong(IntervalHistogram.EXACT_MAX + 1)),
                // Request latency in milliseconds as a server sees it: mostly 0-2, a long tail.
                new Case("latency-like tail", 20_000, r -> r.nextDouble() < 0.95 ? r.nextLong(3) : (long) Math.exp(r.nextDouble() * 9)),
                // fsync time in microseconds: a few hundred to tens of thousands.
                new Case("fsync-like micros", 3_000, r -> 200 + (long) (r.nextDouble() * r.nextDouble() * 40_000)),
                // Every magnitude a long can hold, the last bucket included.
                new Case("whole range", 10_000, r -> r.nextLong(Long.MAX_VALUE) >>> r.nextInt(63)),
                new Case("one value", 1, r -> 1 + r.nextLong(1_000_000)),
                new Case("all equal", 1_000, r -> 777),
                // A clock that went back: dropped, as LatencySummary drops it.
                new Case("negatives", 1_000, r -> r.nextLong(-50, 50)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void percentilesMatchTheSortedValuesWithinOneBucket(Case c) {
        long seed = Long.getLong("histogram.seed", System.nanoTime());
        System.out.println("IntervalHistogramTest " + c.name() + ": seed " + seed + " (replay with -Dhistogram.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        IntervalHistogram histogram = new IntervalHistogram();
        // Two intervals: the second must see its own values only.
        for (int interval = 0; interval < 2; interval++) {
            long[] values = new long[c.count()];
            for (int i = 0; i < values.length; i++) {
                values[i] = c.draw().applyAsLong(random);
                histogram.record(values[i]);
            }
            long[] sorted = Arrays.stream(values).filter(v -> v >= 0).sorted().toArray();
            for (double q : QUANTILES) {
                long model = sorted[(int) Math.max(1, Math.ceil(q * sorted.length)) - 1];
                long got = histogram.valueAt(q);
                String where = c.name() + " seed " + seed + " interval " + interval + " q " + q;
                assertThat(got).as(where + ": not below the true value").isGreaterThanOrEqualTo(model);
                assertThat(IntervalHistogram.bucketOf(got)).as(where + ": in the true value's bucket").isEqualTo(IntervalHistogram.bucketOf(model));
                if (model <= IntervalHistogram.EXACT_MAX) {
                    assertThat(got).as(where + ": exact for small values").isEqualTo(model);
                }
            }
            IntervalHistogram.Percentiles p = histogram.takeInterval();
            assertThat(p.count()).isEqualTo(sorted.length);
            assertThat(p.max()).as("the largest value is exact").isEqualTo(sorted[sorted.length - 1]);
            assertThat(p.p50()).isLessThanOrEqualTo(p.p90());
            assertThat(p.p90()).isLessThanOrEqualTo(p.p99());
            assertThat(p.p99()).isLessThanOrEqualTo(p.p999());
            assertThat(p.p999()).isLessThanOrEqualTo(p.max());
        }
        assertThat(histogram.takeInterval()).as("an interval with no values").isEqualTo(IntervalHistogram.Percentiles.NONE);
    }

    /** Values each in a bucket of its own, so that a rank off by one reads another bucket. */
    record RankCase(String name, long[] values, double quantile, long expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<RankCase> ranks() {
        // 2^4 .. 2^62: 59 values, one per power of two, each the lowest of its bucket.
        long[] powers = java.util.stream.IntStream.rangeClosed(4, 62).mapToLong(bit -> 1L << bit).toArray();
        return Stream.of(
                // Nearest rank: ceil(q * n). 0.5 * 59 = 29.5, rank 30, the 30th value 2^33; reported as its bucket's highest.
                new RankCase("median of 59 by nearest rank", powers, 0.5, IntervalHistogram.highestIn(IntervalHistogram.bucketOf(1L << 33))),
                // 0.99 * 59 = 58.41, rank 59: the largest, which caps its bucket.
                new RankCase("p99 of 59 is the largest", powers, 0.99, 1L << 62),
                // Exact values: 0.9 * 10 = 9 exactly, rank 9, not 10.
                new RankCase("an exact rank is not rounded up", new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 0.9, 8),
                new RankCase("p50 of two", new long[] {3, 12}, 0.5, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ranks")
    void percentileIsTheNearestRanksBucket(RankCase c) {
        IntervalHistogram histogram = new IntervalHistogram();
        for (long value : c.values()) {
            histogram.record(value);
        }
        assertThat(histogram.valueAt(c.quantile())).isEqualTo(c.expected());
    }

    @Test
    void bucketsTileTheLongsWithoutGapsAndWithinAnEighth() {
        assertThat(IntervalHistogram.bucketOf(0)).isZero();
        for (int i = 0; i < IntervalHistogram.BUCKET_COUNT - 1; i++) {
            long highest = IntervalHistogram.highestIn(i);
            assertThat(IntervalHistogram.bucketOf(highest)).as("bucket %d ends at %d", i, highest).isEqualTo(i);
            assertThat(IntervalHistogram.bucketOf(highest + 1)).as("bucket %d starts at %d", i + 1, highest + 1).isEqualTo(i + 1);
            long lowest = i == 0 ? 0 : IntervalHistogram.highestIn(i - 1) + 1;
            assertThat(highest - lowest).as("bucket %d's width", i).isLessThanOrEqualTo(Math.max(0, lowest / IntervalHistogram.SUB_BUCKETS));
        }
        assertThat(IntervalHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(IntervalHistogram.BUCKET_COUNT - 1);
        assertThat(IntervalHistogram.highestIn(IntervalHistogram.BUCKET_COUNT - 1)).isEqualTo(Long.MAX_VALUE);
    }
}
