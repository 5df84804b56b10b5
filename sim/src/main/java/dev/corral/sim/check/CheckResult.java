package dev.corral.sim.check;

import java.util.List;

/**
 * The verdict of a {@link LinearizabilityChecker} on a history, with what explains a failure.
 *
 * <p>For {@link Verdict#NOT_LINEARIZABLE}, {@code longestPrefix} is a longest sequence of operations of the
 * failing part that could be linearized (in its linearization order), and {@code unplaced} are the
 * operations that were candidates right after it, none of which could come next: each either gave an
 * output the specification does not allow there, or led only to states already shown to fail. The
 * operation whose return forced the search back is listed first. For the other verdicts both are empty.
 *
 * @param steps model steps taken, over all parts
 * @param parts how many independent parts the history was split into
 */
public record CheckResult<I, O>(Verdict verdict, List<Operation<I, O>> longestPrefix, List<Operation<I, O>> unplaced,
        long steps, int parts) {

    public enum Verdict {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        /** The step budget ran out before the search ended. */
        UNKNOWN
    }

    public CheckResult {
        longestPrefix = List.copyOf(longestPrefix);
        unplaced = List.copyOf(unplaced);
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    /** A few lines for a failure report: the verdict, then the prefix, then the operations that could not be placed. */
    public String explain() {
        StringBuilder text = new StringBuilder(verdict + " (" + steps + " steps, " + parts + " parts)");
        if (verdict == Verdict.NOT_LINEARIZABLE) {
            text.append("\nlongest linearizable prefix (").append(longestPrefix.size()).append(" operations):");
            for (Operation<I, O> op : longestPrefix) {
                text.append("\n  ").append(op);
            }
            text.append("\nnone of these can come next:");
            for (Operation<I, O> op : unplaced) {
                text.append("\n  ").append(op);
            }
        }
        return text.toString();
    }
}
