package dev.corral.storage;

import dev.corral.tree.Invariants;
import dev.corral.tree.TxnCodec;
import dev.corral.tree.TxnEntry;
import dev.corral.tree.Zxid;
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
 * gap in the zxids, is refused with an error, never papered over. Opening also finishes a
 * {@link #truncateAfter truncate} a crash interrupted, and refuses a log with an unfinished
 * {@link SnapshotInstall snapshot install}; the marker files involved are listed in {@link LogSegment}.
 * Reading is {@link LogScanner}'s, through the one parser of the format, {@link SegmentScan}.
 *
 * <p>Invariants: zxids in the log only grow, by one within an epoch, and a later epoch starts at counter 1
 * ({@link Zxid#follows}); {@code syncedZxid <= lastZxid}; a log with a base (emptied by a truncate, or
 * by a snapshot install) holds only txns after it, and its {@code lastZxid} is the base while it holds none.
 * Not thread-safe: one disk worker owns it.
 */
public final class TxnLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TxnLog.class);
    private static final int ZERO_CHUNK = 1 << 20;

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
    // What the pending records take in the log, kept as they are queued: summing the list at each append
    // made a batch of n appends cost n^2 (a learner's DIFF of 110,000 txns took over 50 s to log).
    private long pendingRecordBytes;
    private FileChannel channel;
    private long writePosition;
    private long capacity;
    private long lastZxid;
    private long syncedZxid;
    // Invariant: the log holds no txn at or below baseZxid; 0 if it has no base (LogSegment's markers).
    private long baseZxid;
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

    Path dir() {
        return dir;
    }

    Options options() {
        return options;
    }

    /** The zxid of the last txn appended, or the log's base if it holds none, or 0. */
    public long lastZxid() {
        return lastZxid;
    }

    /** The zxid the oldest segment starts at, or 0 for a log without segments (see {@link #lastZxid()} for its base). */
    public long firstZxid() {
        return segments.isEmpty() ? 0 : segments.get(0).firstZxid();
    }

    public long syncedZxid() {
        return syncedZxid;
    }

    /** Queues an entry; it is durable only after the next {@link #sync()}. */
    public void append(TxnEntry entry) throws StorageException {
        append(entry.zxid(), TxnCodec.encode(entry));
    }

    /**
     * Queues a txn already encoded as the log stores it ({@link TxnCodec}: ZooKeeper's TxnHeader and txn
     * record), e.g. as the leader proposed it; it is durable only after the next {@link #sync()}.
     */
    public void append(long zxid, byte[] payload) throws StorageException {
        checkOrder(lastZxid, zxid, "append");
        if (payload.length > LogRecords.MAX_PAYLOAD) {
            throw new StorageException("txn " + Zxid.hex(zxid) + " of " + payload.length + " bytes is larger than a log record may be");
        }
        boolean full = writePosition + pendingBytes() + payload.length + LogRecords.RECORD_OVERHEAD > options.segmentBytes();
        boolean holdsRecords = writePosition + pendingBytes() > LogRecords.HEADER_BYTES;
        if (channel == null || (full || rollRequested) && holdsRecords) {
            roll(zxid);
        }
        rollRequested = false;
        pending.add(payload);
        pendingRecordBytes += payload.length + LogRecords.RECORD_OVERHEAD;
        lastZxid = zxid;
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
            ByteBuffer buffer = LogRecords.records(pending, bytes);
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
        pendingRecordBytes = 0;
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
        LogScanner.readContinuing(dir, segments, baseZxid, afterZxid, Long.MAX_VALUE, false, record -> {
            consumer.accept(record.entry());
            return true;
        });
    }

    /** {@link #replay} without decoding: each txn's zxid and the bytes the log stores for it. */
    public void read(long afterZxid, Consumer<LogScanner.Record> consumer) throws StorageException {
        LogScanner.readContinuing(dir, segments, baseZxid, afterZxid, Long.MAX_VALUE, false, record -> {
            consumer.accept(record);
            return true;
        });
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

    /**
     * Removes every txn after {@code zxid}, durably, so that the log ends at {@code zxid} and the next
     * append must follow it (ZAB's TRUNC; ZooKeeper's {@code FileTxnLog#truncate}). Queued entries are
     * written first. {@code zxid} must be in the log's history (a txn in it, the zxid right before its
     * first txn in the same epoch, its base, or 0), not after its end, and not below
     * {@code lastCommittedZxid}: a TRUNC never cuts a committed txn (ZOOKEEPER-1154, -1156).
     *
     * <p>The truncate is all or nothing across a crash: a marker file ({@code log.<zxid>.truncate}) is made
     * durable first, and opening the log finishes a truncate it finds marked ({@link LogTruncation}).
     */
    public void truncateAfter(long zxid, long lastCommittedZxid) throws StorageException {
        truncateAfter(zxid, lastCommittedZxid, CrashPoint.NONE);
    }

    /** {@link #truncateAfter(long, long)} with a seam for simulated crashes between its steps. */
    void truncateAfter(long zxid, long lastCommittedZxid, CrashPoint crash) throws StorageException {
        if (Long.compareUnsigned(zxid, lastCommittedZxid) < 0) {
            throw new StorageException("refusing to truncate the log in " + dir + " after zxid " + Zxid.hex(zxid) + ": txns up to "
                    + Zxid.hex(lastCommittedZxid) + " are committed, and a truncate must never remove a committed txn");
        }
        sync();
        if (Long.compareUnsigned(zxid, lastZxid) > 0) {
            throw new StorageException("cannot truncate the log in " + dir + " after zxid " + Zxid.hex(zxid) + ": it ends before, at "
                    + Zxid.hex(lastZxid));
        }
        if (zxid == lastZxid) {
            return;
        }
        LogTruncation.checkHeld(dir, segments, baseZxid, zxid);
        LOG.warn("Truncating the log in {} after zxid {}; it ended at {}", dir, Zxid.hex(zxid), Zxid.hex(lastZxid));
        closeChannel();
        Path marker = dir.resolve(LogSegment.markerName(zxid, LogSegment.TRUNCATE));
        crash.before("create", marker);
        DurableFiles.createMarker(marker);
        LogTruncation.cutAfter(dir, zxid, crash);
        crash.before("delete", marker);
        DurableFiles.delete(marker);
        DurableFiles.forceDirectory(dir);
        segments.clear();
        recover();
        Invariants.check(lastZxid == zxid, "the log in " + dir + " ends at " + Zxid.hex(lastZxid) + " after a truncate after "
                + Zxid.hex(zxid));
    }

    /** Starts a new segment at the next append, so that older segments can be purged after a snapshot. */
    public void rollAtNextAppend() {
        rollRequested = true;
    }

    private void recover() throws StorageException {
        List<Long> installs = LogSegment.markersIn(dir, LogSegment.INSTALL);
        if (!installs.isEmpty()) {
            throw new StorageException("the log in " + dir + " has an unfinished snapshot install ("
                    + LogSegment.markerName(installs.get(0), LogSegment.INSTALL) + "); SnapshotInstall.recover must finish it first");
        }
        List<Long> truncates = LogSegment.markersIn(dir, LogSegment.TRUNCATE);
        for (long zxid : truncates) {
            LOG.warn("Finishing the truncate of the log in {} after zxid {} that a crash interrupted", dir, Zxid.hex(zxid));
            LogTruncation.cutAfter(dir, zxid, CrashPoint.NONE);
        }
        for (long zxid : truncates) {
            DurableFiles.delete(dir.resolve(LogSegment.markerName(zxid, LogSegment.TRUNCATE)));
        }
        if (!truncates.isEmpty()) {
            DurableFiles.forceDirectory(dir);
        }
        baseZxid = LogSegment.baseIn(dir);
        lastZxid = 0;
        List<LogSegment> found = segmentsIn(dir);
        for (int i = 0; i < found.size(); i++) {
            LogSegment segment = found.get(i);
            boolean last = i + 1 == found.size();
            SegmentScan scan = new SegmentScan(segment);
            scan.run(lastZxid, (file, payloadOffset, length, offset, zxid) -> true);
            if (scan.problem != null) {
                if (!last) {
                    throw new StorageException("log file " + segment.path() + " is corrupt at offset " + scan.offset + " ("
                            + scan.problem + ") and later log files exist; refusing to start");
                }
                if (scan.offset < LogRecords.HEADER_BYTES) {
                    LOG.warn("Removing log file {}: {} (no record in it is readable)", segment.path(), scan.problem);
                    delete(segment.path());
                    continue;
                }
                LOG.warn("Truncating log file {} at offset {}: {}", segment.path(), scan.offset, scan.problem);
                truncate(segment.path(), scan.offset);
            }
            if (last && scan.count == 0) {
                // A roll a crash interrupted: the name promises a first zxid the next append need not have (a
                // new leader's first txn of a new epoch), so the next append rolls a segment named for itself.
                LOG.info("Removing log file {}: it holds no record", segment.path());
                delete(segment.path());
                continue;
            }
            segments.add(segment);
            lastZxid = scan.lastZxid;
            if (last) {
                openForAppend(segment, scan.offset);
            }
        }
        if (lastZxid == 0) {
            lastZxid = baseZxid;
        }
        syncedZxid = lastZxid;
    }

    private static void checkOrder(long previous, long zxid, String what) throws StorageException {
        if (previous != 0 && !Zxid.follows(previous, zxid)) {
            throw new StorageException(what + " of zxid " + Zxid.hex(zxid) + " after " + Zxid.hex(previous) + " would leave a gap");
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
        if (pendingRecordBytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("more than 2 GiB of log records queued between syncs");
        }
        return (int) pendingRecordBytes;
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
}
