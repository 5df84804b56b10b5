package dev.corral.tree;

import dev.corral.wire.ErrorCode;

/**
 * Znode path rules, as ZooKeeper 3.9 enforces them on the server ({@code PathUtils.validatePath}): an
 * absolute path of '/'-separated non-empty names, no trailing '/', no "." or ".." names, and none of the
 * control or reserved characters ZooKeeper rejects.
 */
public final class Paths {
    public static final String ROOT = "/";

    private Paths() {}

    public static boolean isValid(String path) {
        return problem(path) == null;
    }

    /** Throws BADARGUMENTS naming the problem if {@code path} is not a valid znode path. */
    public static void validate(String path) throws KeeperError {
        String problem = problem(path);
        if (problem != null) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, "invalid path '" + path + "': " + problem);
        }
    }

    /** Why {@code path} is invalid, or null if it is valid. */
    public static String problem(String path) {
        if (path == null) {
            return "path is null";
        }
        if (path.isEmpty()) {
            return "path length must be > 0";
        }
        if (path.charAt(0) != '/') {
            return "path must start with / character";
        }
        if (path.length() == 1) {
            return null;
        }
        if (path.charAt(path.length() - 1) == '/') {
            return "path must not end with / character";
        }
        char previous = '/';
        char[] chars = path.toCharArray();
        for (int i = 1; i < chars.length; i++) {
            char c = chars[i];
            if (c == 0) {
                return "null character not allowed @" + i;
            } else if (c == '/' && previous == '/') {
                return "empty node name specified @" + i;
            } else if (c == '.' && previous == '.') {
                if (chars[i - 2] == '/' && (i + 1 == chars.length || chars[i + 1] == '/')) {
                    return "relative paths not allowed @" + i;
                }
            } else if (c == '.') {
                if (previous == '/' && (i + 1 == chars.length || chars[i + 1] == '/')) {
                    return "relative paths not allowed @" + i;
                }
            } else if (c > '\u0000' && c <= '\u001f'
                    || c >= '\u007f' && c <= '\u009F'
                    || c >= '\ud800' && c <= '\uf8ff'
                    || c >= '\ufff0' && c <= '\uffff') {
                return "invalid character @" + i;
            }
            previous = c;
        }
        return null;
    }

    /** The parent of a valid non-root path; the parent of "/a" is "/". */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? ROOT : path.substring(0, slash);
    }

    /** The last name of a valid non-root path. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public static String child(String parent, String name) {
        return ROOT.equals(parent) ? "/" + name : parent + "/" + name;
    }

    /** True if {@code path} is {@code ancestor} or lies below it. */
    public static boolean isAtOrBelow(String path, String ancestor) {
        if (ROOT.equals(ancestor)) {
            return true;
        }
        return path.equals(ancestor) || path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/';
    }
}
