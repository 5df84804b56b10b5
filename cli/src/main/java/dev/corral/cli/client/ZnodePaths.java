package dev.corral.cli.client;

import dev.corral.tree.Paths;
import java.util.Locale;

/**
 * The client-side path check ZooKeeper's client makes before it sends a request, with its messages
 * (ZooKeeper 3.9: {@code PathUtils.validatePath}): "Path must start with / character", or "Invalid path
 * string \"/a//b\" caused by empty node name specified @3". The rules are the server's
 * ({@link Paths#problem}), so a path the shell lets through is one the server accepts.
 */
public final class ZnodePaths {
    private ZnodePaths() {}

    /**
     * Throws IllegalArgumentException if {@code path} is not a valid znode path. For a sequential create
     * the server appends a number, so, as ZooKeeper does, the check is made on {@code path + "1"}: "/a/"
     * is a valid prefix for sequential children of /a.
     */
    public static void validate(String path, boolean sequential) {
        String checked = sequential && path != null ? path + "1" : path;
        String problem = Paths.problem(checked);
        if (problem == null) {
            return;
        }
        if (checked == null) {
            throw new IllegalArgumentException("Path cannot be null");
        }
        if (problem.startsWith("path ")) {
            // "path length must be > 0", "path must start with / character", "path must not end with / character"
            throw new IllegalArgumentException(problem.substring(0, 1).toUpperCase(Locale.ROOT) + problem.substring(1));
        }
        throw new IllegalArgumentException("Invalid path string \"" + checked + "\" caused by " + problem);
    }

    public static void validate(String path) {
        validate(path, false);
    }

    /** The path of child {@code name} of {@code parent}. */
    public static String child(String parent, String name) {
        return Paths.child(parent, name);
    }

    /** The parent of a valid non-root path. */
    public static String parent(String path) {
        return Paths.parent(path);
    }
}
