package dev.corral.bench.jmh;

import dev.corral.tree.DataTree;
import dev.corral.tree.SessionTable;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnApplier;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.TxnPreparer;
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
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Watch trigger fan-out: {@code watchers} sessions hold a data watch on one znode and a setData fires them
 * all. Standard watches are one-shot, so each call re-arms them first; {@link #rearmOnly} measures that
 * part alone, and the difference is the trigger and event fan-out through {@link TxnApplier}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WatchFanoutBenchmark {
    private static final String PATH = "/watched";
    private static final long SESSION = 0x1000000L;
    private static final List<Id> AUTH = List.of();

    @Param({"1", "100", "10000"})
    public int watchers;

    private WatchTable watches;
    private TxnPreparer preparer;
    private TxnApplier applier;
    private final List<WatchEvent> events = new ArrayList<>();
    private final byte[] value = new byte[100];
    private long zxid;

    @Setup
    public void setUp() {
        DataTree tree = new DataTree();
        watches = new WatchTable();
        preparer = new TxnPreparer(tree, false);
        applier = new TxnApplier(tree, new SessionTable(), watches);
        zxid = 0x100000000L;
        write(OpCode.CREATE, new CreateRequest(PATH, value, Acl.OPEN_ACL_UNSAFE, 0));
    }

    private void write(int type, Object request) {
        long next = ++zxid;
        Txn txn = preparer.prepare(type, request, SESSION, AUTH, next);
        events.clear();
        applier.apply(new TxnEntry(next, 1_700_000_000_000L, SESSION, (int) next, txn), events);
        preparer.retire(next);
    }

    @Benchmark
    public int rearmAndFire() {
        for (long watcher = 1; watcher <= watchers; watcher++) {
            watches.addDataWatch(PATH, watcher);
        }
        write(OpCode.SET_DATA, new SetDataRequest(PATH, value, -1));
        if (events.size() != watchers) {
            throw new IllegalStateException(events.size() + " events for " + watchers + " watchers");
        }
        return events.size();
    }

    @Benchmark
    public int rearmOnly() {
        for (long watcher = 1; watcher <= watchers; watcher++) {
            watches.addDataWatch(PATH, watcher);
        }
        return watches.dataWatchCount();
    }
}
