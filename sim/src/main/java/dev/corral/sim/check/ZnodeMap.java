package dev.corral.sim.check;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * An immutable sorted map from path to {@link ZkState.Znode} that shares structure between versions: a
 * treap whose updates copy only the path from the root (O(log n) nodes), so that the checker, which
 * keeps one state per configuration it has seen, neither copies nor stores a whole tree per write.
 * Priorities are a hash of the key, so the shape depends only on the keys, and equal maps are equal trees
 * (which {@link #equals} does not rely on).
 *
 * <p>Invariants: keys in order (binary search tree); a node's priority at least its children's (heap);
 * {@code size} and {@code hash} (the sum of {@code key.hashCode() ^ value.hashCode()}, as
 * {@link java.util.Map#hashCode}) describe the entries.
 */
final class ZnodeMap {

    private record Node(String key, ZkState.Znode value, int priority, Node left, Node right) {
        Node with(Node newLeft, Node newRight) {
            return new Node(key, value, priority, newLeft, newRight);
        }
    }

    static final ZnodeMap EMPTY = new ZnodeMap(null, 0, 0);

    private final Node root;
    private final int size;
    private final int hash;

    private ZnodeMap(Node root, int size, int hash) {
        this.root = root;
        this.size = size;
        this.hash = hash;
    }

    private static int priority(String key) {
        // A fixed mix of the key's hash (MurmurHash3's finalizer), so priorities look random but are not.
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    private static int entryHash(String key, ZkState.Znode value) {
        return key.hashCode() ^ value.hashCode();
    }

    ZkState.Znode get(String key) {
        Node node = root;
        while (node != null) {
            int cmp = key.compareTo(node.key());
            if (cmp == 0) {
                return node.value();
            }
            node = cmp < 0 ? node.left() : node.right();
        }
        return null;
    }

    /** The least key at or after {@code key}, or null. */
    String ceilingKey(String key) {
        String best = null;
        for (Node node = root; node != null; ) {
            int cmp = key.compareTo(node.key());
            if (cmp == 0) {
                return node.key();
            }
            if (cmp < 0) {
                best = node.key();
                node = node.left();
            } else {
                node = node.right();
            }
        }
        return best;
    }

    int size() {
        return size;
    }

    ZnodeMap with(String key, ZkState.Znode value) {
        Objects.requireNonNull(value, "value");
        ZkState.Znode old = get(key);
        int newHash = hash + entryHash(key, value) - (old == null ? 0 : entryHash(key, old));
        return new ZnodeMap(insert(root, key, value), old == null ? size + 1 : size, newHash);
    }

    ZnodeMap without(String key) {
        ZkState.Znode old = get(key);
        return old == null ? this : new ZnodeMap(remove(root, key), size - 1, hash - entryHash(key, old));
    }

    private static Node insert(Node node, String key, ZkState.Znode value) {
        if (node == null) {
            return new Node(key, value, priority(key), null, null);
        }
        int cmp = key.compareTo(node.key());
        if (cmp == 0) {
            return new Node(key, value, node.priority(), node.left(), node.right());
        }
        if (cmp < 0) {
            Node left = insert(node.left(), key, value);
            // Rotate right when the new child outranks its parent.
            return left.priority() > node.priority() ? left.with(left.left(), node.with(left.right(), node.right()))
                    : node.with(left, node.right());
        }
        Node right = insert(node.right(), key, value);
        return right.priority() > node.priority() ? right.with(node.with(node.left(), right.left()), right.right())
                : node.with(node.left(), right);
    }

    private static Node remove(Node node, String key) {
        int cmp = key.compareTo(node.key());
        if (cmp == 0) {
            return merge(node.left(), node.right());
        }
        return cmp < 0 ? node.with(remove(node.left(), key), node.right()) : node.with(node.left(), remove(node.right(), key));
    }

    /** Joins two treaps whose keys are all less in {@code a} than in {@code b}. */
    private static Node merge(Node a, Node b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.priority() > b.priority() ? a.with(a.left(), merge(a.right(), b)) : b.with(merge(a, b.left()), b.right());
    }

    /** The entries in key order, one at a time (an explicit stack: no recursion on deep trees). */
    private static final class InOrder {
        private final Deque<Node> stack = new ArrayDeque<>();

        InOrder(Node root) {
            descend(root);
        }

        private void descend(Node node) {
            for (; node != null; node = node.left()) {
                stack.push(node);
            }
        }

        Node next() {
            Node node = stack.pop();
            descend(node.right());
            return node;
        }

        boolean hasNext() {
            return !stack.isEmpty();
        }
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ZnodeMap map) || map.size != size || map.hash != hash) {
            return false;
        }
        InOrder mine = new InOrder(root);
        InOrder theirs = new InOrder(map.root);
        while (mine.hasNext()) {
            Node a = mine.next();
            Node b = theirs.next();
            if (!a.key().equals(b.key()) || !a.value().equals(b.value())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (InOrder entries = new InOrder(root); entries.hasNext(); ) {
            Node node = entries.next();
            text.append(text.length() > 1 ? ", " : "").append(node.key()).append('=').append(node.value());
        }
        return text.append('}').toString();
    }
}
