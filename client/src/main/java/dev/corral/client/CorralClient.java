package dev.corral.client;

import dev.corral.wire.Acl;
import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.CheckVersionRequest;
import dev.corral.wire.ClientInfo;
import dev.corral.wire.Create2Response;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateTTLRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.GetACLRequest;
import dev.corral.wire.GetACLResponse;
import dev.corral.wire.GetAllChildrenNumberRequest;
import dev.corral.wire.GetAllChildrenNumberResponse;
import dev.corral.wire.GetChildren2Request;
import dev.corral.wire.GetChildren2Response;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetDataResponse;
import dev.corral.wire.GetEphemeralsRequest;
import dev.corral.wire.GetEphemeralsResponse;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.MultiResponse;
import dev.corral.wire.OpCode;
import dev.corral.wire.RemoveWatchesRequest;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetACLResponse;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.SetDataResponse;
import dev.corral.wire.SyncRequest;
import dev.corral.wire.SyncResponse;
import dev.corral.wire.WhoAmIResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Corral's own blocking client of ZooKeeper's client protocol: ZooKeeper 3.9's synchronous operations
 * over one {@link Session}, with types of its own (package-info.java lists them). It depends on the wire
 * codecs only, because Apache ZooKeeper's client must not be on the server's runtime classpath
 * (DESIGN.md), and the shell, which uses this client, ships there.
 *
 * <p>Every operation blocks until its reply, at most the session timeout, and fails with a
 * {@link KeeperException} carrying ZooKeeper's code for the error, its path, and ZooKeeper's wording.
 * Paths are checked before they are sent, with ZooKeeper's client-side messages ({@link ZnodePaths}).
 * Changes of state go to every watcher; a notification goes to the watchers of the calls that left its
 * watch ({@link Watchers}), the default one given to {@link #connect} for the calls that take {@code boolean watch}.
 *
 * <p>A connect string may end in a chroot ("host:2181/app", {@link Chroot}): every path is then sent with
 * the chroot in front and comes back without it, in replies (create's path, sync's, multi's results,
 * getEphemerals'), in notifications, and in the watches set again after a reconnect. As in ZooKeeper,
 * {@link #getConfig} reads /zookeeper/config whatever the chroot, and deleting "/" is refused by the
 * server rather than deleting the chroot. Unlike ZooKeeper 3.9, whose getEphemerals ignores the chroot and
 * whose multi returns created paths with it, both are relative to the chroot here, as every other path.
 *
 * <p>A lost connection is resumed on the same or another server of the connect string with the same
 * session, auth and watches ({@link Session}); the client gives up only when the session has expired.
 */
public final class CorralClient implements AutoCloseable {
    /**
     * What the shell's prompt shows, named as ZooKeeper's {@code ZooKeeper.States}: CONNECTING while a
     * lost connection is being resumed, CLOSED once the session was closed or expired, AUTH_FAILED once
     * the server refused an auth packet. CLOSED and AUTH_FAILED are final.
     */
    public enum State { CONNECTING, CONNECTED, AUTH_FAILED, CLOSED }

    /** ZooKeeper's config znode, read by getConfig without the chroot (ZooDefs.CONFIG_NODE). */
    private static final String CONFIG_NODE = "/zookeeper/config";

    private final Session session;
    private final Chroot chroot;
    private final Watchers watchers;

    private CorralClient(Session session, Chroot chroot, Watchers watchers) {
        this.session = session;
        this.chroot = chroot;
        this.watchers = watchers;
    }

    /**
     * Opens a session on the first server of {@code connectString} ("host:port[,host:port...][/chroot]";
     * the port defaults to 2181) that accepts one, asking for {@code sessionTimeoutMs}. {@code watcher},
     * the default watcher, gets every change of state and the notifications of the watches left by the
     * calls that take {@code boolean watch}; see {@link Watcher} for the threads it runs on.
     */
    public static CorralClient connect(String connectString, int sessionTimeoutMs, Watcher watcher) throws IOException {
        return connect(connectString, sessionTimeoutMs, watcher, ClientOptions.defaults());
    }

    /**
     * As {@link #connect(String, int, Watcher)}, with {@code options}: whether a read-only session will do,
     * and the largest reply to accept ({@link ClientOptions}).
     */
    public static CorralClient connect(String connectString, int sessionTimeoutMs, Watcher watcher, ClientOptions options)
            throws IOException {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null: ClientOptions.defaults() are the defaults");
        }
        if (sessionTimeoutMs <= 0) {
            throw new IllegalArgumentException("session timeout must be positive, not " + sessionTimeoutMs + " ms");
        }
        if (watcher == null) {
            throw new IllegalArgumentException("a client needs a default watcher, to tell it of changes of state");
        }
        ConnectString parsed = ConnectString.parse(connectString);
        Chroot chroot = parsed.chroot();
        Watchers watchers = new Watchers(watcher);
        Consumer<WatchedEvent> dispatch = event -> {
            WatchedEvent relative = event.path() == null ? event
                    : new WatchedEvent(event.type(), event.state(), chroot.strip(event.path()), event.zxid());
            for (Watcher each : watchers.materialize(relative)) {
                processQuietly(each, relative);
            }
        };
        try {
            return new CorralClient(Session.open(parsed.servers(), sessionTimeoutMs, options, dispatch), chroot, watchers);
        } catch (IOException e) {
            throw new IOException("cannot connect to " + connectString + ": " + e.getMessage(), e);
        }
    }

    /** A failing watcher must not keep an event from the others; it has no one to report to. */
    private static void processQuietly(Watcher watcher, WatchedEvent event) {
        try {
            watcher.process(event);
        } catch (RuntimeException e) {
            // Dropped: see above.
        }
    }

    /** "host:port" of the server this client is connected to, or was last. */
    public String server() {
        return session.server();
    }

    /**
     * This side's address of the current connection, which the server sees as the connection's remote
     * address; null while the client is reconnecting.
     */
    public java.net.InetSocketAddress localAddress() {
        return session.localAddress();
    }

    /** The chroot of the connect string, {@link Chroot#NONE} if it had none. */
    public Chroot chroot() {
        return chroot;
    }

    public long sessionId() {
        return session.sessionId();
    }

    /** The session's password, which with its id lets another connection take the session over (as ZooKeeper's getSessionPasswd). */
    public byte[] sessionPassword() {
        return session.password();
    }

    /** The session timeout the server granted. */
    public int sessionTimeoutMs() {
        return session.sessionTimeoutMs();
    }

    public State state() {
        return session.state();
    }

    public boolean isConnected() {
        return state() == State.CONNECTED;
    }

    /** Connected or reconnecting: not CLOSED nor AUTH_FAILED (ZooKeeper's {@code States#isAlive}). */
    public boolean isAlive() {
        State state = state();
        return state == State.CONNECTED || state == State.CONNECTING;
    }

    /**
     * The server of the current (or last) connection granted a read-only session, as ZooKeeper's state
     * CONNECTEDREADONLY says: reads work, every change and sync fails with NotReadOnly. Only a client
     * connected with {@link ClientOptions#canBeReadOnly} gets one.
     */
    public boolean isReadOnly() {
        return session.readOnly();
    }

    /** True once the session expired, on a server's word or after four thirds of its timeout without one. */
    public boolean isExpired() {
        return session.expired();
    }

    // ---- requests (ZooKeeper 3.9: the synchronous methods of org.apache.zookeeper.ZooKeeper)

    /** Creates a znode of a mode without TTL; returns its path (with its counter if sequential) and Stat. */
    public Created create(String path, byte[] data, List<Acl> acl, CreateMode mode)
            throws KeeperException, InterruptedException {
        if (mode.isTtl()) {
            throw new IllegalArgumentException(mode + " needs a TTL: create(path, data, acl, mode, ttlMs)");
        }
        return create(path, data, acl, mode, -1);
    }

    /**
     * Creates a znode; {@code ttlMs} is used by the TTL modes only, and the server checks it (ZooKeeper's
     * client sends it as it is).
     */
    public Created create(String path, byte[] data, List<Acl> acl, CreateMode mode, long ttlMs)
            throws KeeperException, InterruptedException {
        ZnodePaths.validate(path, mode.isSequential());
        String serverPath = chroot.prepend(path);
        Create2Response created;
        if (mode.isTtl()) {
            CreateTTLRequest request = new CreateTTLRequest(serverPath, data, acl, mode.flag(), ttlMs);
            created = session.call(OpCode.CREATE_TTL, path, request::write, Create2Response::read, null);
        } else {
            CreateRequest request = new CreateRequest(serverPath, data, acl, mode.flag());
            int type = mode.isContainer() ? OpCode.CREATE_CONTAINER : OpCode.CREATE2;
            created = session.call(type, path, request::write, Create2Response::read, null);
        }
        return new Created(chroot.strip(created.path()), Stat.of(created.stat()));
    }

    /** Deletes a znode. "/" is sent as it is, whatever the chroot, so that the server refuses it as ZooKeeper's client arranges. */
    public void delete(String path, int version) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        String serverPath = path.equals("/") ? path : chroot.prepend(path);
        session.call(OpCode.DELETE, path, new DeleteRequest(serverPath, version)::write, body -> null, null);
    }

    /** As {@link #exists(String, Watcher)}, with the default watcher if {@code watch}. */
    public Stat exists(String path, boolean watch) throws KeeperException, InterruptedException {
        return exists(path, watch ? watchers.defaultWatcher() : null);
    }

    /**
     * The znode's Stat, or null if it does not exist. With a {@code watcher}, leaves a data watch on a znode
     * that exists, an exist watch on one that does not: either fires on its creation, change or deletion.
     */
    public Stat exists(String path, Watcher watcher) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        String serverPath = chroot.prepend(path);
        IntConsumer onReply = watcher == null ? null : watchOn(path, watcher, err -> err == ErrorCode.OK ? WatchRegistry.Kind.DATA
                : err == ErrorCode.NONODE ? WatchRegistry.Kind.EXIST : null);
        try {
            return Stat.of(session.call(OpCode.EXISTS, path, new ExistsRequest(serverPath, watcher != null)::write,
                    dev.corral.wire.Stat::read, onReply));
        } catch (KeeperException e) {
            if (e.code() == ErrorCode.NONODE) {
                return null;
            }
            throw e;
        }
    }

    /** As {@link #getData(String, Watcher)}, with the default watcher if {@code watch}. */
    public NodeData getData(String path, boolean watch) throws KeeperException, InterruptedException {
        return getData(path, watch ? watchers.defaultWatcher() : null);
    }

    /** The znode's data and Stat; with a {@code watcher}, a data watch that fires on its change or deletion. */
    public NodeData getData(String path, Watcher watcher) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        String serverPath = chroot.prepend(path);
        GetDataResponse got = session.call(OpCode.GET_DATA, path, new GetDataRequest(serverPath, watcher != null)::write,
                GetDataResponse::read, watcher == null ? null : watchOn(path, watcher, WatchRegistry.Kind.DATA));
        return new NodeData(got.data(), Stat.of(got.stat()));
    }

    /**
     * The data of /zookeeper/config, the ensemble's dynamic config, whatever the chroot (ZooKeeper's
     * getConfig), with a data watch on it for the default watcher if asked.
     */
    public NodeData getConfig(boolean watch) throws KeeperException, InterruptedException {
        GetDataResponse got = session.call(OpCode.GET_DATA, CONFIG_NODE, new GetDataRequest(CONFIG_NODE, watch)::write,
                GetDataResponse::read, watch ? watchOn(CONFIG_NODE, CONFIG_NODE, watchers.defaultWatcher(),
                        err -> err == ErrorCode.OK ? WatchRegistry.Kind.DATA : null) : null);
        return new NodeData(got.data(), Stat.of(got.stat()));
    }

    public Stat setData(String path, byte[] data, int version) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        SetDataRequest request = new SetDataRequest(chroot.prepend(path), data, version);
        return Stat.of(session.call(OpCode.SET_DATA, path, request::write, SetDataResponse::read, null).stat());
    }

    /** As {@link #getChildren(String, Watcher)}, with the default watcher if {@code watch}. */
    public Children getChildren(String path, boolean watch) throws KeeperException, InterruptedException {
        return getChildren(path, watch ? watchers.defaultWatcher() : null);
    }

    /**
     * The children's names, unsorted as the server sends them, and the znode's Stat; with a {@code watcher},
     * a child watch that fires when a child is created or deleted, or the znode is deleted.
     */
    public Children getChildren(String path, Watcher watcher) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        String serverPath = chroot.prepend(path);
        GetChildren2Response got = session.call(OpCode.GET_CHILDREN2, path,
                new GetChildren2Request(serverPath, watcher != null)::write, GetChildren2Response::read,
                watcher == null ? null : watchOn(path, watcher, WatchRegistry.Kind.CHILD));
        return new Children(got.children(), Stat.of(got.stat()));
    }

    public AclList getAcl(String path) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        GetACLResponse got = session.call(OpCode.GET_ACL, path, new GetACLRequest(chroot.prepend(path))::write,
                GetACLResponse::read, null);
        return new AclList(got.acl(), Stat.of(got.stat()));
    }

    public Stat setAcl(String path, List<Acl> acl, int aclVersion) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        SetACLRequest request = new SetACLRequest(chroot.prepend(path), acl, aclVersion);
        return Stat.of(session.call(OpCode.SET_ACL, path, request::write, SetACLResponse::read, null).stat());
    }

    /** Waits until the server has every write the leader committed before it; returns the path, without the chroot. */
    public String sync(String path) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        SyncRequest request = new SyncRequest(chroot.prepend(path));
        return chroot.strip(session.call(OpCode.SYNC, path, request::write, SyncResponse::read, null).path());
    }

    public int getAllChildrenNumber(String path) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        GetAllChildrenNumberRequest request = new GetAllChildrenNumberRequest(chroot.prepend(path));
        return session.call(OpCode.GET_ALL_CHILDREN_NUMBER, path, request::write, GetAllChildrenNumberResponse::read, null)
                .totalNumber();
    }

    /** This session's ephemerals whose path starts with {@code prefixPath}, without the chroot. */
    public List<String> getEphemerals(String prefixPath) throws KeeperException, InterruptedException {
        ZnodePaths.validate(prefixPath);
        GetEphemeralsRequest request = new GetEphemeralsRequest(chroot.prepend(prefixPath));
        List<String> ephemerals = session.call(OpCode.GET_EPHEMERALS, prefixPath, request::write,
                GetEphemeralsResponse::read, null).ephemerals();
        return ephemerals.stream().map(chroot::strip).toList();
    }

    /** As {@link #addWatch(String, AddWatchMode, Watcher)}, for the default watcher. */
    public void addWatch(String path, AddWatchMode mode) throws KeeperException, InterruptedException {
        addWatch(path, mode, watchers.defaultWatcher());
    }

    /**
     * Adds a persistent watch for {@code watcher}, on the znode or, PERSISTENT_RECURSIVE, on it and every
     * znode below; it stays until {@link #removeWatches} removes it or the session ends.
     */
    public void addWatch(String path, AddWatchMode mode, Watcher watcher) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        String serverPath = chroot.prepend(path);
        WatchRegistry.Kind kind = mode == AddWatchMode.PERSISTENT ? WatchRegistry.Kind.PERSISTENT
                : WatchRegistry.Kind.PERSISTENT_RECURSIVE;
        session.call(OpCode.ADD_WATCH, path, new AddWatchRequest(serverPath, mode.mode())::write, body -> null,
                watchOn(path, watcher, kind));
    }

    /**
     * Removes this session's watches of {@code type} on {@code path}, for every watcher (ZooKeeper's
     * removeAllWatches with local false); NoWatcher if the server had none. Each watcher removed gets an
     * event of type DataWatchRemoved, ChildWatchRemoved or PersistentWatchRemoved, as from ZooKeeper's
     * client, before this returns.
     */
    public void removeWatches(String path, WatcherType type) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        String serverPath = chroot.prepend(path);
        session.call(OpCode.REMOVE_WATCHES, path, new RemoveWatchesRequest(serverPath, type.code())::write, body -> null, err -> {
            if (err == ErrorCode.OK || err == ErrorCode.NOWATCHER) {
                session.watches().onRemoved(serverPath, type);
                Map<EventType, Set<Watcher>> removed = watchers.remove(path, type);
                if (err == ErrorCode.OK) {
                    removed.forEach((eventType, those) -> {
                        WatchedEvent event = new WatchedEvent(eventType, KeeperState.SYNC_CONNECTED, path, -1);
                        those.forEach(watcher -> processQuietly(watcher, event));
                    });
                }
            }
        });
    }

    public List<ClientInfo> whoAmI() throws KeeperException, InterruptedException {
        return session.call(OpCode.WHO_AM_I, null, body -> { }, WhoAmIResponse::read, null).clientInfo();
    }

    /**
     * Runs write ops atomically: all are applied, or none. Throws the error of the op that failed, with that
     * op's path; ZooKeeper marks the ops after it RuntimeInconsistency, which is not the cause and is
     * skipped. Creates are sent as create2 (or createContainer, createTTL), so that each comes back with
     * its Stat.
     */
    public List<OpResult> multi(List<Op> ops) throws KeeperException, InterruptedException {
        List<MultiRequest.Op> serverOps = new ArrayList<>(ops.size());
        for (Op op : ops) {
            serverOps.add(toServer(op));
        }
        List<dev.corral.wire.OpResult> results = session.call(OpCode.MULTI, null, new MultiRequest(serverOps)::write,
                MultiResponse::read, null).results();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof dev.corral.wire.OpResult.ErrorResult error
                    && error.err() != ErrorCode.OK && error.err() != ErrorCode.RUNTIMEINCONSISTENCY) {
                throw new KeeperException(error.err(), i < ops.size() ? ops.get(i).path() : null);
            }
        }
        return results.stream().map(this::fromServer).toList();
    }

    /**
     * Sends an AuthPacket and waits for the server's answer; the client sends it again on every new
     * connection. A refused one fails with AuthFailed, and the server then drops the connection, which
     * ends the session as AUTH_FAILED, as ZooKeeper's does.
     */
    public void addAuth(String scheme, byte[] auth) throws KeeperException, InterruptedException {
        session.addAuth(scheme, auth);
    }

    /**
     * Ends the session: sends closeSession, waits briefly for its reply, then closes the connection and
     * stops its threads; while reconnecting, stops trying. The watchers get state Closed, and later
     * requests fail with SessionExpired, as ZooKeeper's do. Safe to call more than once.
     */
    @Override
    public void close() {
        session.close();
    }

    /** Records, once the server accepts the request, the watch of {@code kind} it leaves on {@code path}. */
    private IntConsumer watchOn(String path, Watcher watcher, WatchRegistry.Kind kind) {
        return watchOn(path, watcher, err -> err == ErrorCode.OK ? kind : null);
    }

    private IntConsumer watchOn(String path, Watcher watcher, IntFunction<WatchRegistry.Kind> kindFor) {
        return watchOn(path, chroot.prepend(path), watcher, kindFor);
    }

    /**
     * Both sides of a watch: the server path, set again after a reconnect, and the caller's path with its
     * watcher, that the notification goes to. Added on the reader thread with the reply, so before any
     * notification of that watch, which the server sends after the reply.
     */
    private IntConsumer watchOn(String path, String serverPath, Watcher watcher, IntFunction<WatchRegistry.Kind> kindFor) {
        WatchRegistry registry = session.watches();
        registry.checkRoom(serverPath);
        return err -> {
            WatchRegistry.Kind kind = kindFor.apply(err);
            if (kind != null) {
                registry.add(kind, serverPath);
                watchers.add(kind, path, watcher);
            }
        };
    }

    /** The op as the server must get it: validated as ZooKeeper's {@code Op#validate} does, with the chroot in front. */
    private MultiRequest.Op toServer(Op op) {
        if (op instanceof Op.Create create) {
            ZnodePaths.validate(create.path(), create.mode().isSequential());
            String serverPath = chroot.prepend(create.path());
            CreateMode mode = create.mode();
            if (mode.isTtl()) {
                return new MultiRequest.Op(OpCode.CREATE_TTL,
                        new CreateTTLRequest(serverPath, create.data(), create.acl(), mode.flag(), create.ttlMs()));
            }
            return new MultiRequest.Op(mode.isContainer() ? OpCode.CREATE_CONTAINER : OpCode.CREATE2,
                    new CreateRequest(serverPath, create.data(), create.acl(), mode.flag()));
        }
        ZnodePaths.validate(op.path());
        String serverPath = chroot.prepend(op.path());
        if (op instanceof Op.Delete delete) {
            return new MultiRequest.Op(OpCode.DELETE, new DeleteRequest(serverPath, delete.version()));
        } else if (op instanceof Op.SetData set) {
            return new MultiRequest.Op(OpCode.SET_DATA, new SetDataRequest(serverPath, set.data(), set.version()));
        }
        Op.Check check = (Op.Check) op;
        return new MultiRequest.Op(OpCode.CHECK, new CheckVersionRequest(serverPath, check.version()));
    }

    private OpResult fromServer(dev.corral.wire.OpResult result) {
        if (result instanceof dev.corral.wire.OpResult.CreateResult created) {
            return new Created(chroot.strip(created.path()), null);
        } else if (result instanceof dev.corral.wire.OpResult.Create2Result created) {
            return new Created(chroot.strip(created.path()), Stat.of(created.stat()));
        } else if (result instanceof dev.corral.wire.OpResult.SetDataResult set) {
            return new OpResult.SetData(Stat.of(set.stat()));
        } else if (result instanceof dev.corral.wire.OpResult.DeleteResult) {
            return new OpResult.Delete();
        } else if (result instanceof dev.corral.wire.OpResult.CheckResult) {
            return new OpResult.Check();
        }
        throw new IllegalStateException("a multi of writes answered with " + result);
    }
}
