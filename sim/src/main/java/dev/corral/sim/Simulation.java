package dev.corral.sim;

import dev.corral.tree.Zxid;
import dev.corral.zab.LogEntry;
import dev.corral.zab.Message;
import dev.corral.zab.Output;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import dev.corral.sim.check.CheckResult;
import dev.corral.sim.check.HistoryRecorder;
import dev.corral.sim.check.LinearizabilityChecker;
import dev.corral.sim.check.ZkModel;
import dev.corral.sim.check.ZkOp;
import dev.corral.sim.check.ZkResult;
import dev.corral.sim.check.ZkState;

/**
 * One seeded run of a whole ensemble of real {@link dev.corral.zab.Peer}s on a simulated network, disk
 * and clock, in one thread: a safety phase under faults (crashes with lost unsynced writes, restarts,
 * partitions one way and both ways, clogged links, lost, delayed, duplicated and reordered messages)
 * with every invariant of {@link SafetyChecker} checked after every event, then a liveness phase in which
 * every server is up and every link healed, and the ensemble must elect a leader, bring every server to
 * serving, commit a new write everywhere and hold every acknowledged write, within a bounded number of
 * ticks. The same seed replays the same run exactly (TigerBeetle's VOPR, FoundationDB's simulation).
 */
public final class Simulation {
    private record Event(long time, long order, Runnable action) {}

    private static final int TRACE_LINES = 400;

    private final long seed;
    private final SimOptions options;
    private final Random random;
    private final SimNetwork network;
    private final SafetyChecker checker = new SafetyChecker();
    private final Map<Long, SimServer> servers = new HashMap<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final Map<Long, Long> acknowledged = new HashMap<>();
    private final Set<Long> proposedBy = new LinkedHashSet<>();
    private long order;
    private long now;
    private boolean faulty = true;
    private long nextWrite = 1;
    // At most one server loses its disk per run: with more, the servers that kept theirs may be too few
    // to elect, and an ensemble that refuses to elect then is right to.
    private int wipesLeft;
    private long ticks;
    private final boolean fullTrace;
    private final List<String> fullTraceLines = new ArrayList<>();
    // Whole servers (SimOptions#clients > 0): Nodes, their clients and the history those clients saw.
    private static final long BOOT_WALL_MS = 1_700_000_000_000L;
    private static final int PEER_TICKS_PER_SESSION_TICK = 10;
    private final boolean whole;
    private final List<SimClient> clients = new ArrayList<>();
    private final Map<Long, SimClient> clientOfConnection = new HashMap<>();
    // A second connection that takes a client's session (its id and password) on a server of its own and
    // closes it, as kazoo's test harness expires a session: null when none is under way.
    private Thief thief;
    private final HistoryRecorder<ZkOp, ZkResult> history = new HistoryRecorder<>();
    private long nextConnectionId = 1;
    // During liveness, once a client write was acknowledged, clients only ping, so the servers converge.
    private boolean quiesced;
    private long acknowledgedBeforeLiveness = -1;

    public Simulation(long seed, SimOptions options, boolean fullTrace) {
        this.seed = seed;
        this.random = new Random(seed);
        options = options.randomizedBy(random);
        this.options = options;
        this.network = new SimNetwork(random, options);
        this.fullTrace = fullTrace;
        for (SimServer server : servers.values()) {
            // Clocks: most run true, some slow or fast by a third (drawn per seed, so replays keep them).
            int draw = random.nextInt(6);
            server.clockSkew = draw == 0 ? -1 : draw == 1 ? 1 : 0;
        }
        // A lone server that lost its disk has nobody to learn from: that shape needs three voters or more.
        this.wipesLeft = options.voters() >= 3 ? 1 : 0;
        Set<Long> voters = new TreeSet<>();
        Set<Long> observers = new TreeSet<>();
        for (long id = 1; id <= options.voters(); id++) {
            voters.add(id);
        }
        for (long id = options.voters() + 1; id <= options.voters() + options.observers(); id++) {
            observers.add(id);
        }
        for (long id : voters) {
            servers.put(id, new SimServer(id, voters, observers, options.plantedBug()));
        }
        for (long id : observers) {
            servers.put(id, new SimServer(id, voters, observers, options.plantedBug()));
        }
        List<SimServer> voterServers = new ArrayList<>();
        for (long id : voters) {
            voterServers.add(servers.get(id));
        }
        checker.watchVoters(voterServers, voters.size() / 2 + 1);
        this.whole = options.clients() > 0;
        for (long id = 1; id <= options.clients(); id++) {
            clients.add(new SimClient(id, new Random(random.nextLong()), history));
        }
    }

    /** Runs the seed; throws {@link SimFailure} naming the broken invariant, with the trace's tail. */
    public SimResult run() {
        // The shape and knobs go first into the trace, so a replay shows what the seed drew.
        record("seed " + seed + ": " + options);
        try {
            for (SimServer server : servers.values()) {
                start(server);
            }
            long safetyEnd = (long) options.safetyTicks() * SimOptions.UNITS_PER_TICK;
            schedule(SimOptions.UNITS_PER_TICK, this::tickAll);
            runUntil(safetyEnd);
            beginLiveness();
            long deadline = safetyEnd + (long) options.livenessTicks() * SimOptions.UNITS_PER_TICK;
            long probe = -1;
            long probedAt = 0;
            long quietSince = -1;
            boolean quietChecked = false;
            while (now < deadline) {
                runUntil(Math.min(deadline, now + SimOptions.UNITS_PER_TICK));
                if (whole) {
                    if (wholeConverged()) {
                        checkWholeServers();
                        return new SimResult(seed, acknowledgedCount(), (now - safetyEnd) / SimOptions.UNITS_PER_TICK);
                    }
                    continue;
                }
                if (!quietChecked) {
                    // Before any new write: once a leader serves with every server, what it already
                    // proposed must commit on its own; a new write's cumulative ACK would hide an ACK
                    // that was never sent.
                    SimServer leader = servingLeaderOfAll();
                    if (leader == null) {
                        quietSince = -1;
                        continue;
                    }
                    if (quietSince < 0) {
                        quietSince = now;
                    }
                    if (leader.peer.commitZxid() == leader.peer.lastLoggedZxid()) {
                        quietChecked = true;
                    } else if (now - quietSince > 60L * SimOptions.UNITS_PER_TICK) {
                        throw new SimFailure("liveness: leader " + leader.id + " serves with every server but its proposals up to "
                                + Zxid.hex(leader.peer.lastLoggedZxid()) + " stay uncommitted without new writes;" + describeServers());
                    }
                    continue;
                }
                // A probe proposed by a leader that lost its quorum may never commit: try again.
                if (probe < 0 || (!acknowledged.containsKey(probe) && now - probedAt > 30L * SimOptions.UNITS_PER_TICK)) {
                    probe = maybeProbeWrite();
                    probedAt = now;
                } else if (converged(probe)) {
                    checkAcknowledged();
                    return new SimResult(seed, acknowledged.size(), (now - safetyEnd) / SimOptions.UNITS_PER_TICK);
                }
            }
            throw new SimFailure("liveness: no convergence " + options.livenessTicks() + " ticks after healing; "
                    + describeServers());
        } catch (RuntimeException e) {
            throw new SimFailure("seed " + seed + " failed at time " + now + ": " + e.getMessage() + "\nreplay: " + replayCommand()
                    + "\n--- last " + trace.size() + " events ---\n" + String.join("\n", trace), e);
        }
    }

    public List<String> fullTrace() {
        return fullTraceLines;
    }

    private String replayCommand() {
        return "bin/corral sim --seed " + seed + " --servers " + options.voters() + " --observers " + options.observers()
                + (whole ? " --clients " + options.clients() : "") + " --trace";
    }

    private void runUntil(long end) {
        while (!events.isEmpty() && events.peek().time <= end) {
            Event event = events.poll();
            now = event.time;
            event.action.run();
            for (SimServer server : servers.values()) {
                if (server.alive) {
                    checker.check(server);
                }
            }
        }
        now = Math.max(now, end);
    }

    private void tickAll() {
        List<SimServer> live = new ArrayList<>();
        for (SimServer server : servers.values()) {
            if (server.alive) {
                live.add(server);
            }
        }
        java.util.Collections.shuffle(live, random);
        ticks++;
        for (SimServer server : live) {
            if (now < server.pausedUntil) {
                continue; // a paused process (a long GC, SIGSTOP) does nothing, its clock included
            }
            // A skewed clock: a slow one loses every third tick, a fast one gains one every third tick.
            int count = server.clockSkew == 0 || ticks % 3 != 0 ? 1 : 1 + server.clockSkew;
            for (int i = 0; i < count && server.alive; i++) {
                if (whole) {
                    carryOutNode(server, server.node.onPeerTick(wallMs()));
                } else {
                    server.peer.tick();
                    carryOut(server);
                }
            }
            if (whole && server.alive && ticks % PEER_TICKS_PER_SESSION_TICK == 0) {
                carryOutNode(server, server.node.onTick(wallMs()));
            }
        }
        if (whole) {
            clientsAct();
        }
        if (faulty) {
            maybeFault();
            maybeWrite();
        }
        schedule(SimOptions.UNITS_PER_TICK, this::tickAll);
    }

    private void maybeWrite() {
        if (whole || random.nextInt(1000) >= options.writesPerMille() * SimOptions.UNITS_PER_TICK / 10) {
            return;
        }
        for (SimServer server : servers.values()) {
            if (server.alive && server.peer.canPropose()) {
                propose(server);
                return;
            }
        }
    }

    private long propose(SimServer leader) {
        long zxid = leader.peer.nextZxid();
        long write = nextWrite++;
        byte[] txn = ByteBuffer.allocate(16).putLong(write).putLong(leader.id).array();
        record("propose write " + write + " at " + Zxid.hex(zxid) + " on " + leader.id);
        proposedBy.add(write);
        leader.peer.propose(new LogEntry(zxid, txn));
        carryOut(leader);
        return write;
    }

    private void carryOut(SimServer server) {
        for (Output output : server.peer.drainOutputs()) {
            if (output instanceof Output.Persist persist) {
                persist(server, persist);
            } else if (output instanceof Output.Send send) {
                sendToPeer(server, send.to(), send.message());
            } else if (output instanceof Output.Deliver deliver) {
                server.deliver(deliver.entry(), checker);
                if (server.peer.state() == dev.corral.zab.ServerState.LEADING) {
                    long write = ByteBuffer.wrap(deliver.entry().txn()).getLong();
                    if (proposedBy.remove(write)) {
                        acknowledged.put(write, deliver.entry().zxid());
                    }
                }
            } else if (output instanceof Output.Restore restore) {
                server.restore(restore.snapshot(), checker);
                record(server.id + " restored " + Zxid.hex(server.state.zxid()));
            } else if (output instanceof Output.RoleChanged role) {
                record(server.id + " -> " + server.peer.describeRole());
            }
        }
    }

    /** Writes a change to the server's disk and schedules a sync, if none is pending, after a random delay. */
    private void persist(SimServer server, Output.Persist change) {
        server.disk.write(change);
        if (!server.syncScheduled) {
            server.syncScheduled = true;
            int incarnation = server.incarnation();
            schedule(1 + random.nextInt(faulty ? options.maxSyncUnits() : 3), () -> sync(server, incarnation));
        }
    }

    /** Puts a quorum message on the simulated network, which delivers it (or not) later. */
    private void sendToPeer(SimServer server, long to, Message message) {
        if (fullTrace && message instanceof Message.Learner && !(message instanceof Message.Ping)) {
            record("  send " + server.id + "->" + to + " " + Message.describe(message));
        }
        for (SimNetwork.Delivery delivery : network.send(now, server.id, to, message, faulty)) {
            scheduleAt(delivery.time(), () -> deliver(delivery));
        }
    }

    private void sync(SimServer server, int incarnation) {
        if (!server.alive || server.incarnation() != incarnation) {
            return;
        }
        if (now < server.pausedUntil) {
            scheduleAt(server.pausedUntil, () -> sync(server, incarnation));
            return;
        }
        server.syncScheduled = false;
        long seq = server.disk.sync();
        if (whole) {
            carryOutNode(server, server.node.onPersisted(seq, wallMs()));
            return;
        }
        server.peer.onPersisted(seq);
        carryOut(server);
    }

    private void deliver(SimNetwork.Delivery delivery) {
        SimServer to = servers.get(delivery.to());
        if (!to.alive || !network.arrives(delivery)) {
            return;
        }
        if (now < to.pausedUntil || !to.held.isEmpty()) {
            // It waits in the socket buffer until the process runs again; what arrives meanwhile queues
            // behind it, so nothing overtakes a held message.
            to.held.addLast(delivery);
            if (!to.resumeScheduled) {
                to.resumeScheduled = true;
                int incarnation = to.incarnation();
                scheduleAt(Math.max(now, to.pausedUntil), () -> resume(to, incarnation));
            }
            return;
        }
        step(to, delivery);
    }

    /** A paused server runs again: it reads what waited for it, in arrival order. */
    private void resume(SimServer server, int incarnation) {
        if (!server.alive || server.incarnation() != incarnation) {
            return;
        }
        if (now < server.pausedUntil) {
            scheduleAt(server.pausedUntil, () -> resume(server, incarnation));
            return;
        }
        server.resumeScheduled = false;
        while (!server.held.isEmpty() && server.alive && now >= server.pausedUntil) {
            step(server, server.held.pollFirst());
        }
        if (!server.held.isEmpty() && server.alive) {
            server.resumeScheduled = true;
            scheduleAt(server.pausedUntil, () -> resume(server, incarnation));
        }
    }

    private void step(SimServer to, SimNetwork.Delivery delivery) {
        if (fullTrace || !(delivery.message() instanceof Message.Ping)) {
            record(delivery.from() + "->" + delivery.to() + " " + Message.describe(delivery.message()));
        }
        if (whole) {
            carryOutNode(to, to.node.onPeerMessage(delivery.from(), delivery.message(), wallMs()));
            return;
        }
        to.peer.step(delivery.from(), delivery.message());
        carryOut(to);
    }

    private void maybeFault() {
        if (random.nextInt(1000) >= options.faultPerMille()) {
            return;
        }
        List<Long> ids = new ArrayList<>(new TreeSet<>(servers.keySet()));
        long target = ids.get(random.nextInt(ids.size()));
        SimServer server = servers.get(target);
        int kind = random.nextInt(100);
        if (kind < 25) {
            if (server.alive) {
                record("crash " + target);
                crash(server);
                if (wipesLeft > 0 && random.nextInt(4) == 0) {
                    // The shape of a replaced disk: the server comes back with an empty data directory.
                    wipesLeft--;
                    record("wipe the data directory of " + target);
                    server.disk.wipe();
                    server.diskReplaced = true;
                }
            } else {
                record("restart " + target);
                start(server);
            }
        } else if (kind < 30) {
            // A power failure: every server stops at once, each losing what its disk had not synced.
            record("power failure: every server crashes");
            for (long id : ids) {
                SimServer down = servers.get(id);
                if (down.alive) {
                    crash(down);
                    // Power comes back: each server starts again after its own delay.
                    int incarnation = down.incarnation();
                    schedule((long) (1 + random.nextInt(20)) * SimOptions.UNITS_PER_TICK, () -> {
                        if (!down.alive && down.incarnation() == incarnation && faulty) {
                            record("restart " + down.id + " after the power failure");
                            start(down);
                        }
                    });
                }
            }
        } else if (kind < 40) {
            record("isolate " + target);
            for (long other : ids) {
                if (other != target) {
                    network.cut(target, other);
                    network.cut(other, target);
                }
            }
        } else if (kind < 55 && ids.size() > 1) {
            java.util.Collections.shuffle(ids, random);
            int half = 1 + random.nextInt(ids.size() - 1);
            record("partition " + ids.subList(0, half) + " | " + ids.subList(half, ids.size()));
            for (long a : ids.subList(0, half)) {
                for (long b : ids.subList(half, ids.size())) {
                    network.cut(a, b);
                    network.cut(b, a);
                }
            }
        } else if (kind < 65) {
            long other = ids.get(random.nextInt(ids.size()));
            if (other != target) {
                record("cut one way " + target + " -> " + other);
                network.cut(target, other);
            }
        } else if (kind < 80) {
            // Swizzle clogging: clog a random half of the links for a while; they unclog at different times.
            for (long a : ids) {
                for (long b : ids) {
                    if (a != b && random.nextBoolean()) {
                        network.clog(a, b, now + (long) (1 + random.nextInt(30)) * SimOptions.UNITS_PER_TICK);
                    }
                }
            }
            record("clog a random half of the links");
        } else if (kind < 85) {
            long ticksPaused = 1 + random.nextInt(40);
            record("pause " + target + " for " + ticksPaused + " ticks");
            server.pausedUntil = Math.max(server.pausedUntil, now + ticksPaused * SimOptions.UNITS_PER_TICK);
        } else {
            record("heal all links");
            network.healAll();
        }
    }

    private void beginLiveness() {
        faulty = false;
        network.healAll();
        // A paused server stays paused until its pause ends (at most 40 ticks): what waits for it is
        // queued at that time, in order, and must not be overtaken.
        record("liveness: every link healed, every server up");
        for (SimServer server : servers.values()) {
            if (!server.alive) {
                start(server);
            }
        }
    }

    /** The established leader, if every server is up and serving; null otherwise. */
    private SimServer servingLeaderOfAll() {
        SimServer leader = null;
        for (SimServer server : servers.values()) {
            if (!server.alive || !server.peer.serving()) {
                return null;
            }
            if (server.peer.canPropose()) {
                leader = server;
            }
        }
        return leader;
    }

    private long maybeProbeWrite() {
        for (SimServer server : servers.values()) {
            if (server.alive && server.peer.canPropose()) {
                return propose(server);
            }
        }
        return -1;
    }

    private boolean converged(long probe) {
        if (!acknowledged.containsKey(probe)) {
            return false;
        }
        long zxid = java.util.Collections.max(acknowledged.values());
        for (SimServer server : servers.values()) {
            if (!server.peer.serving() || server.peer.lastDelivered() < zxid) {
                return false;
            }
        }
        return true;
    }

    /** Every write the leader acknowledged is delivered by every server, with its content. */
    private void checkAcknowledged() {
        for (Map.Entry<Long, Long> ack : acknowledged.entrySet()) {
            LogEntry entry = checker.committed(ack.getValue());
            if (entry == null || ByteBuffer.wrap(entry.txn()).getLong() != ack.getKey()) {
                throw new SimFailure("acknowledged write " + ack.getKey() + " at " + Zxid.hex(ack.getValue()) + " lost");
            }
            for (SimServer server : servers.values()) {
                if (server.peer.lastDelivered() < ack.getValue()) {
                    throw new SimFailure("acknowledged write " + ack.getKey() + " not delivered on server " + server.id);
                }
            }
        }
    }

    private void crash(SimServer server) {
        server.crash(random);
        if (thief != null && thief.server == server.id) {
            thief = null;
        }
        for (SimClient client : clients) {
            if (client.server == server.id) {
                client.disconnected();
            }
        }
    }

    private void start(SimServer server) {
        if (whole) {
            List<dev.corral.node.Output> outputs = server.startNode(output -> observed(server, output), wallMs(),
                    zxid -> checker.stateAt(server, zxid));
            record("start " + server.id + " from disk: accepted=" + server.disk.acceptedEpoch() + " current="
                    + server.disk.currentEpoch() + " last=" + Zxid.hex(server.disk.lastZxid()) + " snapshot="
                    + Zxid.hex(server.disk.snapshot().zxid()));
            carryOutNode(server, outputs);
            return;
        }
        server.start();
        record("start " + server.id + " from disk: accepted=" + server.disk.acceptedEpoch() + " current=" + server.disk.currentEpoch()
                + " last=" + Zxid.hex(server.disk.lastZxid()));
        carryOut(server);
    }

    // ---- Whole servers and their clients ----

    /** The wall clock the Nodes see: a peer tick is 20 ms. */
    private long wallMs() {
        return BOOT_WALL_MS + now * 20 / SimOptions.UNITS_PER_TICK;
    }

    /** What a Node asked for: disk writes, quorum messages, frames to its clients, closed connections. */
    private void carryOutNode(SimServer server, List<dev.corral.node.Output> outputs) {
        for (dev.corral.node.Output output : outputs) {
            if (output instanceof dev.corral.node.Output.Persist persist) {
                persist(server, persist.change());
            } else if (output instanceof dev.corral.node.Output.PeerSend send) {
                sendToPeer(server, send.serverId(), send.message());
            } else if (output instanceof dev.corral.node.Output.Send send && thief != null && send.connectionId() == thief.connectionId) {
                thiefReceived(send.frame());
            } else if (output instanceof dev.corral.node.Output.Close close && thief != null && close.connectionId() == thief.connectionId) {
                record("  " + server.id + " closes the thief of session 0x" + Long.toHexString(thief.sessionId) + ": " + close.reason());
                thief = null;
            } else if (output instanceof dev.corral.node.Output.Send send) {
                SimClient client = clientOfConnection.get(send.connectionId());
                if (client != null && client.connectionId == send.connectionId()) {
                    if (fullTrace && client.connected()) {
                        dev.corral.wire.JuteInput in = new dev.corral.wire.JuteInput(send.frame());
                        in.readInt();
                        dev.corral.wire.ReplyHeader header = dev.corral.wire.ReplyHeader.read(in);
                        record("  client " + client.id + " <- " + server.id + " xid " + header.xid() + " err " + header.err() + " zxid "
                                + Zxid.hex(header.zxid()));
                    }
                    client.received(send.frame(), now);
                }
            } else if (output instanceof dev.corral.node.Output.Close close) {
                SimClient client = clientOfConnection.get(close.connectionId());
                if (client != null && client.connectionId == close.connectionId()) {
                    if (fullTrace) {
                        record("  " + server.id + " closes client " + client.id + ": " + close.reason());
                    }
                    client.disconnected();
                }
            } else if (output instanceof dev.corral.node.Output.RoleChanged) {
                record(server.id + " -> " + server.node.describeRole());
            } else if (output instanceof dev.corral.node.Output.SessionExpired expired) {
                record(server.id + " expires session 0x" + Long.toHexString(expired.sessionId()));
            }
        }
    }

    /** A Peer output the Node carried out: the checker sees each delivered txn and each installed snapshot. */
    private void observed(SimServer server, Output output) {
        if (output instanceof Output.Deliver deliver) {
            HashChainState before = server.state;
            server.state = before.apply(deliver.entry());
            checker.onDeliver(server, deliver.entry(), before, server.state);
            checker.onTree(server, deliver.entry().zxid(), server.node.tree().digest());
        } else if (output instanceof Output.Restore restore) {
            dev.corral.tree.TreeSnapshot image = (dev.corral.tree.TreeSnapshot) restore.snapshot().image();
            server.state = checker.stateAt(server, image.zxid());
            checker.onRestore(server, server.state);
            checker.onTree(server, image.zxid(), image.digest());
            record(server.id + " restored " + Zxid.hex(image.zxid()));
        }
    }

    /** Each client, once a tick: connects when it has no connection, sends a request now and then, moves. */
    private void clientsAct() {
        for (SimClient client : clients) {
            if (client.idle()) {
                if (random.nextInt(5) == 0) {
                    connect(client);
                }
                continue;
            }
            SimServer server = servers.get(client.server);
            if (!client.connected() || now < server.pausedUntil) {
                continue;
            }
            if (faulty && !quiesced && thief == null && client.sessionId != 0 && random.nextInt(100) == 0) {
                startThief(client);
                continue;
            }
            if (faulty && random.nextInt(300) == 0) {
                record("client " + client.id + " leaves server " + server.id);
                carryOutNode(server, server.node.onConnectionClosed(client.connectionId, wallMs()));
                client.disconnected();
                continue;
            }
            if (!client.parentsAsked) {
                client.parentsAsked = true;
                for (String parent : new String[] {SimClient.DIR, SimClient.EPHEMERALS}) {
                    byte[] request = client.createParent(parent, now);
                    if (request == null) {
                        client.parentsAsked = false; // the connection closed: asked again on the next one
                    } else {
                        send(client, server, request);
                    }
                }
                continue;
            }
            if (random.nextInt(100) < 40) {
                byte[] request = quiesced ? client.pingRequest() : client.nextRequest(now);
                if (request != null) {
                    send(client, server, request);
                }
            }
        }
    }

    /**
     * A thief of a client's session: a connection of its own to a server (any that is up, the client's own
     * included) resumes the session with its id and password and no zxid seen, then closes it. The client's
     * connection is closed when the session moves or ends, and its next one finds the session expired; a
     * close the thief got acknowledged counts as the client's for the ephemerals check.
     */
    private static final class Thief {
        final SimClient victim;
        final long sessionId;
        final long server;
        final long connectionId;
        boolean closing;

        Thief(SimClient victim, long sessionId, long server, long connectionId) {
            this.victim = victim;
            this.sessionId = sessionId;
            this.server = server;
            this.connectionId = connectionId;
        }
    }

    private void startThief(SimClient victim) {
        List<SimServer> up = upServers();
        if (up.isEmpty()) {
            return;
        }
        SimServer server = up.get(random.nextInt(up.size()));
        thief = new Thief(victim, victim.sessionId, server.id, nextConnectionId++);
        record("a thief takes session 0x" + Long.toHexString(victim.sessionId) + " of client " + victim.id + " on server " + server.id);
        carryOutNode(server, server.node.onConnectionOpened(thief.connectionId, "10.0.0.250", wallMs()));
        if (thief != null) {
            dev.corral.wire.JuteOutput out = new dev.corral.wire.JuteOutput();
            new dev.corral.wire.ConnectRequest(0, 0, 2000, thief.sessionId, victim.password(), false, true).write(out);
            carryOutNode(server, server.node.onFrame(thief.connectionId, out.toByteArray(), wallMs()));
        }
    }

    /** A frame the thief's server sent it: its ConnectResponse (then it closes the session), or the close's reply. */
    private void thiefReceived(byte[] frame) {
        Thief current = thief;
        SimServer server = servers.get(current.server);
        dev.corral.wire.JuteInput in = new dev.corral.wire.JuteInput(frame);
        in.readInt();
        if (!current.closing) {
            dev.corral.wire.ConnectResponse response = dev.corral.wire.ConnectResponse.read(in);
            if (response.sessionId() == 0) {
                record("  the thief of session 0x" + Long.toHexString(current.sessionId) + " finds it expired");
                return; // its server closes the connection
            }
            current.closing = true;
            record("  the thief resumed session 0x" + Long.toHexString(current.sessionId) + " and closes it");
            // As an event of its own: the Node's outputs being carried out now must not interleave with the close's.
            scheduleAt(Math.max(now + 1, server.pausedUntil), () -> {
                if (thief == current && server.alive) {
                    dev.corral.wire.JuteOutput out = new dev.corral.wire.JuteOutput();
                    new dev.corral.wire.RequestHeader(1, dev.corral.wire.OpCode.CLOSE_SESSION).write(out);
                    carryOutNode(server, server.node.onFrame(current.connectionId, out.toByteArray(), wallMs()));
                }
            });
            return;
        }
        dev.corral.wire.ReplyHeader header = dev.corral.wire.ReplyHeader.read(in);
        if (header.xid() == 1) {
            record("  the thief's close of session 0x" + Long.toHexString(current.sessionId) + ": err " + header.err());
            if (header.err() == dev.corral.wire.ErrorCode.OK) {
                current.victim.closedSessions.add(current.sessionId);
            }
        }
    }

    /** The servers a client can connect to now, in id order. */
    private List<SimServer> upServers() {
        List<SimServer> up = new ArrayList<>();
        for (long id : new TreeSet<>(servers.keySet())) {
            SimServer server = servers.get(id);
            if (server.alive && now >= server.pausedUntil) {
                up.add(server);
            }
        }
        return up;
    }

    private void connect(SimClient client) {
        List<SimServer> up = upServers();
        if (up.isEmpty()) {
            return;
        }
        SimServer server = up.get(random.nextInt(up.size()));
        long connectionId = nextConnectionId++;
        clientOfConnection.put(connectionId, client);
        byte[] request = client.connect(server.id, connectionId, 1000 + random.nextInt(2000));
        if (fullTrace) {
            record("client " + client.id + " connects to " + server.id + (client.sessionId != 0 ? " resuming 0x"
                    + Long.toHexString(client.sessionId) : ""));
        }
        carryOutNode(server, server.node.onConnectionOpened(connectionId, "10.0.0." + client.id, wallMs()));
        send(client, server, request);
    }

    private void send(SimClient client, SimServer server, byte[] frame) {
        if (fullTrace && client.connected()) {
            dev.corral.wire.RequestHeader header = dev.corral.wire.RequestHeader.read(new dev.corral.wire.JuteInput(frame));
            record("  client " + client.id + " -> " + server.id + " xid " + header.xid() + " op " + header.type());
        }
        if (client.server == server.id && server.alive) {
            carryOutNode(server, server.node.onFrame(client.connectionId, frame, wallMs()));
        }
    }

    private int acknowledgedCount() {
        int count = 0;
        for (SimClient client : clients) {
            count += client.acknowledgedZxids.size();
        }
        return count;
    }

    /**
     * Whether the healed ensemble converged: every server serves; a client write was acknowledged since
     * the healing (clients then only ping); and every server applied the same last zxid.
     */
    private boolean wholeConverged() {
        if (acknowledgedBeforeLiveness < 0) {
            acknowledgedBeforeLiveness = acknowledgedCount();
        }
        if (!quiesced && acknowledgedCount() > acknowledgedBeforeLiveness) {
            quiesced = true;
            record("liveness: a client write was acknowledged; clients only ping now");
        }
        if (!quiesced) {
            return false;
        }
        long last = -1;
        for (SimServer server : servers.values()) {
            if (!server.alive || !server.node.serving()) {
                return false;
            }
            long zxid = server.node.tree().lastProcessedZxid();
            if (last >= 0 && zxid != last) {
                return false;
            }
            last = zxid;
        }
        for (SimClient client : clients) {
            if (client.awaitsReplies()) {
                return false; // a handshake or request unanswered on an open connection: it must be answered, or the connection closed
            }
        }
        return true;
    }

    /**
     * The end of a run of whole servers: every acknowledged write is committed and on every server; every
     * ephemeral belongs to a live session and none to a session its client closed; the history the clients
     * saw is linearizable (reads sequentially consistent per session).
     */
    private void checkWholeServers() {
        for (SimClient client : clients) {
            for (long zxid : client.acknowledgedZxids) {
                if (checker.committed(zxid) == null) {
                    throw new SimFailure("acknowledged write at " + Zxid.hex(zxid) + " of client " + client.id + " was never committed");
                }
                for (SimServer server : servers.values()) {
                    if (server.node.tree().lastProcessedZxid() < zxid) {
                        throw new SimFailure("acknowledged write at " + Zxid.hex(zxid) + " missing on server " + server.id);
                    }
                }
            }
        }
        for (SimServer server : servers.values()) {
            for (long owner : server.node.tree().ephemeralsBySession().keySet()) {
                if (!server.node.sessionTable().contains(owner)) {
                    throw new SimFailure("ephemerals: server " + server.id + " holds ephemerals of session 0x" + Long.toHexString(owner)
                            + ", which is gone");
                }
                for (SimClient client : clients) {
                    if (client.closedSessions.contains(owner)) {
                        throw new SimFailure("ephemerals: server " + server.id + " holds ephemerals of session 0x"
                                + Long.toHexString(owner) + ", which client " + client.id + " closed");
                    }
                }
            }
        }
        CheckResult<ZkOp, ZkResult> verdict = new LinearizabilityChecker().check(new ZkModel(ZkState.withEmptyNodes(),
                ZkModel.Reads.SEQUENTIAL), history.history());
        if (verdict.verdict() == CheckResult.Verdict.NOT_LINEARIZABLE) {
            throw new SimFailure("linearizability: the clients' history is not linearizable: " + verdict.explain());
        }
        record("history of " + history.history().size() + " operations: " + verdict.verdict());
    }

    private String describeServers() {
        StringBuilder text = new StringBuilder();
        for (long id : new TreeSet<>(servers.keySet())) {
            SimServer server = servers.get(id);
            text.append("\n  ").append(id).append(": ").append(server.alive ? server.peer.describeRole() : "down");
        }
        return text.toString();
    }

    private void schedule(long delay, Runnable action) {
        scheduleAt(now + delay, action);
    }

    private void scheduleAt(long time, Runnable action) {
        events.add(new Event(time, order++, action));
    }

    private void record(String line) {
        String stamped = String.format("%6d.%d %s", now / SimOptions.UNITS_PER_TICK, now % SimOptions.UNITS_PER_TICK, line);
        if (fullTrace) {
            fullTraceLines.add(stamped);
        }
        trace.addLast(stamped);
        if (trace.size() > TRACE_LINES) {
            trace.removeFirst();
        }
    }
}
