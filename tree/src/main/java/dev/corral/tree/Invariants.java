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
}
