package dev.corral.tree;

/**
 * Always-on invariant checks for the deterministic core. A failed check is a bug in Corral, never bad
 * input: it throws so the state machine stops before it can diverge from its peers.
 */
public final class Invariants {
    private Invariants() {}

    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + message);
        }
    }

    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + String.format(format, args));
        }
    }

    /**
     * {@link #check(boolean, String, Object...)} for a message about zxids, each formatted by
     * {@link Zxid#hex} into a {@code %s} only when the check fails: the checks on every txn's path (appends,
     * commits, proposals) made two hex Strings per txn otherwise.
     */
    public static void checkZxids(boolean condition, String format, long zxid, long other) {
        if (!condition) {
            check(false, format, Zxid.hex(zxid), Zxid.hex(other));
        }
    }
}
