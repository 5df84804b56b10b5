package dev.corral.node;

import java.util.ArrayList;
import java.util.List;

/**
 * The outputs a Node produced while handling one event, in order. Bounded: a Node that would produce
 * more than {@link #MAX_OUTPUTS} outputs for one event has a bug or an unbounded loop.
 */
final class Effects {
    static final int MAX_OUTPUTS = 10_000_000;
    private List<Output> outputs = new ArrayList<>();

    void send(long connectionId, byte[] frame) {
        add(new Output.Send(connectionId, frame));
    }

    void close(long connectionId, String reason) {
        add(new Output.Close(connectionId, reason));
    }

    void snapshot(dev.corral.tree.TreeSnapshot snapshot) {
        add(new Output.Snapshot(snapshot));
    }

    void add(Output output) {
        if (outputs.size() >= MAX_OUTPUTS) {
            throw new IllegalStateException("more than " + MAX_OUTPUTS + " outputs for one event");
        }
        outputs.add(output);
    }

    List<Output> drain() {
        List<Output> drained = outputs;
        outputs = new ArrayList<>();
        return drained;
    }
}
