package dev.corral.server;

import dev.corral.client.CorralClient;
import dev.corral.client.KeeperException;
import dev.corral.client.Stat;
import dev.corral.client.ZnodePaths;
import dev.corral.wire.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the console lists children: sorted, filtered and paged, so that a parent with 100,000 children is
 * browsed a page at a time, and searched by path prefix. Each listing is asked of the login's session
 * first (see {@link #sorted}), so the ACLs apply as to getChildren.
 */
final class ConsoleChildren {
    /** Children listed per page at most: a parent with 100,000 children is paged, never sent whole. */
    static final int PAGE_MAX = 500;
    private static final int SORTED_CACHE_MAX = 8;

    /** A parent's children sorted by name, as of its pzxid (which every child create and delete changes). */
    private record SortedChildren(long pzxid, List<String> names) {}

    private final ConsoleApi.ServerView server;
    // The sorted children of the parents listed last, so that paging through 100,000 children sorts them once.
    // Invariant: at most SORTED_CACHE_MAX entries; guarded by itself.
    private final Map<String, SortedChildren> cache = new LinkedHashMap<>(16, 0.75f, true);

    ConsoleChildren(ConsoleApi.ServerView server) {
        this.server = server;
    }

    /**
     * A page of a znode's children, sorted by name, those containing {@code filter} (case-insensitive) only,
     * each with its stat and kind. The whole list is read (ZooKeeper has no paged getChildren), but only the
     * page is stat'ed and sent.
     */
    Map<String, Object> page(CorralClient zk, String path, int offsetAsked, int limitAsked, String filterAsked)
            throws KeeperException, InterruptedException {
        int offset = Math.max(0, offsetAsked);
        int limit = Math.min(PAGE_MAX, Math.max(1, limitAsked));
        String filter = filterAsked.toLowerCase(Locale.ROOT);
        List<String> all = sorted(zk, path);
        List<String> names = new ArrayList<>(all);
        if (!filter.isEmpty()) {
            names.removeIf(name -> !name.toLowerCase(Locale.ROOT).contains(filter));
        }
        List<String> page = names.subList(Math.min(offset, names.size()), Math.min(offset + limit, names.size()));
        List<String> paths = page.stream().map(name -> ZnodePaths.child(path, name)).toList();
        Map<String, String> kinds = server.kinds(paths);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < page.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", page.get(i));
            row.put("path", paths.get(i));
            row.put("sequential", sequentialName(page.get(i)));
            Stat stat;
            try {
                stat = zk.exists(paths.get(i), false);
            } catch (KeeperException e) {
                if (e.code() != ErrorCode.NOAUTH) {
                    throw e;
                }
                // ZooKeeper 3.9 answers exists only with READ: the parent's READ shows the name, nothing more.
                row.put("readable", false);
                rows.add(row);
                continue;
            }
            if (stat == null) {
                continue; // deleted since the list was read
            }
            row.put("readable", true);
            row.put("numChildren", stat.numChildren());
            row.put("dataLength", stat.dataLength());
            row.put("kind", kinds.getOrDefault(paths.get(i), stat.ephemeralOwner() != 0 ? "ephemeral" : "persistent"));
            rows.add(row);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("total", all.size());
        m.put("matched", names.size());
        m.put("offset", offset);
        m.put("children", rows);
        return m;
    }

    /**
     * The children of {@code path}, sorted. The session asks first, with exists, which ZooKeeper 3.9 answers
     * only with READ on the znode, the permission getChildren needs: an identity that may not list the
     * children gets NoAuth here as from getChildren. The names then come from the local tree rather than a
     * getChildren reply, since a reply for 100,000 children passes jute.maxbuffer (1 MB), which every
     * ZooKeeper client, this one included, refuses to read.
     */
    List<String> sorted(CorralClient zk, String path) throws KeeperException, InterruptedException {
        if (zk.exists(path, false) == null) {
            throw new KeeperException(ErrorCode.NONODE, path);
        }
        SortedChildren cached;
        synchronized (cache) {
            cached = cache.get(path);
        }
        ConsoleApi.LocalChildren local = server.children(path, cached == null ? Long.MIN_VALUE : cached.pzxid());
        if (!local.exists()) {
            throw new KeeperException(ErrorCode.NONODE, path);
        }
        if (local.names() == null) {
            return cached.names();
        }
        List<String> names = new ArrayList<>(local.names());
        names.sort(null);
        SortedChildren fresh = new SortedChildren(local.pzxid(), java.util.Collections.unmodifiableList(names));
        synchronized (cache) {
            cache.put(path, fresh);
            if (cache.size() > SORTED_CACHE_MAX) {
                cache.remove(cache.keySet().iterator().next());
            }
        }
        return fresh.names();
    }

    /**
     * Whether a name looks sequential: ZooKeeper appends a ten-digit counter and keeps no other trace of the
     * mode, so a name ending in ten digits is shown as sequential (a client could have chosen such a name).
     */
    static boolean sequentialName(String name) {
        if (name.length() < 10) {
            return false;
        }
        for (int i = name.length() - 10; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Paths starting with {@code prefix}: the children of its parent whose names start with its last
     * segment (a prefix ending in "/" lists that znode's children), sorted, at most {@link #PAGE_MAX}.
     */
    Map<String, Object> search(CorralClient zk, String prefix) throws KeeperException, InterruptedException {
        if (!prefix.startsWith("/")) {
            throw new IllegalArgumentException("a search prefix is a path starting with /");
        }
        int slash = prefix.lastIndexOf('/');
        String parent = slash == 0 ? "/" : prefix.substring(0, slash);
        String start = prefix.substring(slash + 1);
        ZnodePaths.validate(parent);
        List<String> names = new ArrayList<>(sorted(zk, parent));
        names.removeIf(name -> !name.startsWith(start));
        List<String> paths = names.stream().limit(PAGE_MAX).map(name -> ZnodePaths.child(parent, name)).toList();
        return Map.of("prefix", prefix, "matched", names.size(), "paths", paths);
    }
}
