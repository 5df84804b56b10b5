package dev.corral.node;

import dev.corral.tree.Acls;
import dev.corral.tree.DataTree;
import dev.corral.tree.KeeperError;
import dev.corral.tree.Paths;
import dev.corral.tree.WatchEvent;
import dev.corral.tree.WatchTable;
import dev.corral.tree.Znode;
import dev.corral.wire.Acl;
import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.CheckWatchesRequest;
import dev.corral.wire.ClientInfo;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.ErrorResponse;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.ExistsResponse;
import dev.corral.wire.Frames;
import dev.corral.wire.GetACLRequest;
import dev.corral.wire.GetACLResponse;
import dev.corral.wire.GetAllChildrenNumberRequest;
import dev.corral.wire.GetAllChildrenNumberResponse;
import dev.corral.wire.GetChildren2Request;
import dev.corral.wire.GetChildren2Response;
import dev.corral.wire.GetChildrenRequest;
import dev.corral.wire.GetChildrenResponse;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetEphemeralsRequest;
import dev.corral.wire.GetEphemeralsResponse;
import dev.corral.wire.Id;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.MultiResponse;
import dev.corral.wire.OpCode;
import dev.corral.wire.OpResult;
import dev.corral.wire.RemoveWatchesRequest;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.SetWatches;
import dev.corral.wire.SetWatches2;
import dev.corral.wire.Stat;
import dev.corral.wire.SyncRequest;
import dev.corral.wire.SyncResponse;
import dev.corral.wire.WhoAmIResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Answers the requests that read this server's tree or change only this server's watches, with the
 * checks ZooKeeper 3.9 makes in {@code FinalRequestProcessor}: NONODE before NOAUTH, READ for data and
 * children and for exists of an existing node, READ or ADMIN for the ACL (digest passwords masked
 * without ADMIN).
 */
final class ReadProcessor {
    private final DataTree tree;
    private final WatchTable watches;
    // 0: no bound; else no request may leave a session with more watches than this.
    private final int watchesPerSessionMax;

    ReadProcessor(DataTree tree, WatchTable watches, int watchesPerSessionMax) {
        this.tree = tree;
        this.watches = watches;
        this.watchesPerSessionMax = watchesPerSessionMax;
    }

    /** The reply frame for {@code request}; notifications it fires (setWatches) go to {@code events} first. */
    byte[] serve(PendingRequest request, ClientConnection connection, List<WatchEvent> events) {
        Consumer<JuteOutput> body;
        int err = ErrorCode.OK;
        try {
            body = answer(request, connection, events);
        } catch (KeeperError e) {
            body = null;
            err = e.code();
        }
        return Frames.reply(new ReplyHeader(request.xid, tree.lastProcessedZxid(), err), body);
    }

    private Consumer<JuteOutput> answer(PendingRequest request, ClientConnection connection, List<WatchEvent> events)
            throws KeeperError {
        long watcher = connection.connectionId;
        List<Id> auth = connection.authIds;
        if (request.body == Requests.UNDECODABLE) {
            throw new KeeperError(ErrorCode.MARSHALLINGERROR, "request " + request.type + " does not decode");
        }
        checkWatchBound(request.body, watcher);
        switch (request.type) {
            case OpCode.PING, OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> {
                if (request.body instanceof SetWatches w) {
                    watches.setWatches(tree, w.relativeZxid(), w.dataWatches(), w.existWatches(), w.childWatches(), null, null,
                            watcher, events);
                } else if (request.body instanceof SetWatches2 w) {
                    watches.setWatches(tree, w.relativeZxid(), w.dataWatches(), w.existWatches(), w.childWatches(),
                            w.persistentWatches(), w.persistentRecursiveWatches(), watcher, events);
                }
                return null;
            }
            case OpCode.EXISTS -> {
                ExistsRequest exists = (ExistsRequest) request.body;
                checkNoNul(exists.path());
                Znode found = exists.path() == null ? null : tree.node(exists.path());
                if (found != null) {
                    Acls.check(found.acl(), Acl.READ, auth, exists.path());
                }
                if (exists.watch()) {
                    watches.addDataWatch(exists.path(), watcher);
                }
                Znode node = existing(exists.path());
                return new ExistsResponse(node.stat())::write;
            }
            case OpCode.GET_DATA -> {
                // GetDataResponse's bytes, with the data written from the node's own array rather than a copy of it.
                Znode node = getData((GetDataRequest) request.body, watcher, auth);
                Stat stat = node.stat();
                return out -> {
                    if (node.dataIsNull()) {
                        out.writeInt(-1);
                    } else {
                        node.writeData((bytes, offset, length) -> {
                            out.writeInt(length);
                            out.writeRaw(bytes, offset, length);
                        });
                    }
                    stat.write(out);
                };
            }
            case OpCode.GET_CHILDREN -> {
                GetChildrenRequest get = (GetChildrenRequest) request.body;
                Znode node = readable(get.path(), auth);
                if (get.watch()) {
                    watches.addChildWatch(get.path(), watcher);
                }
                return new GetChildrenResponse(node.childNames())::write;
            }
            case OpCode.GET_CHILDREN2 -> {
                GetChildren2Request get = (GetChildren2Request) request.body;
                Znode node = readable(get.path(), auth);
                if (get.watch()) {
                    watches.addChildWatch(get.path(), watcher);
                }
                return new GetChildren2Response(node.childNames(), node.stat())::write;
            }
            case OpCode.GET_ACL -> {
                return getAcl((GetACLRequest) request.body, auth)::write;
            }
            case OpCode.SYNC -> {
                return new SyncResponse(((SyncRequest) request.body).path())::write;
            }
            case OpCode.GET_ALL_CHILDREN_NUMBER -> {
                String path = ((GetAllChildrenNumberRequest) request.body).path();
                readable(path, auth);
                return new GetAllChildrenNumberResponse(tree.descendantCount(path))::write;
            }
            case OpCode.GET_EPHEMERALS -> {
                String prefix = ((GetEphemeralsRequest) request.body).prefixPath();
                List<String> owned = new ArrayList<>();
                for (String path : tree.ephemerals(connection.sessionId)) {
                    if (prefix == null || prefix.isBlank() || Paths.ROOT.equals(prefix.trim()) || path.startsWith(prefix)) {
                        owned.add(path);
                    }
                }
                return new GetEphemeralsResponse(owned)::write;
            }
            case OpCode.ADD_WATCH -> {
                AddWatchRequest add = (AddWatchRequest) request.body;
                checkNoNul(add.path());
                // ZooKeeper answers OK to a null path and keeps a watch no event can fire; Corral answers
                // alike and keeps nothing, so every watched path is a string (wchp, wchc).
                if (add.path() != null) {
                    watches.addPersistentWatch(add.path(), watcher, add.mode() == Requests.ADD_WATCH_PERSISTENT_RECURSIVE);
                }
                return new ErrorResponse(ErrorCode.OK)::write;
            }
            case OpCode.CHECK_WATCHES -> {
                CheckWatchesRequest check = (CheckWatchesRequest) request.body;
                requireWatch(watches.remove(check.path(), watcher, check.type(), true), check.path());
                return null;
            }
            case OpCode.REMOVE_WATCHES -> {
                RemoveWatchesRequest remove = (RemoveWatchesRequest) request.body;
                requireWatch(watches.remove(remove.path(), watcher, remove.type(), false), remove.path());
                return null;
            }
            case OpCode.WHO_AM_I -> {
                List<ClientInfo> infos = new ArrayList<>();
                for (Id id : auth) {
                    infos.add(new ClientInfo(id.scheme(), Acls.userName(id)));
                }
                return new WhoAmIResponse(infos)::write;
            }
            case OpCode.MULTI_READ -> {
                return multiRead((MultiRequest) request.body, watcher, auth)::write;
            }
            default -> throw new KeeperError(ErrorCode.UNIMPLEMENTED, "not a read: " + request.type);
        }
    }

    /**
     * Corral's session.watchesMax: a request that could leave the session holding more watches than the
     * bound is refused whole with QUOTAEXCEEDED, before it reads or sets anything, so a client learns
     * that its watch is not set instead of waiting for an event that will never come. Counted as
     * {@link WatchTable#countOf} counts, before knowing whether a watch is already there.
     */
    private void checkWatchBound(Object body, long watcher) throws KeeperError {
        if (watchesPerSessionMax == 0) {
            return;
        }
        long asked = watchesAskedFor(body);
        if (asked > 0 && watches.countOf(watcher) + asked > watchesPerSessionMax) {
            throw new KeeperError(ErrorCode.QUOTAEXCEEDED, "session.watchesMax=" + watchesPerSessionMax + " watches per session");
        }
    }

    /** How many watches a request asks for, counted as WatchTable#countOf counts (persistent: both tables). */
    private static long watchesAskedFor(Object body) {
        if (body instanceof ExistsRequest r) {
            return r.watch() ? 1 : 0;
        } else if (body instanceof GetDataRequest r) {
            return r.watch() ? 1 : 0;
        } else if (body instanceof GetChildrenRequest r) {
            return r.watch() ? 1 : 0;
        } else if (body instanceof GetChildren2Request r) {
            return r.watch() ? 1 : 0;
        } else if (body instanceof AddWatchRequest r) {
            return r.mode() == 1 ? 1 : 2;
        } else if (body instanceof SetWatches w) {
            return size(w.dataWatches()) + size(w.existWatches()) + size(w.childWatches());
        } else if (body instanceof SetWatches2 w) {
            return size(w.dataWatches()) + size(w.existWatches()) + size(w.childWatches())
                    + 2L * size(w.persistentWatches()) + size(w.persistentRecursiveWatches());
        } else if (body instanceof MultiRequest multi && multi.ops() != null) {
            long asked = 0;
            for (MultiRequest.Op op : multi.ops()) {
                asked += op == null ? 0 : watchesAskedFor(op.request());
            }
            return asked;
        }
        return 0;
    }

    private static long size(List<String> paths) {
        return paths == null ? 0 : paths.size();
    }

    /** The node a getData reads, its ACL checked and the watch it asks for set. */
    private Znode getData(GetDataRequest get, long watcher, List<Id> auth) throws KeeperError {
        Znode node = readable(get.path(), auth);
        if (get.watch()) {
            watches.addDataWatch(get.path(), watcher);
        }
        return node;
    }

    private GetACLResponse getAcl(GetACLRequest get, List<Id> auth) throws KeeperError {
        Znode node = existing(get.path());
        Acls.check(node.acl(), Acl.READ | Acl.ADMIN, auth, get.path());
        List<Acl> acl = node.acl();
        if (!Acls.isAllowed(acl, Acl.ADMIN, auth)) {
            acl = Acls.maskDigests(acl);
        }
        return new GetACLResponse(acl, node.stat());
    }

    private MultiResponse multiRead(MultiRequest multi, long watcher, List<Id> auth) throws KeeperError {
        List<OpResult> results = new ArrayList<>();
        for (MultiRequest.Op op : multi.ops()) {
            try {
                if (op.request() instanceof GetDataRequest get) {
                    Znode node = getData(get, watcher, auth);
                    results.add(new OpResult.GetDataResult(node.data(), node.stat()));
                } else if (op.request() instanceof GetChildrenRequest get) {
                    Znode node = readable(get.path(), auth);
                    if (get.watch()) {
                        watches.addChildWatch(get.path(), watcher);
                    }
                    results.add(new OpResult.GetChildrenResult(node.childNames()));
                } else {
                    throw new KeeperError(ErrorCode.MARSHALLINGERROR, "write op " + op.type() + " in multiRead");
                }
            } catch (KeeperError e) {
                if (e.code() == ErrorCode.MARSHALLINGERROR) {
                    throw e;
                }
                results.add(new OpResult.ErrorResult(e.code()));
            }
        }
        return new MultiResponse(results);
    }

    private Znode readable(String path, List<Id> auth) throws KeeperError {
        Znode node = existing(path);
        Acls.check(node.acl(), Acl.READ, auth, path);
        return node;
    }

    private Znode existing(String path) throws KeeperError {
        checkNoNul(path);
        Znode node = path == null ? null : tree.node(path);
        if (node == null) {
            throw new KeeperError(ErrorCode.NONODE, "no node " + path);
        }
        return node;
    }

    private static void checkNoNul(String path) throws KeeperError {
        if (path != null && path.indexOf('\0') >= 0) {
            throw new KeeperError(ErrorCode.BADARGUMENTS, "path contains a NUL character");
        }
    }

    private static void requireWatch(boolean found, String path) throws KeeperError {
        if (!found) {
            throw new KeeperError(ErrorCode.NOWATCHER, "no watcher on " + path);
        }
    }
}
