package dev.corral.cli.client;

import dev.corral.wire.Acl;
import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.AuthPacket;
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
import dev.corral.wire.OpResult;
import dev.corral.wire.RemoveWatchesRequest;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetACLResponse;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.SetDataResponse;
import dev.corral.wire.Stat;
import dev.corral.wire.SyncRequest;
import dev.corral.wire.SyncResponse;
import dev.corral.wire.WhoAmIResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * A small blocking client of ZooKeeper's client protocol, for the shell: ZooKeeper 3.9's synchronous
 * operations over one {@link Connection}. It is Corral's own because Apache ZooKeeper's client must not
 * be on the server's runtime classpath (DESIGN.md), and the shell ships there.
 *
 * <p>Every operation blocks until its reply, at most the session timeout, and fails with a
 * {@link KeeperException} carrying ZooKeeper's code for the error, its path, and ZooKeeper's wording.
 * Paths are checked before they are sent, with ZooKeeper's client-side messages ({@link ZnodePaths}).
 * Watch notifications and changes of state go to the listener given to {@link #connect}.
 *
 * <p>It does not reconnect: after a lost connection the client stays {@link State#NOT_CONNECTED} and its
 * operations fail with ConnectionLoss; the shell's {@code connect} makes a new one.
 */
public final class CorralClient implements AutoCloseable {
    /** What the shell's prompt shows, named as ZooKeeper's {@code ZooKeeper.States}. */
    public enum State { CONNECTED, NOT_CONNECTED, AUTH_FAILED, CLOSED }

    private final Connection connection;

    private CorralClient(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens a session on the first server of {@code connectString} ("host:port[,host:port...]"; the
     * port defaults to 2181) that accepts one, asking for {@code sessionTimeoutMs}. {@code listener}
     * gets watch notifications and changes of state on the reader thread, so it must not block.
     */
    public static CorralClient connect(String connectString, int sessionTimeoutMs, Consumer<WatchedEvent> listener)
            throws IOException {
        if (sessionTimeoutMs <= 0) {
            throw new IllegalArgumentException("session timeout must be positive, not " + sessionTimeoutMs + " ms");
        }
        IOException failure = null;
        for (InetSocketAddress address : ConnectString.parse(connectString)) {
            try {
                return new CorralClient(Connection.open(address, sessionTimeoutMs, listener));
            } catch (IOException e) {
                failure = e;
            }
        }
        throw new IOException("cannot connect to " + connectString + ": " + failure.getMessage(), failure);
    }

    /** "host:port" of the server this client is connected to. */
    public String server() {
        return connection.server();
    }

    public long sessionId() {
        return connection.sessionId();
    }

    /** The session timeout the server granted. */
    public int sessionTimeoutMs() {
        return connection.sessionTimeoutMs();
    }

    public State state() {
        return connection.state();
    }

    public boolean isConnected() {
        return connection.isConnected();
    }

    // ---- requests (ZooKeeper 3.9: the synchronous methods of org.apache.zookeeper.ZooKeeper)

    /**
     * Creates a znode; {@code flags} is a CreateMode flag (0 persistent, 1 ephemeral, 2 persistent
     * sequential, 3 ephemeral sequential, 4 container, 5 persistent with TTL, 6 persistent sequential
     * with TTL), {@code ttlMs} is used only by the TTL modes. Returns the created path and its Stat.
     */
    public Create2Response create(String path, byte[] data, List<Acl> acl, int flags, long ttlMs)
            throws KeeperException, InterruptedException {
        ZnodePaths.validate(path, flags == 2 || flags == 3 || flags == 6);
        if (flags == 5 || flags == 6) {
            CreateTTLRequest request = new CreateTTLRequest(path, data, acl, flags, ttlMs);
            return connection.call(OpCode.CREATE_TTL, path, request::write, Create2Response::read);
        }
        CreateRequest request = new CreateRequest(path, data, acl, flags);
        int type = flags == 4 ? OpCode.CREATE_CONTAINER : OpCode.CREATE2;
        return connection.call(type, path, request::write, Create2Response::read);
    }

    public void delete(String path, int version) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        connection.call(OpCode.DELETE, path, new DeleteRequest(path, version)::write, body -> null);
    }

    /** The znode's Stat, or null if it does not exist (an exist watch is left then, if asked). */
    public Stat exists(String path, boolean watch) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        try {
            return connection.call(OpCode.EXISTS, path, new ExistsRequest(path, watch)::write, Stat::read);
        } catch (KeeperException e) {
            if (e.code() == ErrorCode.NONODE) {
                return null;
            }
            throw e;
        }
    }

    public GetDataResponse getData(String path, boolean watch) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        return connection.call(OpCode.GET_DATA, path, new GetDataRequest(path, watch)::write, GetDataResponse::read);
    }

    public Stat setData(String path, byte[] data, int version) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        return connection.call(OpCode.SET_DATA, path, new SetDataRequest(path, data, version)::write, SetDataResponse::read).stat();
    }

    /** The children's names, unsorted as the server sends them, and the znode's Stat. */
    public GetChildren2Response getChildren(String path, boolean watch) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        return connection.call(OpCode.GET_CHILDREN2, path, new GetChildren2Request(path, watch)::write, GetChildren2Response::read);
    }

    public GetACLResponse getAcl(String path) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        return connection.call(OpCode.GET_ACL, path, new GetACLRequest(path)::write, GetACLResponse::read);
    }

    public Stat setAcl(String path, List<Acl> acl, int aclVersion) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        return connection.call(OpCode.SET_ACL, path, new SetACLRequest(path, acl, aclVersion)::write, SetACLResponse::read).stat();
    }

    public String sync(String path) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        return connection.call(OpCode.SYNC, path, new SyncRequest(path)::write, SyncResponse::read).path();
    }

    public int getAllChildrenNumber(String path) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        return connection.call(OpCode.GET_ALL_CHILDREN_NUMBER, path, new GetAllChildrenNumberRequest(path)::write,
                GetAllChildrenNumberResponse::read).totalNumber();
    }

    /** This session's ephemerals whose path starts with {@code prefixPath}. */
    public List<String> getEphemerals(String prefixPath) throws KeeperException, InterruptedException {
        ZnodePaths.validate(prefixPath);
        return connection.call(OpCode.GET_EPHEMERALS, prefixPath, new GetEphemeralsRequest(prefixPath)::write,
                GetEphemeralsResponse::read).ephemerals();
    }

    /** Adds a persistent watch: mode 0 persistent, 1 persistent recursive (ZooKeeper's AddWatchMode). */
    public void addWatch(String path, int mode) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        connection.call(OpCode.ADD_WATCH, path, new AddWatchRequest(path, mode)::write, body -> null);
    }

    /**
     * Removes this session's watches of {@code type} on {@code path} (ZooKeeper's WatcherType: children 1,
     * data 2, any 3, persistent 4, persistent recursive 5); NoWatcher if there was none.
     */
    public void removeWatches(String path, int type) throws KeeperException, InterruptedException {
        ZnodePaths.validate(path);
        connection.call(OpCode.REMOVE_WATCHES, path, new RemoveWatchesRequest(path, type)::write, body -> null);
    }

    public List<ClientInfo> whoAmI() throws KeeperException, InterruptedException {
        return connection.call(OpCode.WHO_AM_I, null, body -> { }, WhoAmIResponse::read).clientInfo();
    }

    /**
     * Runs write ops atomically. Throws the error of the op that failed, with that op's path; ZooKeeper
     * marks the ops after it RuntimeInconsistency, which is not the cause and is skipped.
     */
    public List<OpResult> multi(List<MultiRequest.Op> ops) throws KeeperException, InterruptedException {
        List<OpResult> results = connection.call(OpCode.MULTI, null, new MultiRequest(ops)::write, MultiResponse::read).results();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof OpResult.ErrorResult error
                    && error.err() != ErrorCode.OK && error.err() != ErrorCode.RUNTIMEINCONSISTENCY) {
                throw new KeeperException(error.err(), i < ops.size() ? pathOf(ops.get(i)) : null);
            }
        }
        return results;
    }

    /**
     * Sends an AuthPacket and waits for the server's answer. A refused one fails with AuthFailed, and the
     * server then drops the connection, as ZooKeeper's does.
     */
    public void addAuth(String scheme, byte[] auth) throws KeeperException, InterruptedException {
        connection.addAuth(scheme, auth);
    }

    /**
     * Ends the session: sends closeSession, waits briefly for its reply, then closes the connection and
     * stops its threads. The listener gets state Closed. Safe to call more than once.
     */
    @Override
    public void close() {
        connection.close();
    }

    private static String pathOf(MultiRequest.Op op) {
        Object request = op.request();
        if (request instanceof DeleteRequest delete) {
            return delete.path();
        } else if (request instanceof CreateRequest create) {
            return create.path();
        } else if (request instanceof SetDataRequest set) {
            return set.path();
        }
        return null;
    }
}
