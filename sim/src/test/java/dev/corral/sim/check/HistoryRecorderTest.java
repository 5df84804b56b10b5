package dev.corral.sim.check;

import static dev.corral.sim.check.Histories.dataSet;
import static dev.corral.sim.check.Histories.get;
import static dev.corral.sim.check.Histories.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

    @Test
    void operationsWithoutAnAnswerHaveUnknownOutcomes() {
        HistoryRecorder<ZkOp, ZkResult> recorder = new HistoryRecorder<>();
        int write = recorder.call(7, set("/s", "x"), 1);
        int read = recorder.call(8, get("/s"), 2);
        recorder.complete(write, dataSet(1), 3);

        assertThat(recorder.isPending(read)).isTrue();
        assertThat(recorder.history()).containsExactly(
                Operation.completed(7, set("/s", "x"), 1, dataSet(1), 3),
                Operation.unknown(8, get("/s"), 2));
    }

    @Test
    void aDeadlineBoundsAnUnknownOperation() {
        HistoryRecorder<ZkOp, ZkResult> recorder = new HistoryRecorder<>();
        int write = recorder.call(7, set("/s", "x"), 1);
        recorder.noEffectAfter(write, 9);

        assertThat(recorder.history()).containsExactly(Operation.unknown(7, set("/s", "x"), 1, 9));
        assertThatThrownBy(() -> recorder.noEffectAfter(write, 0)).hasMessageContaining("cannot end at 0");
    }

    @Test
    void refusesASecondAnswerAndTimeGoingBackwards() {
        HistoryRecorder<ZkOp, ZkResult> recorder = new HistoryRecorder<>();
        int write = recorder.call(7, set("/s", "x"), 5);
        recorder.complete(write, dataSet(1), 6);

        assertThatThrownBy(() -> recorder.complete(write, dataSet(2), 7)).hasMessageContaining("completed twice");
        assertThatThrownBy(() -> recorder.call(7, get("/s"), 4)).hasMessageContaining("time went backwards");
        assertThatThrownBy(() -> recorder.complete(3, dataSet(1), 8)).hasMessageContaining("no operation 3");
    }
}
