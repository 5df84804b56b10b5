package dev.corral.storage;

import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.Zxid;
import dev.corral.wire.MalformedRecordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: txn entries in zxid order, in segment files of {@link LogRecords}' format,
 * preallocated and rolled by size. Appends are buffered; {@link #sync()} writes them and covers them all
 * with one fsync, which is what makes group commit work: the disk worker appends every entry queued
 * since the last sync, then syncs once.
 *
 * <p>Opening the log checks every record. A torn or corrupt tail of the last segment is truncated at the
 * last valid record and logged with file, offset and reason; corruption before the last segment, or a
 * gap in the zxids, is refused with an error, never papered over.
 *
 * <p>Invariants: zxids in the log only grow, by one within an epoch, and a later epoch starts at counter 1
 * ({@link Zxid#follows}); {@code syncedZxid <= lastZxid}.
 * Not thread-safe: one disk worker owns it.
 */
public final class TxnLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TxnLog.class);
    private static final int ZERO_CHUNK = 1 << 20;
    private static final int TAIL_CHECK_BYTES = 1 << 20;

    /** Sizes of a segment and of its preallocation, and whether sync really forces to disk. */
    public record Options(long segmentBytes, long preallocBytes, boolean forceSync) {
        public static Options defaults() {
            return new Options(64L << 20, 64L << 20, true);
        }
    }

    private final Path dir;
    private final Options options;
    private final List<LogSegment> segments = new ArrayList<>();
    private final List<byte[]> pending = new ArrayList<>();
    private FileChannel channel;
    private long writePosition;
    private long capacity;
    private long lastZxid;
    private long syncedZxid;
    private boolean rollRequested;

    private TxnLog(Path dir, Options options) {
        this.dir = dir;
        this.options = options;
    }

    /** Opens (creating if need be) the log in {@code dir}, checking and repairing it as described above. */
    public static TxnLog open(Path dir, Options options) throws StorageException {
        TxnLog log = new TxnLog(dir, options);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create log directory " + dir + ": " + e, e);
        }
        log.recover();
        return log;
    }

    /** The first zxid a log segment's file name carries ("log.<16 hex digits>.wal"), or -1 if it is not one. */
    public static long firstZxidOfSegment(String fileName) {
        return LogSegment.parseFirstZxid(fileName);
    }

    public long lastZxid() {
        return lastZxid;
    }

    /** The zxid the oldest segment starts at, or 0 for an empty log. */
    public long firstZxid() {
        return segments.isEmpty() ? 0 : segments.get(0).firstZxid();
    }

    public long syncedZxid() {
        return syncedZxid;
    }

    /** Queues an entry; it is durable only after the next {@link #sync()}. */
    public void append(TxnEntry entry) throws StorageException {
        checkOrder(lastZxid, entry.zxid(), "append");
        byte[] payload = TxnCodec.encode(entry);
        if (payload.length > LogRecords.MAX_PAYLOAD) {
            throw new StorageException("txn " + Zxid.hex(entry.zxid()) + " of " + payload.length + " bytes is larger than a log record may be");
        }
        boolean full = writePosition + pendingBytes() + payload.length + LogRecords.RECORD_OVERHEAD > options.segmentBytes();
        boolean holdsRecords = writePosition + pendingBytes() > LogRecords.HEADER_BYTES;
        if (channel == null || (full || rollRequested) && holdsRecords) {
            roll(entry.zxid());
        }
        rollRequested = false;
        pending.add(payload);
        lastZxid = entry.zxid();
    }

    /** Writes every queued entry and forces them to disk with one fsync; returns the synced zxid. */
    public long sync() throws StorageException {
        if (pending.isEmpty()) {
            return syncedZxid;
        }
        Path file = segments.get(segments.size() - 1).path();
        try {
            int bytes = pendingBytes();
            ensureCapacity(writePosition + bytes);
            ByteBuffer buffer = ByteBuffer.allocate(bytes);
            for (byte[] payload : pending) {
                LogRecords.put(buffer, payload);
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                writePosition += channel.write(buffer, writePosition);
            }
            if (options.forceSync()) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write or fsync log file " + file + " at offset " + writePosition + ": " + e, e);
        }
        pending.clear();
        syncedZxid = lastZxid;
        return syncedZxid;
    }

    /**
     * Calls {@code consumer} with every entry after {@code afterZxid} (the zxid of the snapshot recovery
     * loaded, or 0 for none), in order. The first entry handed over must continue {@code afterZxid} by the
     * same rule as appends ({@link Zxid#follows}); a log that starts later is missing the txns between, and
     * is refused before any entry is handed over. A log whose entries all lie at or below
     * {@code afterZxid} hands over nothing.
     */
    public void replay(long afterZxid, Consumer<TxnEntry> consumer) throws StorageException {
        boolean[] continued = {false};
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            boolean mayHoldLater = i + 1 == segments.size() || Long.compareUnsigned(segments.get(i + 1).firstZxid(), afterZxid) > 0;
            if (!mayHoldLater) {
                continue;
            }
            scan(segment, record -> {
                TxnEntry entry = decode(segment, record);
                if (entry.zxid() <= afterZxid) {
                    return;
                }
                if (!continued[0] && !Zxid.follows(afterZxid, entry.zxid())) {
                    throw new StorageException("the log in " + dir + " does not continue from zxid " + Zxid.hex(afterZxid)
                            + ": expected zxid " + Zxid.hex(afterZxid + 1) + " (or counter 1 of a later epoch) but found "
                            + Zxid.hex(entry.zxid()) + " in " + segment.path().getFileName()
                            + "; the txns between are lost (a gap in the log)");
                }
                continued[0] = true;
                consumer.accept(entry);
            });
        }
    }

    @Override
    public void close() throws StorageException {
        try {
            sync();
        } finally {
            closeChannel();
        }
    }

    /** The segment files in {@code dir}, oldest first. */
    static List<LogSegment> segmentsIn(Path dir) throws StorageException {
        List<LogSegment> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(path -> {
                long firstZxid = LogSegment.parseFirstZxid(path.getFileName().toString());
                if (firstZxid >= 0) {
                    found.add(new LogSegment(path, firstZxid));
                }
            });
        } catch (IOException e) {
            throw new StorageException("cannot list log directory " + dir + ": " + e, e);
        }
        found.sort(null);
        return found;
    }

    /** Starts a new segment at the next append, so that older segments can be purged after a snapshot. */
    public void rollAtNextAppend() {
        rollRequested = true;
    }

    private void recover() throws StorageException {
        List<LogSegment> found = segmentsIn(dir);
        for (int i = 0; i < found.size(); i++) {
            LogSegment segment = found.get(i);
            boolean last = i + 1 == found.size();
            ScanResult result = scan(segment, record -> { });
            if (result.count() > 0 && lastZxid != 0 && !Zxid.follows(lastZxid, segment.firstZxid())) {
                throw new StorageException("log file " + segment.path() + " starts at zxid " + Zxid.hex(segment.firstZxid())
                        + " but the log before it ends at " + Zxid.hex(lastZxid) + ": a gap in the log");
            }
            if (result.problem() != null) {
                if (!last) {
                    throw new StorageException("log file " + segment.path() + " is corrupt at offset " + result.validEnd() + " ("
                            + result.problem() + ") and later log files exist; refusing to start");
                }
                if (result.validEnd() < LogRecords.HEADER_BYTES) {
                    LOG.warn("Removing log file {}: {} (no record in it is readable)", segment.path(), result.problem());
                    delete(segment.path());
                    continue;
                }
                LOG.warn("Truncating log file {} at offset {}: {}", segment.path(), result.validEnd(), result.problem());
                truncate(segment.path(), result.validEnd());
            }
            segments.add(segment);
            if (result.count() > 0) {
                lastZxid = result.lastZxid();
            }
            if (last) {
                openForAppend(segment, result.validEnd());
            }
        }
        syncedZxid = lastZxid;
    }

    private record ScanResult(long lastZxid, long validEnd, int count, String problem) {}

    /** A valid record found by a scan: the mapped file, and where its payload lies in it. */
    private record RawRecord(ByteBuffer file, int payloadOffset, int length, long offset) {}

    /**
     * Walks the valid records of a segment; stops at the end marker or at the first invalid record. The
     * file is memory-mapped, so the zero-filled preallocated tail is not read beyond a bounded window.
     */
    private ScanResult scan(LogSegment segment, RecordConsumer consumer) throws StorageException {
        ByteBuffer buffer;
        try (FileChannel file = FileChannel.open(segment.path(), StandardOpenOption.READ)) {
            long size = file.size();
            if (size > Integer.MAX_VALUE) {
                throw new StorageException("log file " + segment.path() + " is larger than 2 GiB");
            }
            buffer = file.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new StorageException("cannot read log file " + segment.path() + ": " + e, e);
        }
        int limit = buffer.limit();
        if (limit < LogRecords.HEADER_BYTES) {
            return new ScanResult(0, 0, 0, "file shorter than its header");
        }
        if (buffer.getInt(0) != LogRecords.MAGIC) {
            return new ScanResult(0, 0, 0, "bad magic in header");
        }
        if (buffer.getInt(4) != LogRecords.VERSION) {
            // A whole header of another version is no torn write: repairing it would delete the log.
            throw new StorageException("log file " + segment.path() + " is in log format version " + buffer.getInt(4)
                    + " but this Corral reads version " + LogRecords.VERSION + " only (ZooKeeper's txn encoding); "
                    + "version 1 logs were written before Corral took that encoding and cannot be read by it");
        }
        long expected = segment.firstZxid();
        long previous = expected - 1;
        int offset = LogRecords.HEADER_BYTES;
        int count = 0;
        while (offset + LogRecords.RECORD_OVERHEAD <= limit) {
            int length = buffer.getInt(offset);
            if (length == 0) {
                return new ScanResult(previous, offset, count, trailingProblem(buffer, offset));
            }
            if (length < 0 || length > LogRecords.MAX_PAYLOAD || offset + LogRecords.RECORD_OVERHEAD + length > limit) {
                return new ScanResult(previous, offset, count, "record length " + length + " runs past the end of the file");
            }
            int payloadOffset = offset + LogRecords.RECORD_OVERHEAD;
            if (LogRecords.crc(buffer, payloadOffset, length) != buffer.getInt(offset + 4)) {
                return new ScanResult(previous, offset, count, "CRC mismatch");
            }
            long zxid = length >= TxnCodec.ZXID_OFFSET + Long.BYTES ? buffer.getLong(payloadOffset + TxnCodec.ZXID_OFFSET) : -1;
            if (count == 0 ? zxid != expected : !Zxid.follows(previous, zxid)) {
                throw new StorageException("log file " + segment.path() + " has zxid " + Zxid.hex(zxid) + " at offset " + offset
                        + " after " + Zxid.hex(previous) + ": a gap or reordering in the log");
            }
            consumer.accept(new RawRecord(buffer, payloadOffset, length, offset));
            previous = zxid;
            count++;
            offset = payloadOffset + length;
        }
        String tail = trailingProblem(buffer, offset);
        return new ScanResult(previous, offset, count, tail == null ? null : "partial record header at the end");
    }

    /**
     * After the end marker only zeros may follow; anything else is a torn write beyond it. A torn write
     * lands right after the last record, so a window past the marker is checked, not the whole tail.
     */
    private static String trailingProblem(ByteBuffer buffer, int from) {
        int end = (int) Math.min(buffer.limit(), (long) from + TAIL_CHECK_BYTES);
        for (int i = from; i < end; i++) {
            if (buffer.get(i) != 0) {
                return "non-zero bytes after the end of the records, from offset " + i;
            }
        }
        return null;
    }

    private static void checkOrder(long previous, long zxid, String what) throws StorageException {
        if (previous != 0 && !Zxid.follows(previous, zxid)) {
            throw new StorageException(what + " of zxid " + Zxid.hex(zxid) + " after " + Zxid.hex(previous) + " would leave a gap");
        }
    }

    private TxnEntry decode(LogSegment segment, RawRecord record) {
        byte[] payload = new byte[record.length()];
        record.file().get(record.payloadOffset(), payload);
        try {
            return TxnCodec.decode(payload);
        } catch (MalformedRecordException e) {
            throw new IllegalStateException("log file " + segment.path() + " offset " + record.offset()
                    + ": record passed its CRC but does not decode: " + e.getMessage(), e);
        }
    }

    private void roll(long firstZxid) throws StorageException {
        if (channel != null) {
            sync();
            closeChannel();
        }
        Path path = dir.resolve(LogSegment.fileName(firstZxid));
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
            channel.write(LogRecords.header(firstZxid), 0);
            writePosition = LogRecords.HEADER_BYTES;
            capacity = LogRecords.HEADER_BYTES;
            ensureCapacity(options.preallocBytes());
            channel.force(true);
            forceDirectory();
        } catch (IOException e) {
            throw new StorageException("cannot create log file " + path + ": " + e, e);
        }
        segments.add(new LogSegment(path, firstZxid));
    }

    private void openForAppend(LogSegment segment, long validEnd) throws StorageException {
        try {
            channel = FileChannel.open(segment.path(), StandardOpenOption.WRITE, StandardOpenOption.READ);
            writePosition = validEnd;
            capacity = channel.size();
        } catch (IOException e) {
            throw new StorageException("cannot open log file " + segment.path() + " for append: " + e, e);
        }
    }

    /**
     * Grows the file by writing one zero byte at its new end, as ZooKeeper's FilePadding does: the file
     * size changes once per preallocation instead of at every append, and the gap reads as zeros, which
     * is the end marker. Writing the zeros for real would stall the disk worker for the whole 64 MiB.
     */
    private void ensureCapacity(long needed) throws IOException {
        if (needed <= capacity) {
            return;
        }
        long target = Math.max(needed, capacity + options.preallocBytes());
        channel.write(ByteBuffer.allocate(1), target - 1);
        capacity = target;
    }

    private void truncate(Path path, long validEnd) throws StorageException {
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
            long size = file.size();
            ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK);
            long position = validEnd;
            while (position < size) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, size - position));
                position += file.write(zeros, position);
            }
            file.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot truncate log file " + path + " at offset " + validEnd + ": " + e, e);
        }
    }

    private static void delete(Path path) throws StorageException {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new StorageException("cannot remove unreadable log file " + path + ": " + e, e);
        }
    }

    private void forceDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    private int pendingBytes() {
        long bytes = 0;
        for (byte[] payload : pending) {
            bytes += payload.length + LogRecords.RECORD_OVERHEAD;
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("more than 2 GiB of log records queued between syncs");
        }
        return (int) bytes;
    }

    private void closeChannel() throws StorageException {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw new StorageException("cannot close log file: " + e, e);
        } finally {
            channel = null;
        }
    }

    @FunctionalInterface
    private interface RecordConsumer {
        void accept(RawRecord record) throws StorageException;
    }
}
