package dev.corral.sim.check;

import static dev.corral.sim.check.Histories.create;
import static dev.corral.sim.check.Histories.createSequential;
import static dev.corral.sim.check.Histories.created;
import static dev.corral.sim.check.Histories.data;
import static dev.corral.sim.check.Histories.dataSet;
import static dev.corral.sim.check.Histories.delete;
import static dev.corral.sim.check.Histories.deleted;
import static dev.corral.sim.check.Histories.get;
import static dev.corral.sim.check.Histories.history;
import static dev.corral.sim.check.Histories.lost;
import static dev.corral.sim.check.Histories.multi;
import static dev.corral.sim.check.Histories.multiDone;
import static dev.corral.sim.check.Histories.op;
import static dev.corral.sim.check.Histories.set;
import static dev.corral.sim.check.Histories.sync;
import static dev.corral.sim.check.Histories.synced;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Histories split into parts that can be checked alone, and only those. */
class PartitionTest {

    record Case(String name, List<Operation<ZkOp, ZkResult>> history, List<Integer> partSizes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("znodes under a fixed parent are checked apart", history(
                        op(1, 1, 2, create("/s/a", "x"), created("/s/a")),
                        op(2, 1, 2, set("/s/b", "x"), dataSet(1)),
                        op(1, 3, 4, get("/s/a"), data("x", 0)),
                        op(3, 1, 9, delete("/s/c", -1), deleted())), List.of(2, 1, 1)),
                new Case("a multi joins the znodes it touches", history(
                        op(1, 1, 2, multi(set("/s/b", "x"), set("/s/c", "y")), multiDone(dataSet(1), dataSet(1))),
                        op(2, 3, 4, get("/s/c"), data("y", 1)),
                        op(3, 1, 2, get("/t/b"), data("", 0))), List.of(2, 1)),
                new Case("sequential children join every path under their parent, at any depth", history(
                        lost(1, 1, createSequential("/s/n-", "x")),
                        op(2, 1, 2, create("/s/n-0000000000/c", "y"), created("/s/n-0000000000/c")),
                        op(3, 1, 2, get("/s/b"), data("", 0)),
                        op(4, 1, 2, get("/t/b"), data("", 0))), List.of(3, 1)),
                new Case("a parent created in the history joins its children", history(
                        op(1, 1, 2, create("/t/p", ""), created("/t/p")),
                        op(2, 3, 4, create("/t/p/a", "y"), created("/t/p/a")),
                        op(3, 3, 4, get("/t/p/a"), data("y", 0)),
                        op(4, 3, 4, get("/t/q"), data("", 0))), List.of(3, 1)),
                new Case("a sync goes to every part of its session", history(
                        op(1, 1, 2, set("/s/b", "x"), dataSet(1)),
                        op(2, 3, 4, sync("/s"), synced()),
                        op(2, 5, 6, get("/s/b"), data("x", 1)),
                        op(2, 5, 6, get("/s/c"), data("", 0)),
                        op(3, 5, 6, get("/t/q"), data("", 0))), List.of(3, 2, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void splitsIntoIndependentParts(Case row) {
        ZkModel model = ZkModel.withEmptyNodes(ZkModel.Reads.SEQUENTIAL, "/s", "/s/b", "/s/c", "/t", "/t/b", "/t/q");

        List<List<Operation<ZkOp, ZkResult>>> parts = model.partition(row.history());

        assertThat(parts).extracting(List::size).containsExactlyElementsOf(row.partSizes());
        for (List<Operation<ZkOp, ZkResult>> part : parts) {
            assertThat(part).isSortedAccordingTo((a, b) -> row.history().indexOf(a) - row.history().indexOf(b));
        }
        assertThat(new LinearizabilityChecker().check(model, row.history()).isLinearizable()).isTrue();
    }

    @Test
    void byKeysJoinsChainsOfSharedKeysAndKeepsOrder() {
        Operation<String, String> ab = Operation.completed(1, "a b", 1, "ok", 2);
        Operation<String, String> d = Operation.completed(1, "d", 3, "ok", 4);
        Operation<String, String> bc = Operation.completed(2, "b c", 5, "ok", 6);
        Operation<String, String> c = Operation.completed(3, "c", 7, "ok", 8);

        List<List<Operation<String, String>>> parts = Partitions.byKeys(List.of(ab, d, bc, c),
                op -> Set.of(op.input().split(" ")));

        assertThat(parts).containsExactly(List.of(ab, bc, c), List.of(d));
    }

    @Test
    void aStaleReadInOnePartFailsTheWholeHistory() {
        ZkModel model = ZkModel.withEmptyNodes(ZkModel.Reads.LINEARIZABLE, "/s");
        List<Operation<ZkOp, ZkResult>> history = history(
                op(1, 1, 2, set("/s/a", "x"), error(ZkResult.Code.NONODE)),
                op(2, 1, 2, create("/s/b", "x"), created("/s/b")),
                op(3, 3, 4, get("/s/b"), error(ZkResult.Code.NONODE)));

        CheckResult<ZkOp, ZkResult> result = new LinearizabilityChecker().check(model, history);

        assertThat(result.parts()).isEqualTo(2);
        assertThat(result.verdict()).isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
        assertThat(result.unplaced()).containsExactly(history.get(2));
    }

    @Test
    void sessionOrderAcrossZnodesIsCheckedOnlyUnpartitioned() {
        // Session 2 sees b's new value, then a's old one, though a was written before b: sequentially
        // consistent for each znode alone, not for the session as a whole.
        ZkModel model = ZkModel.withEmptyNodes(ZkModel.Reads.SEQUENTIAL, "/s", "/s/a", "/s/b");
        List<Operation<ZkOp, ZkResult>> history = history(
                op(1, 1, 2, set("/s/a", "x"), dataSet(1)),
                op(1, 3, 4, set("/s/b", "y"), dataSet(1)),
                op(2, 5, 6, get("/s/b"), data("y", 1)),
                op(2, 7, 8, get("/s/a"), data("", 0)));

        assertThat(new LinearizabilityChecker().check(model, history).verdict()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
        assertThat(new LinearizabilityChecker().check(model.unpartitioned(), history).verdict())
                .isEqualTo(CheckResult.Verdict.NOT_LINEARIZABLE);
    }

    private static ZkResult error(ZkResult.Code code) {
        return Histories.error(code);
    }
}
