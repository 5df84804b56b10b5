package dev.corral.sim.check;

import static dev.corral.sim.check.CheckResult.Verdict.LINEARIZABLE;
import static dev.corral.sim.check.CheckResult.Verdict.NOT_LINEARIZABLE;
import static dev.corral.sim.check.CheckResult.Verdict.UNKNOWN;
import static dev.corral.sim.check.Histories.create;
import static dev.corral.sim.check.Histories.createSequential;
import static dev.corral.sim.check.Histories.created;
import static dev.corral.sim.check.Histories.data;
import static dev.corral.sim.check.Histories.dataSet;
import static dev.corral.sim.check.Histories.delete;
import static dev.corral.sim.check.Histories.deleted;
import static dev.corral.sim.check.Histories.error;
import static dev.corral.sim.check.Histories.get;
import static dev.corral.sim.check.Histories.history;
import static dev.corral.sim.check.Histories.lost;
import static dev.corral.sim.check.Histories.multi;
import static dev.corral.sim.check.Histories.multiDone;
import static dev.corral.sim.check.Histories.multiFailed;
import static dev.corral.sim.check.Histories.op;
import static dev.corral.sim.check.Histories.set;
import static dev.corral.sim.check.Histories.sync;
import static dev.corral.sim.check.Histories.synced;
import static dev.corral.sim.check.ZkModel.Reads.SEQUENTIAL;
import static dev.corral.sim.check.ZkResult.Code.BADVERSION;
import static dev.corral.sim.check.ZkResult.Code.NODEEXISTS;
import static dev.corral.sim.check.ZkResult.Code.NONODE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker accepts histories ZooKeeper may produce and rejects the classic anomalies. Every history
 * starts from a tree holding /s with "" at version 0; times are (call, return).
 */
class LinearizabilityCheckerTest {
    private static final ZkModel.Reads LINEARIZABLE_READS = ZkModel.Reads.LINEARIZABLE;

    record Case(String name, ZkModel.Reads reads, List<Operation<ZkOp, ZkResult>> history, CheckResult.Verdict expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case good(String name, ZkModel.Reads reads, List<Operation<ZkOp, ZkResult>> history) {
        return new Case(name, reads, history, LINEARIZABLE);
    }

    private static Case bad(String name, ZkModel.Reads reads, List<Operation<ZkOp, ZkResult>> history) {
        return new Case(name, reads, history, NOT_LINEARIZABLE);
    }

    static List<Case> cases() {
        return List.of(
                // Sequential histories.
                good("a sequential life of a znode", LINEARIZABLE_READS, history(
                        op(1, 1, 2, create("/s/a", "x"), created("/s/a")),
                        op(1, 3, 4, get("/s/a"), data("x", 0)),
                        op(2, 5, 6, set("/s/a", "y", 0), dataSet(1)),
                        op(1, 7, 8, get("/s/a"), data("y", 1)),
                        op(2, 9, 10, delete("/s/a", 1), deleted()),
                        op(1, 11, 12, get("/s/a"), error(NONODE)))),
                // Concurrent operations: any order their intervals allow.
                good("a read overlapping a write may see the old value", LINEARIZABLE_READS, history(
                        op(1, 1, 2, create("/s/a", "x"), created("/s/a")),
                        op(1, 3, 8, set("/s/a", "y"), dataSet(1)),
                        op(2, 4, 5, get("/s/a"), data("x", 0)))),
                good("a read overlapping a write may see the new value", LINEARIZABLE_READS, history(
                        op(1, 1, 2, create("/s/a", "x"), created("/s/a")),
                        op(1, 3, 8, set("/s/a", "y"), dataSet(1)),
                        op(2, 4, 5, get("/s/a"), data("y", 1)))),
                good("overlapping writes take effect in either order", LINEARIZABLE_READS, history(
                        op(1, 1, 5, set("/s", "a"), dataSet(2)),
                        op(2, 2, 6, set("/s", "b"), dataSet(1)),
                        op(3, 7, 8, get("/s"), data("a", 2)))),
                good("two overlapping creates: one wins, the other sees it", LINEARIZABLE_READS, history(
                        op(1, 1, 4, create("/s/a", "x"), error(NODEEXISTS)),
                        op(2, 2, 3, create("/s/a", "y"), created("/s/a")))),
                good("overlapping conditional sets: one wins, the other is BADVERSION", LINEARIZABLE_READS, history(
                        op(1, 1, 4, set("/s", "a", 0), error(BADVERSION)),
                        op(2, 2, 5, set("/s", "b", 0), dataSet(1)),
                        op(3, 6, 7, get("/s"), data("b", 1)))),
                good("overlapping sequential creates get their numbers in either order", LINEARIZABLE_READS, history(
                        op(1, 1, 4, createSequential("/s/n-", "x"), created("/s/n-0000000001")),
                        op(2, 2, 3, createSequential("/s/n-", "y"), created("/s/n-0000000000")))),
                // Unknown outcomes: the operation may or may not take effect, at any time after its call.
                good("an unknown write that took effect", LINEARIZABLE_READS, history(
                        lost(1, 1, set("/s", "x")),
                        op(2, 5, 6, get("/s"), data("x", 1)))),
                good("an unknown write that did not take effect", LINEARIZABLE_READS, history(
                        lost(1, 1, set("/s", "x")),
                        op(2, 5, 6, get("/s"), data("", 0)))),
                good("an unknown write that took effect long after its client gave up", LINEARIZABLE_READS, history(
                        lost(1, 1, set("/s", "x")),
                        op(2, 5, 6, get("/s"), data("", 0)),
                        op(2, 7, 8, get("/s"), data("x", 1)))),
                good("an unknown sequential create used up a number", LINEARIZABLE_READS, history(
                        lost(1, 1, createSequential("/s/n-", "x")),
                        op(2, 5, 6, createSequential("/s/n-", "y"), created("/s/n-0000000001")))),
                good("an unknown write that took effect by its deadline", LINEARIZABLE_READS, history(
                        lost(1, 1, 5, set("/s", "x")),
                        op(2, 6, 7, get("/s"), data("x", 1)))),
                good("an unknown write that never took effect, with a deadline", LINEARIZABLE_READS, history(
                        lost(1, 1, 5, set("/s", "x")),
                        op(2, 6, 7, get("/s"), data("", 0)),
                        op(2, 8, 9, set("/s", "y"), dataSet(1)))),
                good("an unknown read is dropped", LINEARIZABLE_READS, history(
                        lost(1, 1, get("/s/zzz")),
                        op(2, 5, 6, get("/s"), data("", 0)))),
                // Multi: all or nothing.
                good("a multi's writes appear together", LINEARIZABLE_READS, history(
                        op(1, 1, 4, multi(create("/s/a", "x"), create("/s/b", "y")), multiDone(created("/s/a"), created("/s/b"))),
                        op(2, 2, 3, get("/s/a"), data("x", 0)),
                        op(3, 2, 5, get("/s/b"), data("y", 0)))),
                good("a failed multi leaves nothing", LINEARIZABLE_READS, history(
                        op(1, 1, 2, create("/s/b", "y"), created("/s/b")),
                        op(1, 3, 4, multi(create("/s/a", "x"), create("/s/b", "z")), multiFailed(1, NODEEXISTS)),
                        op(2, 5, 6, get("/s/a"), error(NONODE)))),
                // Sequentially consistent reads: stale, but never older than what the session saw.
                good("a read of a server that is behind may be stale", SEQUENTIAL, history(
                        op(1, 1, 2, set("/s", "x"), dataSet(1)),
                        op(2, 3, 4, get("/s"), data("", 0)))),
                good("reads of two sessions may disagree on recency", SEQUENTIAL, history(
                        op(1, 1, 2, set("/s", "x"), dataSet(1)),
                        op(2, 3, 4, get("/s"), data("x", 1)),
                        op(3, 5, 6, get("/s"), data("", 0)))),

                // Known-bad: stale reads, lost writes, impossible answers.
                bad("a stale read after a completed write", LINEARIZABLE_READS, history(
                        op(1, 1, 2, set("/s", "x"), dataSet(1)),
                        op(2, 3, 4, get("/s"), data("", 0)))),
                bad("a lost acknowledged create", LINEARIZABLE_READS, history(
                        op(1, 1, 2, create("/s/a", "x"), created("/s/a")),
                        op(2, 3, 4, get("/s/a"), error(NONODE)))),
                bad("two creates of the same path both ok", LINEARIZABLE_READS, history(
                        op(1, 1, 4, create("/s/a", "x"), created("/s/a")),
                        op(2, 2, 3, create("/s/a", "y"), created("/s/a")))),
                bad("a read of a value never written", LINEARIZABLE_READS, history(
                        op(1, 1, 4, set("/s", "x"), dataSet(1)),
                        op(2, 2, 3, get("/s"), data("y", 1)))),
                bad("versions going backwards", LINEARIZABLE_READS, history(
                        op(1, 1, 2, set("/s", "x"), dataSet(1)),
                        op(1, 3, 4, set("/s", "y"), dataSet(2)),
                        op(2, 5, 6, get("/s"), data("y", 2)),
                        op(3, 7, 8, get("/s"), data("x", 1)))),
                bad("a sequential number reused", LINEARIZABLE_READS, history(
                        op(1, 1, 4, createSequential("/s/n-", "x"), created("/s/n-0000000000")),
                        op(2, 2, 3, createSequential("/s/n-", "y"), created("/s/n-0000000000")))),
                bad("a sequential number skipped without an unknown create", LINEARIZABLE_READS, history(
                        op(1, 1, 2, createSequential("/s/n-", "x"), created("/s/n-0000000001")))),
                bad("a BADVERSION at the expected version", LINEARIZABLE_READS, history(
                        op(1, 1, 2, set("/s", "x", 0), error(BADVERSION)))),
                bad("an unknown write seen before it was called", LINEARIZABLE_READS, history(
                        op(2, 1, 2, get("/s"), data("x", 1)),
                        lost(1, 3, set("/s", "x")))),
                bad("an unknown write seen, then unseen", LINEARIZABLE_READS, history(
                        lost(1, 1, set("/s", "x")),
                        op(2, 5, 6, get("/s"), data("x", 1)),
                        op(2, 7, 8, get("/s"), data("", 0)))),
                bad("an unknown write that took effect after its deadline", LINEARIZABLE_READS, history(
                        lost(1, 1, 5, set("/s", "x")),
                        op(2, 6, 7, get("/s"), data("", 0)),
                        op(2, 8, 9, get("/s"), data("x", 1)))),
                bad("half a multi seen", LINEARIZABLE_READS, history(
                        op(1, 1, 4, multi(create("/s/a", "x"), create("/s/b", "y")), multiDone(created("/s/a"), created("/s/b"))),
                        op(2, 5, 6, get("/s/a"), data("x", 0)),
                        op(2, 7, 8, get("/s/b"), error(NONODE)))),
                bad("a failed multi that left a write", LINEARIZABLE_READS, history(
                        op(1, 1, 2, create("/s/b", "y"), created("/s/b")),
                        op(1, 3, 4, multi(create("/s/a", "x"), create("/s/b", "z")), multiFailed(1, NODEEXISTS)),
                        op(2, 5, 6, get("/s/a"), data("x", 0)))),
                bad("a delete of a znode with a child", LINEARIZABLE_READS, history(
                        op(1, 1, 2, create("/s/a", "x"), created("/s/a")),
                        op(1, 3, 4, create("/s/a/b", "x"), created("/s/a/b")),
                        op(1, 5, 6, delete("/s/a", -1), deleted()))),
                // Per-session order holds even for pipelined (overlapping) requests of one session.
                bad("a pipelined read that misses its session's earlier write", LINEARIZABLE_READS, history(
                        op(1, 1, 10, set("/s", "x"), dataSet(1)),
                        op(1, 2, 11, get("/s"), data("", 0)))),
                // Sequentially consistent reads still see the session's past.
                bad("a read that misses its own session's write", SEQUENTIAL, history(
                        op(1, 1, 2, set("/s", "x"), dataSet(1)),
                        op(1, 3, 4, get("/s"), data("", 0)))),
                bad("reads of one session going back in time", SEQUENTIAL, history(
                        op(1, 1, 2, set("/s", "x"), dataSet(1)),
                        op(2, 3, 4, get("/s"), data("x", 1)),
                        op(2, 5, 6, get("/s"), data("", 0)))),
                bad("a read after sync that misses a write completed before the sync", SEQUENTIAL, history(
                        op(1, 1, 2, set("/s", "x"), dataSet(1)),
                        op(2, 3, 4, sync("/s"), synced()),
                        op(2, 5, 6, get("/s"), data("", 0)))),
                bad("a read that sees a write before it was called", SEQUENTIAL, history(
                        op(2, 1, 2, get("/s"), data("x", 1)),
                        op(1, 3, 4, set("/s", "x"), dataSet(1)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdictOnKnownHistories(Case row) {
        CheckResult<ZkOp, ZkResult> result = new LinearizabilityChecker()
                .check(ZkModel.withEmptyNodes(row.reads(), "/s"), row.history());

        assertThat(result.verdict()).as(result.explain()).isEqualTo(row.expected());
    }

    @Test
    void explanationGivesTheLongestPrefixAndTheOperationsThatCannotComeNext() {
        Operation<ZkOp, ZkResult> write = op(1, 1, 2, set("/s", "x"), dataSet(1));
        Operation<ZkOp, ZkResult> read = op(2, 3, 4, get("/s"), data("x", 1));
        Operation<ZkOp, ZkResult> stale = op(3, 5, 6, get("/s"), data("", 0));
        Operation<ZkOp, ZkResult> later = op(1, 7, 8, set("/s", "y"), dataSet(2));

        CheckResult<ZkOp, ZkResult> result = new LinearizabilityChecker()
                .check(ZkModel.withEmptyNodes(LINEARIZABLE_READS, "/s"), history(write, read, stale, later));

        assertThat(result.verdict()).isEqualTo(NOT_LINEARIZABLE);
        assertThat(result.longestPrefix()).containsExactly(write, read);
        assertThat(result.unplaced()).containsExactly(stale);
        assertThat(result.explain()).contains("longest linearizable prefix (2 operations)", stale.toString());
    }

    @Test
    void budgetRunsOutOnManyConcurrentUnknownWritesAndSaysUnknown() {
        List<Operation<ZkOp, ZkResult>> history = new ArrayList<>();
        for (int client = 0; client < 12; client++) {
            history.add(lost(client, 1, set("/s", "v" + client)));
        }
        // No state matches this read, so the search has to try every subset and order of the writes.
        history.add(op(99, 2, 3, get("/s"), data("never", 1)));

        CheckResult<ZkOp, ZkResult> small = new LinearizabilityChecker(1_000)
                .check(ZkModel.withEmptyNodes(LINEARIZABLE_READS, "/s"), history);
        CheckResult<ZkOp, ZkResult> enough = new LinearizabilityChecker(10_000_000)
                .check(ZkModel.withEmptyNodes(LINEARIZABLE_READS, "/s"), history);

        assertThat(small.verdict()).isEqualTo(UNKNOWN);
        assertThat(small.steps()).isEqualTo(1_001);
        assertThat(enough.verdict()).isEqualTo(NOT_LINEARIZABLE);
    }
}
