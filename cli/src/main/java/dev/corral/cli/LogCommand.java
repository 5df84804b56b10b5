package dev.corral.cli;

import dev.corral.server.ConfigException;
import dev.corral.storage.LogScanner;
import dev.corral.storage.StorageException;
import dev.corral.storage.TxnLog;
import dev.corral.tree.TxnEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code corral log}: lists the txns of the write-ahead log, as ZooKeeper's LogFormatter and
 * {@code zkTxnLogToolkit.sh} do. It reads the segment files through storage's read-only
 * {@link LogScanner}, which never changes them, so it is safe beside a running server.
 */
@Command(name = "log", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the transactions in the write-ahead log (as ZooKeeper's LogFormatter).",
            "Reads the log without changing it; safe while a server runs.",
            "Without FILE or an option it reads ./data/corral-wal, as `corral server` writes by default."},
        footer = {"", "Exit status: 0 ok, 1 a log file is unreadable or corrupt, 2 bad usage."})
final class LogCommand extends ToolCommand {
    /** Text output checks for a closed pipe (e.g. into head) this often, not on every line. */
    private static final int PIPE_CHECK_EVERY = 256;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "one log segment file (log.<zxid>.wal)")
    Path file;

    @Option(names = "--data-log-dir", paramLabel = "DIR", description = "the server's dataLogDir (its log is in DIR/corral-wal)")
    Path dataLogDir;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "a zoo.cfg; its dataLogDir (else dataDir) is read")
    Path config;

    @Option(names = "--from", paramLabel = "ZXID", description = "start at this zxid (0x-prefixed hex, or decimal)")
    String from;

    @Option(names = "--limit", paramLabel = "N", description = "list at most N transactions")
    Integer limit;

    @Option(names = "--json", description = "one JSON object per transaction, one per line")
    boolean json;

    @Override
    void run() throws ToolFailure, IOException, ConfigException {
        long fromZxid = fromZxid();
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
        }
        List<Path> segments;
        String where;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ToolFailure("log file " + file + (Files.exists(file) ? " is not a regular file" : " does not exist"));
            }
            if (TxnLog.firstZxidOfSegment(file.getFileName().toString()) < 0) {
                throw new ToolFailure("log file " + file + " is not named like a log segment (log.<16 hex digits>.wal)");
            }
            segments = List.of(file);
            where = file.toString();
        } else {
            Path logDir = dataLogDir != null ? DataDirs.of(dataLogDir, null).logDir() : DataDirs.fromConfig(config).logDir();
            DataDirs.requireDirectory(logDir, "log directory");
            segments = LogScanner.segmentsIn(logDir);
            where = logDir.toString();
        }
        Listing listing = new Listing(out(), json, limit == null ? Long.MAX_VALUE : limit);
        if (!json) {
            out().println(TxnView.HEADER);
        }
        LogScanner.End end;
        try {
            // --from is inclusive; the scanner reads after a zxid, and zxid 0 is never logged.
            end = LogScanner.read(segments, Math.max(0, fromZxid - 1), listing::print);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            out().flush();
        }
        if (end.problem() != null) {
            note("the log ends early at offset " + end.offset() + " of " + end.file() + ": " + end.problem()
                    + " (a torn tail after a crash, which the server truncates on its next start, or a write in progress)");
        }
        if (!json) {
            out().println(listing.count == 0 ? "no transactions" + (fromZxid > 0 ? " from " + Formats.hex(fromZxid) : "") + " in " + where
                    : listing.count + " transactions, " + Formats.hex(listing.firstZxid) + " to " + Formats.hex(listing.lastZxid)
                            + ", from " + segments.size() + " log file" + (segments.size() == 1 ? "" : "s") + " in " + where
                            + (listing.count == listing.limit ? " (--limit reached)" : ""));
        }
    }

    private long fromZxid() {
        if (file != null && (dataLogDir != null || config != null) || dataLogDir != null && config != null) {
            throw new ParameterException(spec.commandLine(), "give one of FILE, --data-log-dir and --config");
        }
        if (from == null) {
            return 0;
        }
        long zxid = Formats.parseZxid(from);
        if (zxid < 0) {
            throw new ParameterException(spec.commandLine(), "--from takes a zxid such as 0x1f or 31, not '" + from + "'");
        }
        return zxid;
    }

    /** Prints each record as it is read, up to the limit; stops early if stdout is closed. */
    private static final class Listing {
        private final PrintWriter out;
        private final boolean json;
        private final long limit;
        private long count;
        private long firstZxid;
        private long lastZxid;

        Listing(PrintWriter out, boolean json, long limit) {
            this.out = out;
            this.json = json;
            this.limit = limit;
        }

        boolean print(LogScanner.Record record) throws StorageException {
            TxnEntry entry = record.entry();
            if (count == 0) {
                firstZxid = entry.zxid();
            }
            lastZxid = entry.zxid();
            count++;
            if (json) {
                try {
                    Json.writeLine(out, TxnView.json(entry, record.payload().length));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                out.println(TxnView.text(entry, record.payload().length));
            }
            boolean pipeClosed = count % PIPE_CHECK_EVERY == 0 && out.checkError();
            return count < limit && !pipeClosed;
        }
    }
}
