package dev.corral.bench.jmh;

import dev.corral.tree.DataTree;
import dev.corral.tree.SessionTable;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.TxnPreparer;
import dev.corral.tree.TxnResult;
import dev.corral.tree.WatchEvent;
import dev.corral.tree.WatchTable;
import dev.corral.wire.Acl;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.Id;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetDataRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A write's way through the tree: {@link TxnPreparer#prepare} (checks, versions, pending changes) then
 * {@link TxnApplier#apply} (the tree, watch triggers) then {@link TxnPreparer#retire}, as the Node does
 * for each committed write. create makes a new znode every call, so each iteration starts from a fresh
 * tree to keep the tree's size comparable between iterations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TxnBenchmark {
    private static final int KEYS = 1000;
    private static final long SESSION = 0x1000000L;
    private static final List<Id> AUTH = List.of();

    private TxnPreparer preparer;
    private TxnApplier applier;
    private final List<WatchEvent> events = new ArrayList<>();
    private final byte[] value = new byte[100];
    private String[] keys;
    private long zxid;
    private long counter;

    @Setup(Level.Iteration)
    public void setUp() {
        DataTree tree = new DataTree();
        preparer = new TxnPreparer(tree, false);
        applier = new TxnApplier(tree, new SessionTable(), new WatchTable());
        zxid = 0x100000000L;
        write(OpCode.CREATE, new CreateRequest("/bench", new byte[0], Acl.OPEN_ACL_UNSAFE, 0));
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "/bench/k-" + i;
            write(OpCode.CREATE, new CreateRequest(keys[i], value, Acl.OPEN_ACL_UNSAFE, 0));
        }
    }

    private TxnResult write(int type, Object request) {
        long next = ++zxid;
        Txn txn = preparer.prepare(type, request, SESSION, AUTH, next);
        events.clear();
        TxnResult result = applier.apply(new TxnEntry(next, 1_700_000_000_000L, SESSION, (int) next, txn), events);
        preparer.retire(next);
        return result;
    }

    @Benchmark
    public TxnResult prepareApplyCreate() {
        return write(OpCode.CREATE, new CreateRequest("/bench/n-" + counter++, value, Acl.OPEN_ACL_UNSAFE, 0));
    }

    @Benchmark
    public TxnResult prepareApplySetData() {
        return write(OpCode.SET_DATA, new SetDataRequest(keys[(int) (counter++ % KEYS)], value, -1));
    }
}
