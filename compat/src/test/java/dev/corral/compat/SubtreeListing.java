package dev.corral.compat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * A subtree as one server has it: every znode's path with its data and the zxids and version that say which
 * transactions made it, read through a client connected to that server alone, after {@code sync} so that the
 * server has applied everything the leader committed before. Two servers that applied the same transactions
 * give equal listings.
 *
 * <p>Reads are pipelined (asynchronous getData), so a subtree of tens of thousands of znodes is read in
 * seconds; the whole read is bounded in znodes and time.
 */
final class SubtreeListing {
    private static final int ZNODES_MAX = 200_000;
    private static final long READ_BOUND_SECONDS = 60;

    private SubtreeListing() {}

    /** path -> "data czxid mzxid version" of {@code root} and every znode below it, sorted by path. */
    static SortedMap<String, String> read(ZooKeeper zk, String root) throws Exception {
        zk.sync(root);
        Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
        Deque<String> toList = new ArrayDeque<>(List.of(root));
        while (!toList.isEmpty()) {
            String path = toList.pop();
            pending.put(path, readAsync(zk, path));
            if (pending.size() > ZNODES_MAX) {
                throw new IllegalStateException("more than " + ZNODES_MAX + " znodes under " + root);
            }
            List<String> children = zk.getChildren(path, false);
            Collections.sort(children);
            for (String child : children) {
                toList.push(path.equals("/") ? "/" + child : path + "/" + child);
            }
        }
        CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
                .get(READ_BOUND_SECONDS, TimeUnit.SECONDS);
        SortedMap<String, String> listing = new TreeMap<>();
        pending.forEach((path, value) -> listing.put(path, value.join()));
        return listing;
    }

    private static CompletableFuture<String> readAsync(ZooKeeper zk, String path) {
        CompletableFuture<String> result = new CompletableFuture<>();
        zk.getData(path, false, (rc, readPath, context, data, stat) -> {
            if (rc != 0) {
                result.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), readPath));
            } else {
                result.complete(describe(data, stat));
            }
        }, null);
        return result;
    }

    private static String describe(byte[] data, Stat stat) {
        return (data == null ? "" : new String(data, StandardCharsets.UTF_8)) + " czxid=0x" + Long.toHexString(stat.getCzxid())
                + " mzxid=0x" + Long.toHexString(stat.getMzxid()) + " version=" + stat.getVersion();
    }
}
