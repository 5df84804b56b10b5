package dev.corral.server;

import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.zab.LogEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Recovery's log, opened and read on a thread of its own ("corral-log-read") while the snapshot loads on
 * others: the txns after the zxid of the newest snapshot file, the one recovery loads unless it is refused.
 * At a million znodes and some 50,000 logged txns, opening and reading the log took about a third of a
 * second after the snapshot; now it overlaps with it.
 */
final class LogReadAhead {
    private final CompletableFuture<TxnLog> log;
    private final CompletableFuture<List<LogEntry>> entries;
    private final long afterZxid;

    private LogReadAhead(CompletableFuture<TxnLog> log, CompletableFuture<List<LogEntry>> entries, long afterZxid) {
        this.log = log;
        this.entries = entries;
        this.afterZxid = afterZxid;
    }

    /** Opens the log in {@code dir} and reads its txns after {@code afterZxid}, on a thread of its own. */
    static LogReadAhead start(Path dir, TxnLog.Options options, long afterZxid) {
        CompletableFuture<TxnLog> log = new CompletableFuture<>();
        CompletableFuture<List<LogEntry>> entries = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            TxnLog opened;
            try {
                opened = TxnLog.open(dir, options);
                log.complete(opened);
            } catch (StorageException | RuntimeException e) {
                log.completeExceptionally(e);
                entries.completeExceptionally(e);
                return;
            }
            try {
                entries.complete(read(opened, afterZxid));
            } catch (StorageException | RuntimeException e) {
                entries.completeExceptionally(e);
            }
        }, "corral-log-read");
        reader.setDaemon(true);
        reader.start();
        return new LogReadAhead(log, entries, afterZxid);
    }

    /** The opened log; throws what opening it threw. */
    TxnLog log() throws StorageException {
        return join(log);
    }

    /**
     * The txns after {@code zxid}: those read ahead if it is the zxid they were read from, else read now
     * (recovery took an older snapshot than the newest).
     */
    List<LogEntry> entriesAfter(long zxid) throws StorageException {
        List<LogEntry> readAhead = join(entries);
        // The log is read again only once the read ahead has ended: one reader at a time.
        return zxid == afterZxid ? readAhead : read(log(), zxid);
    }

    /** Waits for the reading to end and closes the log if it was opened: recovery gave up. */
    void close() {
        try {
            entries.handle((read, failure) -> null).get();
            TxnLog opened = log.getNow(null);
            if (opened != null) {
                opened.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | StorageException | RuntimeException e) {
            // closing after a failed start: the failure that stopped it is what the caller reports
        }
    }

    private static List<LogEntry> read(TxnLog log, long afterZxid) throws StorageException {
        List<LogEntry> read = new ArrayList<>();
        log.read(afterZxid, record -> read.add(new LogEntry(record.zxid(), record.payload())));
        return read;
    }

    private static <T> T join(CompletableFuture<T> future) throws StorageException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while reading the log", e);
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof StorageException storage) {
                throw storage;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StorageException("cannot read the log: " + e.getCause(), e.getCause());
        }
    }
}
