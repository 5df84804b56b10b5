package dev.corral.sim.check;

import java.util.Objects;

/**
 * One client operation of a history, as the client saw it: what it asked ({@code input}), when it asked
 * ({@code callTime}), and either what it was told and when ({@code output}, {@code returnTime}) or nothing
 * at all. An operation without an output has an unknown outcome (Jepsen's {@code :info}): the client timed
 * out, crashed or lost its connection, so the operation may or may not have taken effect, and if it did,
 * at any time after its call. Its {@code returnTime} is {@link Long#MAX_VALUE}.
 *
 * <p>{@code clientId} names the sequence the operation belongs to (a ZooKeeper session): operations of one
 * client take effect in the order they were called (ZooKeeper's FIFO client order), which the checker
 * enforces even where their intervals overlap (pipelined requests).
 *
 * <p>Times are any monotonic counter the recorder uses (the simulator's step number, say). Two operations
 * are ordered in real time only if one returned strictly before the other was called; equal times count as
 * overlapping, so a recorder that wants them ordered must give them distinct times.
 *
 * <p>Invariants: {@code callTime <= returnTime}; {@code output == null} exactly when
 * {@code returnTime == Long.MAX_VALUE}.
 */
public record Operation<I, O>(long clientId, I input, long callTime, O output, long returnTime) {

    public Operation {
        Objects.requireNonNull(input, "input");
        if (output == null ? returnTime != Long.MAX_VALUE : returnTime == Long.MAX_VALUE) {
            throw new IllegalArgumentException("an operation has an output exactly when it returned: " + input
                    + " output " + output + " returnTime " + returnTime);
        }
        if (callTime > returnTime) {
            throw new IllegalArgumentException("returned at " + returnTime + " before its call at " + callTime + ": " + input);
        }
        if (callTime == Long.MIN_VALUE) {
            throw new IllegalArgumentException("callTime Long.MIN_VALUE is reserved: " + input);
        }
    }

    /** An operation the client saw complete, with an answer (a success or an error). */
    public static <I, O> Operation<I, O> completed(long clientId, I input, long callTime, O output, long returnTime) {
        return new Operation<>(clientId, input, callTime, Objects.requireNonNull(output, "output"), returnTime);
    }

    /** An operation whose outcome the client never learnt: it may have taken effect at any time after its call. */
    public static <I, O> Operation<I, O> unknown(long clientId, I input, long callTime) {
        return new Operation<>(clientId, input, callTime, null, Long.MAX_VALUE);
    }

    public boolean isCompleted() {
        return output != null;
    }

    @Override
    public String toString() {
        return "client " + clientId + " " + input + " -> " + (output == null ? "?" : output)
                + " [" + callTime + ", " + (output == null ? "..." : returnTime) + "]";
    }
}
