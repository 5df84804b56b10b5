package dev.corral.sim;

import dev.corral.tree.Zxid;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Message;
import dev.corral.zab.Output;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs a scenario script against an ensemble of real {@link dev.corral.zab.Peer}s with nothing random:
 * messages wait in per-link queues until a command delivers them, disks sync when a command says so, and
 * every step is checked by the same {@link SafetyChecker} as the seeded simulation (etcd's datadriven
 * interaction tests). The commands, one per line:
 * <pre>
 *   start V [observers K]     V voters (ids 1..V) and K observers, all started
 *   tick [N]                  every live server ticks N times (default 1); nothing is delivered
 *   stabilize                 sync every disk not held and deliver every queued message, until quiet
 *   elect                     tick and stabilize until a leader is established and every live server serves
 *   write S [N]               server S proposes N writes (it must be an established leader)
 *   crash S [keep-unsynced | keep N]   S stops; what its disk did not sync is lost (or kept, or its first N)
 *   restart S                 S starts again from its disk
 *   wipe S                    S loses its whole data directory (it must be down); it restarts flagged as
 *                             rejoining, as an operator starts a server whose disk was replaced
 *   partition A B | C D       links between the two groups are cut both ways
 *   isolate S                 every link of S is cut
 *   cut A -> B                the link from A to B is cut
 *   heal                      every link works again
 *   hold-disk S / release-disk S   S's disk syncs nothing until released
 *   sync-disk S [N]           S's disk syncs now, even if held: all it was written, or only the first N writes
 *   drop A -> B               the messages queued from A to B are lost
 *   status                    every server's role and log positions
 * </pre>
 * Each command prints what happened: messages delivered (pings left out), role changes, restores, and a
 * {@code VIOLATION} line if a checker fails.
 */
public final class Scenario {
    private record Queued(long from, long to, Message message) {}

    private final Map<Long, SimServer> servers = new TreeMap<>();
    private final Map<Long, ArrayDeque<Queued>> links = new LinkedHashMap<>();
    private final ArrayDeque<Queued> order = new ArrayDeque<>();
    private final Set<Long> cut = new HashSet<>();
    private final Set<Long> heldDisks = new HashSet<>();
    private final SafetyChecker checker = new SafetyChecker();
    private List<String> out = new ArrayList<>();
    private long nextWrite = 1;

    /** Runs one command; returns what it printed. */
    public List<String> run(String command) {
        out = new ArrayList<>();
        String[] words = command.trim().split("\\s+");
        try {
            switch (words[0]) {
                case "start" -> start(words);
                case "tick" -> tick(words.length > 1 ? Integer.parseInt(words[1]) : 1);
                case "stabilize" -> stabilize();
                case "elect" -> elect();
                case "write" -> write(id(words[1]), words.length > 2 ? Integer.parseInt(words[2]) : 1);
                case "crash" -> crash(id(words[1]), words.length < 3 ? 0 : words[2].equals("keep-unsynced") ? Integer.MAX_VALUE
                        : Integer.parseInt(words[3]));
                case "restart" -> restart(id(words[1]));
                case "wipe" -> wipe(id(words[1]));
                case "partition" -> partition(command.substring(command.indexOf(' ') + 1));
                case "isolate" -> isolate(id(words[1]));
                case "cut" -> cut.add(link(id(words[1]), id(words[3])));
                case "heal" -> cut.clear();
                case "hold-disk" -> heldDisks.add(id(words[1]));
                case "release-disk" -> heldDisks.remove(id(words[1]));
                case "sync-disk" -> syncDisk(id(words[1]), words.length > 2 ? Integer.parseInt(words[2]) : Integer.MAX_VALUE);
                case "drop" -> dropQueued(id(words[1]), id(words[3]));
                case "status" -> status();
                case "sync" -> sync(id(words[1]));
                default -> out.add("unknown command: " + words[0]);
            }
        } catch (SimFailure | IllegalStateException e) {
            out.add("VIOLATION: " + e.getMessage());
        }
        return out;
    }

    private void start(String[] words) {
        int voters = Integer.parseInt(words[1]);
        int observers = words.length > 3 && words[2].equals("observers") ? Integer.parseInt(words[3]) : 0;
        Set<Long> voterIds = new TreeSet<>();
        Set<Long> observerIds = new TreeSet<>();
        for (long id = 1; id <= voters; id++) {
            voterIds.add(id);
        }
        for (long id = voters + 1; id <= voters + observers; id++) {
            observerIds.add(id);
        }
        for (long id = 1; id <= voters + observers; id++) {
            servers.put(id, new SimServer(id, voterIds, observerIds, dev.corral.zab.PlantedBug.NONE));
        }
        List<SimServer> voterServers = new ArrayList<>();
        for (long id : voterIds) {
            voterServers.add(servers.get(id));
        }
        checker.watchVoters(voterServers, voters / 2 + 1);
        for (SimServer server : servers.values()) {
            server.start();
            carryOut(server);
        }
    }

    private void tick(int count) {
        for (int i = 0; i < count; i++) {
            for (SimServer server : servers.values()) {
                if (server.alive) {
                    server.peer.tick();
                    carryOut(server);
                }
            }
        }
    }

    private void stabilize() {
        for (int round = 0; round < 100_000; round++) {
            boolean progress = false;
            for (SimServer server : servers.values()) {
                if (server.alive && server.disk.hasUnsynced() && !heldDisks.contains(server.id)) {
                    server.peer.onPersisted(server.disk.sync());
                    carryOut(server);
                    progress = true;
                }
            }
            Queued next = order.pollFirst();
            if (next != null) {
                links.get(link(next.from(), next.to())).pollFirst();
                deliver(next);
                progress = true;
            }
            if (!progress) {
                return;
            }
        }
        throw new SimFailure("stabilize did not settle in 100,000 rounds");
    }

    private void elect() {
        for (int ticks = 0; ticks < 500; ticks++) {
            stabilize();
            if (settled()) {
                out.add("settled after " + ticks + " ticks");
                return;
            }
            tick(1);
        }
        out.add("no leader after 500 ticks");
    }

    private boolean settled() {
        boolean leader = false;
        for (SimServer server : servers.values()) {
            if (server.alive) {
                leader |= server.peer.canPropose();
                if (!server.peer.serving()) {
                    return false;
                }
            }
        }
        return leader;
    }

    private void write(long id, int count) {
        SimServer server = servers.get(id);
        for (int i = 0; i < count; i++) {
            if (!server.alive || !server.peer.canPropose()) {
                out.add(id + " cannot propose: " + (server.alive ? server.peer.describeRole() : "down"));
                return;
            }
            long zxid = server.peer.nextZxid();
            long write = nextWrite++;
            out.add("propose write " + write + " at " + Zxid.hex(zxid) + " on " + id);
            server.peer.propose(new LogEntry(zxid, ByteBuffer.allocate(8).putLong(write).array()));
            carryOut(server);
        }
    }

    /** Syncs the first {@code count} unsynced writes of a live server's disk, held or not, and tells its Peer. */
    private void syncDisk(long id, int count) {
        SimServer server = servers.get(id);
        if (!server.alive || !server.disk.hasUnsynced()) {
            out.add("sync-disk " + id + ": nothing to sync");
            return;
        }
        server.peer.onPersisted(server.disk.syncFirst(count));
        carryOut(server);
    }

    private void crash(long id, int keep) {
        SimServer server = servers.get(id);
        server.crash(new Random(0) {
            @Override
            public int nextInt(int bound) {
                return Math.min(keep, bound - 1); // how many of the unsynced writes reached the disk anyway
            }
        });
        removeQueuedTo(id);
        out.add("crash " + id + ": disk keeps accepted=" + server.disk.acceptedEpoch() + " current=" + server.disk.currentEpoch()
                + " last=" + Zxid.hex(server.disk.lastZxid()));
    }

    private void restart(long id) {
        SimServer server = servers.get(id);
        server.start();
        out.add("restart " + id + " from disk: accepted=" + server.disk.acceptedEpoch() + " current=" + server.disk.currentEpoch()
                + " last=" + Zxid.hex(server.disk.lastZxid()));
        carryOut(server);
    }

    private void wipe(long id) {
        SimServer server = servers.get(id);
        if (server.alive) {
            out.add("wipe " + id + ": it must be down");
            return;
        }
        server.disk.wipe();
        server.diskReplaced = true;
    }

    private void partition(String groups) {
        String[] sides = groups.split("\\|");
        for (String a : sides[0].trim().split("\\s+")) {
            for (String b : sides[1].trim().split("\\s+")) {
                cut.add(link(id(a), id(b)));
                cut.add(link(id(b), id(a)));
            }
        }
    }

    private void isolate(long id) {
        for (long other : servers.keySet()) {
            if (other != id) {
                cut.add(link(id, other));
                cut.add(link(other, id));
            }
        }
    }

    private void status() {
        for (SimServer server : servers.values()) {
            out.add(server.id + ": " + (server.alive ? server.peer.describeRole() : "down, disk last=" + Zxid.hex(server.disk.lastZxid())));
        }
    }

    /** A learner forwards a client's sync to its leader (ZooKeeper REQUEST of type sync). */
    private void sync(long learner) {
        SimServer server = servers.get(learner);
        boolean sent = server.peer.forwardRequest(SYNC_SESSION, nextSyncCxid++, dev.corral.wire.OpCode.SYNC, new byte[0], List.of());
        out.add(learner + (sent ? " forwards a sync" : " cannot forward a sync: it does not serve"));
        carryOut(server);
    }

    private void carryOut(SimServer server) {
        for (List<Output> outputs = server.peer.drainOutputs(); !outputs.isEmpty(); outputs = server.peer.drainOutputs()) {
            carryOut(server, outputs);
        }
        if (server.alive) {
            checker.check(server);
        }
    }

    private void carryOut(SimServer server, List<Output> outputs) {
        for (Output output : outputs) {
            if (output instanceof Output.Persist persist) {
                server.disk.write(persist);
            } else if (output instanceof Output.Send send) {
                Queued queued = new Queued(server.id, send.to(), send.message());
                links.computeIfAbsent(link(server.id, send.to()), k -> new ArrayDeque<>()).addLast(queued);
                order.addLast(queued);
            } else if (output instanceof Output.Deliver deliver) {
                server.deliver(deliver.entry(), checker);
            } else if (output instanceof Output.Restore restore) {
                server.restore(restore.snapshot(), checker);
                out.add(server.id + " restored a snapshot at " + Zxid.hex(server.state.zxid()));
            } else if (output instanceof Output.RoleChanged) {
                out.add(server.id + " is " + server.peer.describeRole());
            } else if (output instanceof Output.Forwarded forwarded && forwarded.message() instanceof Message.Request request
                    && request.type() == dev.corral.wire.OpCode.SYNC) {
                // The host of a leader answers a forwarded sync through its Peer, as the Node does.
                server.peer.answerSync(forwarded.from());
            } else if (output instanceof Output.SyncDone) {
                out.add(server.id + " answers its sync, having applied up to " + Zxid.hex(server.state.zxid()));
            }
        }
    }

    private void deliver(Queued queued) {
        SimServer to = servers.get(queued.to());
        if (!to.alive || cut.contains(link(queued.from(), queued.to()))) {
            return;
        }
        if (!(queued.message() instanceof Message.Ping)) {
            out.add(queued.from() + "->" + queued.to() + " " + Message.describe(queued.message()));
        }
        to.peer.step(queued.from(), queued.message());
        carryOut(to);
    }

    private void dropQueued(long from, long to) {
        ArrayDeque<Queued> queue = links.get(link(from, to));
        if (queue != null) {
            order.removeAll(queue);
            queue.clear();
        }
    }

    /**
     * A crash loses what was on its way to the server (its sockets are gone), but not what it had already
     * sent: those messages may still arrive after it restarts, as on a real network.
     */
    private void removeQueuedTo(long id) {
        order.removeIf(q -> q.to() == id);
        links.forEach((link, queue) -> queue.removeIf(q -> q.to() == id));
    }

    private static final long SYNC_SESSION = 0x100000001L;
    private int nextSyncCxid = 1;

    private static long id(String word) {
        return Long.parseLong(word);
    }

    private static long link(long from, long to) {
        return (from << 16) | to;
    }
}
