package dev.corral.sim.check;

import dev.corral.sim.check.ZkResult.Code;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sequential specification of the ZooKeeper operations the simulated clients perform, for the
 * {@link LinearizabilityChecker}: create (plain and sequential), setData, delete, check, getData, sync and
 * multi, with ZooKeeper 3.9's outcomes and the order in which its PrepRequestProcessor finds errors:
 * <ul>
 *   <li>create: NONODE when the parent is missing, else NODEEXISTS, else created; the parent's counter of
 *       children created goes up by one, and a sequential create appends it to the path ({@code %010d})
 *       before it goes up;
 *   <li>setData, delete, check: NONODE, else BADVERSION (unless the expected version is -1), else for
 *       delete NOTEMPTY; setData answers the new version, and a delete does not lower the parent's counter;
 *   <li>getData: NONODE or the data and version;
 *   <li>multi: the first failing operation fails the whole multi, which changes nothing.
 * </ul>
 * Not modelled: ACLs, ephemerals ending with their session, TTLs and containers, stats other than the
 * version, watches, getChildren.
 *
 * <p>With {@link Reads#SEQUENTIAL}, getData is only sequentially consistent (what a ZooKeeper server that
 * is behind may answer): it may see any state after its session's earlier operations, and writes and sync
 * stay linearizable. With {@link Reads#LINEARIZABLE}, every operation is linearizable.
 *
 * <p>{@link #partition} splits a history by znode: an operation joins the part of every znode it touches,
 * of the parent of each when that parent is created or deleted in the history (its existence decides the
 * outcome), and of every ancestor that has sequential children (its counter names them, so the path may be
 * one of them or lie under one). A sync, which touches no znode but
 * orders its session's later reads, is put in every part that holds an operation of its session. Per
 * znode, sequentially consistent reads are checked per znode only; {@link #unpartitioned} checks them
 * across znodes too.
 */
public final class ZkModel implements Model<ZkState, ZkOp, ZkResult> {

    public enum Reads {
        LINEARIZABLE,
        SEQUENTIAL
    }

    /** The state after an operation and the answer ZooKeeper gives. */
    public record Applied(ZkState state, ZkResult result) {}

    private final ZkState initial;
    private final Reads reads;
    private final boolean partitioned;

    public ZkModel(ZkState initial, Reads reads) {
        this(initial, reads, true);
    }

    private ZkModel(ZkState initial, Reads reads, boolean partitioned) {
        this.initial = initial;
        this.reads = reads;
        this.partitioned = partitioned;
    }

    /**
     * The same model checking a history as one part: slower, but with {@link Reads#SEQUENTIAL} it also
     * catches a session that sees a new value of one znode and then an old value of another, which
     * checking each znode apart cannot (sequential consistency is not compositional).
     */
    public ZkModel unpartitioned() {
        return new ZkModel(initial, reads, false);
    }

    /** A model that starts with the root and these empty znodes (the parents the clients work under). */
    public static ZkModel withEmptyNodes(Reads reads, String... paths) {
        return new ZkModel(ZkState.withEmptyNodes(paths), reads);
    }

    @Override
    public ZkState init() {
        return initial;
    }

    @Override
    public StepResult<ZkState> step(ZkState state, ZkOp input, ZkResult output) {
        Applied applied = apply(state, input);
        return output == null || applied.result().equals(output) ? StepResult.legal(applied.state()) : StepResult.illegal();
    }

    @Override
    public boolean sequentialOnly(ZkOp input) {
        return reads == Reads.SEQUENTIAL && input instanceof ZkOp.GetData;
    }

    /** Reads, syncs and checks change nothing; neither does a write that failed. */
    @Override
    public boolean readOnly(ZkOp input, ZkResult output) {
        return input instanceof ZkOp.GetData || input instanceof ZkOp.Sync || input instanceof ZkOp.Check
                || output instanceof ZkResult.Error || output instanceof ZkResult.MultiFailed;
    }

    /** What ZooKeeper does with {@code op} in {@code state}: the next state and the answer. */
    public Applied apply(ZkState state, ZkOp op) {
        if (op instanceof ZkOp.Create create) {
            return create(state, create);
        } else if (op instanceof ZkOp.SetData set) {
            return setData(state, set);
        } else if (op instanceof ZkOp.Delete delete) {
            return delete(state, delete);
        } else if (op instanceof ZkOp.Check check) {
            return check(state, check);
        } else if (op instanceof ZkOp.GetData get) {
            ZkState.Znode znode = state.get(get.path());
            return new Applied(state, znode == null ? new ZkResult.Error(Code.NONODE) : new ZkResult.Data(znode.data(), znode.version()));
        } else if (op instanceof ZkOp.Sync) {
            return new Applied(state, new ZkResult.Synced());
        }
        return multi(state, (ZkOp.Multi) op);
    }

    private static Applied create(ZkState state, ZkOp.Create create) {
        String parentPath = ZkState.parent(create.path());
        ZkState.Znode parent = state.get(parentPath);
        if (parent == null) {
            return failed(state, Code.NONODE);
        }
        String path = create.sequential() ? create.path() + String.format("%010d", parent.childrenCreated()) : create.path();
        if (state.get(path) != null) {
            return failed(state, Code.NODEEXISTS);
        }
        ZkState next = state.with(parentPath, new ZkState.Znode(parent.data(), parent.version(), parent.childrenCreated() + 1))
                .with(path, new ZkState.Znode(create.data(), 0, 0));
        return new Applied(next, new ZkResult.Created(path));
    }

    private static Applied setData(ZkState state, ZkOp.SetData set) {
        ZkState.Znode znode = state.get(set.path());
        Code error = versionError(znode, set.expectedVersion());
        if (error != null) {
            return failed(state, error);
        }
        int version = znode.version() + 1;
        return new Applied(state.with(set.path(), new ZkState.Znode(set.data(), version, znode.childrenCreated())),
                new ZkResult.DataSet(version));
    }

    private static Applied delete(ZkState state, ZkOp.Delete delete) {
        Code error = versionError(state.get(delete.path()), delete.expectedVersion());
        if (error == null && state.hasChildren(delete.path())) {
            error = Code.NOTEMPTY;
        }
        return error != null ? failed(state, error) : new Applied(state.without(delete.path()), new ZkResult.Deleted());
    }

    private static Applied check(ZkState state, ZkOp.Check check) {
        Code error = versionError(state.get(check.path()), check.expectedVersion());
        return error != null ? failed(state, error) : new Applied(state, new ZkResult.Checked());
    }

    private static Code versionError(ZkState.Znode znode, int expectedVersion) {
        if (znode == null) {
            return Code.NONODE;
        }
        return expectedVersion != -1 && expectedVersion != znode.version() ? Code.BADVERSION : null;
    }

    private Applied multi(ZkState state, ZkOp.Multi multi) {
        ZkState scratch = state;
        List<ZkResult> results = new ArrayList<>(multi.ops().size());
        for (int i = 0; i < multi.ops().size(); i++) {
            Applied applied = apply(scratch, multi.ops().get(i));
            if (applied.result() instanceof ZkResult.Error error) {
                return new Applied(state, new ZkResult.MultiFailed(i, error.code()));
            }
            scratch = applied.state();
            results.add(applied.result());
        }
        return new Applied(scratch, new ZkResult.MultiDone(results));
    }

    private static Applied failed(ZkState state, Code code) {
        return new Applied(state, new ZkResult.Error(code));
    }

    @Override
    public List<List<Operation<ZkOp, ZkResult>>> partition(List<Operation<ZkOp, ZkResult>> history) {
        if (!partitioned) {
            return List.of(history);
        }
        // Znodes created or deleted in the history, whose existence decides their children's creates (and
        // theirs decides a delete: NOTEMPTY), and parents with sequential children, whose counter names
        // them, so any path under such a parent, at any depth, may be or lie under one of those children.
        Set<String> dynamic = new HashSet<>();
        Set<String> counted = new HashSet<>();
        List<Operation<ZkOp, ZkResult>> syncs = new ArrayList<>();
        List<Operation<ZkOp, ZkResult>> others = new ArrayList<>();
        for (Operation<ZkOp, ZkResult> op : history) {
            (op.input() instanceof ZkOp.Sync ? syncs : others).add(op);
            for (ZkOp single : singles(op.input())) {
                if (single instanceof ZkOp.Create create && create.sequential()) {
                    counted.add(ZkState.parent(create.path()));
                } else if (single instanceof ZkOp.Create || single instanceof ZkOp.Delete) {
                    dynamic.add(path(single));
                }
            }
        }
        List<List<Operation<ZkOp, ZkResult>>> parts = Partitions.byKeys(others, op -> {
            Set<String> keys = new LinkedHashSet<>();
            for (ZkOp single : singles(op.input())) {
                String path = path(single);
                boolean sequential = single instanceof ZkOp.Create create && create.sequential();
                keys.add(sequential ? ZkState.parent(path) : path);
                if (!path.equals("/") && dynamic.contains(ZkState.parent(path))) {
                    keys.add(ZkState.parent(path));
                }
                for (String ancestor = path; !ancestor.equals("/"); ) {
                    ancestor = ZkState.parent(ancestor);
                    if (counted.contains(ancestor)) {
                        keys.add(ancestor);
                    }
                }
            }
            return keys;
        });
        return withSyncs(parts, syncs, history);
    }

    /** Adds each sync to every part that holds an operation of its session, keeping the history's order. */
    private static List<List<Operation<ZkOp, ZkResult>>> withSyncs(List<List<Operation<ZkOp, ZkResult>>> parts,
            List<Operation<ZkOp, ZkResult>> syncs, List<Operation<ZkOp, ZkResult>> history) {
        if (syncs.isEmpty()) {
            return parts;
        }
        Map<Operation<ZkOp, ZkResult>, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < history.size(); i++) {
            position.put(history.get(i), i);
        }
        List<List<Operation<ZkOp, ZkResult>>> withSyncs = new ArrayList<>(parts.size());
        for (List<Operation<ZkOp, ZkResult>> part : parts) {
            Set<Long> clients = new HashSet<>();
            part.forEach(op -> clients.add(op.clientId()));
            List<Operation<ZkOp, ZkResult>> extended = new ArrayList<>(part);
            syncs.stream().filter(sync -> clients.contains(sync.clientId())).forEach(extended::add);
            extended.sort(Comparator.comparingInt(position::get));
            withSyncs.add(extended);
        }
        return withSyncs;
    }

    private static List<ZkOp> singles(ZkOp op) {
        return op instanceof ZkOp.Multi multi ? multi.ops() : List.of(op);
    }

    private static String path(ZkOp op) {
        if (op instanceof ZkOp.Create create) {
            return create.path();
        } else if (op instanceof ZkOp.SetData set) {
            return set.path();
        } else if (op instanceof ZkOp.Delete delete) {
            return delete.path();
        } else if (op instanceof ZkOp.Check check) {
            return check.path();
        } else if (op instanceof ZkOp.GetData get) {
            return get.path();
        } else if (op instanceof ZkOp.Sync sync) {
            return sync.path();
        }
        throw new IllegalArgumentException("a multi has no single path: " + op);
    }
}
