package dev.corral.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One segment file of the log: its path and the zxid of its first record. The log directory also holds
 * empty marker files whose name is their content, "log.&lt;16 hex digits&gt;" and a suffix:
 *
 * <pre>
 *   log.&lt;zxid&gt;.wal       a segment whose first record has this zxid
 *   log.&lt;zxid&gt;.base      the log continues from this zxid: it holds no txn at or below it, and
 *                        recovery needs a snapshot at or after it (left by a truncate that emptied
 *                        the log, and by a snapshot install)
 *   log.&lt;zxid&gt;.truncate  a truncate after this zxid is under way; opening the log finishes it
 *   log.&lt;zxid&gt;.install   a snapshot install at this zxid is under way; SnapshotInstall finishes it
 * </pre>
 */
record LogSegment(Path path, long firstZxid) implements Comparable<LogSegment> {
    static final String PREFIX = "log.";
    static final String SUFFIX = ".wal";
    static final String BASE = ".base";
    static final String TRUNCATE = ".truncate";
    static final String INSTALL = ".install";

    static String fileName(long firstZxid) {
        return markerName(firstZxid, SUFFIX);
    }

    static String markerName(long zxid, String suffix) {
        return PREFIX + String.format("%016x", zxid) + suffix;
    }

    /** The first zxid named by a segment file name, or -1 if the name is not a segment's. */
    static long parseFirstZxid(String fileName) {
        return parseZxid(fileName, SUFFIX);
    }

    /** The zxid in a name "log.&lt;16 hex digits&gt;{@code suffix}", or -1 if the name is not such a name. */
    static long parseZxid(String fileName, String suffix) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(suffix)) {
            return -1;
        }
        String hex = fileName.substring(PREFIX.length(), fileName.length() - suffix.length());
        if (hex.length() != 16) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The zxids of the marker files with {@code suffix} in {@code dir}, smallest first; none if there is no such directory. */
    static List<Long> markersIn(Path dir, String suffix) throws StorageException {
        List<Long> zxids = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return zxids;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(path -> {
                long zxid = parseZxid(path.getFileName().toString(), suffix);
                if (zxid >= 0) {
                    zxids.add(zxid);
                }
            });
        } catch (IOException e) {
            throw new StorageException("cannot list log directory " + dir + ": " + e, e);
        }
        zxids.sort(Long::compareUnsigned);
        return zxids;
    }

    /** The zxid the log in {@code dir} continues from ({@code log.<zxid>.base}), or 0 if it has no base. */
    static long baseIn(Path dir) throws StorageException {
        List<Long> bases = markersIn(dir, BASE);
        return bases.isEmpty() ? 0 : bases.get(bases.size() - 1);
    }

    @Override
    public int compareTo(LogSegment other) {
        return Long.compareUnsigned(firstZxid, other.firstZxid);
    }
}
