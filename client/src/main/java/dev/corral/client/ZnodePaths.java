package dev.corral.client;

/**
 * The client-side path check ZooKeeper's client makes before it sends a request, with its messages
 * (ZooKeeper 3.9: {@code PathUtils.validatePath}): "Path must start with / character", or "Invalid path
 * string \"/a//b\" caused by empty node name specified @3". The client keeps its own copy of the rules
 * rather than the server's ({@code dev.corral.tree.Paths}) so that it depends on the wire codecs only;
 * both follow the same ZooKeeper method, so a path the client lets through is one the server accepts.
 */
public final class ZnodePaths {
    private ZnodePaths() {}

    /**
     * Throws IllegalArgumentException if {@code path} is not a valid znode path. For a sequential create
     * the server appends a number, so, as ZooKeeper does, the check is made on {@code path + "1"}: "/a/"
     * is a valid prefix for sequential children of /a.
     */
    public static void validate(String path, boolean sequential) {
        if (path == null) {
            throw new IllegalArgumentException("Path cannot be null");
        }
        String problem = problem(sequential ? path + "1" : path);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static void validate(String path) {
        validate(path, false);
    }

    /** ZooKeeper's message for what is wrong with {@code path}, or null if it is a valid znode path. */
    public static String problem(String path) {
        if (path == null) {
            return "Path cannot be null";
        }
        if (path.isEmpty()) {
            return "Path length must be > 0";
        }
        if (path.charAt(0) != '/') {
            return "Path must start with / character";
        }
        if (path.length() == 1) {
            return null;
        }
        if (path.charAt(path.length() - 1) == '/') {
            return "Path must not end with / character";
        }
        String reason = nameProblem(path);
        return reason == null ? null : "Invalid path string \"" + path + "\" caused by " + reason;
    }

    /** The first bad name in an absolute path of at least two characters, with its index, or null. */
    private static String nameProblem(String path) {
        char previous = '/';
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean endsName = i + 1 == path.length() || path.charAt(i + 1) == '/';
            if (c == 0) {
                return "null character not allowed @" + i;
            } else if (c == '/' && previous == '/') {
                return "empty node name specified @" + i;
            } else if (c == '.' && previous == '.') {
                // ".." as a whole name; "a..b" and "..." are ordinary names.
                if (path.charAt(i - 2) == '/' && endsName) {
                    return "relative paths not allowed @" + i;
                }
            } else if (c == '.') {
                if (previous == '/' && endsName) {
                    return "relative paths not allowed @" + i;
                }
            } else if (isForbidden(c)) {
                return "invalid character @" + i;
            }
            previous = c;
        }
        return null;
    }

    /** Control characters, the surrogates and private use area, and the specials block, as ZooKeeper rejects. */
    private static boolean isForbidden(char c) {
        return c > '\u0000' && c <= '\u001f'
                || c >= '\u007f' && c <= '\u009f'
                || c >= '\ud800' && c <= '\uf8ff'
                || c >= '\ufff0';
    }

    /** The path of child {@code name} of {@code parent}. */
    public static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    /** The parent of a valid non-root path; the parent of "/a" is "/". */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
