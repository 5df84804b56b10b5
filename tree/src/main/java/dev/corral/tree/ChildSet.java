package dev.corral.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The children of one znode, held as their slot numbers in the tree's {@link NodeIndex}, which stay the
 * same for as long as a path exists: a child costs one int entry here (about 6 bytes) instead of a name
 * String and a HashMap entry (about 90), and no String of its path need exist anywhere (issue 16: heap
 * per znode). Names and paths are decoded from the children's znodes when a client asks for them.
 *
 * <p>An open-addressed table of slot numbers plus one, 0 for an empty entry (linear probing, load at most
 * three quarters, deletion by shifting back, so no tombstones). Past {@link #SPLIT_CAPACITY} the one table becomes
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

    // The index whose slots the entries are: the children's znodes are looked up there.
    private final NodeIndex index;
    // The one table while the set is small; null once it is split into segments.
    private int[] table = new int[MIN_CAPACITY];
    private int[][] segments;
    private int[] segmentSizes;
    private int size;

    ChildSet(NodeIndex index) {
        this.index = index;
    }

    int size() {
        return size;
    }

    /** Adds the child in index slot {@code slot}; false if it was there already. */
    boolean add(int slot) {
        int entry = slot + 1;
        int hash = spread(slot);
        if (segments == null) {
            if (!insert(table, entry, hash)) {
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
        int[] own = segments[segment];
        if (!insert(own, entry, hash)) {
            return false;
        }
        size++;
        if (4 * ++segmentSizes[segment] > 3 * own.length) {
            segments[segment] = resized(own, own.length * 2);
        }
        return true;
    }

    /**
     * Adds the children in index slots {@code slots[from, to)}, as {@link #add} does each. In a split set the
     * entry each one's probe starts at is read for all of them first, so that the processor fetches those
     * cache lines together: a parent of a million children has megabytes of tables, and a snapshot load
     * otherwise waits for one miss per child (see {@link NodeIndex#insertLoaded(Znode[], int, boolean, int[])}).
     * Returns the sum of the entries read first, which the caller keeps so that those reads are not dropped
     * as unused.
     */
    int addLoaded(int[] slots, int from, int to) {
        int sum = 0;
        if (segments != null) {
            for (int k = from; k < to; k++) {
                int hash = spread(slots[k]);
                int[] own = segments[segment(hash)];
                sum += own[hash & (own.length - 1)];
            }
        }
        for (int k = from; k < to; k++) {
            add(slots[k]);
        }
        return sum;
    }

    /** Removes the child in index slot {@code slot}; false if it was not there. */
    boolean remove(int slot) {
        int entry = slot + 1;
        int hash = spread(slot);
        if (segments == null) {
            if (!delete(table, entry, hash)) {
                return false;
            }
            size--;
            if (8 * size < table.length && table.length > MIN_CAPACITY) {
                table = resized(table, table.length / 2);
            }
            return true;
        }
        int segment = segment(hash);
        int[] own = segments[segment];
        if (!delete(own, entry, hash)) {
            return false;
        }
        size--;
        if (8 * --segmentSizes[segment] < own.length && own.length > MIN_CAPACITY) {
            segments[segment] = resized(own, own.length / 2);
        }
        return true;
    }

    /** Calls {@code action} with every child's znode. */
    void forEach(Consumer<Znode> action) {
        if (segments == null) {
            forEachIn(table, action);
        } else {
            for (int[] own : segments) {
                forEachIn(own, action);
            }
        }
    }

    /** Calls {@code action} with every child's full path (decoded: a new String each). */
    void forEachPath(Consumer<String> action) {
        forEach(child -> action.accept(child.path()));
    }

    /** The children's names (the last path component), in no particular order, in a fresh list. */
    List<String> names() {
        List<String> names = new ArrayList<>(size);
        forEach(child -> names.add(child.name()));
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
        segments = new int[SEGMENTS][];
        segmentSizes = new int[SEGMENTS];
        for (int segment = 0; segment < SEGMENTS; segment++) {
            segments[segment] = new int[capacity];
        }
        for (int entry : table) {
            if (entry != 0) {
                int hash = spread(entry - 1);
                int segment = segment(hash);
                int[] own = segments[segment];
                if (4 * ++segmentSizes[segment] > 3 * own.length) {
                    own = segments[segment] = resized(own, own.length * 2);
                }
                insert(own, entry, hash);
            }
        }
        table = null;
    }

    private void forEachIn(int[] table, Consumer<Znode> action) {
        for (int entry : table) {
            if (entry != 0) {
                action.accept(index.node(entry - 1));
            }
        }
    }

    /** Puts {@code entry} in {@code table}, which has a free entry; false if it is there already. */
    private static boolean insert(int[] table, int entry, int hash) {
        int mask = table.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int present = table[i];
            if (present == 0) {
                table[i] = entry;
                return true;
            }
            if (present == entry) {
                return false;
            }
        }
    }

    /** Takes {@code entry} out of {@code table}, shifting back the run after it; false if it was not there. */
    private static boolean delete(int[] table, int entry, int hash) {
        int mask = table.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int present = table[i];
            if (present == 0) {
                return false;
            }
            if (present == entry) {
                int hole = i;
                for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
                    int home = spread(table[j] - 1) & mask;
                    // The entry at j may fill the hole unless its home lies in the cyclic range (hole, j].
                    if (((j - home) & mask) >= ((j - hole) & mask)) {
                        table[hole] = table[j];
                        hole = j;
                    }
                }
                table[hole] = 0;
                return true;
            }
        }
    }

    private static int[] resized(int[] old, int capacity) {
        int[] fresh = new int[capacity];
        int mask = capacity - 1;
        for (int entry : old) {
            if (entry != 0) {
                int i = spread(entry - 1) & mask;
                while (fresh[i] != 0) {
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

    /** Spreads a slot number over the bits, the top ones (segments) as well as the low ones (masks). */
    private static int spread(int slot) {
        int h = slot * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
