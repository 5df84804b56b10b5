package dev.corral.sim.check;

/**
 * What a {@link Model} says about one operation applied to a state: whether the observed output is one the
 * specification allows there ({@code legal}), and the state after it. Invariant: {@code state != null}
 * exactly when {@code legal}.
 */
public record StepResult<S>(boolean legal, S state) {
    private static final StepResult<?> ILLEGAL = new StepResult<>(false, null);

    public StepResult {
        if (legal != (state != null)) {
            throw new IllegalArgumentException("a legal step has a state and an illegal one none: " + legal + ", " + state);
        }
    }

    public static <S> StepResult<S> legal(S state) {
        return new StepResult<>(true, state);
    }

    @SuppressWarnings("unchecked")
    public static <S> StepResult<S> illegal() {
        return (StepResult<S>) ILLEGAL;
    }
}
