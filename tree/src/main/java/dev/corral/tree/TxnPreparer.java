package dev.corral.tree;

import dev.corral.wire.Acl;
import dev.corral.wire.CheckVersionRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateTTLRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Id;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a write request into the txn that carries it out, checked against the tree plus every txn
 * prepared before it. A request that fails a check becomes an {@link Txn.Error} with ZooKeeper's code:
 * it still consumes its zxid, as in ZooKeeper. The checks and their order follow ZooKeeper 3.9's
 * {@code PrepRequestProcessor#pRequest2Txn}, so a request that breaks several rules gets the same error.
 *
 * <p>Runs on the leader only. The caller assigns zxids in increasing order and reports applied zxids
 * with {@link #retire(long)}.
 */
public final class TxnPreparer {
    /** The largest TTL ZooKeeper can encode ({@code EphemeralType.TTL.maxValue()}). */
    public static final long TTL_MAX_MS = 0xffffffffffL;

    private final PendingChanges pending;
    private final boolean extendedTypesEnabled;
    // The schemes besides digest and ip with an authentication provider (x509, sasl), whose ids an ACL may name.
    private final java.util.Set<String> registeredSchemes;
    // The changes of the request being prepared; folded into pending only if it succeeds.
    private final Map<String, Optional<NodeState>> scratch = new LinkedHashMap<>();

    public TxnPreparer(DataTree tree, boolean extendedTypesEnabled) {
        this(tree, extendedTypesEnabled, java.util.Set.of());
    }

    /** {@code registeredSchemes}: the schemes besides digest and ip whose providers are registered (x509, sasl). */
    public TxnPreparer(DataTree tree, boolean extendedTypesEnabled, java.util.Set<String> registeredSchemes) {
        this.registeredSchemes = java.util.Set.copyOf(registeredSchemes);
        this.pending = new PendingChanges(tree);
        this.extendedTypesEnabled = extendedTypesEnabled;
    }

    /**
     * Prepares a write request of {@code type} (create, create2, createContainer, createTTL, delete,
     * setData, setACL, multi, or the server's own deleteContainer) from {@code sessionId}.
     */
    public Txn prepare(int type, Object request, long sessionId, List<Id> auth, long zxid) {
        scratch.clear();
        Txn txn;
        if (type == OpCode.MULTI) {
            txn = prepareMulti((MultiRequest) request, sessionId, auth);
        } else {
            try {
                txn = prepareOp(type, request, sessionId, auth);
            } catch (KeeperError e) {
                scratch.clear();
                txn = new Txn.Error(e.code());
            }
        }
        scratch.forEach((path, state) -> pending.put(path, state, zxid));
        scratch.clear();
        return txn;
    }

    /** The close of a session: it deletes every ephemeral the session will own once pending txns apply. */
    public Txn prepareCloseSession(long sessionId, long zxid) {
        List<String> ephemerals = pending.ephemerals(sessionId);
        for (String path : ephemerals) {
            String parent = Paths.parent(path);
            pending.get(parent).ifPresent(state -> pending.put(parent, Optional.of(state.withChildRemoved()), zxid));
            pending.put(path, Optional.empty(), zxid);
        }
        return new Txn.CloseSession(sessionId, ephemerals);
    }

    public void retire(long appliedZxid) {
        pending.retire(appliedZxid);
    }

    /**
     * Forgets the changes of every txn prepared and not yet applied, when this server stops leading: those
     * txns may never be committed, and if they are, they reach the tree as any other server's txns do.
     */
    public void discardPending() {
        pending.clear();
    }

    private Txn prepareMulti(MultiRequest multi, long sessionId, List<Id> auth) {
        List<Txn> txns = new ArrayList<>();
        int failedAt = -1;
        int failure = ErrorCode.OK;
        for (MultiRequest.Op op : multi.ops()) {
            try {
                txns.add(prepareOp(op.type(), op.request(), sessionId, auth));
            } catch (KeeperError e) {
                failedAt = txns.size();
                failure = e.code();
                break;
            }
        }
        if (failedAt < 0) {
            return new Txn.Multi(txns);
        }
        scratch.clear();
        if (failure == ErrorCode.MARSHALLINGERROR) {
            // ZooKeeper's multi loop catches only KeeperException: what else an op throws fails the whole
            // multi with MARSHALLINGERROR in the reply header (PrepRequestProcessor#pRequestHelper).
            return new Txn.Error(ErrorCode.MARSHALLINGERROR);
        }
        List<Txn> errors = new ArrayList<>();
        for (int i = 0; i < multi.ops().size(); i++) {
            int code = i < failedAt ? ErrorCode.OK : i == failedAt ? failure : ErrorCode.RUNTIMEINCONSISTENCY;
            errors.add(new Txn.Error(code));
        }
        return new Txn.Multi(errors);
    }

    private Txn prepareOp(int type, Object request, long sessionId, List<Id> auth) throws KeeperError {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                CreateRequest create = (CreateRequest) request;
                yield create(type, create.path(), create.data(), create.acl(), create.flags(), -1, sessionId, auth);
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLRequest create = (CreateTTLRequest) request;
                yield create(type, create.path(), create.data(), create.acl(), create.flags(), create.ttl(), sessionId, auth);
            }
            case OpCode.DELETE -> delete((DeleteRequest) request, auth);
            case OpCode.DELETE_CONTAINER -> deleteContainer((String) request);
            case OpCode.SET_DATA -> setData((SetDataRequest) request, auth);
            case OpCode.SET_ACL -> setAcl((SetACLRequest) request, auth);
            case OpCode.CHECK -> check((CheckVersionRequest) request, auth);
            default -> throw new KeeperError(ErrorCode.BADARGUMENTS, "op " + type + " is not a write");
        };
    }

    private Txn create(int type, String path, byte[] data, List<Acl> acl, int flags, long ttl, long sessionId,
            List<Id> auth) throws KeeperError {
        CreateMode mode = CreateMode.fromFlag(flags);
        if (mode.isTtl() && !extendedTypesEnabled) {
            throw new KeeperError(ErrorCode.UNIMPLEMENTED, "TTL nodes need zookeeper.extendedTypesEnabled=true: " + path);
        }
        if (mode.isTtl() ? ttl <= 0 || ttl > TTL_MAX_MS : ttl >= 0) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, "ttl " + ttl + " is not valid for mode " + mode + ": " + path);
        }
        if (!allowedWith(type, mode)) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, "mode " + mode + " is not allowed with opcode " + type + ": " + path);
        }
        requirePath(path);
        if (path.lastIndexOf('/') < 0 || path.indexOf('\0') >= 0) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, "invalid path '" + path + "'");
        }
        List<Acl> storedAcl = Acls.fixup(acl, auth, path, registeredSchemes);
        String parentPath = Paths.parent(path);
        NodeState parent = existing(parentPath);
        Acls.check(parent.acl(), Acl.CREATE, auth, parentPath);
        int parentCversion = parent.cversion();
        String createdPath = mode.isSequential() ? path + String.format("%010d", parentCversion) : path;
        Paths.validate(createdPath);
        if (get(createdPath).isPresent()) {
            throw new KeeperError(ErrorCode.NODEEXISTS, "node exists: " + createdPath);
        }
        if (parent.kind() == NodeKind.EPHEMERAL) {
            throw new KeeperError(ErrorCode.NOCHILDRENFOREPHEMERALS, "ephemeral parent " + parentPath);
        }
        NodeKind kind = NodeKind.of(mode);
        long owner = kind == NodeKind.EPHEMERAL ? sessionId : 0;
        Invariants.check(kind != NodeKind.EPHEMERAL || owner != 0, "ephemeral create without a session: %s", path);
        int newCversion = parentCversion + 1;
        scratch.put(parentPath, Optional.of(parent.withChildAdded(newCversion)));
        scratch.put(createdPath, Optional.of(new NodeState(0, 0, 0, 0, kind, owner, storedAcl)));
        return new Txn.Create(Txn.Create.typeFor(kind, type), createdPath, data, storedAcl, kind, owner,
                kind == NodeKind.TTL ? ttl : 0, newCversion);
    }

    /**
     * Whether a create opcode may carry a mode: createContainer only the container mode, createTTL only
     * the TTL modes, create and create2 the others (a TTL mode there already failed the ttl check). Every
     * client sends each mode with its opcode. ZooKeeper 3.9.5 does not check this, and has no answer to
     * copy: a createTTL of a persistent mode with ttl -1 passes its checks and kills the server when it is
     * applied, and a createContainer of any mode makes a container.
     */
    private static boolean allowedWith(int type, CreateMode mode) {
        return switch (type) {
            case OpCode.CREATE_CONTAINER -> mode.isContainer();
            case OpCode.CREATE_TTL -> mode.isTtl();
            default -> !mode.isContainer();
        };
    }

    private Txn delete(DeleteRequest request, List<Id> auth) throws KeeperError {
        String path = request.path();
        // Only these are BADARGUMENTS for a delete (ZooKeeper's getParentPathAndValidate); any other
        // malformed path names no node, so it is NOAUTH or NONODE below.
        requirePath(path);
        if (path.lastIndexOf('/') < 0 || path.indexOf('\0') >= 0 || DataTree.isSpecialPath(path)) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, "cannot delete '" + path + "'");
        }
        String parentPath = Paths.parent(path);
        NodeState parent = existing(parentPath);
        Acls.check(parent.acl(), Acl.DELETE, auth, parentPath);
        NodeState node = existing(path);
        checkVersion(node.version(), request.version(), path);
        if (node.numChildren() > 0) {
            throw new KeeperError(ErrorCode.NOTEMPTY, "node has children: " + path);
        }
        return deleteNode(OpCode.DELETE, path, parentPath, parent);
    }

    /** The server's own delete of an empty container or expired TTL node ({@code OpCode.deleteContainer}). */
    private Txn deleteContainer(String path) throws KeeperError {
        Paths.validate(path);
        String parentPath = Paths.parent(path);
        NodeState node = existing(path);
        if (node.numChildren() > 0) {
            throw new KeeperError(ErrorCode.NOTEMPTY, "container has children: " + path);
        }
        if (node.kind() != NodeKind.CONTAINER && node.kind() != NodeKind.TTL) {
            throw new KeeperError(ErrorCode.BADVERSION, "not a container or TTL node: " + path);
        }
        return deleteNode(OpCode.DELETE_CONTAINER, path, parentPath, existing(parentPath));
    }

    private Txn deleteNode(int type, String path, String parentPath, NodeState parent) {
        scratch.put(parentPath, Optional.of(parent.withChildRemoved()));
        scratch.put(path, Optional.empty());
        return new Txn.Delete(type, path);
    }

    private Txn setData(SetDataRequest request, List<Id> auth) throws KeeperError {
        String path = request.path();
        Paths.validate(path);
        NodeState node = existing(path);
        Acls.check(node.acl(), Acl.WRITE, auth, path);
        int newVersion = checkVersion(node.version(), request.version(), path);
        scratch.put(path, Optional.of(node.withVersion(newVersion)));
        return new Txn.SetData(path, request.data(), newVersion);
    }

    private Txn setAcl(SetACLRequest request, List<Id> auth) throws KeeperError {
        String path = request.path();
        Paths.validate(path);
        List<Acl> storedAcl = Acls.fixup(request.acl(), auth, path, registeredSchemes);
        NodeState node = existing(path);
        Acls.check(node.acl(), Acl.ADMIN, auth, path);
        int newAversion = checkVersion(node.aversion(), request.version(), path);
        scratch.put(path, Optional.of(node.withAcl(storedAcl, newAversion)));
        return new Txn.SetAcl(path, storedAcl, newAversion);
    }

    private Txn check(CheckVersionRequest request, List<Id> auth) throws KeeperError {
        String path = request.path();
        Paths.validate(path);
        NodeState node = existing(path);
        Acls.check(node.acl(), Acl.READ, auth, path);
        return new Txn.Check(path, checkVersion(node.version(), request.version(), path));
    }

    /**
     * A null path in a create or delete: ZooKeeper's PrepRequestProcessor takes its lastIndexOf, and the
     * NullPointerException becomes MARSHALLINGERROR (after the checks that come before it, so a create
     * with bad flags and a null path is still BADARGUMENTS). A multi holding such an op fails as a whole.
     */
    private static void requirePath(String path) throws KeeperError {
        if (path == null) {
            throw new KeeperError(ErrorCode.MARSHALLINGERROR, "null path");
        }
    }

    private static int checkVersion(int current, int expected, String path) throws KeeperError {
        if (expected != -1 && expected != current) {
            throw new KeeperError(ErrorCode.BADVERSION, "version " + expected + " expected but " + path + " is at " + current);
        }
        return current + 1;
    }

    private Optional<NodeState> get(String path) {
        Optional<NodeState> state = scratch.get(path);
        return state != null ? state : pending.get(path);
    }

    private NodeState existing(String path) throws KeeperError {
        return get(path).orElseThrow(() -> new KeeperError(ErrorCode.NONODE, "no node " + path));
    }
}
