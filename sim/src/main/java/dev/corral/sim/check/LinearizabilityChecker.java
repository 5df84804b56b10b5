package dev.corral.sim.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a history of client operations is linearizable with respect to a sequential
 * {@link Model}: whether every operation can be given a point between its call and its return (for an
 * operation with an unknown outcome: between its call and its deadline, or none at all), each client's
 * operations in the order it called them, such that the model, run in the order of those points, answers
 * what each client saw. A model's {@link Model#sequentialOnly} operations are checked for sequential
 * consistency within their client instead.
 *
 * <p>The history is first split by {@link Model#partition} and each part searched on its own by
 * {@link WglSearch}; unknown read-only operations are dropped first. The search is exponential in the
 * worst case (many concurrent or unknown operations), so each part gets at most {@code stepBudgetPerPart}
 * model steps and the verdict is {@link CheckResult.Verdict#UNKNOWN} when one runs out.
 *
 * <p>Linearizability is P-compositional (Herlihy and Wing's locality), so checking parts that touch
 * disjoint objects is exact. Sequential consistency is not: checked per part, a client reading a new value
 * of one key and then an old value of another key is not caught.
 */
public final class LinearizabilityChecker {
    /**
     * Measured on this project's shared 2-core machine (load 4 to 6), on failing histories of 2,000
     * operations in one part that run out of it: 0.6 to 1.6 s and ~90 to 120 MB of heap, about a hundred
     * sequential znodes in the states or not. Searches that end (almost every linearizable history) take
     * far fewer steps.
     */
    public static final long DEFAULT_STEP_BUDGET_PER_PART = 500_000;

    private final long stepBudgetPerPart;

    public LinearizabilityChecker() {
        this(DEFAULT_STEP_BUDGET_PER_PART);
    }

    public LinearizabilityChecker(long stepBudgetPerPart) {
        if (stepBudgetPerPart <= 0) {
            throw new IllegalArgumentException("stepBudgetPerPart must be positive: " + stepBudgetPerPart);
        }
        this.stepBudgetPerPart = stepBudgetPerPart;
    }

    public <S, I, O> CheckResult<I, O> check(Model<S, I, O> model, List<Operation<I, O>> history) {
        List<Operation<I, O>> kept = new ArrayList<>(history.size());
        for (Operation<I, O> op : history) {
            if (op.isCompleted() || !model.readOnly(op.input(), null)) {
                kept.add(op);
            }
        }
        List<List<Operation<I, O>>> parts = model.partition(kept);
        long steps = 0;
        boolean budgetHit = false;
        for (List<Operation<I, O>> part : parts) {
            WglSearch<S, I, O> search = new WglSearch<>(model, part, stepBudgetPerPart);
            CheckResult.Verdict verdict = search.run();
            steps += search.steps();
            if (verdict == CheckResult.Verdict.NOT_LINEARIZABLE) {
                return new CheckResult<>(verdict, search.longestPrefix(), search.unplaced(), steps, parts.size());
            }
            budgetHit |= verdict == CheckResult.Verdict.UNKNOWN;
        }
        CheckResult.Verdict verdict = budgetHit ? CheckResult.Verdict.UNKNOWN : CheckResult.Verdict.LINEARIZABLE;
        return new CheckResult<>(verdict, List.of(), List.of(), steps, parts.size());
    }
}
