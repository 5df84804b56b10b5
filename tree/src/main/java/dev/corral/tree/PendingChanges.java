package dev.corral.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The changes of txns that are prepared but not yet applied, layered over the tree, so that a request
 * is checked against the state all earlier txns will leave (ZooKeeper's {@code outstandingChanges}).
 * A change is retired once the applier has applied its zxid.
 *
 * <p>Invariant: entries in {@code order} are in increasing zxid order; {@code byPath} holds, for each
 * path, the change of the latest pending txn that touched it.
 */
final class PendingChanges {
    private record Change(long zxid, Optional<NodeState> state) {}

    private final DataTree tree;
    private final Map<String, Change> byPath = new HashMap<>();
    private final ArrayDeque<Map.Entry<Long, String>> order = new ArrayDeque<>();

    PendingChanges(DataTree tree) {
        this.tree = tree;
    }

    /** The node at {@code path} as it will be after every pending txn, or empty if it will not exist. */
    Optional<NodeState> get(String path) {
        Change change = byPath.get(path);
        if (change != null) {
            return change.state();
        }
        Znode node = tree.node(path);
        return node == null ? Optional.empty() : Optional.of(NodeState.of(node));
    }

    void put(String path, Optional<NodeState> state, long zxid) {
        Invariants.check(order.isEmpty() || order.peekLast().getKey() <= zxid, "pending change %x out of order", zxid);
        byPath.put(path, new Change(zxid, state));
        order.addLast(Map.entry(zxid, path));
    }

    /** Forgets the changes of txns up to and including {@code appliedZxid}, which the tree now shows. */
    void retire(long appliedZxid) {
        while (!order.isEmpty() && order.peekFirst().getKey() <= appliedZxid) {
            Map.Entry<Long, String> head = order.removeFirst();
            Change change = byPath.get(head.getValue());
            if (change != null && change.zxid() == head.getKey()) {
                byPath.remove(head.getValue());
            }
        }
    }

    boolean isEmpty() {
        return order.isEmpty();
    }

    /** Forgets every pending change: the txns they belong to will not be applied by this preparer's tree. */
    void clear() {
        byPath.clear();
        order.clear();
    }

    /** The ephemerals {@code sessionId} will own once every pending txn is applied, sorted. */
    List<String> ephemerals(long sessionId) {
        List<String> result = new ArrayList<>();
        for (String path : tree.ephemerals(sessionId)) {
            if (get(path).map(state -> state.ephemeralOwner() == sessionId).orElse(false)) {
                result.add(path);
            }
        }
        byPath.forEach((path, change) -> {
            if (change.state().map(s -> s.ephemeralOwner() == sessionId).orElse(false) && !result.contains(path)) {
                result.add(path);
            }
        });
        result.sort(null);
        return result;
    }
}
