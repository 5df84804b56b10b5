package dev.corral.sim.check;

import static dev.corral.sim.check.Histories.check;
import static dev.corral.sim.check.Histories.checked;
import static dev.corral.sim.check.Histories.create;
import static dev.corral.sim.check.Histories.createSequential;
import static dev.corral.sim.check.Histories.created;
import static dev.corral.sim.check.Histories.data;
import static dev.corral.sim.check.Histories.dataSet;
import static dev.corral.sim.check.Histories.delete;
import static dev.corral.sim.check.Histories.deleted;
import static dev.corral.sim.check.Histories.error;
import static dev.corral.sim.check.Histories.get;
import static dev.corral.sim.check.Histories.multi;
import static dev.corral.sim.check.Histories.multiDone;
import static dev.corral.sim.check.Histories.multiFailed;
import static dev.corral.sim.check.Histories.set;
import static dev.corral.sim.check.Histories.sync;
import static dev.corral.sim.check.Histories.synced;
import static dev.corral.sim.check.ZkResult.Code.BADVERSION;
import static dev.corral.sim.check.ZkResult.Code.NODEEXISTS;
import static dev.corral.sim.check.ZkResult.Code.NONODE;
import static dev.corral.sim.check.ZkResult.Code.NOTEMPTY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ZkModel answers as ZooKeeper 3.9 does, one operation after another from a tree holding only /s. */
class ZkModelTest {

    record Step(ZkOp op, ZkResult expected) {}

    record Case(String name, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Step step(ZkOp op, ZkResult expected) {
        return new Step(op, expected);
    }

    private static Case row(String name, Step... steps) {
        return new Case(name, List.of(steps));
    }

    static List<Case> cases() {
        return List.of(
                // create
                row("create answers the path and starts at version 0",
                        step(create("/s/a", "x"), created("/s/a")), step(get("/s/a"), data("x", 0))),
                row("create of an existing path is NODEEXISTS",
                        step(create("/s/a", "x"), created("/s/a")), step(create("/s/a", "y"), error(NODEEXISTS)),
                        step(get("/s/a"), data("x", 0))),
                row("create under a missing parent is NONODE",
                        step(create("/t/a", "x"), error(NONODE))),
                row("create under a created parent works",
                        step(create("/t", ""), created("/t")), step(create("/t/a", "x"), created("/t/a"))),
                // sequential creates: the parent's count of children created, which deletes do not lower
                row("sequential creates count every child created under the parent",
                        step(createSequential("/s/n-", "x"), created("/s/n-0000000000")),
                        step(create("/s/a", "x"), created("/s/a")),
                        step(delete("/s/a", -1), deleted()),
                        step(createSequential("/s/n-", "y"), created("/s/n-0000000002"))),
                row("a failed create does not count",
                        step(create("/s/a", "x"), created("/s/a")), step(create("/s/a", "x"), error(NODEEXISTS)),
                        step(createSequential("/s/a-", "y"), created("/s/a-0000000001"))),
                // setData
                row("setData answers the new version",
                        step(create("/s/a", "x"), created("/s/a")), step(set("/s/a", "y"), dataSet(1)),
                        step(set("/s/a", "z", 1), dataSet(2)), step(get("/s/a"), data("z", 2))),
                row("setData with a stale version is BADVERSION and changes nothing",
                        step(create("/s/a", "x"), created("/s/a")), step(set("/s/a", "y", 3), error(BADVERSION)),
                        step(get("/s/a"), data("x", 0))),
                row("setData of a missing znode is NONODE", step(set("/s/a", "y"), error(NONODE))),
                // delete
                row("delete with the right version removes the znode",
                        step(create("/s/a", "x"), created("/s/a")), step(delete("/s/a", 0), deleted()),
                        step(get("/s/a"), error(NONODE))),
                row("delete checks the version before the children",
                        step(create("/s/a", "x"), created("/s/a")), step(create("/s/a/b", "x"), created("/s/a/b")),
                        step(delete("/s/a", 5), error(BADVERSION)), step(delete("/s/a", 0), error(NOTEMPTY))),
                row("a sibling that sorts between parent and child is no child",
                        step(create("/s/a", "x"), created("/s/a")), step(create("/s/a-b", "x"), created("/s/a-b")),
                        step(delete("/s/a", -1), deleted())),
                row("delete of a missing znode is NONODE", step(delete("/s/a", -1), error(NONODE))),
                // check, sync
                row("check passes on the version and fails on another",
                        step(create("/s/a", "x"), created("/s/a")), step(check("/s/a", 0), checked()),
                        step(check("/s/a", 1), error(BADVERSION)), step(check("/s/b", -1), error(NONODE))),
                row("sync changes nothing", step(sync("/s"), synced()), step(get("/s"), data("", 0))),
                // multi: all or nothing
                row("a multi applies every operation in order",
                        step(multi(create("/s/a", "x"), set("/s/a", "y", 0), createSequential("/s/n-", "z")),
                                multiDone(created("/s/a"), dataSet(1), created("/s/n-0000000001"))),
                        step(get("/s/a"), data("y", 1))),
                row("a failed multi names its first failure and changes nothing",
                        step(multi(create("/s/a", "x"), check("/s/b", -1), create("/s/a", "y")), multiFailed(1, NONODE)),
                        step(get("/s/a"), error(NONODE)),
                        step(createSequential("/s/n-", "z"), created("/s/n-0000000000"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsZooKeeper(Case row) {
        ZkModel model = ZkModel.withEmptyNodes(ZkModel.Reads.LINEARIZABLE, "/s");
        ZkState state = model.init();
        List<ZkResult> answers = new ArrayList<>();
        for (Step step : row.steps()) {
            ZkModel.Applied applied = model.apply(state, step.op());
            answers.add(applied.result());
            state = applied.state();
        }

        assertThat(answers).containsExactlyElementsOf(row.steps().stream().map(Step::expected).toList());
    }

    @Test
    void stepAcceptsOnlyTheAnswerZooKeeperGivesAndAnyForAnUnknownOutcome() {
        ZkModel model = ZkModel.withEmptyNodes(ZkModel.Reads.LINEARIZABLE, "/s");

        assertThat(model.step(model.init(), create("/s/a", "x"), created("/s/a")).legal()).isTrue();
        assertThat(model.step(model.init(), create("/s/a", "x"), error(NODEEXISTS)).legal()).isFalse();
        StepResult<ZkState> unknown = model.step(model.init(), create("/s/a", "x"), null);
        assertThat(unknown.legal()).isTrue();
        assertThat(unknown.state().get("/s/a")).isEqualTo(new ZkState.Znode("x", 0, 0));
    }

    @Test
    void equalTreesAreEqualStates() {
        ZkModel model = ZkModel.withEmptyNodes(ZkModel.Reads.LINEARIZABLE, "/s");
        ZkState viaSet = model.apply(model.apply(model.init(), create("/s/a", "x")).state(), set("/s/a", "y")).state();
        ZkState viaCreate = ZkState.of(java.util.Map.of("/s", new ZkState.Znode("", 0, 1), "/s/a", new ZkState.Znode("y", 1, 0)));

        assertThat(viaSet).isEqualTo(viaCreate).hasSameHashCodeAs(viaCreate);
    }
}
