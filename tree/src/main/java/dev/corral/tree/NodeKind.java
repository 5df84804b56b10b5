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
