package dev.corral.sim;

import dev.corral.sim.check.HistoryRecorder;
import dev.corral.sim.check.ZkOp;
import dev.corral.sim.check.ZkResult;
import dev.corral.wire.Acl;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateResponse;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetDataResponse;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.Stat;
import dev.corral.wire.SyncRequest;
import dev.corral.wire.WatcherEvent;
import dev.corral.wire.Xid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One simulated ZooKeeper client: it speaks the client protocol in frames, as a real client library
 * does, to one server at a time. It connects (resuming its session when it has one, with the last zxid
 * it saw), pipelines creates, sequential creates, setDatas, deletes, reads with watches and syncs on a
 * few znodes, creates ephemerals, pings, closes its session now and then, and moves to another server.
 * Every operation on the shared znodes goes to the {@link HistoryRecorder} for the linearizability check.
 *
 * <p>What it checks on every frame it receives (a {@link SimFailure} names the client and the frame):
 * replies come in the order of its requests (per-session FIFO); the zxids of its replies and
 * notifications never go back within a session, nor across a move to another server; each notification
 * answers a watch it set and not yet fired (a watch fires at most once).
 */
final class SimClient {
    /** The znodes whose operations the linearizability checker sees; they are children of {@link #DIR}. */
    static final String DIR = "/k";
    static final String[] KEYS = {DIR + "/a", DIR + "/b", DIR + "/c"};
    static final String SEQUENTIAL_PREFIX = DIR + "/s-";
    /** Where ephemerals go: outside the checked znodes, since the model does not end sessions. */
    static final String EPHEMERALS = "/e";
    private static final int PIPELINE_MAX = 4;

    private enum State { IDLE, CONNECTING, CONNECTED }

    /** A request sent and not answered; {@code op} is -1 when it is not in the history. */
    private record Pending(int xid, int type, int op, String path, boolean watch) {}

    final long id;
    private final Random random;
    private final HistoryRecorder<ZkOp, ZkResult> history;
    private State state = State.IDLE;
    long server = -1;
    long connectionId = -1;
    long sessionId;
    private byte[] password = new byte[16];
    private int timeoutMs;
    private long lastZxidSeen;
    private int nextXid = 1;
    private int ephemerals;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    // Paths with a data watch set on this connection and not fired yet.
    private final Map<String, Integer> watches = new HashMap<>();
    /** Sessions this client closed with an acknowledged closeSession: none may own an ephemeral. */
    final Set<Long> closedSessions = new HashSet<>();
    long repliesOk;
    /** The zxids of this client's writes that were acknowledged: each must be on every server in the end. */
    final java.util.List<Long> acknowledgedZxids = new java.util.ArrayList<>();
    // Whether this client asked for the parents of its znodes (every client does, on its first connection).
    boolean parentsAsked;

    SimClient(long id, Random random, HistoryRecorder<ZkOp, ZkResult> history) {
        this.id = id;
        this.random = random;
        this.history = history;
    }

    /** The password of this client's session (zeros when it has none). */
    byte[] password() {
        return password.clone();
    }

    /** Whether the open connection's ConnectRequest, or a request sent on it, is not answered yet. */
    boolean awaitsReplies() {
        return state == State.CONNECTING || state == State.CONNECTED && !pending.isEmpty();
    }

    boolean connected() {
        return state == State.CONNECTED;
    }

    boolean idle() {
        return state == State.IDLE;
    }

    /** The ConnectRequest for a new connection to {@code server}: a new session, or this client's session resumed. */
    byte[] connect(long toServer, long newConnectionId, int requestedTimeoutMs) {
        server = toServer;
        connectionId = newConnectionId;
        state = State.CONNECTING;
        timeoutMs = requestedTimeoutMs;
        JuteOutput out = new JuteOutput();
        new ConnectRequest(0, lastZxidSeen, timeoutMs, sessionId, password, false, true).write(out);
        return out.toByteArray();
    }

    /** The server closed the connection (or crashed): what was pending has an unknown outcome. */
    void disconnected() {
        state = State.IDLE;
        server = -1;
        connectionId = -1;
        pending.clear();
        watches.clear();
    }

    /** The next request to send, or null when this client waits (pipeline full, not connected). */
    byte[] nextRequest(long time) {
        if (state != State.CONNECTED || pending.size() >= PIPELINE_MAX) {
            return null;
        }
        int roll = random.nextInt(100);
        String key = KEYS[random.nextInt(KEYS.length)];
        byte[] data = ("c" + id + "-" + nextXid).getBytes(StandardCharsets.UTF_8);
        if (roll < 20) {
            return record(OpCode.CREATE, new ZkOp.Create(key, ZkOp.data(data), false), key, false, time,
                    out -> new CreateRequest(key, data, Acl.OPEN_ACL_UNSAFE, 0).write(out));
        } else if (roll < 27) {
            return record(OpCode.CREATE, new ZkOp.Create(SEQUENTIAL_PREFIX, ZkOp.data(data), true), SEQUENTIAL_PREFIX, false, time,
                    out -> new CreateRequest(SEQUENTIAL_PREFIX, data, Acl.OPEN_ACL_UNSAFE, 2).write(out));
        } else if (roll < 47) {
            int version = random.nextInt(3) - 1;
            return record(OpCode.SET_DATA, new ZkOp.SetData(key, ZkOp.data(data), version), key, false, time,
                    out -> new SetDataRequest(key, data, version).write(out));
        } else if (roll < 55) {
            int version = random.nextInt(3) - 1;
            return record(OpCode.DELETE, new ZkOp.Delete(key, version), key, false, time,
                    out -> new DeleteRequest(key, version).write(out));
        } else if (roll < 80) {
            boolean watch = random.nextInt(3) == 0;
            return record(OpCode.GET_DATA, new ZkOp.GetData(key), key, watch, time, out -> new GetDataRequest(key, watch).write(out));
        } else if (roll < 88) {
            return record(OpCode.SYNC, new ZkOp.Sync(key), key, false, time, out -> new SyncRequest(key).write(out));
        } else if (roll < 94) {
            String path = EPHEMERALS + "/c" + id + "-" + ephemerals++;
            return send(new Pending(nextXid, OpCode.CREATE, -1, path, false),
                    out -> new CreateRequest(path, data, Acl.OPEN_ACL_UNSAFE, 1).write(out));
        } else if (roll < 98) {
            return send(new Pending(nextXid, OpCode.PING, -1, null, false), null);
        }
        return send(new Pending(nextXid, OpCode.CLOSE_SESSION, -1, null, false), null);
    }

    /** A ping, when the pipeline has room: what a quiet client sends to keep its session. */
    byte[] pingRequest() {
        if (state != State.CONNECTED || pending.size() >= PIPELINE_MAX) {
            return null;
        }
        return send(new Pending(nextXid, OpCode.PING, -1, null, false), null);
    }

    /**
     * The client's setup: the parents of its znodes, created once, in the history; null when the connection
     * is gone (it may close between the two parents, as when a thief took the session).
     */
    byte[] createParent(String path, long time) {
        if (state != State.CONNECTED) {
            return null;
        }
        return record(OpCode.CREATE, new ZkOp.Create(path, "", false), path, false, time,
                out -> new CreateRequest(path, new byte[0], Acl.OPEN_ACL_UNSAFE, 0).write(out));
    }

    private byte[] record(int type, ZkOp op, String path, boolean watch, long time, java.util.function.Consumer<JuteOutput> body) {
        int recorded = history.call(sessionId, op, time);
        return send(new Pending(nextXid, type, recorded, path, watch), body);
    }

    private byte[] send(Pending request, java.util.function.Consumer<JuteOutput> body) {
        JuteOutput out = new JuteOutput();
        new RequestHeader(nextXid++, request.type()).write(out);
        if (body != null) {
            body.accept(out);
        }
        pending.addLast(request);
        return out.toByteArray();
    }

    /** A frame (length prefix included) the server sent on this client's connection. */
    void received(byte[] frame, long time) {
        JuteInput in = new JuteInput(frame);
        in.readInt();
        if (state == State.CONNECTING) {
            ConnectResponse response = ConnectResponse.read(in);
            if (response.sessionId() == 0) {
                // Expired: the next connection starts a new session, as a client library does.
                sessionId = 0;
                password = new byte[16];
                state = State.IDLE;
                return;
            }
            if (sessionId != 0 && response.sessionId() != sessionId) {
                throw new SimFailure("client " + id + " resumed session 0x" + Long.toHexString(sessionId) + " but got 0x"
                        + Long.toHexString(response.sessionId()));
            }
            sessionId = response.sessionId();
            password = response.passwd();
            state = State.CONNECTED;
            return;
        }
        ReplyHeader header = ReplyHeader.read(in);
        seeZxid(header.zxid(), header.xid() == Xid.NOTIFICATION ? "notification" : "reply to xid " + header.xid());
        if (header.xid() == Xid.NOTIFICATION) {
            WatcherEvent event = WatcherEvent.read(in);
            Integer set = watches.remove(event.path());
            if (set == null) {
                throw new SimFailure("watch: client " + id + " was notified " + event + " of a watch it did not set, or that fired before");
            }
            return;
        }
        Pending request = pending.pollFirst();
        if (request == null || request.xid() != header.xid()) {
            throw new SimFailure("FIFO: client " + id + " got the reply to xid " + header.xid() + " while waiting for "
                    + (request == null ? "nothing" : "xid " + request.xid()));
        }
        if (header.err() == ErrorCode.OK) {
            repliesOk++;
            if (request.type() != OpCode.GET_DATA && request.type() != OpCode.SYNC && request.type() != OpCode.PING) {
                acknowledgedZxids.add(header.zxid());
            }
        }
        if (request.type() == OpCode.CLOSE_SESSION && header.err() == ErrorCode.OK) {
            closedSessions.add(sessionId);
            sessionId = 0;
            password = new byte[16];
        }
        if (request.type() == OpCode.GET_DATA && request.watch() && (header.err() == ErrorCode.OK)) {
            watches.merge(request.path(), 1, Integer::sum);
        }
        if (request.op() >= 0) {
            ZkResult result = result(request, header.err(), in);
            if (result == null) {
                history.noEffectAfter(request.op(), time);
            } else {
                history.complete(request.op(), result, time);
            }
        }
    }

    private void seeZxid(long zxid, String what) {
        if (zxid < lastZxidSeen && zxid != 0) {
            throw new SimFailure("client " + id + " saw zxid 0x" + Long.toHexString(zxid) + " in a " + what + " after 0x"
                    + Long.toHexString(lastZxidSeen));
        }
        lastZxidSeen = Math.max(lastZxidSeen, zxid);
    }

    /** What the model expects of a reply; null for an error that means the request had no effect. */
    private static ZkResult result(Pending request, int err, JuteInput in) {
        if (err == ErrorCode.NONODE) {
            return new ZkResult.Error(ZkResult.Code.NONODE);
        } else if (err == ErrorCode.NODEEXISTS) {
            return new ZkResult.Error(ZkResult.Code.NODEEXISTS);
        } else if (err == ErrorCode.BADVERSION) {
            return new ZkResult.Error(ZkResult.Code.BADVERSION);
        } else if (err == ErrorCode.NOTEMPTY) {
            return new ZkResult.Error(ZkResult.Code.NOTEMPTY);
        } else if (err != ErrorCode.OK) {
            return null; // SESSIONEXPIRED, SESSIONMOVED: the leader refused it, nothing changed
        }
        switch (request.type()) {
            case OpCode.CREATE:
                return new ZkResult.Created(CreateResponse.read(in).path());
            case OpCode.SET_DATA:
                return new ZkResult.DataSet(Stat.read(in).version());
            case OpCode.DELETE:
                return new ZkResult.Deleted();
            case OpCode.GET_DATA:
                GetDataResponse data = GetDataResponse.read(in);
                return new ZkResult.Data(ZkOp.data(data.data()), data.stat().version());
            case OpCode.SYNC:
                return new ZkResult.Synced();
            default:
                throw new IllegalStateException("no result for opcode " + request.type());
        }
    }

    /** Ephemerals this client asked for (counted, named c{id}-{n} under {@link #EPHEMERALS}). */
    int ephemeralsAsked() {
        return ephemerals;
    }
}
