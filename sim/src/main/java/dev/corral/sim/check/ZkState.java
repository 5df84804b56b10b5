package dev.corral.sim.check;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable state of {@link ZkModel}: the znodes that exist, each with its data, version and the number
 * of children ever created under it (the counter a sequential create appends: ZooKeeper 3.9's
 * PrepRequestProcessor takes the parent's stored cversion, which only child creates increase).
 *
 * <p>Invariants: the root "/" exists; every other znode's parent exists.
 */
public final class ZkState {

    public record Znode(String data, int version, int childrenCreated) {
        public Znode {
            Objects.requireNonNull(data, "data");
        }
    }

    private static final Znode EMPTY = new Znode("", 0, 0);

    private final NavigableMap<String, Znode> nodes;
    private final int hash;

    private ZkState(NavigableMap<String, Znode> nodes) {
        this.nodes = nodes;
        this.hash = nodes.hashCode();
    }

    /** A state with these znodes; the root is added when missing, and every parent must be listed. */
    public static ZkState of(Map<String, Znode> znodes) {
        NavigableMap<String, Znode> nodes = new TreeMap<>(znodes);
        nodes.putIfAbsent("/", EMPTY);
        for (String path : nodes.keySet()) {
            if (!path.equals("/") && !nodes.containsKey(parent(path))) {
                throw new IllegalArgumentException("znode " + path + " has no parent in the initial state");
            }
        }
        return new ZkState(nodes);
    }

    /** The root and these paths, each empty at version 0 with no child created yet; parents first or not. */
    public static ZkState withEmptyNodes(String... paths) {
        Map<String, Znode> nodes = new TreeMap<>();
        for (String path : paths) {
            nodes.put(path, EMPTY);
        }
        return of(nodes);
    }

    /** ZooKeeper's parent of a path: "/a/b" has "/a", "/a" has "/". */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0 || path.equals("/")) {
            throw new IllegalArgumentException("no parent: '" + path + "'");
        }
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    public Znode get(String path) {
        return nodes.get(path);
    }

    boolean hasChildren(String path) {
        if (path.equals("/")) {
            return nodes.size() > 1;
        }
        // Not higherKey(path): "/a-b" sorts between "/a" and "/a/x".
        String prefix = path + "/";
        String next = nodes.ceilingKey(prefix);
        return next != null && next.startsWith(prefix);
    }

    ZkState with(String path, Znode znode) {
        NavigableMap<String, Znode> next = new TreeMap<>(nodes);
        next.put(path, znode);
        return new ZkState(next);
    }

    ZkState without(String path) {
        NavigableMap<String, Znode> next = new TreeMap<>(nodes);
        next.remove(path);
        return new ZkState(next);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ZkState state && state.hash == hash && state.nodes.equals(nodes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return nodes.toString();
    }
}
