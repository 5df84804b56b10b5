package dev.corral.sim.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records a history as the simulator's clients run: {@link #call} when a client sends a request,
 * {@link #complete} when its answer arrives, and {@link #history} at the end, where every operation
 * without an answer is one with an unknown outcome (its client timed out, crashed or lost its
 * connection), to take effect at any later time or never, unless {@link #noEffectAfter} bounds it. Times
 * of calls and answers must not go backwards; the simulator's step counter is a good clock, and distinct
 * times for a return and a later call keep those two operations ordered.
 *
 * <p>Invariant: each call completes at most once, after it was called.
 */
public final class HistoryRecorder<I, O> {
    private final List<Long> clientIds = new ArrayList<>();
    private final List<I> inputs = new ArrayList<>();
    private final List<Long> callTimes = new ArrayList<>();
    private final List<O> outputs = new ArrayList<>();
    private final List<Long> returnTimes = new ArrayList<>();
    private long lastTime = Long.MIN_VALUE;

    /** Records a call; the number it returns names the operation to {@link #complete}. */
    public int call(long clientId, I input, long time) {
        advanceTo(time);
        clientIds.add(clientId);
        inputs.add(input);
        callTimes.add(time);
        outputs.add(null);
        returnTimes.add(Long.MAX_VALUE);
        return inputs.size() - 1;
    }

    /** Records the answer to operation {@code id}. */
    public void complete(int id, O output, long time) {
        if (id < 0 || id >= inputs.size()) {
            throw new IllegalArgumentException("no operation " + id + " was called");
        }
        if (outputs.get(id) != null) {
            throw new IllegalStateException("operation " + id + " completed twice: " + inputs.get(id) + " -> "
                    + outputs.get(id) + ", then " + output);
        }
        advanceTo(time);
        outputs.set(id, Objects.requireNonNull(output, "output"));
        returnTimes.set(id, time);
    }

    /**
     * Records that operation {@code id}, still without an answer, cannot take effect after {@code time}
     * (its session's close or expiry was committed then): a deadline that keeps the search small.
     */
    public void noEffectAfter(int id, long time) {
        if (outputs.get(id) != null) {
            throw new IllegalStateException("operation " + id + " has an answer: " + inputs.get(id) + " -> " + outputs.get(id));
        }
        if (time < callTimes.get(id)) {
            throw new IllegalArgumentException("operation " + id + " called at " + callTimes.get(id) + " cannot end at " + time);
        }
        returnTimes.set(id, Math.min(returnTimes.get(id), time));
    }

    public boolean isPending(int id) {
        return outputs.get(id) == null;
    }

    /** The history so far; operations still without an answer have unknown outcomes. */
    public List<Operation<I, O>> history() {
        List<Operation<I, O>> history = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            history.add(new Operation<>(clientIds.get(i), inputs.get(i), callTimes.get(i), outputs.get(i), returnTimes.get(i)));
        }
        return history;
    }

    private void advanceTo(long time) {
        if (time < lastTime) {
            throw new IllegalArgumentException("time went backwards: " + time + " after " + lastTime);
        }
        lastTime = time;
    }
}
