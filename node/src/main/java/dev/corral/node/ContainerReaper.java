package dev.corral.node;

import dev.corral.tree.DataTree;
import dev.corral.tree.Znode;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which containers and TTL nodes to delete, as ZooKeeper 3.9's {@code ContainerManager} does:
 * a container once it has had a child and has none left; a TTL node once it has no children and has not
 * changed for its TTL. Checks run every {@code containerCheckIntervalMs}, counted in ticks, and delete at
 * most the share of {@code containerMaxPerMinute} that falls to one interval. The deletes are ordinary
 * txns (deleteContainer), so a node that gains a child before its delete is applied survives.
 */
final class ContainerReaper {
    private final long intervalTicks;
    private final int maxPerCheck;
    private long nextCheckTick;

    ContainerReaper(NodeConfig config) {
        this.intervalTicks = Math.max(1, (config.containerCheckIntervalMs() + config.tickMs() - 1) / config.tickMs());
        long perCheck = (long) config.containerMaxPerMinute() * Math.max(config.containerCheckIntervalMs(), config.tickMs()) / 60_000;
        this.maxPerCheck = (int) Math.max(1, Math.min(Integer.MAX_VALUE, perCheck));
        this.nextCheckTick = intervalTicks;
    }

    /** The paths to delete at this tick, in path order; empty between checks. */
    List<String> candidates(long tick, DataTree tree, long wallMs) {
        List<String> result = new ArrayList<>();
        if (tick < nextCheckTick) {
            return result;
        }
        nextCheckTick = tick + intervalTicks;
        for (String path : tree.containers()) {
            Znode node = tree.node(path);
            if (result.size() < maxPerCheck && node.numChildren() == 0 && node.cversion() > 0) {
                result.add(path);
            }
        }
        for (String path : tree.ttlNodes()) {
            Znode node = tree.node(path);
            if (result.size() < maxPerCheck && node.numChildren() == 0 && wallMs - node.mtime() > node.ttlMs()) {
                result.add(path);
            }
        }
        return result;
    }
}
