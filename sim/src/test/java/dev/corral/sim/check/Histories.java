package dev.corral.sim.check;

import java.util.List;

/** Short names for writing ZooKeeper histories in tests: {@code op(client, call, return, input, output)}. */
final class Histories {
    private Histories() {}

    static Operation<ZkOp, ZkResult> op(long client, long call, long ret, ZkOp input, ZkResult output) {
        return Operation.completed(client, input, call, output, ret);
    }

    static Operation<ZkOp, ZkResult> lost(long client, long call, ZkOp input) {
        return Operation.unknown(client, input, call);
    }

    static Operation<ZkOp, ZkResult> lost(long client, long call, long deadline, ZkOp input) {
        return Operation.unknown(client, input, call, deadline);
    }

    @SafeVarargs
    static List<Operation<ZkOp, ZkResult>> history(Operation<ZkOp, ZkResult>... ops) {
        return List.of(ops);
    }

    static ZkOp create(String path, String data) {
        return new ZkOp.Create(path, data, false);
    }

    static ZkOp createSequential(String prefix, String data) {
        return new ZkOp.Create(prefix, data, true);
    }

    static ZkOp set(String path, String data) {
        return new ZkOp.SetData(path, data, -1);
    }

    static ZkOp set(String path, String data, int expectedVersion) {
        return new ZkOp.SetData(path, data, expectedVersion);
    }

    static ZkOp delete(String path, int expectedVersion) {
        return new ZkOp.Delete(path, expectedVersion);
    }

    static ZkOp check(String path, int expectedVersion) {
        return new ZkOp.Check(path, expectedVersion);
    }

    static ZkOp get(String path) {
        return new ZkOp.GetData(path);
    }

    static ZkOp sync(String path) {
        return new ZkOp.Sync(path);
    }

    static ZkOp multi(ZkOp... ops) {
        return new ZkOp.Multi(List.of(ops));
    }

    static ZkResult created(String path) {
        return new ZkResult.Created(path);
    }

    static ZkResult dataSet(int version) {
        return new ZkResult.DataSet(version);
    }

    static ZkResult deleted() {
        return new ZkResult.Deleted();
    }

    static ZkResult checked() {
        return new ZkResult.Checked();
    }

    static ZkResult data(String data, int version) {
        return new ZkResult.Data(data, version);
    }

    static ZkResult synced() {
        return new ZkResult.Synced();
    }

    static ZkResult error(ZkResult.Code code) {
        return new ZkResult.Error(code);
    }

    static ZkResult multiDone(ZkResult... results) {
        return new ZkResult.MultiDone(List.of(results));
    }

    static ZkResult multiFailed(int index, ZkResult.Code code) {
        return new ZkResult.MultiFailed(index, code);
    }
}
