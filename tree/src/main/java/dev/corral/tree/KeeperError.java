package dev.corral.tree;

/**
 * A request that ZooKeeper answers with an error code (see {@code dev.corral.wire.ErrorCode}). Thrown by
 * the preparer and the read path; the message names the path and what was wrong, for logs only.
 */
public final class KeeperError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;

    public KeeperError(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
