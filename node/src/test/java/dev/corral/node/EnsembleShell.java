package dev.corral.node;

import dev.corral.zab.DurableState;
import dev.corral.zab.Message;
import dev.corral.zab.Peer;
import dev.corral.zab.PeerConfig;
import dev.corral.zab.PlantedBug;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An ensemble of in-memory Nodes in one thread, for tests of what the Node does as leader, follower or
 * observer: each server is a {@link SimShell} with its own Peer, and every quorum message goes through
 * one FIFO queue that is emptied after each event (so a client's reply through a follower is there when
 * its call returns). Servers can be cut off: messages to or from a cut server are dropped. Not the
 * simulator: no faults beyond cuts, no randomness.
 */
final class EnsembleShell {
    private record Envelope(long from, long to, Message message) {}

    final Map<Long, SimShell> servers = new LinkedHashMap<>();
    private final ArrayDeque<Envelope> inFlight = new ArrayDeque<>();
    private final Set<Long> cut = new HashSet<>();
    // Messages dropped on their way: to this server, of this kind (a narrower fault than a cut).
    private final Set<java.util.Map.Entry<Long, Class<? extends Message>>> dropped = new HashSet<>();
    // Messages held on their way (to this server, of this kind) until released, in the order they were sent.
    private final Set<java.util.Map.Entry<Long, Class<? extends Message>>> holding = new HashSet<>();
    private final ArrayDeque<Envelope> held = new ArrayDeque<>();
    private boolean routing;

    /** Voters 1..voters and observers voters+1..voters+observers, every server with the same session settings. */
    EnsembleShell(int voters, int observers) {
        this(voters, observers, false);
    }

    /** As {@link #EnsembleShell(int, int)}, every server with read-only mode enabled or not. */
    EnsembleShell(int voters, int observers, boolean readOnlyMode) {
        this(voters, observers, readOnlyMode, node -> { });
    }

    /** As {@link #EnsembleShell(int, int, boolean)}, with what each server's shell sets on its Node before the start. */
    EnsembleShell(int voters, int observers, boolean readOnlyMode, java.util.function.Consumer<Node> beforeStart) {
        Set<Long> voterIds = new TreeSet<>();
        Set<Long> observerIds = new TreeSet<>();
        for (long id = 1; id <= voters + observers; id++) {
            (id <= voters ? voterIds : observerIds).add(id);
        }
        for (long id = 1; id <= voters + observers; id++) {
            long serverId = id;
            NodeConfig base = NodeConfig.standalone(1000, SimShell.BOOT_WALL_MS).withExtendedTypes(true).withContainerChecks(5000, 10_000);
            NodeConfig config = new NodeConfig(serverId, base.tickMs(), base.minSessionTimeoutMs(), base.maxSessionTimeoutMs(),
                    base.extendedTypesEnabled(), base.containerCheckIntervalMs(), base.containerMaxPerMinute(), base.superDigest(),
                    base.reconfigEnabled(), base.bootWallMs(), false, base.snapCount(), base.watchesPerSessionMax(), readOnlyMode);
            PeerConfig peerConfig = new PeerConfig(serverId, voterIds, observerIds, 1, 2, 5, 100, 25, 500, PlantedBug.NONE, false);
            SimShell shell = new SimShell(config, beforeStart, state -> new Peer(peerConfig, DurableState.empty(), state),
                    send -> inFlight.addLast(new Envelope(serverId, send.serverId(), send.message())));
            shell.afterEvent = this::route;
            servers.put(serverId, shell);
        }
        route();
    }

    /** Delivers queued messages, and those they cause, until none is left; re-entrant calls return at once. */
    void route() {
        if (routing) {
            return;
        }
        routing = true;
        try {
            for (int delivered = 0; !inFlight.isEmpty(); delivered++) {
                if (delivered > 1_000_000) {
                    throw new IllegalStateException("more than 1,000,000 messages without a pause: a message loop");
                }
                Envelope envelope = inFlight.pollFirst();
                if (holding.contains(java.util.Map.entry(envelope.to(), envelope.message().getClass()))) {
                    held.addLast(envelope);
                    continue;
                }
                if (!cut.contains(envelope.from()) && !cut.contains(envelope.to())
                        && !dropped.contains(java.util.Map.entry(envelope.to(), envelope.message().getClass()))) {
                    servers.get(envelope.to()).peerMessage(envelope.from(), envelope.message());
                }
            }
        } finally {
            routing = false;
        }
    }

    /** One peer tick on every server that is not cut off, then routing. */
    void peerTick() {
        for (Map.Entry<Long, SimShell> server : servers.entrySet()) {
            server.getValue().peerTick();
        }
        route();
    }

    /**
     * Peer ticks until every server that is not cut off serves, one of them as the leader, at most
     * {@code maxTicks}; false if they do not.
     */
    boolean stabilize(int maxTicks) {
        for (int tick = 0; tick < maxTicks; tick++) {
            if (allServing()) {
                return true;
            }
            peerTick();
        }
        return allServing();
    }

    private boolean allServing() {
        boolean leads = servers.entrySet().stream().anyMatch(s -> !cut.contains(s.getKey())
                && s.getValue().node.serverState() == dev.corral.zab.ServerState.LEADING && s.getValue().node.serving());
        return leads && servers.entrySet().stream().allMatch(s -> cut.contains(s.getKey()) || s.getValue().node.serving());
    }

    /** Drops every message to or from the server from now on. */
    void cut(long serverId) {
        cut.add(serverId);
    }

    void heal(long serverId) {
        cut.remove(serverId);
        dropped.removeIf(drop -> drop.getKey() == serverId);
    }

    /** Drops every message of {@code kind} sent to the server from now on, until it is healed. */
    void drop(long serverId, Class<? extends Message> kind) {
        dropped.add(java.util.Map.entry(serverId, kind));
    }

    /** Holds every message of these kinds sent to the server from now on, until {@link #release}. */
    @SafeVarargs
    final void hold(long serverId, Class<? extends Message>... kinds) {
        for (Class<? extends Message> kind : kinds) {
            holding.add(java.util.Map.entry(serverId, kind));
        }
    }

    /** Delivers the {@code count} oldest held messages, in the order they were sent; the rest stay held. */
    void releaseOldest(int count) {
        for (int i = 0; i < count && !held.isEmpty(); i++) {
            Envelope envelope = held.pollFirst();
            if (!cut.contains(envelope.from()) && !cut.contains(envelope.to())) {
                servers.get(envelope.to()).peerMessage(envelope.from(), envelope.message());
            }
        }
        route();
    }

    /** Delivers what was held, in the order it was sent, and holds nothing more. */
    void release() {
        holding.clear();
        while (!held.isEmpty()) {
            inFlight.addLast(held.pollFirst());
        }
        route();
    }

    SimShell server(long id) {
        return servers.get(id);
    }

    /** The id of the established leader among the servers not cut off; fails if there is none. */
    long leader() {
        return servers.entrySet().stream()
                .filter(s -> !cut.contains(s.getKey()) && s.getValue().node.serverState() == dev.corral.zab.ServerState.LEADING
                        && s.getValue().node.serving())
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no serving leader: " + describe()));
    }

    /** A serving server other than the leader that is not cut off (the lowest id). */
    long follower() {
        long leader = leader();
        return servers.keySet().stream().filter(id -> id != leader && !cut.contains(id)).findFirst().orElseThrow();
    }

    /** The ids of the servers other than the established leader, in id order. */
    long[] followers() {
        long leader = leader();
        return servers.keySet().stream().filter(id -> id != leader).mapToLong(Long::longValue).toArray();
    }

    /** Every server's role, for failure messages. */
    String describe() {
        StringBuilder text = new StringBuilder();
        servers.forEach((id, shell) -> text.append("\n  ").append(id).append(cut.contains(id) ? " (cut) " : " ")
                .append(shell.node.describeRole()));
        return text.toString();
    }
}
