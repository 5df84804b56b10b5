package dev.corral.tree;

/** A zxid is a 64-bit transaction id: the epoch in the high 32 bits and a counter in the low 32. */
public final class Zxid {
    private Zxid() {}

    public static long of(int epoch, long counter) {
        return ((long) epoch << 32) | (counter & 0xffffffffL);
    }

    public static int epoch(long zxid) {
        return (int) (zxid >>> 32);
    }

    public static long counter(long zxid) {
        return zxid & 0xffffffffL;
    }

    /**
     * Whether {@code zxid} may come right after {@code previous} in a log of txns: the next counter of the
     * same epoch, or counter 1 of a later epoch (a new leader's first proposal; ZAB never skips a
     * counter). The one continuity rule of the log: appends, the checks when it is opened and replay after
     * a snapshot all use it.
     */
    public static boolean follows(long previous, long zxid) {
        if (epoch(zxid) == epoch(previous)) {
            return zxid == previous + 1;
        }
        return Integer.compareUnsigned(epoch(zxid), epoch(previous)) > 0 && counter(zxid) == 1;
    }

    /**
     * How many txns a server holding {@code from} lacks to hold {@code to}, as a leader counts a learner's lag:
     * the counters' difference within one epoch; from an earlier epoch, every txn of {@code to}'s epoch up to
     * it (counters start again at each epoch, so the earlier epoch's remaining txns cannot be counted from the
     * zxids alone, and a new leader truncates them anyway). 0 when {@code from} is not behind.
     */
    public static long txnsBehind(long from, long to) {
        if (Long.compareUnsigned(to, from) <= 0) {
            return 0;
        }
        return epoch(from) == epoch(to) ? counter(to) - counter(from) : counter(to);
    }

    public static String hex(long zxid) {
        return "0x" + Long.toHexString(zxid);
    }
}
