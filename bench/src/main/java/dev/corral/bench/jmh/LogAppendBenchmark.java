package dev.corral.bench.jmh;

import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Log append with group commit: {@code batch} setData entries appended, then one {@link TxnLog#sync()}
 * (an fsync when {@code forceSync}), as the disk worker does with everything queued since its last sync.
 * Time per call divided by {@code batch} is the cost per write; the fsync dominates, which is why group
 * commit matters. The log lives in a temporary directory, on whatever disk holds java.io.tmpdir.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogAppendBenchmark {
    @Param({"1", "16", "256"})
    public int batch;

    @Param({"true", "false"})
    public boolean forceSync;

    private Path directory;
    private TxnLog log;
    private final byte[] value = new byte[100];
    private long zxid;

    @Setup(Level.Iteration)
    public void setUp() throws IOException, StorageException {
        directory = Files.createTempDirectory("corral-jmh-log-");
        log = TxnLog.open(directory, new TxnLog.Options(64L << 20, 64L << 20, forceSync));
        zxid = 0x100000000L;
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException, StorageException {
        log.close();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Benchmark
    public long appendBatchThenSync() throws StorageException {
        for (int i = 0; i < batch; i++) {
            long next = ++zxid;
            log.append(new TxnEntry(next, 1_700_000_000_000L, 0x1000000L, (int) next,
                    new Txn.SetData("/bench/k-" + (next % 1000), value, (int) next)));
        }
        return log.sync();
    }
}
