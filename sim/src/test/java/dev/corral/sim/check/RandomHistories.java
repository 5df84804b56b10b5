package dev.corral.sim.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Histories recorded from a real sequential execution of {@link ZkModel#apply}, with random call and
 * return times around each operation's point of effect, so they are linearizable by construction (or
 * sequentially consistent, for reads that {@link Shape#reads} lets be stale). Some operations are lost:
 * their client gives up and carries on as a new session, and the operation takes effect at once, later,
 * or never. Every write writes data no other write writes, so each (data, version) a read may see names
 * one write.
 */
final class RandomHistories {

    /**
     * {@code deadlineSlack}: when at least 0, a lost operation gets a deadline that many steps at most after
     * it took effect (or after its client gave up, when it never does); when negative, no deadline.
     */
    record Shape(int clients, int opsPerClient, int keys, boolean sequentialCreates, double lostRate, ZkModel.Reads reads,
            int deadlineSlack) {
        Shape(int clients, int opsPerClient, int keys, boolean sequentialCreates, double lostRate, ZkModel.Reads reads) {
            this(clients, opsPerClient, keys, sequentialCreates, lostRate, reads, -1);
        }
    }

    /** A recorded history, and for each path the states it went through with the operation that made each. */
    record Recorded(List<Operation<ZkOp, ZkResult>> history, Map<String, List<Version>> timelines) {}

    /** A state of one path (null: absent) and the operation that made it (null for the initial state). */
    record Version(ZkState.Znode znode, Pending writer) {}

    /** One operation in flight; its fields fill in as it is applied and returns. */
    static final class Pending {
        final long clientId;
        final ZkOp op;
        final long callTime;
        ZkResult output;
        boolean applied;
        long lastPossibleEffect;
        long returnTime = Long.MAX_VALUE;

        Pending(long clientId, ZkOp op, long callTime) {
            this.clientId = clientId;
            this.op = op;
            this.callTime = callTime;
        }
    }

    private final Shape shape;
    private final Random random;
    private final ZkModel model;
    private final List<ZkState> states = new ArrayList<>();
    private final Map<String, List<Version>> timelines = new HashMap<>();
    private final List<Pending> all = new ArrayList<>();
    private long time;
    private int dataCounter;
    private long nextClientId;

    private RandomHistories(long seed, Shape shape) {
        this.shape = shape;
        this.random = new Random(seed);
        this.model = model(shape.reads());
        states.add(model.init());
        for (int k = 0; k < shape.keys(); k++) {
            List<Version> timeline = new ArrayList<>();
            timeline.add(new Version(null, null));
            timelines.put(key(k), timeline);
        }
    }

    static ZkModel model(ZkModel.Reads reads) {
        return ZkModel.withEmptyNodes(reads, "/s");
    }

    static Recorded generate(long seed, Shape shape) {
        return new RandomHistories(seed, shape).run();
    }

    private static String key(int k) {
        return "/s/k" + k;
    }

    private Recorded run() {
        long[] clientIds = new long[shape.clients()];
        int[] remaining = new int[shape.clients()];
        int[] seen = new int[shape.clients()];
        Pending[] pending = new Pending[shape.clients()];
        List<Pending> zombies = new ArrayList<>();
        for (int c = 0; c < shape.clients(); c++) {
            clientIds[c] = nextClientId++;
            remaining[c] = shape.opsPerClient();
        }
        while (true) {
            List<Integer> active = new ArrayList<>();
            for (int c = 0; c < shape.clients(); c++) {
                if (pending[c] != null || remaining[c] > 0) {
                    active.add(c);
                }
            }
            if (active.isEmpty() && zombies.isEmpty()) {
                break;
            }
            time++;
            // A lost operation that still takes effect, long after its client gave up.
            if (!zombies.isEmpty() && (active.isEmpty() || random.nextInt(10) == 0)) {
                applyNow(zombies.remove(random.nextInt(zombies.size())));
                continue;
            }
            int c = active.get(random.nextInt(active.size()));
            Pending p = pending[c];
            if (p == null) {
                remaining[c]--;
                pending[c] = new Pending(clientIds[c], randomOp(), time);
                all.add(pending[c]);
            } else if (!p.applied && random.nextDouble() < shape.lostRate()) {
                // The client gives up on it and carries on as a new session.
                int fate = random.nextInt(3);
                if (fate == 0 && !model.readOnly(p.op, null)) {
                    applyNow(p);
                } else if (fate == 1 && !model.readOnly(p.op, null)) {
                    zombies.add(p);
                }
                p.output = null;
                p.lastPossibleEffect = time;
                pending[c] = null;
                clientIds[c] = nextClientId++;
                seen[c] = states.size() - 1;
            } else if (!p.applied) {
                if (p.op instanceof ZkOp.GetData && shape.reads() == ZkModel.Reads.SEQUENTIAL) {
                    seen[c] += random.nextInt(states.size() - seen[c]);
                    p.output = model.apply(states.get(seen[c]), p.op).result();
                    p.applied = true;
                } else {
                    applyNow(p);
                    seen[c] = states.size() - 1;
                }
            } else {
                p.returnTime = time;
                pending[c] = null;
            }
        }
        List<Operation<ZkOp, ZkResult>> history = new ArrayList<>();
        for (Pending p : all) {
            if (p.returnTime != Long.MAX_VALUE) {
                history.add(Operation.completed(p.clientId, p.op, p.callTime, p.output, p.returnTime));
            } else if (shape.deadlineSlack() < 0) {
                history.add(Operation.unknown(p.clientId, p.op, p.callTime));
            } else {
                long deadline = p.lastPossibleEffect + random.nextInt(shape.deadlineSlack() + 1);
                history.add(Operation.unknown(p.clientId, p.op, p.callTime, deadline));
            }
        }
        return new Recorded(history, timelines);
    }

    /** Applies an operation to the newest state (reads too, when reads are linearizable) and records what changed. */
    private void applyNow(Pending p) {
        ZkState before = states.get(states.size() - 1);
        ZkModel.Applied applied = model.apply(before, p.op);
        p.output = applied.result();
        p.applied = true;
        p.lastPossibleEffect = time;
        if (!applied.state().equals(before)) {
            states.add(applied.state());
            for (Map.Entry<String, List<Version>> timeline : timelines.entrySet()) {
                ZkState.Znode now = applied.state().get(timeline.getKey());
                ZkState.Znode last = timeline.getValue().get(timeline.getValue().size() - 1).znode();
                if (!sameToReaders(now, last)) {
                    timeline.getValue().add(new Version(now, p));
                }
            }
        }
    }

    /** Equal as getData sees them: both absent, or the same data and version (the children count aside). */
    private static boolean sameToReaders(ZkState.Znode a, ZkState.Znode b) {
        return a == null ? b == null : b != null && a.data().equals(b.data()) && a.version() == b.version();
    }

    private ZkOp randomOp() {
        String path = key(random.nextInt(shape.keys()));
        ZkState.Znode znode = states.get(states.size() - 1).get(path);
        int version = znode == null ? 0 : znode.version();
        int roll = random.nextInt(100);
        if (roll < 40) {
            return new ZkOp.GetData(path);
        } else if (roll < 65) {
            return new ZkOp.SetData(path, nextData(), random.nextBoolean() ? -1 : version + random.nextInt(2));
        } else if (roll < 80) {
            return new ZkOp.Create(path, nextData(), false);
        } else if (roll < 90) {
            return new ZkOp.Delete(path, random.nextBoolean() ? -1 : version);
        } else if (roll < 95 && shape.sequentialCreates()) {
            return new ZkOp.Create("/s/n-", nextData(), true);
        }
        String other = key(random.nextInt(shape.keys()));
        return new ZkOp.Multi(List.of(new ZkOp.SetData(path, nextData(), -1), new ZkOp.Create(other, nextData(), false)));
    }

    private String nextData() {
        return "d" + dataCounter++;
    }

    /**
     * The history with one read made stale: it sees a version of its path that a completed write made and
     * another write replaced, each returning before the next was called (the replacer, with
     * {@code ownSessionOnly}, in the read's own session). No history that reads so can be linearizable (nor
     * sequentially consistent, for the own-session case): the writer, the replacer and the read are ordered
     * in every linearization, and only the writer writes that data. Empty when no read qualifies.
     */
    static Optional<List<Operation<ZkOp, ZkResult>>> withStaleRead(Recorded recorded, boolean ownSessionOnly, Random random) {
        List<Operation<ZkOp, ZkResult>> history = recorded.history();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        for (int i : order) {
            Operation<ZkOp, ZkResult> read = history.get(i);
            if (!(read.input() instanceof ZkOp.GetData get) || !(read.output() instanceof ZkResult.Data seen)) {
                continue;
            }
            List<Version> timeline = recorded.timelines().get(get.path());
            int at = indexOf(timeline, seen);
            for (int j = at - 1; j >= 0; j--) {
                Pending writer = timeline.get(j).writer();
                Pending replacer = timeline.get(j + 1).writer();
                // The writer returned before the replacer was called, which returned before the read was
                // called: in any linearization, the read comes after both.
                boolean replacedBeforeCall = writer != null && writer.returnTime < replacer.callTime
                        && replacer.returnTime < read.callTime() && (!ownSessionOnly || replacer.clientId == read.clientId());
                if (timeline.get(j).znode() != null && replacedBeforeCall) {
                    ZkState.Znode stale = timeline.get(j).znode();
                    List<Operation<ZkOp, ZkResult>> mutated = new ArrayList<>(history);
                    mutated.set(i, Operation.completed(read.clientId(), read.input(), read.callTime(),
                            new ZkResult.Data(stale.data(), stale.version()), read.returnTime()));
                    return Optional.of(mutated);
                }
            }
        }
        return Optional.empty();
    }

    private static int indexOf(List<Version> timeline, ZkResult.Data seen) {
        for (int k = 0; k < timeline.size(); k++) {
            ZkState.Znode znode = timeline.get(k).znode();
            if (znode != null && znode.data().equals(seen.data()) && znode.version() == seen.version()) {
                return k;
            }
        }
        throw new IllegalStateException("a read saw a version no write made: " + seen);
    }
}
