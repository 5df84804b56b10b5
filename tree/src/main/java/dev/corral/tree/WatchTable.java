package dev.corral.tree;

import dev.corral.wire.Acl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches of the clients connected to this server, keyed by path and by watcher (a connection id).
 *
 * <p>As in ZooKeeper 3.9 ({@code WatchManager}, {@code DataTree#addWatch}/{@code removeWatch}) there are
 * two tables. The data table holds data and exist watches, persistent watches and persistent-recursive
 * watches; the child table holds child watches and persistent watches. A standard watch fires once and is
 * removed; a persistent one stays; a recursive one also fires for every descendant and never for
 * NodeChildrenChanged. A watcher may hold several modes on one path and table, as in ZooKeeper.
 */
public final class WatchTable {
    /** ZooKeeper's {@code WatcherMode}. */
    public enum Mode {
        STANDARD,
        PERSISTENT,
        PERSISTENT_RECURSIVE
    }

    /** ZooKeeper's {@code Watcher.WatcherType} numbers, as carried by checkWatches and removeWatches. */
    public static final int TYPE_CHILDREN = 1;
    public static final int TYPE_DATA = 2;
    public static final int TYPE_ANY = 3;
    public static final int TYPE_PERSISTENT = 4;
    public static final int TYPE_PERSISTENT_RECURSIVE = 5;

    private final Table data = new Table();
    private final Table children = new Table();

    public void addDataWatch(String path, long watcherId) {
        data.add(path, watcherId, Mode.STANDARD);
    }

    public void addChildWatch(String path, long watcherId) {
        children.add(path, watcherId, Mode.STANDARD);
    }

    /** addWatch: mode 0 is persistent, 1 persistent-recursive (ZooKeeper's {@code AddWatchMode}). */
    public void addPersistentWatch(String path, long watcherId, boolean recursive) {
        if (recursive) {
            data.add(path, watcherId, Mode.PERSISTENT_RECURSIVE);
        } else {
            data.add(path, watcherId, Mode.PERSISTENT);
            children.add(path, watcherId, Mode.PERSISTENT);
        }
    }

    /**
     * Removes (or, with {@code dryRun}, only looks for) the watches of {@code watcherId} on {@code path}
     * that a removeWatches/checkWatches request of {@code watcherType} names. Returns whether any matched.
     */
    public boolean remove(String path, long watcherId, int watcherType, boolean dryRun) {
        return switch (watcherType) {
            case TYPE_CHILDREN -> children.remove(path, watcherId, Mode.STANDARD, dryRun);
            case TYPE_DATA -> data.remove(path, watcherId, Mode.STANDARD, dryRun);
            case TYPE_ANY -> children.remove(path, watcherId, null, dryRun) | data.remove(path, watcherId, null, dryRun);
            case TYPE_PERSISTENT -> children.remove(path, watcherId, Mode.PERSISTENT, dryRun)
                    | data.remove(path, watcherId, Mode.PERSISTENT, dryRun);
            case TYPE_PERSISTENT_RECURSIVE -> data.remove(path, watcherId, Mode.PERSISTENT_RECURSIVE, dryRun);
            default -> false;
        };
    }

    /** Drops every watch of a watcher whose connection went away. */
    public void removeWatcher(long watcherId) {
        data.removeWatcher(watcherId);
        children.removeWatcher(watcherId);
    }

    /**
     * Whether no watch of any kind is set: then no change can fire one, and applying a txn skips the lookups
     * a fired watch needs (a create or a delete looks its parent up again, for its ACL). A recovery's replay,
     * which no client watches yet, is where that counts.
     */
    public boolean isEmpty() {
        return data.byPath.isEmpty() && children.byPath.isEmpty();
    }

    public int dataWatchCount() {
        return data.count();
    }

    public int childWatchCount() {
        return children.count();
    }

    /**
     * How many watches {@code watcherId} holds: its paths in the data table plus its paths in the child
     * table (a persistent watch is in both), whatever the modes on each. Constant time, for a bound
     * checked on every request that sets a watch.
     */
    public int countOf(long watcherId) {
        return data.byWatcher.getOrDefault(watcherId, Set.of()).size() + children.byWatcher.getOrDefault(watcherId, Set.of()).size();
    }

    /** Paths watched by {@code watcherId} in either table (for the wchc/wchp views). */
    public Set<String> pathsOf(long watcherId) {
        Set<String> paths = new LinkedHashSet<>(data.byWatcher.getOrDefault(watcherId, Set.of()));
        paths.addAll(children.byWatcher.getOrDefault(watcherId, Set.of()));
        return paths;
    }

    /** Watcher ids per watched path in either table (for the wchp view). */
    public Map<String, Set<Long>> watchersByPath() {
        Map<String, Set<Long>> result = new LinkedHashMap<>();
        for (Table table : List.of(data, children)) {
            table.byPath.forEach((path, watchers) -> result.computeIfAbsent(path, k -> new LinkedHashSet<>()).addAll(watchers.keySet()));
        }
        return result;
    }

    /**
     * Re-registers the watches a reconnecting client lists, as ZooKeeper 3.9's {@code DataTree#setWatches}
     * does: a watch whose event the client missed while away fires now instead of being registered
     * (data: deleted or changed after {@code relativeZxid}; exist: node now present; child: node deleted
     * or children changed after {@code relativeZxid}). Persistent watches are only re-registered.
     */
    public void setWatches(DataTree tree, long relativeZxid, List<String> dataWatches, List<String> existWatches,
            List<String> childWatches, List<String> persistentWatches, List<String> recursiveWatches, long watcherId,
            List<WatchEvent> out) {
        for (String path : nonNull(dataWatches)) {
            Znode node = tree.node(path);
            if (node == null) {
                out.add(new WatchEvent(watcherId, WatchEvent.NODE_DELETED, path, WatchEvent.NO_ZXID));
            } else if (node.mzxid() > relativeZxid) {
                out.add(new WatchEvent(watcherId, WatchEvent.NODE_DATA_CHANGED, path, WatchEvent.NO_ZXID));
            } else {
                addDataWatch(path, watcherId);
            }
        }
        for (String path : nonNull(existWatches)) {
            if (tree.node(path) != null) {
                out.add(new WatchEvent(watcherId, WatchEvent.NODE_CREATED, path, WatchEvent.NO_ZXID));
            } else {
                addDataWatch(path, watcherId);
            }
        }
        for (String path : nonNull(childWatches)) {
            Znode node = tree.node(path);
            if (node == null) {
                out.add(new WatchEvent(watcherId, WatchEvent.NODE_DELETED, path, WatchEvent.NO_ZXID));
            } else if (node.pzxid() > relativeZxid) {
                out.add(new WatchEvent(watcherId, WatchEvent.NODE_CHILDREN_CHANGED, path, WatchEvent.NO_ZXID));
            } else {
                addChildWatch(path, watcherId);
            }
        }
        for (String path : nonNull(persistentWatches)) {
            addPersistentWatch(path, watcherId, false);
        }
        for (String path : nonNull(recursiveWatches)) {
            addPersistentWatch(path, watcherId, true);
        }
    }

    private static List<String> nonNull(List<String> paths) {
        return paths == null ? List.of() : paths;
    }

    Set<Long> triggerData(String path, int type, long zxid, Set<Long> suppress, List<WatchEvent> out) {
        return triggerData(path, type, zxid, suppress, out, null);
    }

    Set<Long> triggerChildren(String path, int type, long zxid, Set<Long> suppress, List<WatchEvent> out) {
        return triggerChildren(path, type, zxid, suppress, out, null);
    }

    Set<Long> triggerData(String path, int type, long zxid, Set<Long> suppress, List<WatchEvent> out, List<Acl> readAcl) {
        return data.trigger(path, type, zxid, suppress, out, readAcl);
    }

    Set<Long> triggerChildren(String path, int type, long zxid, Set<Long> suppress, List<WatchEvent> out, List<Acl> readAcl) {
        return children.trigger(path, type, zxid, suppress, out, readAcl);
    }

    /**
     * One table: path to watchers with the set of modes each registered there (a bit per {@link Mode}),
     * and the reverse index. As in ZooKeeper's {@code WatchManager}, a watcher may hold a standard and a
     * persistent watch on the same path; firing the standard one leaves the persistent one in place.
     */
    private static final class Table {
        final Map<String, Map<Long, Integer>> byPath = new HashMap<>();
        final Map<Long, Set<String>> byWatcher = new HashMap<>();
        // Invariant: recursiveCount is the number of entries in byPath with the PERSISTENT_RECURSIVE bit.
        int recursiveCount;

        private static int bit(Mode mode) {
            return 1 << mode.ordinal();
        }

        private static final int STANDARD = 1 << Mode.STANDARD.ordinal();
        private static final int PERSISTENT = 1 << Mode.PERSISTENT.ordinal();
        private static final int RECURSIVE = 1 << Mode.PERSISTENT_RECURSIVE.ordinal();

        void add(String path, long watcherId, Mode mode) {
            // Requests are checked where they are decoded, so no client can get a null path here; the
            // reports that list watched paths (wchp, wchc) rely on it.
            Invariants.check(path != null, "null path watched by %d", watcherId);
            Map<Long, Integer> watchers = byPath.computeIfAbsent(path, k -> new LinkedHashMap<>());
            int previous = watchers.getOrDefault(watcherId, 0);
            int modes = previous | bit(mode);
            watchers.put(watcherId, modes);
            if ((previous & RECURSIVE) == 0 && (modes & RECURSIVE) != 0) {
                recursiveCount++;
            }
            byWatcher.computeIfAbsent(watcherId, k -> new LinkedHashSet<>()).add(path);
        }

        /** Removes the watch's {@code mode} (every mode when null); false if it had no such mode. */
        boolean remove(String path, long watcherId, Mode mode, boolean dryRun) {
            Map<Long, Integer> watchers = byPath.get(path);
            int current = watchers == null ? 0 : watchers.getOrDefault(watcherId, 0);
            int removed = mode == null ? current : current & bit(mode);
            if (removed == 0) {
                return false;
            }
            if (!dryRun) {
                setModes(path, watcherId, watchers, current & ~removed);
            }
            return true;
        }

        void removeWatcher(long watcherId) {
            Set<String> paths = byWatcher.get(watcherId);
            if (paths == null) {
                return;
            }
            for (String path : new ArrayList<>(paths)) {
                setModes(path, watcherId, byPath.get(path), 0);
            }
        }

        int count() {
            int count = 0;
            for (Map<Long, Integer> watchers : byPath.values()) {
                count += watchers.size();
            }
            return count;
        }

        /** Sets a watcher's modes on a path, unlinking it when none are left. */
        private void setModes(String path, long watcherId, Map<Long, Integer> watchers, int modes) {
            int previous = watchers.getOrDefault(watcherId, 0);
            if ((previous & RECURSIVE) != 0 && (modes & RECURSIVE) == 0) {
                recursiveCount--;
            }
            if (modes != 0) {
                watchers.put(watcherId, modes);
                return;
            }
            watchers.remove(watcherId);
            if (watchers.isEmpty()) {
                byPath.remove(path);
            }
            Set<String> paths = byWatcher.get(watcherId);
            paths.remove(path);
            if (paths.isEmpty()) {
                byWatcher.remove(watcherId);
            }
        }

        /**
         * Fires the watches that an event of {@code type} at {@code path} triggers: standard and
         * persistent ones on the path itself, recursive ones on the path and its ancestors (except for
         * NodeChildrenChanged). Each watcher is notified at most once; those in {@code suppress} not at
         * all. A fired standard watch is removed; persistent ones stay.
         */
        Set<Long> trigger(String path, int type, long zxid, Set<Long> suppress, List<WatchEvent> out, List<Acl> readAcl) {
            if (byPath.isEmpty()) {
                // No watch in this table, recursive ones included: nothing to walk, nobody notified.
                return Set.of();
            }
            Set<Long> notified = new LinkedHashSet<>();
            String current = path;
            boolean atPath = true;
            while (true) {
                Map<Long, Integer> watchers = byPath.get(current);
                if (watchers != null) {
                    for (Map.Entry<Long, Integer> entry : new ArrayList<>(watchers.entrySet())) {
                        long watcherId = entry.getKey();
                        int modes = entry.getValue();
                        if ((modes & RECURSIVE) != 0 && type != WatchEvent.NODE_CHILDREN_CHANGED) {
                            notified.add(watcherId);
                        }
                        if (atPath && (modes & (STANDARD | PERSISTENT)) != 0) {
                            notified.add(watcherId);
                            if ((modes & STANDARD) != 0) {
                                setModes(current, watcherId, watchers, modes & ~STANDARD);
                            }
                        }
                    }
                }
                if (recursiveCount == 0 || Paths.ROOT.equals(current)) {
                    break;
                }
                current = Paths.parent(current);
                atPath = false;
            }
            for (long watcherId : notified) {
                if (suppress == null || !suppress.contains(watcherId)) {
                    out.add(new WatchEvent(watcherId, type, path, zxid, readAcl));
                }
            }
            return notified;
        }
    }
}
