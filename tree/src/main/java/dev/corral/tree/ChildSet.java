package dev.corral.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The children of one znode, held as their full paths: the very String instances the tree's index uses
 * as keys, so a child costs one table slot here (about 6 bytes) instead of a name String and a HashMap
 * entry (about 90). Names are cut from the paths when a client asks for them.
 *
 * <p>An open-addressed table of path references (linear probing, load at most three quarters, deletion
 * by shifting back, so no tombstones). Past {@link #SPLIT_CAPACITY} the one table becomes
 * {@link #SEGMENTS} tables, a path's chosen by the top bits of its hash, each growing and shrinking on
 * its own: a znode with millions of children (the registries of issue 16 keep them under one parent)
 * then never rehashes them all on one create, which would stall the node loop for as long as that takes.
 * Invariant: in each table, every non-null entry is reachable from its home slot without crossing a
 * null; {@code size} counts the non-null entries of all of them.
 */
final class ChildSet {
    private static final int MIN_CAPACITY = 4;
    static final int SPLIT_CAPACITY = 1 << 15;
    private static final int SEGMENT_BITS = 6;
    static final int SEGMENTS = 1 << SEGMENT_BITS;

    // The one table while the set is small; null once it is split into segments.
    private String[] table = new String[MIN_CAPACITY];
    private String[][] segments;
    private int[] segmentSizes;
    private int size;

    int size() {
        return size;
    }

    /** Adds a child path; false if it was there already. */
    boolean add(String childPath) {
        int hash = spread(childPath.hashCode());
        if (segments == null) {
            if (!insert(table, childPath, hash)) {
                return false;
            }
            size++;
            if (4 * size > 3 * table.length) {
                if (table.length >= SPLIT_CAPACITY) {
                    split();
                } else {
                    table = resized(table, table.length * 2);
                }
            }
            return true;
        }
        int segment = segment(hash);
        String[] own = segments[segment];
        if (!insert(own, childPath, hash)) {
            return false;
        }
        size++;
        if (4 * ++segmentSizes[segment] > 3 * own.length) {
            segments[segment] = resized(own, own.length * 2);
        }
        return true;
    }

    /** Removes a child path; false if it was not there. */
    boolean remove(String childPath) {
        int hash = spread(childPath.hashCode());
        if (segments == null) {
            if (!delete(table, childPath, hash)) {
                return false;
            }
            size--;
            if (8 * size < table.length && table.length > MIN_CAPACITY) {
                table = resized(table, table.length / 2);
            }
            return true;
        }
        int segment = segment(hash);
        String[] own = segments[segment];
        if (!delete(own, childPath, hash)) {
            return false;
        }
        size--;
        if (8 * --segmentSizes[segment] < own.length && own.length > MIN_CAPACITY) {
            segments[segment] = resized(own, own.length / 2);
        }
        return true;
    }

    /** Calls {@code action} with every child's full path. */
    void forEachPath(Consumer<String> action) {
        if (segments == null) {
            forEachIn(table, action);
        } else {
            for (String[] own : segments) {
                forEachIn(own, action);
            }
        }
    }

    /** The children's names (the last path component), in no particular order, in a fresh list. */
    List<String> names() {
        List<String> names = new ArrayList<>(size);
        forEachPath(path -> names.add(path.substring(path.lastIndexOf('/') + 1)));
        return names;
    }

    /** Whether the set has been split into segments (for tests). */
    boolean segmented() {
        return segments != null;
    }

    /** The one table becomes {@link #SEGMENTS}, each sized for its share at under half load. */
    private void split() {
        int capacity = MIN_CAPACITY;
        while (capacity < 2 * size / SEGMENTS) {
            capacity *= 2;
        }
        segments = new String[SEGMENTS][];
        segmentSizes = new int[SEGMENTS];
        for (int segment = 0; segment < SEGMENTS; segment++) {
            segments[segment] = new String[capacity];
        }
        for (String entry : table) {
            if (entry != null) {
                int hash = spread(entry.hashCode());
                int segment = segment(hash);
                String[] own = segments[segment];
                if (4 * ++segmentSizes[segment] > 3 * own.length) {
                    own = segments[segment] = resized(own, own.length * 2);
                }
                insert(own, entry, hash);
            }
        }
        table = null;
    }

    private static void forEachIn(String[] table, Consumer<String> action) {
        for (String entry : table) {
            if (entry != null) {
                action.accept(entry);
            }
        }
    }

    /** Puts {@code path} in {@code table}, which has a free entry; false if it is there already. */
    private static boolean insert(String[] table, String path, int hash) {
        int mask = table.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            String entry = table[i];
            if (entry == null) {
                table[i] = path;
                return true;
            }
            if (entry.equals(path)) {
                return false;
            }
        }
    }

    /** Takes {@code path} out of {@code table}, shifting back the run after it; false if it was not there. */
    private static boolean delete(String[] table, String path, int hash) {
        int mask = table.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            String entry = table[i];
            if (entry == null) {
                return false;
            }
            if (entry.equals(path)) {
                int hole = i;
                for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
                    int home = spread(table[j].hashCode()) & mask;
                    // The entry at j may fill the hole unless its home lies in the cyclic range (hole, j].
                    if (((j - home) & mask) >= ((j - hole) & mask)) {
                        table[hole] = table[j];
                        hole = j;
                    }
                }
                table[hole] = null;
                return true;
            }
        }
    }

    private static String[] resized(String[] old, int capacity) {
        String[] fresh = new String[capacity];
        int mask = capacity - 1;
        for (String entry : old) {
            if (entry != null) {
                int i = spread(entry.hashCode()) & mask;
                while (fresh[i] != null) {
                    i = (i + 1) & mask;
                }
                fresh[i] = entry;
            }
        }
        return fresh;
    }

    private static int segment(int hash) {
        return hash >>> (Integer.SIZE - SEGMENT_BITS);
    }

    /** Mixes the high bits of String's hash into the low ones the masks keep, as {@link NodeIndex} does. */
    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
