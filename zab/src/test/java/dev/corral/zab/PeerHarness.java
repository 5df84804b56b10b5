package dev.corral.zab;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hand-driven ensemble of real {@link Peer}s for tests that must reach an exact interleaving: roles are
 * set directly (as any leader oracle may choose them, since ZAB's safety must not rest on the election),
 * messages wait per link until a test delivers them, and every disk syncs at once.
 */
final class PeerHarness {
    private record Sent(long from, long to, Message message) {}

    private final Map<Long, Peer> peers = new HashMap<>();
    private final Map<Long, List<LogEntry>> delivered = new HashMap<>();
    private final ArrayDeque<Sent> network = new ArrayDeque<>();
    /** What happened, for a failing test to print. */
    final List<String> trace = new ArrayList<>();
    /** Each role change's reason, as "id: state reason". */
    final List<String> roleReasons = new ArrayList<>();

    /** Adds server {@code id} of {@code voters} and {@code observers}, started from {@code recovered}. */
    void add(long id, Set<Long> voters, Set<Long> observers, DurableState recovered) {
        delivered.put(id, new ArrayList<>());
        peers.put(id, new Peer(PeerConfig.of(id, voters, observers, 1), recovered,
                () -> new Snapshot(lastDelivered(id), "state of " + id)));
    }

    Peer peer(long id) {
        return peers.get(id);
    }

    /** What server {@code id} delivered, in order; an entry whose txn is null is a restore to that zxid. */
    List<LogEntry> delivered(long id) {
        return delivered.get(id);
    }

    void lead(long id) {
        trace.add("force " + id + " to lead");
        peers.get(id).becomeLeader(new Vote(id, 0, 1, 0));
        carryOut(id);
    }

    void follow(long id, long leader) {
        trace.add("force " + id + " to follow " + leader);
        peers.get(id).becomeLearner(new Vote(leader, 0, 1, 0));
        carryOut(id);
    }

    void propose(long id, String value) {
        Peer leader = peers.get(id);
        leader.propose(new LogEntry(leader.nextZxid(), value.getBytes(StandardCharsets.UTF_8)));
        carryOut(id);
    }

    /** Loses every message queued from {@code from} to {@code to}. */
    void drop(long from, long to) {
        network.removeIf(m -> m.from() == from && m.to() == to);
    }

    /** Delivers what {@code from} sent {@code to} so far, in order. */
    void deliver(long from, long to) {
        List<Sent> batch = new ArrayList<>();
        network.removeIf(m -> m.from() == from && m.to() == to && batch.add(m));
        for (Sent sent : batch) {
            peers.get(to).step(from, sent.message());
            carryOut(to);
        }
    }

    /** Delivers the first message queued from {@code from} to {@code to}, if any (links keep their order). */
    void deliverOne(long from, long to) {
        Sent first = null;
        for (Sent sent : network) {
            if (sent.from() == from && sent.to() == to) {
                first = sent;
                break;
            }
        }
        if (first != null) {
            network.remove(first);
            if (!(first.message() instanceof Message.Notification)) {
                trace.add(from + "->" + to + " " + Message.describe(first.message()));
            }
            peers.get(to).step(from, first.message());
            carryOut(to);
        }
    }

    /** The links with messages waiting, as {from, to} pairs, oldest message first. */
    List<long[]> busyLinks() {
        List<long[]> links = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (Sent sent : network) {
            if (seen.add(sent.from() * 1_000_003L + sent.to())) {
                links.add(new long[] {sent.from(), sent.to()});
            }
        }
        return links;
    }

    /** One peer tick of server {@code id}. */
    void tick(long id) {
        peers.get(id).tick();
        carryOut(id);
    }

    /** Delivers both ways between {@code a} and {@code b} until nothing is left between them. */
    void settle(long a, long b) {
        for (int round = 0; round < 100 && network.stream().anyMatch(m -> m.from() == a && m.to() == b || m.from() == b && m.to() == a);
                round++) {
            deliver(a, b);
            deliver(b, a);
        }
    }

    /** Carries out a peer's outputs; its disk syncs at once. */
    private void carryOut(long id) {
        Peer peer = peers.get(id);
        for (int round = 0; round < 100; round++) {
            List<Output> outputs = peer.drainOutputs();
            if (outputs.isEmpty()) {
                return;
            }
            long lastSeq = 0;
            for (Output output : outputs) {
                if (output instanceof Output.Persist persist) {
                    lastSeq = persist.seq();
                } else if (output instanceof Output.Send send) {
                    network.addLast(new Sent(id, send.to(), send.message()));
                } else if (output instanceof Output.Deliver deliver) {
                    delivered.get(id).add(deliver.entry());
                    trace.add(id + " delivers " + deliver.entry());
                } else if (output instanceof Output.Restore restore) {
                    // A restore is recorded as an entry without txn: the state jumps to the snapshot's zxid.
                    delivered.get(id).add(new LogEntry(restore.snapshot().zxid(), null));
                    trace.add(id + " restores " + dev.corral.tree.Zxid.hex(restore.snapshot().zxid()));
                } else if (output instanceof Output.RoleChanged changed) {
                    trace.add(id + " is " + peer.describeRole());
                    roleReasons.add(id + ": " + changed.state() + (changed.serving() ? " serving " : " ") + changed.reason());
                }
            }
            if (lastSeq > 0) {
                peer.onPersisted(lastSeq);
            }
        }
        throw new IllegalStateException("server " + id + " kept producing outputs for 100 rounds");
    }

    private long lastDelivered(long id) {
        List<LogEntry> entries = delivered.get(id);
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).zxid();
    }
}
