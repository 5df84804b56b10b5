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
 * by shifting back, so no tombstones). Invariant: every non-null entry is reachable from its home slot
 * without crossing a null; {@code size} counts the non-null entries.
 */
final class ChildSet {
    private static final int MIN_CAPACITY = 4;

    private String[] table = new String[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /** Adds a child path; false if it was there already. */
    boolean add(String childPath) {
        int mask = table.length - 1;
        for (int i = home(childPath, mask); ; i = (i + 1) & mask) {
            String entry = table[i];
            if (entry == null) {
                table[i] = childPath;
                size++;
                if (4 * size > 3 * table.length) {
                    resize(table.length * 2);
                }
                return true;
            }
            if (entry.equals(childPath)) {
                return false;
            }
        }
    }

    /** Removes a child path; false if it was not there. */
    boolean remove(String childPath) {
        int mask = table.length - 1;
        for (int i = home(childPath, mask); ; i = (i + 1) & mask) {
            String entry = table[i];
            if (entry == null) {
                return false;
            }
            if (entry.equals(childPath)) {
                deleteAt(i);
                size--;
                if (8 * size < table.length && table.length > MIN_CAPACITY) {
                    resize(table.length / 2);
                }
                return true;
            }
        }
    }

    /** Calls {@code action} with every child's full path. */
    void forEachPath(Consumer<String> action) {
        for (String entry : table) {
            if (entry != null) {
                action.accept(entry);
            }
        }
    }

    /** The children's names (the last path component), in no particular order, in a fresh list. */
    List<String> names() {
        List<String> names = new ArrayList<>(size);
        for (String entry : table) {
            if (entry != null) {
                names.add(entry.substring(entry.lastIndexOf('/') + 1));
            }
        }
        return names;
    }

    private void deleteAt(int i) {
        int mask = table.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
            int home = home(table[j], mask);
            // The entry at j may fill the hole unless its home lies in the cyclic range (hole, j].
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = null;
    }

    private void resize(int capacity) {
        String[] old = table;
        table = new String[capacity];
        int mask = capacity - 1;
        for (String entry : old) {
            if (entry != null) {
                int i = home(entry, mask);
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = entry;
            }
        }
    }

    private static int home(String path, int mask) {
        int h = path.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
