package dev.corral.tree;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The znodes of a tree by path, laid out so that no single change costs time in proportion to the
 * number of znodes, and an image of all of them costs one copy of their references.
 *
 * <p>Each znode sits in a slot, {@code nodes[s]}, kept in pages of {@link #PAGE_SLOTS}; a znode holds its own
 * path ({@link Znode#hasPath}), so no path String is kept. A free slot holds null and is reused by the next
 * insertion; a path keeps its slot for as long as it exists, so a parent's {@link ChildSet} names its
 * children by slot. Growing adds a
 * page instead of copying every reference into arrays twice as long. Lookups go through
 * {@link #SEGMENTS} open-addressed tables of slot numbers, a path's segment chosen by the top bits of
 * its hash (linear probing, load at most three quarters, deletion by shifting back the entries that follow,
 * so there are no tombstones). An entry holds its slot number and a few more bits of its path's hash (a
 * tag), so a probe passes entries of other paths without reading their nodes: each such read is a cache
 * miss to a node that may lie anywhere in the heap, and an insertion into a million-znode index took
 * about a quarter of a restart's replay in them (issue 16). A segment's tags have {@link #TAG_BITS_MAX} bits
 * until the slot numbers it takes need them, then one fewer each time those double past 2^24: that
 * segment's entries are rewritten then, without reading a node, a 256th of the index as a rehash is. With
 * the tags, passing an entry costs a compare in the cache line already read, so the tables fill to three
 * quarters rather than a half: at ten million znodes that is 6.7 bytes a znode less (in process, 207.4 to
 * 200.7), the same at a million. Each segment doubles on its own, so a rehash moves a 256th of the
 * entries: at ten million znodes about 40,000, where one table would move all ten million on one
 * insertion and stall the node loop for the time that takes (the longest write stall while a large
 * tree is populated, issue 16). A {@link java.util.HashMap} would need an entry object per znode and
 * move them all on a resize.
 *
 * <p>Invariants: {@code tables[g][i] == 0} or {@code slotOf(tables[g][i], g)} is a used slot, below
 * {@code 2^(31 - tagBits[g]) - 1}, whose node's path has segment {@code g}, tag
 * {@code tables[g][i] & tagMask(g)}, and hashes to a probe sequence in it that reaches {@code i} without
 * crossing an empty entry; every used slot appears in the tables exactly once; {@code size} is the number
 * of used slots; free slots below {@code used} are on the free stack.
 */
final class NodeIndex {
    static final int SEGMENT_BITS = 8;
    static final int SEGMENTS = 1 << SEGMENT_BITS;
    private static final int MIN_ENTRIES = 8;
    static final int PAGE_BITS = 12;
    static final int PAGE_SLOTS = 1 << PAGE_BITS;
    private static final int PAGE_MASK = PAGE_SLOTS - 1;
    static final int TAG_BITS_MAX = 7;
    // The tag is taken from the spread hash's bits from here up: above the 17 bits a segment's mask keeps up to
    // 131,072 entries, below the segment's 8.
    private static final int TAG_SHIFT = 17;

    private Znode[][] nodePages = new Znode[1][];
    // ((slot number + 1) << tagBits[g]) | tag per entry of segment g, 0 for empty; each segment's length is a
    // power of two.
    private final int[][] tables = new int[SEGMENTS][];
    private final int firstTagBits;
    private final int[] tagBits = new int[SEGMENTS];
    private final int[] segmentSizes = new int[SEGMENTS];
    private int[] freeSlots = new int[MIN_ENTRIES];
    private int freeCount;
    // Slots [0, used) have been handed out; those not on the free stack hold a znode.
    private int used;
    private int size;
    // The batch loads' spread hashes, reused from one batch to the next, and what their first loads read.
    private int[] scratch = new int[0];
    private int touched;

    NodeIndex() {
        this(TAG_BITS_MAX);
    }

    /** An index whose tags start {@code tagBits} wide: tests start wide, so that a few thousand slots narrow them. */
    NodeIndex(int tagBits) {
        Invariants.check(tagBits >= 0 && tagBits < Integer.SIZE - 1, "tags of %d bits", tagBits);
        this.firstTagBits = tagBits;
        clear();
    }

    /** An image of the index: the slots up to the last slot used; free slots hold nulls. */
    record Image(Znode[] nodes, int size) {}

    int size() {
        return size;
    }

    Znode get(String path) {
        int slot = slot(path);
        return slot < 0 ? null : node(slot);
    }

    boolean containsKey(String path) {
        return slot(path) >= 0;
    }

    /** The slot of {@code path}, or -1. */
    int slot(String path) {
        int hash = spread(path.hashCode());
        int entry = find(path, hash);
        return entry < 0 ? -1 : slotOf(tables[segment(hash)][entry], segment(hash));
    }

    /** The znode in a used slot. */
    Znode node(int slot) {
        return nodePages[slot >>> PAGE_BITS][slot & PAGE_MASK];
    }

    /** Puts {@code node} in the slot of its path, which holds another version of it. */
    void replace(int slot, Znode node) {
        Invariants.check(node(slot) != null, "replace in free slot %d", slot);
        nodePages[slot >>> PAGE_BITS][slot & PAGE_MASK] = node;
    }

    /** Adds {@code node} at {@code path}, its path, which the index does not hold; returns its slot. */
    int insert(String path, Znode node) {
        if (!node.hasPath(path)) {
            Invariants.check(false, "node at %s is not %s's", path, node.path());
        }
        int hash = spread(path.hashCode());
        int segment = segment(hash);
        int[] table = tables[segment];
        int mask = table.length - 1;
        int tagMask = tagMask(segment);
        int tag = hash >>> TAG_SHIFT & tagMask;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int entry = table[i];
            if (entry == 0) {
                return take(hash, i, node);
            }
            if ((entry & tagMask) == tag) {
                Invariants.check(!node(slotOf(entry, segment)).hasPath(path), "insert of %s over an existing node", path);
            }
        }
    }

    /**
     * Adds {@code count} nodes being loaded, each keyed by its own path's bytes, without a String of it, and
     * puts their slots in {@code slots}. The index must not hold those paths; only with {@code checkPath} is
     * that checked. The check compares the path of every entry on the way, which took over a third of a
     * million-znode recovery's time (a cache miss to each node and to its bytes), so recovery from the
     * server's own snapshot file skips it: its nodes came from a tree, and a file holding a path twice would
     * hash to another digest than the one written with it, which the load checks when it finishes
     * ({@link DataTree.Loader#finish}).
     *
     * <p>The table entry each node's probe starts at is read for all of them first, in a loop of loads that
     * do not wait on one another, so that the processor fetches their cache lines together instead of one
     * miss at a time: in a million-znode index each insertion's first read is a miss (the tables are
     * megabytes), and one at a time they took over a third of a restart's snapshot load (issue 16).
     */
    void insertLoaded(Znode[] batch, int count, boolean checkPath, int[] slots) {
        int[] hashes = scratch(count);
        int sum = 0;
        for (int k = 0; k < count; k++) {
            int hash = spread(batch[k].pathHash());
            hashes[k] = hash;
            int[] table = tables[segment(hash)];
            sum += table[hash & (table.length - 1)];
        }
        // Kept, so that the loads above are not dropped as unused.
        touched = sum;
        for (int k = 0; k < count; k++) {
            slots[k] = insertLoaded(batch[k], hashes[k], checkPath);
        }
    }

    private int insertLoaded(Znode node, int hash, boolean checkPath) {
        int segment = segment(hash);
        int[] table = tables[segment];
        int mask = table.length - 1;
        int tagMask = tagMask(segment);
        int tag = hash >>> TAG_SHIFT & tagMask;
        int i = hash & mask;
        for (int entry = table[i]; entry != 0; entry = table[i]) {
            if (checkPath && (entry & tagMask) == tag && node(slotOf(entry, segment)).samePath(node)) {
                Invariants.check(false, "snapshot holds %s twice", node.path());
            }
            i = (i + 1) & mask;
        }
        return take(hash, i, node);
    }

    private int[] scratch(int count) {
        if (scratch.length < count) {
            scratch = new int[count];
        }
        return scratch;
    }

    /** Puts {@code node} in a new slot that empty entry {@code i} of its segment's table names; returns the slot. */
    private int take(int hash, int i, Znode node) {
        int segment = segment(hash);
        int slot = allocateSlot();
        while ((long) slot + 1 >= 1L << (Integer.SIZE - 1 - tagBits[segment])) {
            narrowTags(segment);
        }
        nodePages[slot >>> PAGE_BITS][slot & PAGE_MASK] = node;
        tables[segment][i] = ((slot + 1) << tagBits[segment]) | (hash >>> TAG_SHIFT & tagMask(segment));
        size++;
        if (4 * ++segmentSizes[segment] > 3 * tables[segment].length) {
            rehash(segment, 2 * tables[segment].length);
        }
        return slot;
    }

    /** Removes {@code path}; returns its znode, or null if it was not there. */
    Znode remove(String path) {
        int hash = spread(path.hashCode());
        int entry = find(path, hash);
        if (entry < 0) {
            return null;
        }
        int segment = segment(hash);
        int slot = slotOf(tables[segment][entry], segment);
        Znode removed = node(slot);
        nodePages[slot >>> PAGE_BITS][slot & PAGE_MASK] = null;
        pushFree(slot);
        size--;
        segmentSizes[segment]--;
        deleteEntry(segment, entry);
        return removed;
    }

    void clear() {
        clear(0);
    }

    /**
     * Empties the index with each segment's table as long as it would have grown to by holding an even
     * share of {@code expected} znodes, so that loading that many skips the doublings on the way (a segment
     * a little over its share still doubles once; a longer table would cost heap in every segment).
     */
    void clear(int expected) {
        nodePages = new Znode[1][];
        nodePages[0] = new Znode[PAGE_SLOTS];
        long perSegment = (long) expected / SEGMENTS;
        // The power of two at least four thirds of the share: a load of at most three quarters.
        int capacity = (int) Math.min(1 << 26, Math.max(MIN_ENTRIES, Long.highestOneBit(Math.max(1, (4 * perSegment + 2) / 3) * 2 - 1)));
        for (int segment = 0; segment < SEGMENTS; segment++) {
            tables[segment] = new int[capacity];
            segmentSizes[segment] = 0;
        }
        freeSlots = new int[MIN_ENTRIES];
        freeCount = 0;
        used = 0;
        size = 0;
        Arrays.fill(tagBits, firstTagBits);
    }

    /** Calls {@code action} for every znode, in slot order. */
    void forEach(Consumer<Znode> action) {
        for (int slot = 0; slot < used; slot++) {
            Znode node = node(slot);
            if (node != null) {
                action.accept(node);
            }
        }
    }

    /** A copy of the slots: the znodes are immutable, so it stays the state of this moment. */
    Image image() {
        Znode[] nodes = new Znode[used];
        for (int page = 0, start = 0; start < used; page++, start += PAGE_SLOTS) {
            int length = Math.min(PAGE_SLOTS, used - start);
            System.arraycopy(nodePages[page], 0, nodes, start, length);
        }
        return new Image(nodes, size);
    }

    /** The entry of {@code path} in its segment's table, or -1. */
    private int find(String path, int hash) {
        int segment = segment(hash);
        int[] table = tables[segment];
        int mask = table.length - 1;
        int tagMask = tagMask(segment);
        int tag = hash >>> TAG_SHIFT & tagMask;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int entry = table[i];
            if (entry == 0) {
                return -1;
            }
            if ((entry & tagMask) == tag && node(slotOf(entry, segment)).hasPath(path)) {
                return i;
            }
        }
    }

    /**
     * Empties entry {@code i} of one segment's table, then moves back each entry of the run after it whose
     * probe sequence starts at or before the hole, so every entry stays reachable from its home without
     * tombstones.
     */
    private void deleteEntry(int segment, int i) {
        int[] table = tables[segment];
        int mask = table.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int home = spread(node(slotOf(table[j], segment)).pathHash()) & mask;
            // The entry at j may fill the hole if its home is not in the cyclic range (hole, j].
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
    }

    private int allocateSlot() {
        if (freeCount > 0) {
            return freeSlots[--freeCount];
        }
        int page = used >>> PAGE_BITS;
        if (page == nodePages.length) {
            // Only the short array of page references grows; the pages themselves stay where they are.
            nodePages = Arrays.copyOf(nodePages, 2 * page);
        }
        if (nodePages[page] == null) {
            nodePages[page] = new Znode[PAGE_SLOTS];
        }
        return used++;
    }

    private void pushFree(int slot) {
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeSlots.length * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private void rehash(int segment, int capacity) {
        int[] old = tables[segment];
        int[] fresh = new int[capacity];
        int mask = capacity - 1;
        for (int entry : old) {
            if (entry != 0) {
                int i = spread(node(slotOf(entry, segment)).pathHash()) & mask;
                while (fresh[i] != 0) {
                    i = (i + 1) & mask;
                }
                fresh[i] = entry;
            }
        }
        tables[segment] = fresh;
    }

    /**
     * Gives one segment's tags one bit fewer, so that slot numbers twice as high fit in its entries: each of
     * them is rewritten in place (its slot shifted, its tag's top bit dropped); no node is read and no entry
     * moves.
     */
    private void narrowTags(int segment) {
        Invariants.check(tagBits[segment] > 0, "the index holds %d slots, as many as an int numbers", used);
        int narrower = tagBits[segment] - 1;
        int mask = (1 << narrower) - 1;
        int[] table = tables[segment];
        for (int i = 0; i < table.length; i++) {
            int entry = table[i];
            if (entry != 0) {
                table[i] = (slotOf(entry, segment) + 1) << narrower | (entry & mask);
            }
        }
        tagBits[segment] = narrower;
    }

    /** The slot an entry of {@code segment} names. */
    private int slotOf(int entry, int segment) {
        return (entry >>> tagBits[segment]) - 1;
    }

    /** The mask of the tag bits of {@code segment}'s entries; a tag is {@code spreadHash >>> TAG_SHIFT & tagMask}. */
    private int tagMask(int segment) {
        return (1 << tagBits[segment]) - 1;
    }

    /** The segment of a spread hash: its top bits, which no segment's mask (the low bits) uses until a segment holds 2^24 entries. */
    private static int segment(int hash) {
        return hash >>> (Integer.SIZE - SEGMENT_BITS);
    }

    /** Mixes the high bits of String's hash into the low ones the masks keep. */
    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
