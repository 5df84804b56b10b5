package dev.corral.sim.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits a history into the connected parts of "touches a common key": operations on one key fall in one
 * part, and an operation that touches several keys (a multi) joins their parts, so each part can be
 * checked alone. A union-find over the keys; parts come out in the order of their first operation, and
 * each keeps the history's order.
 */
public final class Partitions {
    private Partitions() {}

    /** {@code keys} must name at least one key for every operation. */
    public static <I, O, K> List<List<Operation<I, O>>> byKeys(List<Operation<I, O>> history,
            Function<Operation<I, O>, Collection<K>> keys) {
        Map<K, K> parent = new HashMap<>();
        List<K> firstKeys = new ArrayList<>(history.size());
        for (Operation<I, O> op : history) {
            Collection<K> touched = keys.apply(op);
            if (touched.isEmpty()) {
                throw new IllegalArgumentException("an operation touches no key: " + op);
            }
            K first = null;
            for (K key : touched) {
                parent.putIfAbsent(key, key);
                if (first == null) {
                    first = key;
                } else {
                    union(parent, first, key);
                }
            }
            firstKeys.add(first);
        }
        Map<K, List<Operation<I, O>>> parts = new LinkedHashMap<>();
        for (int i = 0; i < history.size(); i++) {
            parts.computeIfAbsent(root(parent, firstKeys.get(i)), root -> new ArrayList<>()).add(history.get(i));
        }
        return new ArrayList<>(parts.values());
    }

    private static <K> K root(Map<K, K> parent, K key) {
        K root = key;
        while (!parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        // Path compression keeps later lookups short.
        for (K at = key; !at.equals(root); ) {
            K next = parent.get(at);
            parent.put(at, root);
            at = next;
        }
        return root;
    }

    private static <K> void union(Map<K, K> parent, K a, K b) {
        K rootA = root(parent, a);
        K rootB = root(parent, b);
        if (!rootA.equals(rootB)) {
            parent.put(rootB, rootA);
        }
    }
}
