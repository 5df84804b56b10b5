package dev.corral.sim.check;

import java.util.List;

/**
 * A sequential specification for the {@link LinearizabilityChecker}: the states of an object and what each
 * operation does to them (Porcupine's {@code Model}, Knossos' model). States must be immutable values with
 * {@code equals} and {@code hashCode}: the checker caches (linearized operations, state) pairs and prunes a
 * branch that reaches a pair it has seen (Lowe, "Testing for linearizability", 2017).
 *
 * @param <S> the state
 * @param <I> an operation's input
 * @param <O> an operation's output
 */
public interface Model<S, I, O> {

    /** The state before the history's first operation. */
    S init();

    /**
     * Applies {@code input} to {@code state}. With an {@code output}, the step is legal only if the
     * specification can answer {@code output} in {@code state}. With {@code output == null} (an operation
     * whose outcome is unknown) the step is legal and the state is the one after the operation took effect,
     * whatever its outcome; an unknown operation that did not take effect is the checker's business.
     */
    StepResult<S> step(S state, I input, O output);

    /**
     * Operations for which only their client's order, not real time, bounds when they took effect from
     * below: a ZooKeeper read served by a server that is behind ("sequentially consistent reads"). Such an
     * operation may be linearized at any point after its client's earlier operations and before it returned.
     */
    default boolean sequentialOnly(I input) {
        return false;
    }

    /**
     * Whether an operation with this outcome ({@code output == null}: unknown) leaves the state as it was
     * wherever it is linearized: a read, or a write that failed. The checker drops such an operation when
     * its outcome is unknown (it may as well be placed last), and linearizes a completed one as soon as it is
     * legal, without trying other places for it: that loses no linearization, since it changes no state and
     * an earlier point only frees the operations that must follow it. The default, false, is always safe.
     * Must not be true for an operation that changes the state in some states and not in others (a write of
     * a register's current value).
     */
    default boolean readOnly(I input, O output) {
        return false;
    }

    /**
     * Splits a history into parts that can be checked independently (P-compositionality: Herlihy and
     * Wing's locality, for operations on distinct keys of a map). Each part keeps the history's order.
     * The default checks the history as one part.
     */
    default List<List<Operation<I, O>>> partition(List<Operation<I, O>> history) {
        return List.of(history);
    }
}
