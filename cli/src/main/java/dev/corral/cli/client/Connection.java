package dev.corral.cli.client;

import dev.corral.cli.client.CorralClient.State;
import dev.corral.wire.AuthPacket;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.Frames;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MalformedRecordException;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.WatcherEvent;
import dev.corral.wire.Xid;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One TCP connection carrying one session of ZooKeeper's client protocol: the handshake, the framing,
 * the threads, and the matching of replies to requests. {@link CorralClient} puts ZooKeeper's
 * operations on top.
 *
 * <p>The caller's thread writes a request (4-byte length, RequestHeader, body; ZooKeeper 3.9:
 * {@code ClientCnxn}) and waits for its reply; a reader thread reads every frame and completes the
 * request it answers. xids count from 1; the server answers a session's requests in the order it
 * received them, so each reply must carry the xid at the head of the outstanding queue, and any other
 * xid is a protocol error that drops the connection. Three xids are not requests: -1 is a watch
 * notification, handed to the listener; -2 answers a ping, sent every third of the session timeout so
 * that the session stays alive while the shell is idle; -4 answers an auth packet, which the server may
 * answer ahead of requests still in its pipeline, so auth packets wait in a queue of their own.
 *
 * <p>A lost connection fails every outstanding request with ConnectionLoss and tells the listener
 * (state Disconnected). A request with no reply within the session timeout is taken as a lost connection
 * too, since a later reply could no longer be matched safely.
 *
 * <p>Invariants: xids in {@code outstanding} increase from head to tail; once {@code state} leaves
 * CONNECTED, under {@code sendLock}, nothing is added to {@code outstanding} or {@code outstandingAuth}.
 */
final class Connection {
    /** Requests awaiting a reply; a caller past this bound is refused rather than queued without end. */
    static final int OUTSTANDING_MAX = 1000;
    private static final int AUTH_OUTSTANDING_MAX = 16;
    /** ZooKeeper's client refuses frames of jute.maxbuffer bytes or more (default 0xfffff). */
    private static final int FRAME_BYTES_MAX = Integer.getInteger("jute.maxbuffer", 0xfffff);
    /** How long close waits for the server to acknowledge the end of the session. */
    private static final long CLOSE_WAIT_MS_MAX = 2_000;
    private static final int PASSWORD_BYTES = 16;

    /** A request awaiting its reply: what to read from the reply body, and who waits for it. */
    private record Outstanding<T>(int xid, String path, Function<JuteInput, T> body, CompletableFuture<T> result) {
        void complete(JuteInput in) {
            result.complete(body.apply(in));
        }

        void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }
    }

    private final String server;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final long sessionId;
    private final int sessionTimeoutMs;
    private final Consumer<WatchedEvent> listener;
    private final Object sendLock = new Object();
    private final BlockingQueue<Outstanding<?>> outstanding = new ArrayBlockingQueue<>(OUTSTANDING_MAX);
    private final BlockingQueue<Outstanding<?>> outstandingAuth = new ArrayBlockingQueue<>(AUTH_OUTSTANDING_MAX);
    private final ScheduledExecutorService pinger;
    private final Thread reader;
    // Guarded by sendLock. Invariant: 1 <= nextXid; it wraps from Integer.MAX_VALUE back to 1.
    private int nextXid = 1;
    // Written under sendLock; volatile so the prompt can read it without the lock.
    private volatile State state = State.CONNECTED;
    // Guarded by sendLock: close() has begun, so the end of the connection is no loss.
    private boolean closing;
    // Set by the reader thread when the server refused an auth packet (it then drops the connection).
    private volatile boolean authFailed;

    private Connection(String server, Socket socket, ConnectResponse session, Consumer<WatchedEvent> listener)
            throws IOException {
        this.server = server;
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.sessionId = session.sessionId();
        this.sessionTimeoutMs = session.timeOut();
        this.listener = listener;
        // ZooKeeper's client reads with a timeout of two thirds of the session timeout and pings when idle
        // for half of that; pings every third keep replies coming well within the read timeout.
        socket.setSoTimeout(Math.max(1, sessionTimeoutMs * 2 / 3));
        this.pinger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "corral-client-ping-" + server);
            thread.setDaemon(true);
            return thread;
        });
        this.reader = new Thread(this::readLoop, "corral-client-reader-" + server);
        this.reader.setDaemon(true);
    }

    /** Opens a session on {@code address}, asking for {@code sessionTimeoutMs}. */
    static Connection open(InetSocketAddress address, int sessionTimeoutMs, Consumer<WatchedEvent> listener)
            throws IOException {
        String name = address.getHostString() + ":" + address.getPort();
        Socket socket = new Socket();
        try {
            InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
            if (resolved.isUnresolved()) {
                throw new UnknownHostException("unknown host " + address.getHostString());
            }
            socket.connect(resolved, sessionTimeoutMs);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(sessionTimeoutMs);
            OutputStream out = socket.getOutputStream();
            out.write(Frames.frame(o -> new ConnectRequest(0, 0, sessionTimeoutMs, 0, new byte[PASSWORD_BYTES], false, true)
                    .write(o)));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ConnectResponse session;
            try {
                session = ConnectResponse.read(new JuteInput(readFrame(in)));
            } catch (MalformedRecordException e) {
                throw new IOException("malformed ConnectResponse from " + name + ": " + e.getMessage(), e);
            }
            if (session.timeOut() <= 0) {
                throw new IOException(name + " refused the session (negotiated timeout " + session.timeOut() + ")");
            }
            Connection connection = new Connection(name, socket, session, listener);
            connection.start();
            return connection;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private void start() {
        reader.start();
        long pingMs = Math.max(1, sessionTimeoutMs / 3);
        pinger.scheduleAtFixedRate(this::ping, pingMs, pingMs, TimeUnit.MILLISECONDS);
        notify(WatchedEvent.ofState(WatchedEvent.SYNC_CONNECTED));
    }

    /** "host:port" of the server. */
    String server() {
        return server;
    }

    long sessionId() {
        return sessionId;
    }

    /** The session timeout the server granted. */
    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    State state() {
        return state;
    }

    boolean isConnected() {
        return state == State.CONNECTED;
    }

    /**
     * Sends an AuthPacket and waits for the server's answer. A refused one fails with AuthFailed, and the
     * server then drops the connection, as ZooKeeper's does.
     */
    void addAuth(String scheme, byte[] auth) throws KeeperException, InterruptedException {
        CompletableFuture<Void> result = new CompletableFuture<>();
        synchronized (sendLock) {
            if (state != State.CONNECTED || closing) {
                throw new KeeperException(ErrorCode.CONNECTIONLOSS, null);
            }
            if (!outstandingAuth.offer(new Outstanding<>(Xid.AUTH_PACKET, null, body -> null, result))) {
                throw new IllegalStateException("more than " + AUTH_OUTSTANDING_MAX + " auth packets await a reply");
            }
            write(Frames.frame(o -> {
                new RequestHeader(Xid.AUTH_PACKET, OpCode.AUTH).write(o);
                new AuthPacket(0, scheme, auth).write(o);
            }));
        }
        await(result, null, sessionTimeoutMs);
    }

    /**
     * Ends the session: sends closeSession, waits briefly for its reply, then closes the connection and
     * stops the threads. The listener gets state Closed. Safe to call more than once.
     */
    void close() {
        boolean wasConnected;
        synchronized (sendLock) {
            wasConnected = state == State.CONNECTED && !closing;
            closing = true;
        }
        if (wasConnected) {
            try {
                CompletableFuture<Void> reply = send(OpCode.CLOSE_SESSION, null, o -> { }, body -> null, true);
                await(reply, null, Math.min(sessionTimeoutMs, CLOSE_WAIT_MS_MAX));
            } catch (KeeperException | RuntimeException e) {
                // The server ends the session at its timeout anyway.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(socket);
        pinger.shutdownNow();
        if (Thread.currentThread() != reader) {
            try {
                reader.join(CLOSE_WAIT_MS_MAX);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- sending

    /** Sends a request and waits for its reply, read by {@code reply} from the reply body. */
    <T> T call(int type, String path, Consumer<JuteOutput> body, Function<JuteInput, T> reply)
            throws KeeperException, InterruptedException {
        return await(send(type, path, body, reply, false), path, sessionTimeoutMs);
    }

    private <T> CompletableFuture<T> send(int type, String path, Consumer<JuteOutput> body, Function<JuteInput, T> reply,
            boolean evenIfClosing) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (sendLock) {
            if (state != State.CONNECTED || closing && !evenIfClosing) {
                result.completeExceptionally(new KeeperException(ErrorCode.CONNECTIONLOSS, path));
                return result;
            }
            int xid = nextXid;
            nextXid = xid == Integer.MAX_VALUE ? 1 : xid + 1;
            if (!outstanding.offer(new Outstanding<>(xid, path, reply, result))) {
                result.completeExceptionally(new IllegalStateException(
                        "more than " + OUTSTANDING_MAX + " requests await a reply from " + server));
                return result;
            }
            write(Frames.frame(o -> {
                new RequestHeader(xid, type).write(o);
                body.accept(o);
            }));
        }
        return result;
    }

    /** Writes one frame; called under sendLock. A failed write drops the connection. */
    private void write(byte[] frame) {
        try {
            out.write(frame);
            out.flush();
        } catch (IOException e) {
            // The reader thread notices the closed socket and fails what is outstanding.
            closeQuietly(socket);
        }
    }

    private void ping() {
        synchronized (sendLock) {
            if (state == State.CONNECTED) {
                write(Frames.frame(o -> new RequestHeader(Xid.PING, OpCode.PING).write(o)));
            }
        }
    }

    private <T> T await(CompletableFuture<T> result, String path, long timeoutMs) throws KeeperException, InterruptedException {
        try {
            return result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KeeperException keeper) {
                throw keeper;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            // A reply that comes later could not be matched safely: give up the connection.
            closeQuietly(socket);
            throw new KeeperException(ErrorCode.CONNECTIONLOSS, path,
                    new IOException("no reply from " + server + " within " + timeoutMs + " ms"));
        }
    }

    // ---- receiving (reader thread)

    private void readLoop() {
        Throwable cause = null;
        try {
            while (true) {
                onFrame(readFrame(in));
            }
        } catch (IOException | MalformedRecordException e) {
            cause = e;
        } finally {
            onConnectionEnd(cause);
        }
    }

    private void onFrame(byte[] frame) throws IOException {
        JuteInput body = new JuteInput(frame);
        ReplyHeader header = ReplyHeader.read(body);
        switch (header.xid()) {
            case Xid.NOTIFICATION -> {
                WatcherEvent event = WatcherEvent.read(body);
                notify(new WatchedEvent(event.type(), event.state(), event.path(), header.zxid()));
            }
            case Xid.PING, Xid.SET_WATCHES -> { }
            case Xid.AUTH_PACKET -> onAuthReply(header);
            default -> onReply(header, body);
        }
    }

    private void onAuthReply(ReplyHeader header) throws IOException {
        Outstanding<?> auth = outstandingAuth.poll();
        if (auth == null) {
            throw new IOException("auth reply from " + server + " with no auth packet outstanding");
        }
        if (header.err() == ErrorCode.OK) {
            auth.result().complete(null);
        } else {
            authFailed = header.err() == ErrorCode.AUTHFAILED;
            auth.fail(new KeeperException(header.err(), null));
        }
    }

    private void onReply(ReplyHeader header, JuteInput body) throws IOException {
        Outstanding<?> request = outstanding.poll();
        if (request == null || request.xid() != header.xid()) {
            String expected = request == null ? "none outstanding" : "expected xid " + request.xid();
            if (request != null) {
                request.fail(new KeeperException(ErrorCode.CONNECTIONLOSS, request.path()));
            }
            throw new IOException("reply xid " + header.xid() + " from " + server + " out of order (" + expected + ")");
        }
        if (header.err() != ErrorCode.OK) {
            request.fail(new KeeperException(header.err(), request.path()));
            return;
        }
        try {
            request.complete(body);
        } catch (MalformedRecordException e) {
            request.fail(new KeeperException(ErrorCode.MARSHALLINGERROR, request.path(), e));
            throw e;
        }
    }

    private void onConnectionEnd(Throwable cause) {
        List<Outstanding<?>> failed = new ArrayList<>();
        State ended;
        synchronized (sendLock) {
            ended = closing ? State.CLOSED : authFailed ? State.AUTH_FAILED : State.NOT_CONNECTED;
            state = ended;
            outstanding.drainTo(failed);
            outstandingAuth.drainTo(failed);
        }
        closeQuietly(socket);
        pinger.shutdownNow();
        for (Outstanding<?> request : failed) {
            request.fail(new KeeperException(ErrorCode.CONNECTIONLOSS, request.path(), cause));
        }
        notify(WatchedEvent.ofState(switch (ended) {
            case CLOSED -> WatchedEvent.CLOSED;
            case AUTH_FAILED -> WatchedEvent.AUTH_FAILED;
            default -> WatchedEvent.DISCONNECTED;
        }));
    }

    private void notify(WatchedEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            // A listener's failure must not stop the reader, which every request depends on.
        }
    }

    /** Reads one length-prefixed frame, refusing lengths ZooKeeper's client refuses. */
    private static byte[] readFrame(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw new EOFException("connection closed by the server");
        }
        if (length < 0 || length >= FRAME_BYTES_MAX) {
            throw new IOException("Packet len " + length + " is out of range!");
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that is left to do.
        }
    }
}
