package dev.corral.tree;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The state of one server at {@code zxid}: every znode (by path) and every session with its timeout,
 * plus the tree digest they hash to. The znodes are immutable, so an image taken on the node loop can be
 * written out on another thread.
 *
 * <p>{@code paths[i]} is the path of {@code nodes[i]}. An entry may be free (both null): the arrays are
 * a copy of the tree's slots, taken whole because that is the cheap part on the node loop; readers skip
 * free entries, as {@link #nodeCount} and {@link #forEach} do.
 */
public record TreeSnapshot(long zxid, String[] paths, Znode[] nodes, Map<Long, Integer> sessions, long digest) {

    /** The number of znodes (entries that are not free). */
    public int nodeCount() {
        int count = 0;
        for (String path : paths) {
            count += path == null ? 0 : 1;
        }
        return count;
    }

    /** Calls {@code action} for every znode with its path. */
    public void forEach(BiConsumer<String, Znode> action) {
        for (int i = 0; i < paths.length; i++) {
            if (paths[i] != null) {
                action.accept(paths[i], nodes[i]);
            }
        }
    }
}
