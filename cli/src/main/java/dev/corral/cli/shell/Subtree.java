package dev.corral.cli.shell;

import dev.corral.client.CorralClient;
import dev.corral.client.KeeperException;
import dev.corral.client.ZnodePaths;
import dev.corral.wire.ErrorCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Walks a subtree through the client, in the orders ZooKeeper's {@code ZKUtil} walks it, so that
 * {@code ls -R}, {@code setAcl -R} and {@code deleteall} visit znodes as zkCli does. A walk is not a
 * snapshot: a znode deleted while it runs is skipped (as ZKUtil skips it), one created is seen or not.
 * The walks keep their own stacks and queues rather than recursing, so a deep tree cannot overflow the
 * thread's stack.
 */
final class Subtree {
    /** What a walk does with each path; it may call the server. */
    @FunctionalInterface
    interface Visitor {
        void visit(String path) throws KeeperException, InterruptedException;
    }

    private Subtree() {}

    /**
     * ZooKeeper 3.9 {@code ZKUtil#visitSubTreeDFS}: the root (which must exist), then for each znode
     * its children in sorted order, then each child's subtree in turn. With {@code watch} it leaves a data
     * watch on the root and a child watch on every znode, as {@code ls -R -w} does.
     */
    static void visitInZkCliOrder(CorralClient zk, String root, boolean watch, Visitor visitor)
            throws KeeperException, InterruptedException {
        ZnodePaths.validate(root);
        zk.getData(root, watch);
        visitor.visit(root);
        Deque<Iterator<String>> pending = new ArrayDeque<>();
        pending.push(visitChildren(zk, root, watch, visitor).iterator());
        while (!pending.isEmpty()) {
            Iterator<String> siblings = pending.peek();
            if (!siblings.hasNext()) {
                pending.pop();
                continue;
            }
            pending.push(visitChildren(zk, siblings.next(), watch, visitor).iterator());
        }
    }

    private static List<String> visitChildren(CorralClient zk, String path, boolean watch, Visitor visitor)
            throws KeeperException, InterruptedException {
        List<String> children = sortedChildren(zk, path, watch);
        for (String child : children) {
            visitor.visit(child);
        }
        return children;
    }

    /**
     * ZooKeeper 3.9 {@code ZKUtil#listSubTreeBFS}: the root and every descendant, breadth first, so every
     * znode comes after its parent and deleting from the end removes leaves first. The root must exist.
     */
    static List<String> listBreadthFirst(CorralClient zk, String root) throws KeeperException, InterruptedException {
        ZnodePaths.validate(root);
        List<String> tree = new ArrayList<>();
        tree.add(root);
        for (int next = 0; next < tree.size(); next++) {
            String path = tree.get(next);
            List<String> children;
            try {
                children = zk.getChildren(path, false).children();
            } catch (KeeperException e) {
                if (e.code() != ErrorCode.NONODE || next == 0) {
                    throw e;
                }
                continue;
            }
            for (String child : children) {
                tree.add(ZnodePaths.child(path, child));
            }
        }
        return tree;
    }

    /** The full paths of the children of {@code path}, sorted; none if it is gone. */
    static List<String> sortedChildren(CorralClient zk, String path, boolean watch) throws KeeperException, InterruptedException {
        List<String> names;
        try {
            names = new ArrayList<>(zk.getChildren(path, watch).children());
        } catch (KeeperException e) {
            if (e.code() == ErrorCode.NONODE) {
                return List.of();
            }
            throw e;
        }
        Collections.sort(names);
        List<String> paths = new ArrayList<>(names.size());
        for (String name : names) {
            paths.add(ZnodePaths.child(path, name));
        }
        return paths;
    }
}
