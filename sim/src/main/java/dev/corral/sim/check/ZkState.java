package dev.corral.sim.check;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable state of {@link ZkModel}: the znodes that exist, each with its data, version and the number
 * of children ever created under it (the counter a sequential create appends: ZooKeeper 3.9's
 * PrepRequestProcessor takes the parent's stored cversion, which only child creates increase).
 *
 * <p>Invariants: the root "/" exists; every other znode's parent exists. States share structure
 * ({@link ZnodeMap}), as the checker keeps many of them.
 */
public final class ZkState {

    public record Znode(String data, int version, int childrenCreated) {
        public Znode {
            Objects.requireNonNull(data, "data");
        }
    }

    private static final Znode EMPTY = new Znode("", 0, 0);

    private final ZnodeMap nodes;

    private ZkState(ZnodeMap nodes) {
        this.nodes = nodes;
    }

    /** A state with these znodes; the root is added when missing, and every parent must be listed. */
    public static ZkState of(Map<String, Znode> znodes) {
        ZnodeMap nodes = ZnodeMap.EMPTY.with("/", EMPTY);
        for (Map.Entry<String, Znode> znode : znodes.entrySet()) {
            nodes = nodes.with(znode.getKey(), znode.getValue());
        }
        for (String path : znodes.keySet()) {
            if (!path.equals("/") && nodes.get(parent(path)) == null) {
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
        return new ZkState(nodes.with(path, znode));
    }

    ZkState without(String path) {
        return new ZkState(nodes.without(path));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ZkState state && state.nodes.equals(nodes);
    }

    @Override
    public int hashCode() {
        return nodes.hashCode();
    }

    @Override
    public String toString() {
        return nodes.toString();
    }
}
