package dev.corral.node;

import dev.corral.tree.DataTree;
import dev.corral.tree.TreeSnapshot;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.JuteInput;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.Xid;
import dev.corral.wire.fuzz.RequestGrammar;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Drives one {@link Node} with a seeded mix of valid and hostile frames ({@link RequestGrammar}) from
 * many connections and sessions, with reconnects, client and server closes, ticks that expire sessions
 * and reap containers and TTL nodes, and a log that syncs late. After every event it checks what the
 * Node sent, and every {@link #CHECK_EVERY} events the state's invariants:
 * <ul>
 *   <li>nothing escapes the Node (an exception is the "stop the server" path a client must never reach);
 *   <li>every frame has a correct length prefix, goes to an open connection, never after its Close;
 *       every reply carries a known error code and, on a connection, zxids that never go back;
 *   <li>appends come in increasing zxid order, and a replica that replays them reaches the same tree;
 *   <li>the tree's digest matches its nodes, every snapshot loads with its digest;
 *   <li>every watched path is a string watched by an open connection, every ephemeral has a live session,
 *       and the readers of the four-letter words and metrics run over the state without throwing;
 *   <li>at the end, once every connection is gone and every session has expired, nothing is left:
 *       no session, ephemeral, watch or outstanding request, and a new client is served.
 * </ul>
 * Not thread-safe; the same seed replays the same run.
 */
final class NodeFuzzer {
    static final int CHECK_EVERY = 1_000;
    private static final int CONNECTIONS_MAX = 12;
    private static final int TICK_MS = 100;
    private static final long BOOT_WALL_MS = 1_700_000_000_000L;
    private static final Set<Integer> ERROR_CODES = errorCodes();

    private final Random random;
    private final RequestGrammar grammar;
    private final NodeConfig config;
    private final Node node;
    // A replica of the state rebuilt from the appended txns' bytes alone, as recovery rebuilds it.
    private final DataTree replica = new DataTree();
    private final dev.corral.tree.TxnApplier replicaApplier =
            new dev.corral.tree.TxnApplier(replica, new dev.corral.tree.SessionTable(), new dev.corral.tree.WatchTable());
    private final Map<Long, Connection> open = new LinkedHashMap<>();
    private final Set<Long> closed = new HashSet<>();
    private final List<long[]> sessions = new ArrayList<>();
    private final Map<Long, byte[]> passwords = new HashMap<>();
    private long nextConnectionId = 1;
    private long wallMs = BOOT_WALL_MS;
    private long appendedZxid;
    private long askedSeq;
    private long persistedSeq;
    private boolean holdLog;
    /** Frames delivered to the Node (connect requests included); the run's size. */
    long frames;
    /** Events delivered to the Node so far; a failure names the event it happened at. */
    long events;
    /** How many replies carried each error code. */
    final Map<Integer, Integer> errors = new TreeMap<>();

    /** One client connection as the fuzzer sees it. */
    private static final class Connection {
        final long id;
        boolean answeredHandshake;
        long sessionId;
        int nextXid = 1;
        long lastReplyZxid;

        Connection(long id) {
            this.id = id;
        }
    }

    NodeFuzzer(long seed) {
        this(seed, new RequestGrammar(new Random(seed * 31 + 7), "/", 8));
    }

    /** A fuzzer whose requests come from {@code grammar} (e.g. one opcode only, more hostile). */
    NodeFuzzer(long seed, RequestGrammar grammar) {
        this.random = new Random(seed);
        this.grammar = grammar;
        boolean durable = random.nextInt(4) > 0;
        this.config = new NodeConfig(0, TICK_MS, 2 * TICK_MS, 20 * TICK_MS, true, 3 * TICK_MS, 10_000,
                "super:D/InIHSb7yEEbrWz8b9l71RjZJU=", random.nextBoolean(), BOOT_WALL_MS, durable, 400,
                random.nextInt(3) == 0 ? 20 : 0, false);
        this.node = new Node(config);
        deliver(node.start(Node.soloPeer(config.serverId(), dev.corral.zab.DurableState.empty(), 1), wallMs));
        maybeSync();
        check(node.serving(), "the Node does not serve after its start: %s", node.describeRole());
    }

    /** Runs until {@code framesMax} frames were delivered, then winds down and checks that nothing is left. */
    void run(long framesMax) {
        while (frames < framesMax) {
            step();
            if (events % CHECK_EVERY == 0) {
                checkInvariants();
            }
        }
        checkInvariants();
        windDown();
    }

    int znodes() {
        return node.tree().nodeCount();
    }

    private void step() {
        int roll = random.nextInt(1000);
        if (open.isEmpty() || roll < 30 && open.size() < CONNECTIONS_MAX) {
            Connection connection = openConnection();
            deliver(node.onFrame(connection.id, connectFrame(), wallMs));
            frames++;
        } else if (roll < 45) {
            closeByClient(randomConnection());
        } else if (roll < 65) {
            wallMs += TICK_MS;
            deliver(node.onTick(wallMs));
            maybeSync();
        } else if (roll < 80) {
            holdLog = random.nextInt(3) == 0;
            maybeSync();
        } else {
            Connection connection = randomConnection();
            byte[] frame = random.nextInt(50) == 0 ? grammar.garbage() : grammar.request(connection.nextXid++);
            deliver(node.onFrame(connection.id, frame, wallMs));
            frames++;
        }
        events++;
    }

    private byte[] connectFrame() {
        int roll = random.nextInt(10);
        if (roll < 6 || sessions.isEmpty()) {
            return grammar.connect(0, new byte[16], 0, random.nextInt(3 * 20 * TICK_MS));
        }
        if (roll < 9) {
            long[] session = sessions.get(random.nextInt(sessions.size()));
            byte[] password = passwords.get(session[0]);
            if (roll == 8) {
                password = password.clone();
                password[random.nextInt(password.length)] ^= 1;
            }
            return grammar.connect(session[0], password, random.nextInt(10) == 0 ? session[1] + 1_000 : session[1], 20 * TICK_MS);
        }
        return grammar.hostileConnect();
    }

    private Connection openConnection() {
        Connection connection = new Connection(nextConnectionId++);
        open.put(connection.id, connection);
        deliver(node.onConnectionOpened(connection.id, "127.0.0." + (1 + random.nextInt(3)), wallMs));
        events++;
        return connection;
    }

    private Connection randomConnection() {
        int index = random.nextInt(open.size());
        for (Connection connection : open.values()) {
            if (index-- == 0) {
                return connection;
            }
        }
        throw new IllegalStateException("no open connection");
    }

    private void closeByClient(Connection connection) {
        open.remove(connection.id);
        closed.add(connection.id);
        deliver(node.onConnectionClosed(connection.id, wallMs));
    }

    private void maybeSync() {
        while (!holdLog && askedSeq > persistedSeq) {
            persistedSeq = askedSeq;
            deliver(node.onPersisted(persistedSeq, wallMs));
        }
    }

    /** Checks each output as the shell would carry it out. */
    private void deliver(List<Output> outputs) {
        for (Output output : outputs) {
            if (output instanceof Output.Send send) {
                received(send.connectionId(), send.frame());
            } else if (output instanceof Output.Close close) {
                check(open.containsKey(close.connectionId()), "close of connection %d that is not open", close.connectionId());
                open.remove(close.connectionId());
                closed.add(close.connectionId());
            } else if (output instanceof Output.Persist persist) {
                askedSeq = persist.change().seq();
                if (persist.change() instanceof dev.corral.zab.Output.Append append) {
                    dev.corral.tree.TxnEntry entry = dev.corral.tree.TxnCodec.decode(append.entry().txn());
                    check(entry.zxid() == append.entry().zxid() && entry.zxid() > appendedZxid, "append of %x (bytes say %x) after %x",
                            append.entry().zxid(), entry.zxid(), appendedZxid);
                    appendedZxid = entry.zxid();
                    replicaApplier.apply(entry, new ArrayList<>());
                }
            } else if (output instanceof Output.Snapshot snapshot) {
                TreeSnapshot image = snapshot.snapshot();
                List<dev.corral.tree.Znode> nodes = new ArrayList<>();
                image.forEach(nodes::add);
                new DataTree().load(image.zxid(), nodes, image.digest());
            }
        }
        if (!holdLog && config.durableLog()) {
            maybeSync();
        }
    }

    private void received(long connectionId, byte[] frame) {
        check(!closed.contains(connectionId), "frame to connection %d after its close", connectionId);
        Connection connection = open.get(connectionId);
        check(connection != null, "frame to connection %d that was never opened", connectionId);
        JuteInput in = new JuteInput(frame);
        check(frame.length >= 4 && in.readInt() == frame.length - 4, "bad length prefix on a frame to %d", connectionId);
        if (!connection.answeredHandshake) {
            connection.answeredHandshake = true;
            ConnectResponse response = ConnectResponse.read(in);
            if (response.timeOut() > 0) {
                connection.sessionId = response.sessionId();
                if (!passwords.containsKey(response.sessionId())) {
                    sessions.add(new long[] {response.sessionId(), node.tree().lastProcessedZxid()});
                    passwords.put(response.sessionId(), response.passwd());
                }
            }
            return;
        }
        ReplyHeader header = ReplyHeader.read(in);
        check(ERROR_CODES.contains(header.err()), "unknown error code %d in a reply", header.err());
        errors.merge(header.err(), 1, Integer::sum);
        // Notifications carry their event's zxid; auth and SASL replies carry zxid 0, as ZooKeeper's do.
        if (header.xid() != Xid.NOTIFICATION && header.zxid() != 0) {
            check(header.zxid() >= connection.lastReplyZxid, "reply zxid %x after %x on connection %d", header.zxid(),
                    connection.lastReplyZxid, connectionId);
            connection.lastReplyZxid = header.zxid();
        }
    }

    void checkInvariants() {
        DataTree tree = node.tree();
        check(tree.digest() == tree.recomputeDigest(), "tree digest %x but nodes hash to %x", tree.digest(), tree.recomputeDigest());
        check(node.outstandingRequests() >= 0, "outstanding requests %d", node.outstandingRequests());
        node.checkOutstanding();
        check(node.connectionCount() == open.size(), "node has %d connections, the shell %d", node.connectionCount(), open.size());
        if (config.durableLog() && persistedSeq == askedSeq) {
            check(replica.digest() == tree.digest(), "replica replaying the log has digest %x, the node %x",
                    replica.digest(), tree.digest());
        }
        // What the four-letter words and metrics read: sorted views must hold only strings and live ids.
        new TreeMap<>(node.watches().watchersByPath()).forEach((path, watchers) -> watchers.forEach(watcher ->
                check(open.containsKey(watcher), "path %s watched by connection %d that is not open", path, watcher)));
        for (ConnectionView view : node.connectionViews()) {
            node.watches().pathsOf(view.connectionId()).forEach(path -> check(path != null, "null path watched"));
        }
        new TreeMap<>(tree.ephemeralsBySession()).forEach((session, paths) -> check(node.sessionTable().contains(session),
                "ephemerals %s of session %x that is not in the session table", paths, session));
        node.latencyByOpcode().forEach((opcode, stats) -> check(stats.count() > 0, "empty latency for %d", opcode));
        check(tree.approximateDataSize() >= 0, "negative data size");
        check(node.watches().dataWatchCount() >= 0 && node.watches().childWatchCount() >= 0, "negative watch count");
    }

    /**
     * Closes every connection and lets every session expire; then nothing may be left, and a new client
     * must be served.
     */
    private void windDown() {
        for (Connection connection : new ArrayList<>(open.values())) {
            closeByClient(connection);
        }
        holdLog = false;
        for (int tick = 0; tick < 40 && node.sessionTable().size() > 0; tick++) {
            wallMs += TICK_MS;
            deliver(node.onTick(wallMs));
            maybeSync();
        }
        checkInvariants();
        check(node.sessionTable().size() == 0, "%d sessions left after every timeout passed", node.sessionTable().size());
        check(node.tree().ephemeralsBySession().isEmpty(), "ephemerals left: %s", node.tree().ephemeralsBySession());
        check(node.watches().watchersByPath().isEmpty(), "watches left: %s", node.watches().watchersByPath());
        check(node.outstandingRequests() == 0, "%d requests outstanding", node.outstandingRequests());
        Connection last = openConnection();
        deliver(node.onFrame(last.id, grammar.connect(0, new byte[16], 0, 20 * TICK_MS), wallMs));
        check(last.sessionId != 0, "a new client gets no session after the run");
    }

    private static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }

    private static Set<Integer> errorCodes() {
        Set<Integer> codes = new HashSet<>();
        for (Field field : ErrorCode.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                try {
                    codes.add(field.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return codes;
    }
}
