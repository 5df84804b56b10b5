package dev.corral.node;

import dev.corral.tree.WatchTable;
import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.CheckWatchesRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateTTLRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.GetACLRequest;
import dev.corral.wire.GetAllChildrenNumberRequest;
import dev.corral.wire.GetChildren2Request;
import dev.corral.wire.GetChildrenRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetEphemeralsRequest;
import dev.corral.wire.JuteInput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReconfigRequest;
import dev.corral.wire.RemoveWatchesRequest;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.SetWatches;
import dev.corral.wire.SetWatches2;
import dev.corral.wire.SyncRequest;
import java.util.List;

/** Which opcodes Corral serves, whether each is a write, and the record its body decodes to. */
final class Requests {
    /** Marks a request with no body (ping, closeSession, whoAmI). */
    static final Object NO_BODY = new Object();
    /** Marks a request whose body did not decode (truncated, bad lengths, unknown or mixed multi ops). */
    static final Object UNDECODABLE = new Object();
    /** ZooKeeper's {@code ZooDefs.AddWatchModes}. */
    static final int ADD_WATCH_PERSISTENT = 0;
    static final int ADD_WATCH_PERSISTENT_RECURSIVE = 1;

    private Requests() {}

    static boolean isKnown(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                    OpCode.SET_DATA, OpCode.SET_ACL, OpCode.MULTI, OpCode.CLOSE_SESSION, OpCode.EXISTS,
                    OpCode.GET_DATA, OpCode.GET_ACL, OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2, OpCode.SYNC, OpCode.PING,
                    OpCode.GET_EPHEMERALS, OpCode.GET_ALL_CHILDREN_NUMBER, OpCode.SET_WATCHES, OpCode.SET_WATCHES2,
                    OpCode.ADD_WATCH, OpCode.CHECK_WATCHES, OpCode.REMOVE_WATCHES, OpCode.WHO_AM_I, OpCode.MULTI_READ,
                    OpCode.RECONFIG -> true;
            default -> false;
        };
    }

    /** Writes become txns (a failed one an error txn that still takes a zxid); the rest are answered here. */
    static boolean isWrite(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                    OpCode.SET_DATA, OpCode.SET_ACL, OpCode.CLOSE_SESSION, OpCode.MULTI, OpCode.RECONFIG -> true;
            default -> false;
        };
    }

    /**
     * Decodes the body of a known request type and checks it. A body that does not decode, or that holds
     * what ZooKeeper's request processors fail on outside a KeeperException (see {@link #checked}), yields
     * {@link #UNDECODABLE}: as in ZooKeeper, which reads a body only when it processes the request, the
     * request is answered MARSHALLINGERROR in its turn and the connection stays open.
     */
    static Object decode(int type, JuteInput in) {
        try {
            return checked(type, decodeOrThrow(type, in));
        } catch (MalformedRecordException e) {
            return UNDECODABLE;
        }
    }

    /**
     * Rejects, as undecodable, the read requests that ZooKeeper 3.9.5's FinalRequestProcessor answers
     * MARSHALLINGERROR because a field makes it throw a NullPointerException or IllegalArgumentException
     * (checked against ZooKeeper by the compat module's HostileInputTest):
     * <ul>
     *   <li>a null path in exists, getData, getChildren, getChildren2, getACL, getAllChildrenNumber, and in
     *       any op of a multiRead (looked up in a ConcurrentHashMap);
     *   <li>in setWatches and setWatches2, a null list, or a null in the data, exist or child list;
     *   <li>an addWatch mode other than 0 and 1, a checkWatches or removeWatches watcher type outside 1..5.
     * </ul>
     * What ZooKeeper accepts is kept, without its null paths: a null in setWatches2's persistent lists
     * is dropped (ZooKeeper keeps a watch on null that no event can fire). A null path in addWatch,
     * sync, getEphemerals, checkWatches and removeWatches is left to {@link ReadProcessor}, which never
     * puts it in the watch table. Null paths in writes are the preparer's, whose order of checks decides
     * between BADARGUMENTS and MARSHALLINGERROR.
     */
    private static Object checked(int type, Object body) {
        switch (type) {
            case OpCode.EXISTS -> requirePath(((ExistsRequest) body).path(), type);
            case OpCode.GET_DATA -> requirePath(((GetDataRequest) body).path(), type);
            case OpCode.GET_CHILDREN -> requirePath(((GetChildrenRequest) body).path(), type);
            case OpCode.GET_CHILDREN2 -> requirePath(((GetChildren2Request) body).path(), type);
            case OpCode.GET_ACL -> requirePath(((GetACLRequest) body).path(), type);
            case OpCode.GET_ALL_CHILDREN_NUMBER -> requirePath(((GetAllChildrenNumberRequest) body).path(), type);
            case OpCode.MULTI_READ -> {
                for (MultiRequest.Op op : ((MultiRequest) body).ops()) {
                    if (op.request() instanceof GetDataRequest get) {
                        requirePath(get.path(), op.type());
                    } else if (op.request() instanceof GetChildrenRequest get) {
                        requirePath(get.path(), op.type());
                    }
                }
            }
            case OpCode.SET_WATCHES -> {
                SetWatches w = (SetWatches) body;
                requirePaths(w.dataWatches(), "dataWatches");
                requirePaths(w.existWatches(), "existWatches");
                requirePaths(w.childWatches(), "childWatches");
            }
            case OpCode.SET_WATCHES2 -> {
                SetWatches2 w = (SetWatches2) body;
                requirePaths(w.dataWatches(), "dataWatches");
                requirePaths(w.existWatches(), "existWatches");
                requirePaths(w.childWatches(), "childWatches");
                requireList(w.persistentWatches(), "persistentWatches");
                requireList(w.persistentRecursiveWatches(), "persistentRecursiveWatches");
                return new SetWatches2(w.relativeZxid(), w.dataWatches(), w.existWatches(), w.childWatches(),
                        withoutNulls(w.persistentWatches()), withoutNulls(w.persistentRecursiveWatches()));
            }
            case OpCode.ADD_WATCH -> {
                int mode = ((AddWatchRequest) body).mode();
                if (mode != ADD_WATCH_PERSISTENT && mode != ADD_WATCH_PERSISTENT_RECURSIVE) {
                    throw new MalformedRecordException("addWatch mode " + mode + " is neither 0 nor 1");
                }
            }
            case OpCode.CHECK_WATCHES -> requireWatcherType(((CheckWatchesRequest) body).type());
            case OpCode.REMOVE_WATCHES -> requireWatcherType(((RemoveWatchesRequest) body).type());
            default -> {
                // Nothing more to check before the request's turn.
            }
        }
        return body;
    }

    private static void requirePath(String path, int type) {
        if (path == null) {
            throw new MalformedRecordException("null path in a request of type " + type);
        }
    }

    private static void requireList(List<String> paths, String name) {
        if (paths == null) {
            throw new MalformedRecordException("null " + name + " list");
        }
    }

    private static void requirePaths(List<String> paths, String name) {
        requireList(paths, name);
        if (paths.contains(null)) {
            throw new MalformedRecordException("null path in " + name);
        }
    }

    private static List<String> withoutNulls(List<String> paths) {
        return paths.contains(null) ? paths.stream().filter(java.util.Objects::nonNull).toList() : paths;
    }

    /** ZooKeeper's {@code Watcher.WatcherType}: children 1, data 2, any 3, persistent 4, persistent recursive 5. */
    private static void requireWatcherType(int type) {
        if (type < WatchTable.TYPE_CHILDREN || type > WatchTable.TYPE_PERSISTENT_RECURSIVE) {
            throw new MalformedRecordException("watcher type " + type + " is not in 1..5");
        }
    }

    private static Object decodeOrThrow(int type, JuteInput in) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest.read(in);
            case OpCode.CREATE_TTL -> CreateTTLRequest.read(in);
            case OpCode.MULTI, OpCode.MULTI_READ -> MultiRequest.read(in);
            case OpCode.DELETE -> DeleteRequest.read(in);
            case OpCode.SET_DATA -> SetDataRequest.read(in);
            case OpCode.SET_ACL -> SetACLRequest.read(in);
            case OpCode.EXISTS -> ExistsRequest.read(in);
            case OpCode.GET_DATA -> GetDataRequest.read(in);
            case OpCode.GET_ACL -> GetACLRequest.read(in);
            case OpCode.GET_CHILDREN -> GetChildrenRequest.read(in);
            case OpCode.GET_CHILDREN2 -> GetChildren2Request.read(in);
            case OpCode.SYNC -> SyncRequest.read(in);
            case OpCode.GET_EPHEMERALS -> GetEphemeralsRequest.read(in);
            case OpCode.GET_ALL_CHILDREN_NUMBER -> GetAllChildrenNumberRequest.read(in);
            case OpCode.SET_WATCHES -> SetWatches.read(in);
            case OpCode.SET_WATCHES2 -> SetWatches2.read(in);
            case OpCode.ADD_WATCH -> AddWatchRequest.read(in);
            case OpCode.CHECK_WATCHES -> CheckWatchesRequest.read(in);
            case OpCode.REMOVE_WATCHES -> RemoveWatchesRequest.read(in);
            case OpCode.RECONFIG -> ReconfigRequest.read(in);
            default -> NO_BODY;
        };
    }
}
