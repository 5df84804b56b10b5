package dev.corral.sim;

/** A broken invariant or a missed liveness bound in a simulated run; its message names the seed. */
public final class SimFailure extends RuntimeException {
    public SimFailure(String message) {
        super(message);
    }

    public SimFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
