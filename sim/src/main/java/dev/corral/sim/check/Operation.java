package dev.corral.sim.check;

import java.util.Objects;

/**
 * One client operation of a history, as the client saw it: what it asked ({@code input}), when it asked
 * ({@code callTime}), and either what it was told and when ({@code output}, {@code returnTime}) or nothing
 * at all. An operation without an output has an unknown outcome (Jepsen's {@code :info}): the client timed
 * out, crashed or lost its connection, so the operation may or may not have taken effect, and if it did,
 * at any time after its call and no later than its {@code returnTime}, which is then a deadline:
 * {@link Long#MAX_VALUE} when nothing bounds it, or a time after which the recorder knows the operation
 * cannot take effect (for a ZooKeeper request: once its session's close or expiry is committed, since no
 * later txn of that session exists). A deadline keeps the search small: an unknown operation without one
 * stays a candidate until the end of the history, and each one doubles the states a failing search visits.
 *
 * <p>{@code clientId} names the sequence the operation belongs to (a ZooKeeper session): operations of one
 * client take effect in the order they were called (ZooKeeper's FIFO client order), which the checker
 * enforces even where their intervals overlap (pipelined requests). An operation with an unknown outcome
 * does not hold back its client's later operations, as it may never take effect.
 *
 * <p>Times are any monotonic counter the recorder uses (the simulator's step number, say). Two operations
 * are ordered in real time only if one returned strictly before the other was called; equal times count as
 * overlapping, so a recorder that wants them ordered must give them distinct times.
 *
 * <p>Invariants: {@code callTime <= returnTime}; {@code callTime > Long.MIN_VALUE} (reserved by the search).
 */
public record Operation<I, O>(long clientId, I input, long callTime, O output, long returnTime) {

    public Operation {
        Objects.requireNonNull(input, "input");
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

    /** An operation whose outcome the client never learnt, which took effect, if at all, by {@code deadline}. */
    public static <I, O> Operation<I, O> unknown(long clientId, I input, long callTime, long deadline) {
        return new Operation<>(clientId, input, callTime, null, deadline);
    }

    public boolean isCompleted() {
        return output != null;
    }

    @Override
    public String toString() {
        return "client " + clientId + " " + input + " -> " + (output == null ? "?" : output)
                + " [" + callTime + ", " + (returnTime == Long.MAX_VALUE ? "..." : returnTime) + "]";
    }
}
