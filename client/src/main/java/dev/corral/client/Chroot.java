package dev.corral.client;

/**
 * The chroot of a connect string ("host:2181/app"): every path the client sends is the chroot followed
 * by the caller's path, and every path it receives loses the chroot again, so that the caller sees a
 * tree whose root is the chroot (ZooKeeper 3.9: {@code ZooKeeper#prependChroot} and
 * {@code ClientCnxn.SendThread#stripChroot}).
 *
 * <p>Invariant: {@code path} is null (no chroot) or a valid znode path other than "/".
 */
public record Chroot(String path) {
    /** No chroot: paths go out and come back as they are. */
    public static final Chroot NONE = new Chroot(null);

    public Chroot {
        if (path != null && (path.equals("/") || ZnodePaths.problem(path) != null)) {
            throw new IllegalArgumentException("not a chroot: " + path);
        }
    }

    public boolean isNone() {
        return path == null;
    }

    /** The server's path for the caller's: "/" is the chroot itself, "/a" is chroot + "/a". */
    public String prepend(String clientPath) {
        if (path == null || clientPath == null) {
            return clientPath;
        }
        return clientPath.equals("/") ? path : path + clientPath;
    }

    /**
     * The caller's path for the server's: the chroot itself is "/", a path under it loses the chroot, and a
     * path outside it (only /zookeeper/config can come back so, from {@code config -w}) stays as it is.
     * ZooKeeper tests only that the server's path starts with the chroot, which would turn "/apple" into
     * "ple" under "/app"; this takes the chroot as a whole name.
     */
    public String strip(String serverPath) {
        if (path == null || serverPath == null || !serverPath.startsWith(path)) {
            return serverPath;
        }
        if (serverPath.length() == path.length()) {
            return "/";
        }
        return serverPath.charAt(path.length()) == '/' ? serverPath.substring(path.length()) : serverPath;
    }

    @Override
    public String toString() {
        return path == null ? "" : path;
    }
}
