package dev.corral.node;

import java.util.Arrays;

/**
 * Counts of values in fixed log-linear buckets, for percentiles over one sampling interval: the console's
 * charts take the interval's percentiles every few seconds and start the next interval empty. The same
 * layout as HdrHistogram's with three significant bits, without its auto-resizing or its sub-bucket
 * arithmetic: values 0 to {@value #EXACT_MAX} have a bucket each, and every power of two above has
 * {@value #SUB_BUCKETS} buckets, so a bucket's values are within 12.5% of each other.
 *
 * <p>Why not {@link LatencySummary}'s reservoir: its sample is uniform over everything since start, so its
 * percentiles say nothing about the last interval, and it must copy and sort {@value LatencySummary#RESERVOIR}
 * values to answer. Here {@link #record} is a leading-zero count, a shift and an array increment (the
 * request path calls it for every reply), and memory is the fixed array whatever comes.
 *
 * <p>Percentiles are by nearest rank: the value at rank ceil(q * count) of the sorted values, reported as
 * the highest value of its bucket but never above the largest value recorded, so a percentile is exact for
 * values up to {@value #EXACT_MAX}, never below the true one, and at most 12.5% above it. Not thread-safe:
 * one owner records and takes (the node loop for request latency; a lock for fsync time).
 *
 * <p>Invariant: {@code count} is the sum of {@code buckets}; {@code max} is the largest value recorded since
 * the last {@link #takeInterval}, 0 if none.
 */
public final class IntervalHistogram {
    static final int SUB_BUCKET_BITS = 3;
    static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    // Values below 2 * SUB_BUCKETS need no rounding: each has its own bucket.
    static final int EXACT_MAX = 2 * SUB_BUCKETS - 1;
    private static final int EXACT_BITS = SUB_BUCKET_BITS + 1;
    // The highest bit of a positive long is bit 62.
    static final int BUCKET_COUNT = EXACT_MAX + 1 + (62 - EXACT_BITS + 1) * SUB_BUCKETS;

    /** What one interval's values were: their count, percentiles and largest, all 0 for an empty interval. */
    public record Percentiles(long count, long p50, long p90, long p99, long p999, long max) {
        public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0, 0);
    }

    private final long[] buckets = new long[BUCKET_COUNT];
    private long count;
    private long max;

    /**
     * Adds one value; a negative one (a clock that went back) is dropped, as {@link LatencySummary} and
     * ZooKeeper's ServerStats drop it, so that an interval counts the requests the latency summary counts.
     */
    public void record(long value) {
        if (value < 0) {
            return;
        }
        buckets[bucketOf(value)]++;
        count++;
        if (value > max) {
            max = value;
        }
    }

    /** The interval's percentiles; the histogram starts the next interval empty. */
    public Percentiles takeInterval() {
        if (count == 0) {
            return Percentiles.NONE;
        }
        Percentiles p = new Percentiles(count, valueAt(0.5), valueAt(0.9), valueAt(0.99), valueAt(0.999), max);
        Arrays.fill(buckets, 0);
        count = 0;
        max = 0;
        return p;
    }

    /** The value at {@code quantile} (0 < quantile <= 1) by nearest rank, as the class comment says. */
    long valueAt(double quantile) {
        long rank = Math.max(1, (long) Math.ceil(quantile * count));
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.min(highestIn(i), max);
            }
        }
        throw new IllegalStateException("rank " + rank + " past the histogram's count " + count);
    }

    /** The bucket of a value >= 0. */
    static int bucketOf(long value) {
        if (value <= EXACT_MAX) {
            return (int) value;
        }
        int highestBit = 63 - Long.numberOfLeadingZeros(value);
        int shift = highestBit - SUB_BUCKET_BITS;
        // The value's top SUB_BUCKET_BITS + 1 bits, SUB_BUCKETS to 2 * SUB_BUCKETS - 1, pick the sub-bucket.
        int top = (int) (value >>> shift);
        return EXACT_MAX + 1 + (highestBit - EXACT_BITS) * SUB_BUCKETS + (top - SUB_BUCKETS);
    }

    /** The highest value that falls in bucket {@code index}. */
    static long highestIn(int index) {
        if (index <= EXACT_MAX) {
            return index;
        }
        int above = index - (EXACT_MAX + 1);
        int shift = above / SUB_BUCKETS + EXACT_BITS - SUB_BUCKET_BITS;
        long top = SUB_BUCKETS + above % SUB_BUCKETS;
        long next = (top + 1) << shift;
        // The last bucket ends at Long.MAX_VALUE, where next overflows.
        return next <= 0 ? Long.MAX_VALUE : next - 1;
    }
}
