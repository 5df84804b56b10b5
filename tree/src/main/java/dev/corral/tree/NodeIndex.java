package dev.corral.tree;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The znodes of a tree by path, laid out so that an image of all of them costs two array copies.
 *
 * <p>Each znode sits in a slot: {@code paths[s]} and {@code nodes[s]}; a free slot holds nulls and is
 * reused by the next insertion. Lookups go through an open-addressed table of slot numbers (linear
 * probing, load at most one half, deletion by shifting back the entries that follow, so there are no
 * tombstones). A {@link java.util.HashMap} would need an entry object per znode and a walk over all of
 * them to copy it; here {@link #image} is {@code Arrays.copyOf} of the slot arrays, about a millisecond
 * for a million znodes, which is what keeps a snapshot from stalling the node loop. It also takes about
 * 16 bytes per znode where a HashMap takes about 40.
 *
 * <p>Invariants: {@code table[i] == 0} or {@code table[i] - 1} is a used slot whose path hashes to a
 * probe sequence that reaches {@code i} without crossing an empty entry; every used slot appears in the
 * table exactly once; {@code size} is the number of used slots; free slots below {@code used} are on the
 * free stack.
 */
final class NodeIndex {
    private static final int MIN_SLOTS = 16;

    private String[] paths = new String[MIN_SLOTS];
    private Znode[] nodes = new Znode[MIN_SLOTS];
    // Slot number + 1 per entry, 0 for empty; the length is a power of two.
    private int[] table = new int[2 * MIN_SLOTS];
    private int[] freeSlots = new int[MIN_SLOTS];
    private int freeCount;
    // Slots [0, used) have been handed out; those not on the free stack hold a znode.
    private int used;
    private int size;

    /** An image of the index: the slot arrays up to the last slot used; free slots hold nulls. */
    record Image(String[] paths, Znode[] nodes, int size) {}

    int size() {
        return size;
    }

    Znode get(String path) {
        int entry = find(path);
        return entry < 0 ? null : nodes[table[entry] - 1];
    }

    boolean containsKey(String path) {
        return find(path) >= 0;
    }

    /** Maps {@code path} to {@code node}; returns the znode it replaced, or null. */
    Znode put(String path, Znode node) {
        Invariants.check(path != null && node != null, "null path or node");
        int mask = table.length - 1;
        for (int i = spread(path.hashCode()) & mask; ; i = (i + 1) & mask) {
            int slot = table[i] - 1;
            if (slot < 0) {
                slot = allocateSlot();
                paths[slot] = path;
                nodes[slot] = node;
                table[i] = slot + 1;
                size++;
                if (2 * size > table.length) {
                    rehash(2 * table.length);
                }
                return null;
            }
            if (paths[slot].equals(path)) {
                Znode previous = nodes[slot];
                nodes[slot] = node;
                return previous;
            }
        }
    }

    /** Removes {@code path}; returns its znode, or null if it was not there. */
    Znode remove(String path) {
        int entry = find(path);
        if (entry < 0) {
            return null;
        }
        int slot = table[entry] - 1;
        Znode removed = nodes[slot];
        paths[slot] = null;
        nodes[slot] = null;
        pushFree(slot);
        size--;
        deleteEntry(entry);
        return removed;
    }

    void clear() {
        paths = new String[MIN_SLOTS];
        nodes = new Znode[MIN_SLOTS];
        table = new int[2 * MIN_SLOTS];
        freeSlots = new int[MIN_SLOTS];
        freeCount = 0;
        used = 0;
        size = 0;
    }

    /** Calls {@code action} for every znode, in slot order. */
    void forEach(BiConsumer<String, Znode> action) {
        for (int slot = 0; slot < used; slot++) {
            if (paths[slot] != null) {
                action.accept(paths[slot], nodes[slot]);
            }
        }
    }

    /** A copy of the slot arrays: the znodes are immutable, so it stays the state of this moment. */
    Image image() {
        return new Image(Arrays.copyOf(paths, used), Arrays.copyOf(nodes, used), size);
    }

    private int find(String path) {
        int mask = table.length - 1;
        for (int i = spread(path.hashCode()) & mask; ; i = (i + 1) & mask) {
            int slot = table[i] - 1;
            if (slot < 0) {
                return -1;
            }
            if (paths[slot].equals(path)) {
                return i;
            }
        }
    }

    /**
     * Empties entry {@code i}, then moves back each entry of the run after it whose probe sequence starts
     * at or before the hole, so every entry stays reachable from its home without tombstones.
     */
    private void deleteEntry(int i) {
        int mask = table.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
            int home = spread(paths[table[j] - 1].hashCode()) & mask;
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
        if (used == paths.length) {
            int capacity = paths.length * 2;
            paths = Arrays.copyOf(paths, capacity);
            nodes = Arrays.copyOf(nodes, capacity);
        }
        return used++;
    }

    private void pushFree(int slot) {
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeSlots.length * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    private void rehash(int capacity) {
        int[] fresh = new int[capacity];
        int mask = capacity - 1;
        for (int slot = 0; slot < used; slot++) {
            if (paths[slot] != null) {
                int i = spread(paths[slot].hashCode()) & mask;
                while (fresh[i] != 0) {
                    i = (i + 1) & mask;
                }
                fresh[i] = slot + 1;
            }
        }
        table = fresh;
    }

    /** Mixes the high bits of String's hash into the low ones the mask keeps. */
    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
