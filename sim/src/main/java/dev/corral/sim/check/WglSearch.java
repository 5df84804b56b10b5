package dev.corral.sim.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The search for a linearization of one part of a history: Wing and Gong's depth-first search over the
 * history's call and return entries, with Lowe's cache of (linearized operations, state) configurations
 * (Lowe, "Testing for linearizability", 2017; the same design as Porcupine's {@code checkSingle}).
 *
 * <p>The entries are a doubly linked list in time order. The search walks it from the head: at a call
 * entry it tries to linearize that operation next (the model must accept its output in the current
 * state, its client's earlier completed operation must already be linearized, and the resulting
 * configuration must be new); if so it lifts the call and its return out of the list and starts again
 * from the head. At a return entry, the operation that returned there was not linearized in time, so the
 * search undoes its last choice. The history is linearizable when the list empties.
 *
 * <p>Read-only operations (reads, failed writes: {@link Model#readOnly}) are linearized as soon as they are
 * legal, with no alternative tried, which removes the branching that many concurrent or stale reads would
 * cause; {@link Model#readOnly} says why that loses nothing.
 *
 * <p>An operation with an unknown outcome returns at its deadline ({@link Long#MAX_VALUE}, after every
 * other entry, when it has none): it may be linearized anywhere before, and if the search reaches its
 * return entry without it, it did not take effect and leaves the list with the state unchanged. A
 * {@link Model#sequentialOnly} operation is called at {@link Long#MIN_VALUE}, so only its client's order
 * bounds it from below.
 *
 * <p>Bounded: at most {@code stepBudget} model steps, and the cache holds at most one configuration per step.
 */
final class WglSearch<S, I, O> {

    /** One call or return entry; {@code match} links a call to its return and back. */
    private static final class Entry {
        final int op;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int op, boolean call, long time) {
            this.op = op;
            this.call = call;
            this.time = time;
        }
    }

    private record Configuration(BitSet linearized, Object state) {}

    /** A linearized operation, the state before it, and whether it was forced (no alternative to try). */
    private record Frame<S>(Entry call, S stateBefore, boolean forced) {}

    private final Model<S, I, O> model;
    private final List<Operation<I, O>> ops;
    private final long stepBudget;
    // Invariant: predecessor[i] is -1 or a completed operation of i's client called before i.
    private final int[] predecessor;
    // readOnly[i]: i completed and changes no state (Model#readOnly), so it is linearized as soon as it is legal.
    private final boolean[] readOnly;
    private final Entry head = new Entry(-1, false, Long.MIN_VALUE);

    private final BitSet linearized;
    private final Set<Configuration> cache = new HashSet<>();
    // Invariant: the operations of stack's frames, in order, are the linearized set, and state follows them.
    private final List<Frame<S>> stack = new ArrayList<>();
    private S state;
    private long steps;
    private int bestDepth = -1;
    private List<Operation<I, O>> bestPrefix = List.of();
    private List<Operation<I, O>> bestUnplaced = List.of();

    WglSearch(Model<S, I, O> model, List<Operation<I, O>> ops, long stepBudget) {
        this.model = model;
        this.ops = ops;
        this.stepBudget = stepBudget;
        this.predecessor = predecessors(ops);
        this.readOnly = new boolean[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            readOnly[i] = ops.get(i).isCompleted() && model.readOnly(ops.get(i).input(), ops.get(i).output());
        }
        this.linearized = new BitSet(ops.size());
        this.state = model.init();
        link();
    }

    /** The latest completed operation of the same client called before each operation, or -1. */
    private static <I, O> int[] predecessors(List<Operation<I, O>> ops) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingLong(i -> ops.get(i).clientId())
                .thenComparingLong(i -> ops.get(i).callTime()).thenComparingInt(i -> i));
        int[] predecessor = new int[ops.size()];
        long client = 0;
        int lastCompleted = -1;
        for (int k = 0; k < order.size(); k++) {
            int i = order.get(k);
            if (k == 0 || ops.get(i).clientId() != client) {
                client = ops.get(i).clientId();
                lastCompleted = -1;
            }
            predecessor[i] = lastCompleted;
            if (ops.get(i).isCompleted()) {
                lastCompleted = i;
            }
        }
        return predecessor;
    }

    /** Builds the entry list: by time, a call before a return at the same time (they overlap), then by operation. */
    private void link() {
        List<Entry> entries = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Operation<I, O> op = ops.get(i);
            Entry call = new Entry(i, true, model.sequentialOnly(op.input()) ? Long.MIN_VALUE : op.callTime());
            Entry ret = new Entry(i, false, op.returnTime());
            call.match = ret;
            ret.match = call;
            entries.add(call);
            entries.add(ret);
        }
        entries.sort(Comparator.<Entry>comparingLong(e -> e.time).thenComparing(e -> !e.call).thenComparingInt(e -> e.op));
        Entry last = head;
        for (Entry entry : entries) {
            last.next = entry;
            entry.prev = last;
            last = entry;
        }
    }

    CheckResult.Verdict run() {
        Entry entry = head.next;
        boolean newConfiguration = true;
        while (head.next != null) {
            if (newConfiguration) {
                newConfiguration = false;
                Forced forced = linearizeReadOnly();
                if (forced == Forced.OUT_OF_BUDGET) {
                    return CheckResult.Verdict.UNKNOWN;
                }
                if (forced == Forced.SEEN) {
                    if ((entry = backtrack()) == null) {
                        return CheckResult.Verdict.NOT_LINEARIZABLE;
                    }
                    continue;
                }
                entry = head.next;
                if (entry == null) {
                    break;
                }
            }
            if (entry.call) {
                // A read-only operation eligible here was found illegal by linearizeReadOnly.
                if (!readOnly[entry.op] && eligible(entry.op)) {
                    if (++steps > stepBudget) {
                        return CheckResult.Verdict.UNKNOWN;
                    }
                    Operation<I, O> operation = ops.get(entry.op);
                    StepResult<S> result = model.step(state, operation.input(), operation.output());
                    if (result.legal() && remember(entry.op, result.state())) {
                        push(entry, result.state(), false);
                        newConfiguration = true;
                        continue;
                    }
                }
                entry = entry.next;
            } else if (!ops.get(entry.op).isCompleted()) {
                // An unknown operation not linearized by its deadline did not take effect: that is no choice,
                // since the branches in which it did were tried from the configurations before this one.
                if (remember(entry.op, state)) {
                    push(entry.match, state, true);
                    newConfiguration = true;
                } else if ((entry = backtrack()) == null) {
                    return CheckResult.Verdict.NOT_LINEARIZABLE;
                }
            } else {
                // The operation that returned here must have been linearized by now: undo the last choice.
                maybeRecordDeepest(entry);
                if ((entry = backtrack()) == null) {
                    return CheckResult.Verdict.NOT_LINEARIZABLE;
                }
            }
        }
        return CheckResult.Verdict.LINEARIZABLE;
    }

    private enum Forced { DONE, SEEN, OUT_OF_BUDGET }

    /**
     * Linearizes, without a choice to come back to, every read-only operation that is legal now (see
     * {@link Model#readOnly}), until none is. SEEN when that reaches a configuration already explored.
     */
    private Forced linearizeReadOnly() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Entry entry = head.next; entry != null && entry.call; entry = entry.next) {
                if (!readOnly[entry.op] || !eligible(entry.op)) {
                    continue;
                }
                if (++steps > stepBudget) {
                    return Forced.OUT_OF_BUDGET;
                }
                Operation<I, O> operation = ops.get(entry.op);
                StepResult<S> result = model.step(state, operation.input(), operation.output());
                if (result.legal()) {
                    if (!remember(entry.op, result.state())) {
                        return Forced.SEEN;
                    }
                    push(entry, result.state(), true);
                    progress = true;
                }
            }
        }
        return Forced.DONE;
    }

    /** Whether the operation's client has linearized its earlier completed operation (FIFO client order). */
    private boolean eligible(int op) {
        return predecessor[op] < 0 || linearized.get(predecessor[op]);
    }

    /** Adds op to the linearized set with the state after it, unless that configuration was seen before. */
    private boolean remember(int op, S next) {
        linearized.set(op);
        if (cache.contains(new Configuration(linearized, next))) {
            linearized.clear(op);
            return false;
        }
        cache.add(new Configuration((BitSet) linearized.clone(), next));
        return true;
    }

    private void push(Entry call, S next, boolean forced) {
        stack.add(new Frame<>(call, state, forced));
        state = next;
        lift(call);
    }

    /** Undoes choices back to the last one not forced; the entry to try next, or null when none is left. */
    private Entry backtrack() {
        while (!stack.isEmpty()) {
            Frame<S> frame = stack.remove(stack.size() - 1);
            linearized.clear(frame.call().op);
            state = frame.stateBefore();
            unlift(frame.call());
            if (!frame.forced()) {
                return frame.call().next;
            }
        }
        return null;
    }

    private void maybeRecordDeepest(Entry returned) {
        if (stack.size() <= bestDepth) {
            return;
        }
        bestDepth = stack.size();
        List<Operation<I, O>> prefix = new ArrayList<>(bestDepth);
        for (Frame<S> frame : stack) {
            prefix.add(ops.get(frame.call().op));
        }
        List<Operation<I, O>> unplaced = new ArrayList<>();
        unplaced.add(ops.get(returned.op));
        for (Entry candidate = head.next; candidate != returned; candidate = candidate.next) {
            if (candidate.call && candidate.op != returned.op) {
                unplaced.add(ops.get(candidate.op));
            }
        }
        bestPrefix = prefix;
        bestUnplaced = unplaced;
    }

    /** Takes a call entry and its return out of the list (dancing links: {@link #unlift} undoes it). */
    private static void lift(Entry call) {
        unlink(call);
        unlink(call.match);
    }

    private static void unlink(Entry entry) {
        entry.prev.next = entry.next;
        if (entry.next != null) {
            entry.next.prev = entry.prev;
        }
    }

    private static void unlift(Entry call) {
        relink(call.match);
        relink(call);
    }

    private static void relink(Entry entry) {
        entry.prev.next = entry;
        if (entry.next != null) {
            entry.next.prev = entry;
        }
    }

    long steps() {
        return steps;
    }

    List<Operation<I, O>> longestPrefix() {
        return bestPrefix;
    }

    List<Operation<I, O>> unplaced() {
        return bestUnplaced;
    }
}
