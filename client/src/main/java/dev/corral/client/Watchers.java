package dev.corral.client;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
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

    /** removeWatches of {@code type} on {@code path} succeeded: its watchers are forgotten. */
    synchronized void remove(String path, WatcherType type) {
        switch (type) {
            case CHILDREN -> drop(path, WatchRegistry.Kind.CHILD);
            case DATA -> drop(path, WatchRegistry.Kind.DATA, WatchRegistry.Kind.EXIST);
            case PERSISTENT -> drop(path, WatchRegistry.Kind.PERSISTENT);
            case PERSISTENT_RECURSIVE -> drop(path, WatchRegistry.Kind.PERSISTENT_RECURSIVE);
            case ANY -> drop(path, WatchRegistry.Kind.values());
        }
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

    private void drop(String path, WatchRegistry.Kind... kinds) {
        for (WatchRegistry.Kind kind : kinds) {
            byKind.get(kind).remove(path);
        }
    }
}
