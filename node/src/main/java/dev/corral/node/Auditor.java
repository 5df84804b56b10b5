package dev.corral.node;

import dev.corral.tree.Acls;
import dev.corral.tree.CreateMode;
import dev.corral.tree.KeeperError;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnResult;
import dev.corral.wire.Acl;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateTTLRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.Id;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Decides which changes go to the audit log ({@code audit.enable}) and what their lines say, as ZooKeeper
 * 3.9's AuditHelper and DataTree#deleteNodes do: a client's create, delete, setData, setAcl, multi and
 * reconfig, once applied, on the server the client is connected to (success, or failure with the request's
 * path when the txn is an error); each ephemeral znode deleted at a session's end, on every server.
 * Reads are not audited. What it decides leaves as {@link Output.Audit}; the shell writes the lines.
 *
 * <p>ZooKeeper's quirks kept, since tools parse these lines: ACLs are written with no separator between
 * entries (ZKUtil#aclToString); in a multi, a sequential create has no znode_type (its created path is not
 * the requested one ZooKeeper looks the type up by); a failed multi is one multiOperation line without a
 * znode.
 */
final class Auditor {
    private final boolean enabled;
    private final Effects effects;

    Auditor(boolean enabled, Effects effects) {
        this.enabled = enabled;
        this.effects = effects;
    }

    /** A client's write was applied; {@code connection} is null if it closed meanwhile (no user or ip then). */
    void onClientWrite(long sessionId, ClientConnection connection, PendingRequest request, Txn txn, TxnResult result) {
        if (!enabled) {
            return;
        }
        Object body = request.body;
        boolean failedTxn = txn instanceof Txn.Error;
        AuditEvent.Result outcome = failedTxn || result.err() != 0 ? AuditEvent.Result.FAILURE : AuditEvent.Result.SUCCESS;
        switch (request.type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                CreateRequest create = (CreateRequest) body;
                log(sessionId, connection, AuditEvent.CREATE, failedTxn ? create.path() : result.path(), createMode(create.flags()), null, outcome);
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLRequest create = (CreateTTLRequest) body;
                log(sessionId, connection, AuditEvent.CREATE, failedTxn ? create.path() : result.path(), createMode(create.flags()), null, outcome);
            }
            case OpCode.DELETE -> log(sessionId, connection, AuditEvent.DELETE, ((DeleteRequest) body).path(), null, null, outcome);
            case OpCode.SET_DATA -> log(sessionId, connection, AuditEvent.SET_DATA, ((SetDataRequest) body).path(), null, null, outcome);
            case OpCode.SET_ACL -> {
                SetACLRequest setAcl = (SetACLRequest) body;
                log(sessionId, connection, AuditEvent.SET_ACL, setAcl.path(), null, aclString(setAcl.acl()), outcome);
            }
            case OpCode.MULTI -> onMulti(sessionId, connection, (MultiRequest) body, txn);
            case OpCode.RECONFIG -> log(sessionId, connection, AuditEvent.RECONFIG, null, null, null, outcome);
            default -> { }
        }
    }

    private void onMulti(long sessionId, ClientConnection connection, MultiRequest request, Txn txn) {
        if (!(txn instanceof Txn.Multi multi)) {
            log(sessionId, connection, AuditEvent.MULTI, null, null, null, AuditEvent.Result.FAILURE);
            return;
        }
        Map<String, String> createModes = new HashMap<>();
        for (MultiRequest.Op op : request.ops()) {
            if (op.request() instanceof CreateRequest create && op.type() != OpCode.CREATE_TTL) {
                createModes.put(create.path(), createMode(create.flags()));
            }
        }
        boolean failed = false;
        for (Txn op : multi.txns()) {
            if (op instanceof Txn.Create create) {
                log(sessionId, connection, AuditEvent.CREATE, create.path(), createModes.get(create.path()), null, AuditEvent.Result.SUCCESS);
            } else if (op instanceof Txn.Delete delete) {
                log(sessionId, connection, AuditEvent.DELETE, delete.path(), null, null, AuditEvent.Result.SUCCESS);
            } else if (op instanceof Txn.SetData setData) {
                log(sessionId, connection, AuditEvent.SET_DATA, setData.path(), null, null, AuditEvent.Result.SUCCESS);
            } else if (op instanceof Txn.Error) {
                failed = true;
            }
        }
        if (failed) {
            log(sessionId, connection, AuditEvent.MULTI, null, null, null, AuditEvent.Result.FAILURE);
        }
    }

    /** A session ended: each ephemeral znode it owned was deleted (on every server, as ZooKeeper's DataTree logs it). */
    void onSessionClosed(Txn.CloseSession close) {
        if (!enabled) {
            return;
        }
        for (String path : close.ephemerals()) {
            effects.add(new Output.Audit(new AuditEvent(hex(close.sessionId()), null, null, AuditEvent.EPHEMERAL_DELETED, path, null,
                    null, AuditEvent.Result.SUCCESS, true)));
        }
    }

    private void log(long sessionId, ClientConnection connection, String operation, String znode, String znodeType, String acl,
            AuditEvent.Result result) {
        effects.add(new Output.Audit(new AuditEvent(hex(sessionId), connection == null ? null : users(connection.authIds),
                connection == null ? null : connection.remoteAddress, operation, znode, znodeType, acl, result, false)));
    }

    /** AuthUtil#getUsers: the user names of the identities that have one, comma-separated; null if none. */
    static String users(List<Id> ids) {
        StringJoiner users = new StringJoiner(",");
        for (Id id : ids) {
            String user = Acls.userName(id);
            if (!user.isBlank()) {
                users.add(user);
            }
        }
        return users.length() == 0 ? null : users.toString();
    }

    /** ZKUtil#aclToString: scheme:id:perms of each entry, perms as cdrwa, entries not separated. */
    static String aclString(List<Acl> acl) {
        StringBuilder text = new StringBuilder();
        for (Acl entry : acl) {
            text.append(entry.id().scheme()).append(':').append(entry.id().id()).append(':');
            appendIf(text, entry.perms(), Acl.CREATE, 'c');
            appendIf(text, entry.perms(), Acl.DELETE, 'd');
            appendIf(text, entry.perms(), Acl.READ, 'r');
            appendIf(text, entry.perms(), Acl.WRITE, 'w');
            appendIf(text, entry.perms(), Acl.ADMIN, 'a');
        }
        return text.toString();
    }

    private static void appendIf(StringBuilder text, int perms, int perm, char letter) {
        if ((perms & perm) != 0) {
            text.append(letter);
        }
    }

    /** CreateMode#toString in lower case, as AuditHelper#getCreateMode; null for flags no mode has. */
    private static String createMode(int flags) {
        try {
            return CreateMode.fromFlag(flags).name().toLowerCase(java.util.Locale.ROOT);
        } catch (KeeperError e) {
            return null;
        }
    }

    private static String hex(long sessionId) {
        return "0x" + Long.toHexString(sessionId);
    }
}
