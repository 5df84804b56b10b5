package dev.corral.tree;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The statistics ZooKeeper keeps for soft quotas: a client sets a quota on {@code /p} by creating
 * {@code /zookeeper/quota/p/zookeeper_stats} and {@code /zookeeper/quota/p/zookeeper_limits} (zkCli's setquota
 * does), and from then on the server itself keeps the stats node's data, "count=N,bytes=B", equal to the
 * number of znodes in {@code /p}'s subtree ({@code /p} included) and the sum of their data lengths. Clients
 * read it back (zkCli's listquota prints "Output stat for /p count=N,bytes=B"); Curator and kazoo users
 * rely on it to watch usage. Quotas are not enforced here (ZooKeeper's enforceQuota is off by default).
 *
 * <p>Source: ZooKeeper 3.9.5 {@code DataTree#createNode}, {@code deleteNode}, {@code setData},
 * {@code updateQuotaForPath}, {@code updateQuotaStat} and {@code StatsTrack}. As there, creating the stats
 * node sets its data to the subtree's count and bytes; creating a limits node makes its path a quota root,
 * deleting it ends that; each create, delete and setData under a quota root adds to the stats of the
 * deepest root above it; the stats node's stat (version, mzxid) never changes for these updates, and no
 * watch fires. Unlike ZooKeeper, stats data that does not parse is left as it is instead of failing the
 * apply (ZooKeeper throws NumberFormatException out of the txn's apply).
 *
 * <p>Invariant: {@code roots} holds exactly the paths {@code /p} whose {@code /zookeeper/quota/p/zookeeper_limits}
 * exists in the tree, "/" and "" excepted (ZooKeeper's findMaxPrefix ignores them).
 */
final class QuotaStats {
    static final String LIMITS_NODE = "zookeeper_limits";
    static final String STATS_NODE = "zookeeper_stats";
    private static final Pattern PAIRS_SEPARATOR = Pattern.compile("[,;]+");

    private final Set<String> roots = new HashSet<>();

    /** The quota root a limits or stats node at {@code path} belongs to, or null if it is not one. */
    static String rootOf(String path, String nodeName) {
        // Asked on every create and delete: the allocation-free tests first, the parent only for a match.
        int nameStart = path.length() - nodeName.length();
        if (!path.startsWith(DataTree.QUOTA) || !path.endsWith(nodeName) || nameStart < 1 || path.charAt(nameStart - 1) != '/') {
            return null;
        }
        return Paths.parent(path).substring(DataTree.QUOTA.length());
    }

    static String statsPath(String root) {
        return DataTree.QUOTA + root + "/" + STATS_NODE;
    }

    void addRoot(String root) {
        if (!root.isEmpty() && !Paths.ROOT.equals(root)) {
            roots.add(root);
        }
    }

    void removeRoot(String root) {
        roots.remove(root);
    }

    void clear() {
        roots.clear();
    }

    /** The deepest quota root at or above {@code path} (ZooKeeper's getMaxPrefixWithQuota), or null. */
    String deepestRoot(String path) {
        if (roots.isEmpty()) {
            return null;
        }
        for (String at = path; !Paths.ROOT.equals(at); at = Paths.parent(at)) {
            if (roots.contains(at)) {
                return at;
            }
        }
        return null;
    }

    /** The stats data for a subtree of {@code count} nodes and {@code bytes} bytes of data. */
    static byte[] statsData(long count, long bytes) {
        return render(new TreeMap<>(Map.of("count", count, "bytes", bytes)));
    }

    /**
     * {@code stats} with {@code countDiff} and {@code bytesDiff} added (a missing value counts as -1, as
     * ZooKeeper's StatsTrack reads it), other keys kept; null if {@code stats} does not parse.
     */
    static byte[] adjusted(byte[] stats, long countDiff, long bytesDiff) {
        Map<String, Long> values = parse(stats == null ? "" : new String(stats, StandardCharsets.UTF_8));
        if (values == null) {
            return null;
        }
        values.put("count", values.getOrDefault("count", -1L) + countDiff);
        values.put("bytes", values.getOrDefault("bytes", -1L) + bytesDiff);
        return render(values);
    }

    private static Map<String, Long> parse(String text) {
        Map<String, Long> values = new TreeMap<>();
        if (text.isEmpty()) {
            return values;
        }
        for (String pair : PAIRS_SEPARATOR.split(text)) {
            String[] keyValue = pair.split("=");
            try {
                values.put(keyValue[0], keyValue.length < 2 || keyValue[1].isEmpty() ? -1 : Long.parseLong(keyValue[1]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return values;
    }

    /**
     * StatsTrack's text: "count=N,bytes=B" first, then, only if there are other keys, "=" and ";key=value"
     * for each in key order (the extra "=" keeps parsers older than ZooKeeper 3.7 reading count and bytes).
     */
    private static byte[] render(Map<String, Long> values) {
        StringBuilder text = new StringBuilder();
        text.append("count=").append(values.getOrDefault("count", -1L));
        text.append(",bytes=").append(values.getOrDefault("bytes", -1L));
        List<String> others = new ArrayList<>(values.keySet());
        others.remove("count");
        others.remove("bytes");
        if (!others.isEmpty()) {
            Collections.sort(others);
            text.append('=');
            for (String key : others) {
                text.append(';').append(key).append('=').append(values.get(key));
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
