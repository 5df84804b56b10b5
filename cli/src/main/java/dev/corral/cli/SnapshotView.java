package dev.corral.cli;

import dev.corral.storage.SnapshotFile;
import dev.corral.tree.DataTree;
import dev.corral.tree.NodeKind;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import dev.corral.wire.Stat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A snapshot as the {@code snapshot} tool shows it: what ZooKeeper's SnapshotFormatter prints (the
 * zxid, the node count, the sessions with their timeouts and ephemeral counts, each znode's stat) plus
 * the total data size and whether the tree digest the snapshot carries matches its nodes. Pure: no I/O.
 */
final class SnapshotView {
    private SnapshotView() {}

    record Session(long sessionId, int timeoutMs, int ephemerals) {}

    /** What the summary shows; {@code computedDigest} is the sum of the nodes' hashes, as the server checks it. */
    record Summary(String file, long zxid, int nodeCount, long dataBytes, long storedDigest, long computedDigest,
            List<Session> sessions) {
        boolean digestOk() {
            return storedDigest == computedDigest;
        }
    }

    static Summary summarize(SnapshotFile.Loaded snapshot) {
        long dataBytes = 0;
        long digest = 0;
        Map<Long, Integer> ephemerals = new HashMap<>();
        for (Znode node : snapshot.nodes()) {
            dataBytes += node.dataLength();
            digest += node.hash();
            if (node.kind() == NodeKind.EPHEMERAL) {
                ephemerals.merge(node.ephemeralOwner(), 1, Integer::sum);
            }
        }
        List<Session> sessions = snapshot.sessions().entrySet().stream()
                .map(s -> new Session(s.getKey(), s.getValue(), ephemerals.getOrDefault(s.getKey(), 0)))
                .sorted(Comparator.comparingLong(Session::sessionId))
                .toList();
        return new Summary(snapshot.file().toString(), snapshot.zxid(), snapshot.nodes().size(), dataBytes, snapshot.digest(),
                digest, sessions);
    }

    static List<String> summaryText(Summary summary) {
        List<String> lines = new ArrayList<>();
        lines.add("Snapshot   " + summary.file());
        lines.add("zxid       " + Formats.hex(summary.zxid()));
        lines.add("znodes     " + summary.nodeCount());
        lines.add("data       " + summary.dataBytes() + " bytes");
        lines.add("digest     " + (summary.digestOk() ? "ok (" + Formats.hex(summary.storedDigest()) + ")"
                : "MISMATCH: stored " + Formats.hex(summary.storedDigest()) + ", nodes hash to " + Formats.hex(summary.computedDigest())));
        lines.add("sessions   " + summary.sessions().size());
        if (!summary.sessions().isEmpty()) {
            lines.add(String.format("  %-18s  %10s  %10s", "SESSION", "TIMEOUT_MS", "EPHEMERALS"));
            for (Session session : summary.sessions()) {
                lines.add(String.format("  %-18s  %10d  %10d", Formats.hex(session.sessionId()), session.timeoutMs(), session.ephemerals()));
            }
        }
        return lines;
    }

    static Map<String, Object> summaryJson(Summary summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", summary.file());
        json.put("zxid", Formats.hex(summary.zxid()));
        json.put("nodeCount", summary.nodeCount());
        json.put("dataBytes", summary.dataBytes());
        Map<String, Object> digest = new LinkedHashMap<>();
        digest.put("ok", summary.digestOk());
        digest.put("stored", Formats.hex(summary.storedDigest()));
        digest.put("computed", Formats.hex(summary.computedDigest()));
        json.put("digest", digest);
        json.put("sessions", summary.sessions().stream().map(session -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("sessionId", Formats.hex(session.sessionId()));
            one.put("timeoutMs", session.timeoutMs());
            one.put("ephemerals", session.ephemerals());
            return one;
        }).toList());
        return json;
    }

    /** The tree the snapshot holds, children linked; throws IllegalStateException if it is not a tree. */
    static DataTree tree(SnapshotFile.Loaded snapshot) {
        DataTree tree = new DataTree();
        tree.load(snapshot.zxid(), snapshot.nodes(), snapshot.digest());
        return tree;
    }

    /** {@code root} and its descendants, depth first, children by name, as SnapshotFormatter walks them. */
    static List<String> subtree(DataTree tree, String root) {
        List<String> paths = new ArrayList<>();
        Deque<String> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            String path = stack.pop();
            paths.add(path);
            List<String> children = tree.node(path).childNames();
            children.sort(Comparator.reverseOrder());
            for (String child : children) {
                stack.push(("/".equals(path) ? "" : path) + "/" + child);
            }
        }
        return paths;
    }

    /** One znode in SnapshotFormatter's layout: a separator, the path, then "  field = value" lines. */
    static List<String> znodeText(String path, Znode node) {
        Stat stat = node.stat();
        List<String> lines = new ArrayList<>();
        lines.add("----");
        lines.add(path);
        lines.add("  cZxid = " + Formats.hex(stat.czxid()));
        lines.add("  ctime = " + Formats.time(stat.ctime()));
        lines.add("  mZxid = " + Formats.hex(stat.mzxid()));
        lines.add("  mtime = " + Formats.time(stat.mtime()));
        lines.add("  pZxid = " + Formats.hex(stat.pzxid()));
        lines.add("  cversion = " + stat.cversion());
        lines.add("  dataVersion = " + stat.version());
        lines.add("  aclVersion = " + stat.aversion());
        lines.add("  ephemeralOwner = " + Formats.hex(stat.ephemeralOwner()));
        lines.add("  dataLength = " + stat.dataLength());
        lines.add("  numChildren = " + stat.numChildren());
        lines.add("  kind = " + node.kind().name().toLowerCase(Locale.ROOT) + (node.kind() == NodeKind.TTL ? " (ttl " + node.ttlMs() + " ms)" : ""));
        lines.add("  acl = " + Formats.acl(node.acl()));
        return lines;
    }

    /** One znode with the field names of ZooKeeper's Stat. */
    static Map<String, Object> znodeJson(String path, Znode node) {
        Stat stat = node.stat();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("path", path);
        json.put("czxid", Formats.hex(stat.czxid()));
        json.put("ctime", Formats.time(stat.ctime()));
        json.put("ctimeMs", stat.ctime());
        json.put("mzxid", Formats.hex(stat.mzxid()));
        json.put("mtime", Formats.time(stat.mtime()));
        json.put("mtimeMs", stat.mtime());
        json.put("pzxid", Formats.hex(stat.pzxid()));
        json.put("cversion", stat.cversion());
        json.put("version", stat.version());
        json.put("aversion", stat.aversion());
        json.put("ephemeralOwner", Formats.hex(stat.ephemeralOwner()));
        json.put("dataLength", stat.dataLength());
        json.put("numChildren", stat.numChildren());
        json.put("kind", node.kind().name().toLowerCase(Locale.ROOT));
        if (node.kind() == NodeKind.TTL) {
            json.put("ttlMs", node.ttlMs());
        }
        List<Map<String, Object>> acl = new ArrayList<>();
        for (Acl entry : node.acl()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("scheme", entry.id().scheme());
            one.put("id", entry.id().id());
            one.put("perms", Formats.perms(entry.perms()));
            acl.add(one);
        }
        json.put("acl", acl);
        return json;
    }
}
