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

    public static String hex(long zxid) {
        return "0x" + Long.toHexString(zxid);
    }
}
