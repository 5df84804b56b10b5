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
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A solo leader's write path over one {@link DataTree}, for tests: the {@link TxnPreparer} and the
 * {@link TxnApplier} with zxids handed out from 1 in order and a txn time of {@link #timeOf} the zxid, so
 * every Stat field is predictable. Requests may be prepared ahead of applying them, which is how the
 * pending-changes rule is exercised; {@link #applyPrepared()} then applies them in zxid order and retires
 * them, as the Node does once they commit.
 */
final class TxnPipeline {
    static final long SESSION = 0x0500_0000_0000_0001L;
    static final long OTHER_SESSION = 0x0500_0000_0000_0002L;
    /** What every connection is authenticated as before any addAuth: its ip identity. */
    static final List<Id> IP_ONLY = List.of(new Id("ip", "127.0.0.1"));

    final DataTree tree = new DataTree();
    final SessionTable sessions = new SessionTable();
    final WatchTable watches = new WatchTable();
    /** Every watch event applied txns have produced, in order; tests clear it as they please. */
    final List<WatchEvent> events = new ArrayList<>();
    /** Every txn applied so far with what applying it produced, in zxid order: the log of this leader. */
    final List<Applied> log = new ArrayList<>();
    private final TxnPreparer preparer;
    private final TxnApplier applier;
    private final ArrayDeque<TxnEntry> prepared = new ArrayDeque<>();
    private long lastZxid;

    /** A txn as the pipeline applied it, and its result. */
    record Applied(TxnEntry entry, TxnResult result) {}

    TxnPipeline() {
        this(true);
    }

    TxnPipeline(boolean extendedTypesEnabled) {
        preparer = new TxnPreparer(tree, extendedTypesEnabled);
        applier = new TxnApplier(tree, sessions, watches);
    }

    /** The wall time the pipeline stamps on the txn with {@code zxid}. */
    static long timeOf(long zxid) {
        return 1000 * zxid;
    }

    long lastZxid() {
        return lastZxid;
    }

    Txn prepare(int type, Object request) {
        return prepare(type, request, SESSION, IP_ONLY);
    }

    Txn prepare(int type, Object request, long sessionId, List<Id> auth) {
        long zxid = ++lastZxid;
        Txn txn = preparer.prepare(type, request, sessionId, auth, zxid);
        prepared.addLast(new TxnEntry(zxid, timeOf(zxid), sessionId, (int) zxid, txn));
        return txn;
    }

    /** Queues a txn the Node decides without the preparer, such as createSession. */
    Txn propose(Txn txn, long sessionId) {
        long zxid = ++lastZxid;
        prepared.addLast(new TxnEntry(zxid, timeOf(zxid), sessionId, 0, txn));
        return txn;
    }

    Txn prepareCloseSession(long sessionId) {
        long zxid = ++lastZxid;
        Txn txn = preparer.prepareCloseSession(sessionId, zxid);
        prepared.addLast(new TxnEntry(zxid, timeOf(zxid), sessionId, 0, txn));
        return txn;
    }

    /** Applies every prepared txn in zxid order and retires it; returns their results. */
    List<TxnResult> applyPrepared() {
        List<TxnResult> results = new ArrayList<>();
        while (!prepared.isEmpty()) {
            TxnEntry entry = prepared.removeFirst();
            TxnResult result = applier.apply(entry, events);
            log.add(new Applied(entry, result));
            results.add(result);
            preparer.retire(entry.zxid());
        }
        return results;
    }

    TxnResult run(int type, Object request) {
        return run(type, request, SESSION, IP_ONLY);
    }

    TxnResult run(int type, Object request, long sessionId, List<Id> auth) {
        prepare(type, request, sessionId, auth);
        List<TxnResult> results = applyPrepared();
        return results.get(results.size() - 1);
    }

    /** Runs a request that a test needs to succeed as set-up, and fails loudly if it does not. */
    TxnResult ok(int type, Object request) {
        TxnResult result = run(type, request);
        if (result.err() != ErrorCode.OK) {
            throw new AssertionError("set-up request " + request + " failed with " + result.err());
        }
        return result;
    }

    TxnResult create(String path) {
        return ok(OpCode.CREATE2, createRequest(path, CreateMode.PERSISTENT));
    }

    TxnResult create(String path, CreateMode mode) {
        return ok(OpCode.CREATE2, createRequest(path, mode));
    }

    TxnResult create(String path, List<Acl> acl) {
        return ok(OpCode.CREATE2, new CreateRequest(path, new byte[0], acl, CreateMode.PERSISTENT.flag()));
    }

    TxnResult setData(String path, String data) {
        return ok(OpCode.SET_DATA, new SetDataRequest(path, bytes(data), -1));
    }

    TxnResult delete(String path) {
        return ok(OpCode.DELETE, new DeleteRequest(path, -1));
    }

    TxnResult setAcl(String path, List<Acl> acl) {
        return ok(OpCode.SET_ACL, new SetACLRequest(path, acl, -1));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static CreateRequest createRequest(String path, CreateMode mode) {
        return new CreateRequest(path, new byte[0], Acl.OPEN_ACL_UNSAFE, mode.flag());
    }

    static CreateTTLRequest ttlRequest(String path, CreateMode mode, long ttlMs) {
        return new CreateTTLRequest(path, new byte[0], Acl.OPEN_ACL_UNSAFE, mode.flag(), ttlMs);
    }

    static MultiRequest.Op createOp(String path) {
        return new MultiRequest.Op(OpCode.CREATE, createRequest(path, CreateMode.PERSISTENT));
    }

    static MultiRequest.Op deleteOp(String path, int version) {
        return new MultiRequest.Op(OpCode.DELETE, new DeleteRequest(path, version));
    }

    static MultiRequest.Op setDataOp(String path, int version) {
        return new MultiRequest.Op(OpCode.SET_DATA, new SetDataRequest(path, bytes("v"), version));
    }

    static MultiRequest.Op checkOp(String path, int version) {
        return new MultiRequest.Op(OpCode.CHECK, new CheckVersionRequest(path, version));
    }

    /** The error code a prepared txn carries: its own for an Error, 0 for any other txn. */
    static int codeOf(Txn txn) {
        return txn instanceof Txn.Error error ? error.err() : ErrorCode.OK;
    }
}
