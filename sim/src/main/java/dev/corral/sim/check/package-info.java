/**
 * Checkers of client-visible histories for the simulator: a linearizability checker
 * ({@link dev.corral.sim.check.LinearizabilityChecker}, Wing and Gong's search with Lowe's improvements)
 * over any sequential {@link dev.corral.sim.check.Model}, and the model of ZooKeeper's znode operations
 * ({@link dev.corral.sim.check.ZkModel}), checked against Apache ZooKeeper 3.9.5 in the tests.
 *
 * <p>How the simulator uses it: a {@link dev.corral.sim.check.HistoryRecorder} per run records each
 * client request at its call and reply (the simulator's step number as time, the session id as client);
 * requests that never got a reply stay unknown, with a deadline whenever the simulator knows one (the step
 * at which the request's txn was first applied anywhere, or its session's close or expiry was committed).
 * At the end of the run, {@code new LinearizabilityChecker().check(ZkModel.withEmptyNodes(Reads.SEQUENTIAL,
 * "/sim"), recorder.history())} is linearizable, or not with an {@code explain()} for the failure report,
 * or unknown when the step budget ran out (many unknown operations without deadlines in a failing history).
 *
 * <p>Pure: no clock, thread, file or unseeded randomness (BannedApiTest), so a seed replays its check.
 */
package dev.corral.sim.check;
