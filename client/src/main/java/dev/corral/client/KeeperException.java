package dev.corral.client;

import dev.corral.wire.ErrorCode;
import java.util.Map;

/**
 * A request the server answered with an error code, or one that failed because the connection was lost.
 * It carries the code of {@link ErrorCode}, the name ZooKeeper's client gives it (its
 * {@code KeeperException} subclass without the "Exception" suffix: NoNode, NodeExists, BadVersion, ...)
 * and the path of the request, and its message is worded as ZooKeeper's: "KeeperErrorCode = NoNode for
 * /a" (ZooKeeper 3.9: {@code KeeperException#getMessage} and {@code getCodeMessage}).
 */
public final class KeeperException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Per code: the exception name, then the words of ZooKeeper's {@code getCodeMessage}. */
    private static final Map<Integer, String[]> CODES = Map.ofEntries(
            Map.entry(ErrorCode.SYSTEMERROR, new String[] {"SystemError", "SystemError"}),
            Map.entry(ErrorCode.RUNTIMEINCONSISTENCY, new String[] {"RuntimeInconsistency", "RuntimeInconsistency"}),
            Map.entry(ErrorCode.DATAINCONSISTENCY, new String[] {"DataInconsistency", "DataInconsistency"}),
            Map.entry(ErrorCode.CONNECTIONLOSS, new String[] {"ConnectionLoss", "ConnectionLoss"}),
            Map.entry(ErrorCode.MARSHALLINGERROR, new String[] {"MarshallingError", "MarshallingError"}),
            Map.entry(ErrorCode.UNIMPLEMENTED, new String[] {"Unimplemented", "Unimplemented"}),
            Map.entry(ErrorCode.OPERATIONTIMEOUT, new String[] {"OperationTimeout", "OperationTimeout"}),
            Map.entry(ErrorCode.BADARGUMENTS, new String[] {"BadArguments", "BadArguments"}),
            Map.entry(ErrorCode.UNKNOWNSESSION, new String[] {"UnknownSession", "Unknown session"}),
            Map.entry(ErrorCode.NEWCONFIGNOQUORUM, new String[] {"NewConfigNoQuorum", "NewConfigNoQuorum"}),
            Map.entry(ErrorCode.RECONFIGINPROGRESS, new String[] {"ReconfigInProgress", "ReconfigInProgress"}),
            Map.entry(ErrorCode.APIERROR, new String[] {"APIError", "APIError"}),
            Map.entry(ErrorCode.NONODE, new String[] {"NoNode", "NoNode"}),
            Map.entry(ErrorCode.NOAUTH, new String[] {"NoAuth", "NoAuth"}),
            Map.entry(ErrorCode.BADVERSION, new String[] {"BadVersion", "BadVersion"}),
            Map.entry(ErrorCode.NOCHILDRENFOREPHEMERALS, new String[] {"NoChildrenForEphemerals", "NoChildrenForEphemerals"}),
            Map.entry(ErrorCode.NODEEXISTS, new String[] {"NodeExists", "NodeExists"}),
            Map.entry(ErrorCode.NOTEMPTY, new String[] {"NotEmpty", "Directory not empty"}),
            Map.entry(ErrorCode.SESSIONEXPIRED, new String[] {"SessionExpired", "Session expired"}),
            Map.entry(ErrorCode.INVALIDCALLBACK, new String[] {"InvalidCallback", "Invalid callback"}),
            Map.entry(ErrorCode.INVALIDACL, new String[] {"InvalidACL", "InvalidACL"}),
            Map.entry(ErrorCode.AUTHFAILED, new String[] {"AuthFailed", "AuthFailed"}),
            Map.entry(ErrorCode.SESSIONMOVED, new String[] {"SessionMoved", "Session moved"}),
            Map.entry(ErrorCode.NOTREADONLY, new String[] {"NotReadOnly", "Not a read-only call"}),
            Map.entry(ErrorCode.EPHEMERALONLOCALSESSION, new String[] {"EphemeralOnLocalSession", "Ephemeral node on local session"}),
            Map.entry(ErrorCode.NOWATCHER, new String[] {"NoWatcher", "No such watcher"}),
            Map.entry(ErrorCode.REQUESTTIMEOUT, new String[] {"RequestTimeout", "RequestTimeout"}),
            Map.entry(ErrorCode.RECONFIGDISABLED, new String[] {"ReconfigDisabled", "Reconfig is disabled"}),
            Map.entry(ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH, new String[] {"SessionClosedRequireAuth",
                "Session closed because client failed to authenticate"}),
            Map.entry(ErrorCode.QUOTAEXCEEDED, new String[] {"QuotaExceeded", "Quota has exceeded"}),
            Map.entry(ErrorCode.THROTTLEDOP, new String[] {"ThrottledOp", "Op throttled due to high load"}));

    private final int code;
    private final String path;

    /** {@code path} is the path of the failed request, or null when it has none (auth, close). */
    public KeeperException(int code, String path) {
        super(message(code, path));
        this.code = code;
        this.path = path;
    }

    /** As above, keeping what caused a lost connection. */
    public KeeperException(int code, String path, Throwable cause) {
        super(message(code, path), cause);
        this.code = code;
        this.path = path;
    }

    /** The {@link ErrorCode}. */
    public int code() {
        return code;
    }

    /** ZooKeeper's name for the code: NoNode, NodeExists, BadVersion, NotEmpty, NoAuth, ... */
    public String codeName() {
        return nameOf(code);
    }

    /** The path of the failed request, or null. */
    public String path() {
        return path;
    }

    /** ZooKeeper's name for {@code code}, or "Unknown error N". */
    public static String nameOf(int code) {
        String[] names = CODES.get(code);
        return names == null ? "Unknown error " + code : names[0];
    }

    private static String message(int code, String path) {
        String[] names = CODES.get(code);
        String words = code == ErrorCode.OK ? "ok" : names == null ? "Unknown error " + code : names[1];
        return path == null || path.isEmpty() ? "KeeperErrorCode = " + words : "KeeperErrorCode = " + words + " for " + path;
    }
}
