package dev.corral.node;

/**
 * What a Node needs to know of its configuration. Times are in milliseconds of the tick clock the
 * shell drives; the Node itself never reads a clock.
 *
 * @param serverId the myid of this server; the high byte of every session id it creates
 * @param tickMs the length of a tick, ZooKeeper's tickTime
 * @param minSessionTimeoutMs lower bound of a negotiated session timeout (ZooKeeper: 2 ticks)
 * @param maxSessionTimeoutMs upper bound of a negotiated session timeout (ZooKeeper: 20 ticks)
 * @param extendedTypesEnabled whether TTL nodes are allowed ({@code zookeeper.extendedTypesEnabled})
 * @param containerCheckIntervalMs how often empty containers and expired TTL nodes are looked for
 *     ({@code znode.container.checkIntervalMs}, ZooKeeper's default 60000)
 * @param containerMaxPerMinute how many of them may be deleted per minute
 *     ({@code znode.container.maxPerMinute}, default 10000)
 * @param superDigest "super:base64digest" whose digest auth grants every permission, or null
 * @param reconfigEnabled ZooKeeper's {@code reconfigEnabled}
 * @param bootWallMs the wall time at start, from which session ids are derived as ZooKeeper derives them
 * @param durableLog whether the shell makes the Peer's changes durable ({@link Output.Persist}, reported
 *     with {@code Node#onPersisted}) before anything that depends on them happens; false counts them
 *     durable at once, in memory only
 * @param snapCount about how many txns between snapshots (ZooKeeper's {@code snapCount}: a snapshot is
 *     due after snapCount/2 plus a random share of snapCount/2 txns); 0 for none
 * @param watchesPerSessionMax at most this many watches per session (Corral's {@code session.watchesMax};
 *     ZooKeeper 3.9 has no such bound); 0 for none
 * @param readOnlyModeEnabled ZooKeeper's {@code readonlymode.enabled}: a server that finds no quorum serves
 *     read-only clients ({@link ReadOnlyMode})
 */
public record NodeConfig(
        long serverId,
        int tickMs,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        boolean extendedTypesEnabled,
        long containerCheckIntervalMs,
        int containerMaxPerMinute,
        String superDigest,
        boolean reconfigEnabled,
        long bootWallMs,
        boolean durableLog,
        int snapCount,
        int watchesPerSessionMax,
        boolean readOnlyModeEnabled) {

    public NodeConfig {
        if (tickMs <= 0) {
            throw new IllegalArgumentException("tickMs must be positive, was " + tickMs);
        }
        if (minSessionTimeoutMs > maxSessionTimeoutMs) {
            throw new IllegalArgumentException("minSessionTimeout " + minSessionTimeoutMs + " is above maxSessionTimeout " + maxSessionTimeoutMs);
        }
        if (serverId < 0 || serverId > 255) {
            throw new IllegalArgumentException("server id must be in [0, 255], was " + serverId);
        }
        if (watchesPerSessionMax < 0) {
            throw new IllegalArgumentException("watchesPerSessionMax must be 0 (no bound) or positive, was " + watchesPerSessionMax);
        }
    }

    /** ZooKeeper's defaults for a standalone server with the given tick. */
    public static NodeConfig standalone(int tickMs, long bootWallMs) {
        return new NodeConfig(0, tickMs, 2 * tickMs, 20 * tickMs, false, 60_000, 10_000, null, false, bootWallMs, false, 0, 0, false);
    }

    public NodeConfig withExtendedTypes(boolean enabled) {
        return new NodeConfig(serverId, tickMs, minSessionTimeoutMs, maxSessionTimeoutMs, enabled, containerCheckIntervalMs,
                containerMaxPerMinute, superDigest, reconfigEnabled, bootWallMs, durableLog, snapCount, watchesPerSessionMax, readOnlyModeEnabled);
    }

    public NodeConfig withContainerChecks(long intervalMs, int maxPerMinute) {
        return new NodeConfig(serverId, tickMs, minSessionTimeoutMs, maxSessionTimeoutMs, extendedTypesEnabled, intervalMs,
                maxPerMinute, superDigest, reconfigEnabled, bootWallMs, durableLog, snapCount, watchesPerSessionMax, readOnlyModeEnabled);
    }

    public NodeConfig withSuperDigest(String digest) {
        return new NodeConfig(serverId, tickMs, minSessionTimeoutMs, maxSessionTimeoutMs, extendedTypesEnabled,
                containerCheckIntervalMs, containerMaxPerMinute, digest, reconfigEnabled, bootWallMs, durableLog, snapCount, watchesPerSessionMax, readOnlyModeEnabled);
    }

    public NodeConfig withSnapCount(int count) {
        return new NodeConfig(serverId, tickMs, minSessionTimeoutMs, maxSessionTimeoutMs, extendedTypesEnabled,
                containerCheckIntervalMs, containerMaxPerMinute, superDigest, reconfigEnabled, bootWallMs, durableLog, count, watchesPerSessionMax, readOnlyModeEnabled);
    }

    public NodeConfig withDurableLog(boolean durable) {
        return new NodeConfig(serverId, tickMs, minSessionTimeoutMs, maxSessionTimeoutMs, extendedTypesEnabled,
                containerCheckIntervalMs, containerMaxPerMinute, superDigest, reconfigEnabled, bootWallMs, durable, snapCount, watchesPerSessionMax, readOnlyModeEnabled);
    }

    /** ZooKeeper's readonlymode.enabled: serve read-only clients while no quorum can be found ({@link ReadOnlyMode}). */
    public NodeConfig withReadOnlyMode(boolean enabled) {
        return new NodeConfig(serverId, tickMs, minSessionTimeoutMs, maxSessionTimeoutMs, extendedTypesEnabled,
                containerCheckIntervalMs, containerMaxPerMinute, superDigest, reconfigEnabled, bootWallMs, durableLog, snapCount,
                watchesPerSessionMax, enabled);
    }
}
