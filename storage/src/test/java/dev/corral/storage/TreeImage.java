package dev.corral.storage;

import dev.corral.tree.DataTree;
import dev.corral.tree.NodeKind;
import dev.corral.tree.Paths;
import dev.corral.tree.SessionTable;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import dev.corral.wire.Stat;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything recovery must bring back of a tree and its session table, copied into values that compare
 * with {@code equals}: every node reached from the root (data, ACL, the Stat clients see, kind, TTL, the
 * stored cversion, child names), the ephemeral, container and TTL indexes, the digest, the last zxid and
 * the sessions. Two states are the same for a client exactly when their images are equal.
 */
record TreeImage(long zxid, long digest, Map<String, NodeImage> nodes, Map<Long, Set<String>> ephemerals,
        Set<String> containers, Set<String> ttlNodes, Map<Long, Integer> sessions) {

    /** One node; data as hex so that null, empty and non-empty data stay distinct. */
    record NodeImage(String data, List<Acl> acl, Stat stat, NodeKind kind, long ttlMs, int storedCversion, Set<String> children) {
        static NodeImage of(Znode node) {
            String data = node.data() == null ? null : HexFormat.of().formatHex(node.data());
            return new NodeImage(data, List.copyOf(node.acl()), node.stat(), node.kind(), node.ttlMs(), node.cversion(),
                    new TreeSet<>(node.childNames()));
        }
    }

    static TreeImage of(DataTree tree, SessionTable sessions) {
        Map<String, NodeImage> nodes = new TreeMap<>();
        Deque<String> stack = new ArrayDeque<>();
        stack.push(Paths.ROOT);
        while (!stack.isEmpty()) {
            String path = stack.pop();
            Znode node = tree.node(path);
            nodes.put(path, NodeImage.of(node));
            for (String child : node.childNames()) {
                stack.push(Paths.child(path, child));
            }
        }
        if (nodes.size() != tree.nodeCount()) {
            throw new AssertionError(tree.nodeCount() + " nodes in the tree but " + nodes.size() + " reachable from the root");
        }
        Map<Long, Set<String>> ephemerals = new TreeMap<>();
        tree.ephemeralsBySession().forEach((session, paths) -> ephemerals.put(session, new TreeSet<>(paths)));
        return new TreeImage(tree.lastProcessedZxid(), tree.digest(), nodes, ephemerals, new TreeSet<>(tree.containers()),
                new TreeSet<>(tree.ttlNodes()), new TreeMap<>(sessions.all()));
    }
}
