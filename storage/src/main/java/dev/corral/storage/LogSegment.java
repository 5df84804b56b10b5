package dev.corral.storage;

import java.nio.file.Path;

/** One segment file of the log: its path and the zxid of its first record. */
record LogSegment(Path path, long firstZxid) implements Comparable<LogSegment> {
    static final String PREFIX = "log.";
    static final String SUFFIX = ".wal";

    static String fileName(long firstZxid) {
        return PREFIX + String.format("%016x", firstZxid) + SUFFIX;
    }

    /** The first zxid named by a segment file name, or -1 if the name is not a segment's. */
    static long parseFirstZxid(String fileName) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)) {
            return -1;
        }
        String hex = fileName.substring(PREFIX.length(), fileName.length() - SUFFIX.length());
        if (hex.length() != 16) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public int compareTo(LogSegment other) {
        return Long.compareUnsigned(firstZxid, other.firstZxid);
    }
}
