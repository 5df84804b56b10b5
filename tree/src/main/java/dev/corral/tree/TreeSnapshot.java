package dev.corral.tree;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The state of one server at {@code zxid}: every znode (each holds its path) and every session with its
 * timeout, plus the tree digest they hash to. The znodes are immutable, so an image taken on the node loop
 * can be written out on another thread.
 *
 * <p>An entry of {@code nodes} may be free (null): the array is a copy of the tree's slots, taken whole
 * because that is the cheap part on the node loop; readers skip free entries, as {@link #nodeCount} and
 * {@link #forEach} do.
 */
public record TreeSnapshot(long zxid, Znode[] nodes, Map<Long, Integer> sessions, long digest) {

    /** The number of znodes (entries that are not free). */
    public int nodeCount() {
        int count = 0;
        for (Znode node : nodes) {
            count += node == null ? 0 : 1;
        }
        return count;
    }

    /** Calls {@code action} for every znode. */
    public void forEach(Consumer<Znode> action) {
        for (Znode node : nodes) {
            if (node != null) {
                action.accept(node);
            }
        }
    }
}
