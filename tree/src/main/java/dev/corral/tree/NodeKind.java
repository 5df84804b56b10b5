package dev.corral.tree;

/**
 * What owns a znode's lifetime. ZooKeeper packs this into the stored ephemeralOwner
 * ({@code server/EphemeralType.java}); Corral keeps it explicit and shows clients what ZooKeeper shows:
 * the session id for ephemerals and 0 for everything else, containers and TTL nodes included.
 */
public enum NodeKind {
    PERSISTENT,
    EPHEMERAL,
    CONTAINER,
    TTL;

    // values() copies its array on each call: the snapshot reader and the compact znode layout look kinds up per node.
    private static final NodeKind[] BY_ORDINAL = values();

    /** The kind whose {@link #ordinal()} is {@code ordinal}, or null if there is none (a damaged file's number). */
    public static NodeKind ofOrdinal(int ordinal) {
        return ordinal >= 0 && ordinal < BY_ORDINAL.length ? BY_ORDINAL[ordinal] : null;
    }

    public static NodeKind of(CreateMode mode) {
        if (mode.isEphemeral()) {
            return EPHEMERAL;
        }
        if (mode.isContainer()) {
            return CONTAINER;
        }
        return mode.isTtl() ? TTL : PERSISTENT;
    }
}
