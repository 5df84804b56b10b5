package dev.corral.client;

import dev.corral.wire.OpCode;
import dev.corral.wire.SetWatches;
import dev.corral.wire.SetWatches2;
import dev.corral.wire.JuteOutput;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The watches this client's session holds on the server, by kind and server path, kept so that a new
 * connection can set them again: the server forgets a connection's watches when it ends, and a client
 * that reconnects sends SetWatches with these lists (ZooKeeper 3.9: {@code ZKWatchManager} and
 * {@code ClientCnxn.SendThread#primeConnection}).
 *
 * <p>A one-time watch is added when the server accepts the request that leaves it (a data watch from
 * getData, or exists of a znode that is there; an exist watch from exists of one that is not; a child
 * watch from getChildren) and dropped when its notification comes, as ZooKeeper's
 * {@code ZKWatchManager#materialize} drops it. A persistent watch stays until removeWatches removes it.
 * Paths are the server's, chroot included, so that they are sent back exactly as they were set.
 *
 * <p>Invariant: at most {@link #WATCHES_MAX} paths over all kinds. Thread-safe: the reader thread adds
 * and drops, the reconnecting thread reads.
 */
final class WatchRegistry {
    /** How many watches a client keeps for re-registration; a request that would leave more is refused. */
    static final int WATCHES_MAX = 1_000_000;
    /** ZooKeeper's SET_WATCHES_MAX_LENGTH: path characters per SetWatches, under the server's 1 MiB frame limit. */
    static final int SET_WATCHES_CHARS_MAX = 128 * 1024;

    /** The five lists of SetWatches2, in its order. */
    enum Kind { DATA, EXIST, CHILD, PERSISTENT, PERSISTENT_RECURSIVE }

    /**
     * One SetWatches request: {@link OpCode#SET_WATCHES} when it holds no persistent watch, so that a
     * server older than ZooKeeper 3.6 understands it, {@link OpCode#SET_WATCHES2} otherwise, as
     * ZooKeeper's client chooses.
     */
    record Batch(int opCode, SetWatches2 watches) {
        void write(JuteOutput out) {
            if (opCode == OpCode.SET_WATCHES) {
                new SetWatches(watches.relativeZxid(), watches.dataWatches(), watches.existWatches(), watches.childWatches())
                        .write(out);
            } else {
                watches.write(out);
            }
        }
    }

    private final Map<Kind, Set<String>> paths = new EnumMap<>(Kind.class);
    // Guarded by this. Invariant: the sum of the sizes of the sets in paths.
    private int size;

    WatchRegistry() {
        for (Kind kind : Kind.values()) {
            paths.put(kind, new LinkedHashSet<>());
        }
    }

    /** Refuses a request that could leave one more watch than this client can keep. */
    synchronized void checkRoom(String path) {
        if (size >= WATCHES_MAX) {
            throw new IllegalStateException("this client already keeps " + WATCHES_MAX
                    + " watches to set again after a reconnect; refusing a new one on " + path);
        }
    }

    /** The server accepted a request that leaves a watch of {@code kind} on {@code serverPath}. */
    synchronized void add(Kind kind, String serverPath) {
        if (size < WATCHES_MAX && paths.get(kind).add(serverPath)) {
            size++;
        }
    }

    /** A notification of {@code eventType}  on {@code serverPath} fired these one-time watches. */
    synchronized void onNotification(EventType eventType, String serverPath) {
        switch (eventType) {
            case NODE_CREATED, NODE_DATA_CHANGED -> drop(serverPath, Kind.DATA, Kind.EXIST);
            case NODE_CHILDREN_CHANGED -> drop(serverPath, Kind.CHILD);
            case NODE_DELETED -> drop(serverPath, Kind.DATA, Kind.EXIST, Kind.CHILD);
            default -> { }
        }
    }

    /** removeWatches of {@code watcherType} on {@code serverPath} succeeded, or found none on the server. */
    synchronized void onRemoved(String serverPath, WatcherType watcherType) {
        switch (watcherType) {
            case CHILDREN -> drop(serverPath, Kind.CHILD);
            case DATA -> drop(serverPath, Kind.DATA, Kind.EXIST);
            case PERSISTENT -> drop(serverPath, Kind.PERSISTENT);
            case PERSISTENT_RECURSIVE -> drop(serverPath, Kind.PERSISTENT_RECURSIVE);
            case ANY -> drop(serverPath, Kind.values());
        }
    }

    synchronized List<String> paths(Kind kind) {
        return List.copyOf(paths.get(kind));
    }

    synchronized int size() {
        return size;
    }

    /**
     * The SetWatches requests that set every watch again, each with at most about
     * {@link #SET_WATCHES_CHARS_MAX} path characters (one path may carry a batch past it, as in ZooKeeper),
     * and with {@code relativeZxid}, the last zxid the client saw, so that the server fires at once the
     * watches whose znodes changed since.
     */
    synchronized List<Batch> setWatches(long relativeZxid) {
        List<Batch> batches = new ArrayList<>();
        Map<Kind, Iterator<String>> remaining = new EnumMap<>(Kind.class);
        paths.forEach((kind, set) -> remaining.put(kind, set.iterator()));
        while (remaining.values().stream().anyMatch(Iterator::hasNext)) {
            Map<Kind, List<String>> batch = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                batch.put(kind, new ArrayList<>());
            }
            int chars = 0;
            for (Kind kind : Kind.values()) {
                Iterator<String> next = remaining.get(kind);
                while (chars < SET_WATCHES_CHARS_MAX && next.hasNext()) {
                    String path = next.next();
                    batch.get(kind).add(path);
                    chars += path.length();
                }
            }
            boolean persistent = !batch.get(Kind.PERSISTENT).isEmpty() || !batch.get(Kind.PERSISTENT_RECURSIVE).isEmpty();
            batches.add(new Batch(persistent ? OpCode.SET_WATCHES2 : OpCode.SET_WATCHES, new SetWatches2(relativeZxid,
                    batch.get(Kind.DATA), batch.get(Kind.EXIST), batch.get(Kind.CHILD), batch.get(Kind.PERSISTENT),
                    batch.get(Kind.PERSISTENT_RECURSIVE))));
        }
        return batches;
    }

    private void drop(String serverPath, Kind... kinds) {
        for (Kind kind : kinds) {
            if (paths.get(kind).remove(serverPath)) {
                size--;
            }
        }
    }
}
