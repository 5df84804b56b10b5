package dev.corral.client;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which {@link Watcher} waits for which notification, by kind of watch and by the caller's path (chroot
 * stripped), so that each notification goes to the watchers of the calls that left its watch and to no
 * other (ZooKeeper 3.9: {@code ZKWatchManager#materialize}). The server's side of the same watches, kept
 * to set them again after a reconnect, is {@link WatchRegistry}; the two are added to and dropped from
 * by the same replies and notifications.
 *
 * <p>Rules, as ZooKeeper's: NodeCreated and NodeDataChanged fire the data and exist watches of the path;
 * NodeDeleted those and its child watches; NodeChildrenChanged its child watches. One-time watches are
 * dropped when they fire; persistent ones stay, and a recursive one also fires for every znode below its
 * path, except for NodeChildrenChanged. A change of state goes to every watcher, the default one first.
 *
 * <p>Thread-safe: requests' replies add, the reader thread materializes.
 */
final class Watchers {
    private final Watcher defaultWatcher;
    // Guarded by this. Invariant: no empty set is kept.
    private final Map<WatchRegistry.Kind, Map<String, Set<Watcher>>> byKind = new EnumMap<>(WatchRegistry.Kind.class);

    Watchers(Watcher defaultWatcher) {
        this.defaultWatcher = defaultWatcher;
        for (WatchRegistry.Kind kind : WatchRegistry.Kind.values()) {
            byKind.put(kind, new HashMap<>());
        }
    }

    Watcher defaultWatcher() {
        return defaultWatcher;
    }

    /** The server accepted a request that leaves a watch of {@code kind} on {@code path} for {@code watcher}. */
    synchronized void add(WatchRegistry.Kind kind, String path, Watcher watcher) {
        byKind.get(kind).computeIfAbsent(path, p -> new LinkedHashSet<>()).add(watcher);
    }

    /**
     * removeWatches of {@code type} on {@code path} succeeded: its watchers are forgotten, and each is owed
     * an event saying which of its watches went (DataWatchRemoved for data and exist watches,
     * ChildWatchRemoved, PersistentWatchRemoved), once per kind of event, as ZooKeeper's client sends them.
     */
    synchronized Map<EventType, Set<Watcher>> remove(String path, WatcherType type) {
        Map<EventType, Set<Watcher>> removed = new EnumMap<>(EventType.class);
        for (WatchRegistry.Kind kind : kindsOf(type)) {
            Set<Watcher> gone = byKind.get(kind).remove(path);
            if (gone != null) {
                removed.computeIfAbsent(removalEvent(kind), t -> new LinkedHashSet<>()).addAll(gone);
            }
        }
        return removed;
    }

    private static List<WatchRegistry.Kind> kindsOf(WatcherType type) {
        return switch (type) {
            case CHILDREN -> List.of(WatchRegistry.Kind.CHILD);
            case DATA -> List.of(WatchRegistry.Kind.DATA, WatchRegistry.Kind.EXIST);
            case PERSISTENT -> List.of(WatchRegistry.Kind.PERSISTENT);
            case PERSISTENT_RECURSIVE -> List.of(WatchRegistry.Kind.PERSISTENT_RECURSIVE);
            case ANY -> List.of(WatchRegistry.Kind.values());
        };
    }

    private static EventType removalEvent(WatchRegistry.Kind kind) {
        return switch (kind) {
            case DATA, EXIST -> EventType.DATA_WATCH_REMOVED;
            case CHILD -> EventType.CHILD_WATCH_REMOVED;
            case PERSISTENT, PERSISTENT_RECURSIVE -> EventType.PERSISTENT_WATCH_REMOVED;
        };
    }

    /** The watchers {@code event} goes to, each once; one-time watches it fires are dropped. */
    synchronized Set<Watcher> materialize(WatchedEvent event) {
        Set<Watcher> result = new LinkedHashSet<>();
        if (event.type() == EventType.NONE) {
            result.add(defaultWatcher);
            byKind.values().forEach(paths -> paths.values().forEach(result::addAll));
            if (event.state() == KeeperState.EXPIRED || event.state() == KeeperState.CLOSED
                    || event.state() == KeeperState.AUTH_FAILED) {
                // The session is over: no watch of it can fire again.
                byKind.values().forEach(Map::clear);
            }
            return result;
        }
        String path = event.path();
        switch (event.type()) {
            case NODE_CREATED, NODE_DATA_CHANGED -> take(result, path, WatchRegistry.Kind.DATA, WatchRegistry.Kind.EXIST);
            case NODE_DELETED -> take(result, path, WatchRegistry.Kind.DATA, WatchRegistry.Kind.EXIST,
                    WatchRegistry.Kind.CHILD);
            case NODE_CHILDREN_CHANGED -> take(result, path, WatchRegistry.Kind.CHILD);
            default -> { }
        }
        result.addAll(byKind.get(WatchRegistry.Kind.PERSISTENT).getOrDefault(path, Set.of()));
        if (event.type() != EventType.NODE_CHILDREN_CHANGED) {
            Map<String, Set<Watcher>> recursive = byKind.get(WatchRegistry.Kind.PERSISTENT_RECURSIVE);
            for (String at = path; ; at = ZnodePaths.parent(at)) {
                result.addAll(recursive.getOrDefault(at, Set.of()));
                if (at.equals("/")) {
                    break;
                }
            }
        }
        return result;
    }

    private void take(Set<Watcher> result, String path, WatchRegistry.Kind... kinds) {
        for (WatchRegistry.Kind kind : kinds) {
            Set<Watcher> fired = byKind.get(kind).remove(path);
            if (fired != null) {
                result.addAll(fired);
            }
        }
    }

}
