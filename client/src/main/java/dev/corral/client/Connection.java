package dev.corral.client;

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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * One TCP connection carrying a session of ZooKeeper's client protocol: the handshake, the framing, the
 * threads, and the matching of replies to requests. {@link Session} keeps the session across
 * connections; {@link CorralClient} puts ZooKeeper's operations on top.
 *
 * <p>The handshake sends a ConnectRequest (a session id of 0 for a new session, or the id, password and
 * last zxid seen of the session to resume) and reads the ConnectResponse; a negotiated timeout of 0 is
 * the server saying the session expired ({@link SessionExpiredException}). The connection is then primed
 * ({@link #prime}: auth packets and SetWatches, before any request, as ZooKeeper 3.9's
 * {@code ClientCnxn.SendThread#primeConnection} queues them) and started.
 *
 * <p>The caller's thread writes a request (4-byte length, RequestHeader, body) and waits for its reply;
 * a reader thread reads every frame and completes the request it answers. The server answers a session's
 * requests in the order it received them, so each reply must carry the xid at the head of the outstanding
 * queue, and any other xid is a protocol error that drops the connection. Four xids are not requests: -1
 * is a watch notification; -2 answers a ping, sent every third of the session timeout so that the session
 * stays alive while the shell is idle; -4 answers an auth packet, which the server may answer ahead of
 * requests still in its pipeline, so auth packets wait in a queue of their own; -8 answers SetWatches.
 *
 * <p>The connection ends on a socket error, the server closing it, a frame longer than the client's
 * jute.maxbuffer ({@link ClientOptions}), two thirds of the session timeout without a frame (ZooKeeper's
 * read timeout), or a request without a reply within the session timeout,
 * since a later reply could no longer be matched safely. Then every outstanding request fails with
 * ConnectionLoss and {@link Events#onEnd} is told, once.
 *
 * <p>Invariants: xids in {@code outstanding} increase from head to tail; once {@code open} is false,
 * under {@code sendLock}, nothing is added to {@code outstanding} or {@code outstandingAuth}.
 */
final class Connection {
    /** Requests awaiting a reply; a caller past this bound is refused rather than queued without end. */
    static final int OUTSTANDING_MAX = 1000;
    static final int AUTH_OUTSTANDING_MAX = 64;
    /** How long close waits for the server to acknowledge the end of the session. */
    private static final long CLOSE_WAIT_MS_MAX = 2_000;
    static final int PASSWORD_BYTES = 16;

    /** What a connection tells the {@link Session} that owns it, on its reader thread. */
    interface Events {
        /** A watch notification, with the zxid of its ReplyHeader; paths are the server's. */
        void onNotification(WatcherEvent event, long zxid);

        /** The connection ended; its outstanding requests have failed. {@code authFailed}: the server refused an auth packet. */
        void onEnd(Connection connection, Throwable cause, boolean authFailed);
    }

    /** The server answered the handshake with a zero timeout: the session is gone. */
    static final class SessionExpiredException extends IOException {
        private static final long serialVersionUID = 1L;

        SessionExpiredException(String message) {
            super(message);
        }
    }

    /**
     * A request awaiting its reply: what to read from the reply body, who waits for it, and what to do on
     * the reader thread as the reply arrives, before anyone else hears of it (watch bookkeeping), given the
     * reply's error code.
     */
    private record Outstanding<T>(int xid, String path, Function<JuteInput, T> body, CompletableFuture<T> result,
            IntConsumer onReply) {
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
    private final ConnectResponse session;
    // The client's jute.maxbuffer: a longer frame ends the connection. Invariant: > 0.
    private final int frameBytesMax;
    private final Events events;
    private final Object sendLock = new Object();
    private final BlockingQueue<Outstanding<?>> outstanding = new ArrayBlockingQueue<>(OUTSTANDING_MAX);
    private final BlockingQueue<Outstanding<?>> outstandingAuth = new ArrayBlockingQueue<>(AUTH_OUTSTANDING_MAX);
    private final ScheduledExecutorService timer;
    private final Thread reader;
    // Guarded by sendLock. Invariant: 1 <= nextXid; it wraps from Integer.MAX_VALUE back to 1.
    private int nextXid = 1;
    // Guarded by sendLock: false once the connection ended or close() began.
    private boolean open = true;
    // Guarded by sendLock: close() has begun.
    private boolean closing;
    // Set by the reader thread when the server refused an auth packet (it then drops the connection).
    private volatile boolean authFailed;
    // The zxid of the last reply to a request (not of notifications or pings, as in ZooKeeper's client).
    private volatile long lastZxidSeen;
    // System.nanoTime() of the last frame read, the handshake's included.
    private volatile long lastHeardNanos;

    private Connection(String server, Socket socket, ConnectResponse session, long lastZxidSeen, int frameBytesMax,
            Events events) throws IOException {
        this.server = server;
        this.frameBytesMax = frameBytesMax;
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.session = session;
        this.events = events;
        this.lastZxidSeen = lastZxidSeen;
        this.lastHeardNanos = System.nanoTime();
        // ZooKeeper's client reads with a timeout of two thirds of the session timeout and pings when idle
        // for half of that; pings every third keep replies coming well within the read timeout.
        socket.setSoTimeout(Math.max(1, session.timeOut() * 2 / 3));
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "corral-client-ping-" + server);
            thread.setDaemon(true);
            return thread;
        });
        this.reader = new Thread(this::readLoop, "corral-client-reader-" + server);
        this.reader.setDaemon(true);
    }

    /**
     * Connects to {@code address} and sends {@code request}; waits at most {@code connectTimeoutMs} for
     * the TCP connection and as long again for the ConnectResponse. The connection is not started. Frames
     * longer than {@code frameBytesMax}, the ConnectResponse's included, end it.
     */
    static Connection open(InetSocketAddress address, ConnectRequest request, int connectTimeoutMs, int frameBytesMax,
            Events events) throws IOException {
        String name = address.getHostString() + ":" + address.getPort();
        Socket socket = new Socket();
        try {
            InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
            if (resolved.isUnresolved()) {
                throw new UnknownHostException("unknown host " + address.getHostString());
            }
            socket.connect(resolved, connectTimeoutMs);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(connectTimeoutMs);
            OutputStream out = socket.getOutputStream();
            out.write(Frames.frame(request::write));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ConnectResponse session;
            try {
                session = ConnectResponse.read(new JuteInput(readFrame(in, frameBytesMax)));
            } catch (MalformedRecordException e) {
                throw new IOException("malformed ConnectResponse from " + name + ": " + e.getMessage(), e);
            }
            if (session.timeOut() <= 0) {
                throw new SessionExpiredException(request.sessionId() == 0
                        ? name + " refused the session (negotiated timeout " + session.timeOut() + ")"
                        : "session 0x" + Long.toHexString(request.sessionId()) + " has expired (" + name + ")");
            }
            return new Connection(name, socket, session, request.lastZxidSeen(), frameBytesMax, events);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /**
     * Sends the auth packets and SetWatches requests a resumed session needs before any request. Their
     * replies are read once started: a refused auth ends the connection as AuthFailed, SetWatches replies
     * carry nothing. Fails if the writes do not finish within {@code timeoutMs}, since the reader that
     * would notice a dead server has not started yet.
     */
    void prime(List<AuthPacket> auths, List<WatchRegistry.Batch> setWatches, int timeoutMs) throws IOException {
        ScheduledFuture<?> guard = timer.schedule(() -> closeQuietly(socket), timeoutMs, TimeUnit.MILLISECONDS);
        try {
            synchronized (sendLock) {
                for (AuthPacket auth : auths) {
                    if (!outstandingAuth.offer(new Outstanding<>(Xid.AUTH_PACKET, null, body -> null, new CompletableFuture<>(),
                            err -> { }))) {
                        throw new IOException("more than " + AUTH_OUTSTANDING_MAX + " auth packets to send to " + server);
                    }
                    out.write(Frames.frame(o -> {
                        new RequestHeader(Xid.AUTH_PACKET, OpCode.AUTH).write(o);
                        auth.write(o);
                    }));
                }
                for (WatchRegistry.Batch batch : setWatches) {
                    out.write(Frames.frame(o -> {
                        new RequestHeader(Xid.SET_WATCHES, batch.opCode()).write(o);
                        batch.write(o);
                    }));
                }
                out.flush();
            }
        } finally {
            guard.cancel(false);
        }
    }

    /** Starts the reader and the pings; from now on {@link Events} may be called. */
    void start() {
        reader.start();
        long pingMs = Math.max(1, session.timeOut() / 3);
        timer.scheduleAtFixedRate(this::ping, pingMs, pingMs, TimeUnit.MILLISECONDS);
    }

    /** "host:port" of the server. */
    String server() {
        return server;
    }

    /** This side's address of the socket: the server sees it as the connection's remote address. */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    long sessionId() {
        return session.sessionId();
    }

    byte[] password() {
        return session.passwd().clone();
    }

    /** The session timeout the server granted. */
    int sessionTimeoutMs() {
        return session.timeOut();
    }

    /** The server granted a read-only session: it is cut off from its quorum, and refuses every change. */
    boolean readOnly() {
        return session.readOnly();
    }

    long lastZxidSeen() {
        return lastZxidSeen;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /**
     * Sends an AuthPacket and waits for the server's answer. A refused one fails with AuthFailed, and the
     * server then drops the connection, as ZooKeeper's does.
     */
    void addAuth(AuthPacket auth) throws KeeperException, InterruptedException {
        CompletableFuture<Void> result = new CompletableFuture<>();
        synchronized (sendLock) {
            if (!open) {
                throw new KeeperException(ErrorCode.CONNECTIONLOSS, null);
            }
            if (!outstandingAuth.offer(new Outstanding<>(Xid.AUTH_PACKET, null, body -> null, result, err -> { }))) {
                throw new IllegalStateException("more than " + AUTH_OUTSTANDING_MAX + " auth packets await a reply");
            }
            write(Frames.frame(o -> {
                new RequestHeader(Xid.AUTH_PACKET, OpCode.AUTH).write(o);
                auth.write(o);
            }));
        }
        await(result, null, session.timeOut());
    }

    /**
     * Ends the session: sends closeSession, waits briefly for its reply, then closes the connection and
     * stops the threads. Safe to call more than once, and on a connection that was never started.
     */
    void close() {
        boolean wasOpen;
        synchronized (sendLock) {
            wasOpen = open && !closing && reader.isAlive();
            closing = true;
        }
        if (wasOpen) {
            try {
                CompletableFuture<Void> reply = send(OpCode.CLOSE_SESSION, null, o -> { }, body -> null, null, true);
                await(reply, null, Math.min(session.timeOut(), CLOSE_WAIT_MS_MAX));
            } catch (KeeperException | RuntimeException e) {
                // The server ends the session at its timeout anyway.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(socket);
        timer.shutdownNow();
        if (Thread.currentThread() != reader && reader.isAlive()) {
            try {
                reader.join(CLOSE_WAIT_MS_MAX);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Closes the socket without ending the session (unlike {@link #close}): the reader thread fails what is
     * outstanding with ConnectionLoss and tells {@link Events#onEnd}, as for a connection the network lost.
     */
    void drop() {
        closeQuietly(socket);
    }

    // ---- sending

    /**
     * Sends a request and waits for its reply, read by {@code reply} from the reply body. {@code onReply},
     * if not null, runs on the reader thread with the reply's error code before the caller wakes.
     */
    <T> T call(int type, String path, Consumer<JuteOutput> body, Function<JuteInput, T> reply, IntConsumer onReply)
            throws KeeperException, InterruptedException {
        return await(send(type, path, body, reply, onReply, false), path, session.timeOut());
    }

    private <T> CompletableFuture<T> send(int type, String path, Consumer<JuteOutput> body, Function<JuteInput, T> reply,
            IntConsumer onReply, boolean evenIfClosing) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (sendLock) {
            if (!open || closing && !evenIfClosing) {
                result.completeExceptionally(new KeeperException(ErrorCode.CONNECTIONLOSS, path));
                return result;
            }
            int xid = nextXid;
            nextXid = xid == Integer.MAX_VALUE ? 1 : xid + 1;
            if (!outstanding.offer(new Outstanding<>(xid, path, reply, result, onReply == null ? err -> { } : onReply))) {
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
            if (open) {
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
                byte[] frame = readFrame(in, frameBytesMax);
                lastHeardNanos = System.nanoTime();
                onFrame(frame);
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
            case Xid.NOTIFICATION -> events.onNotification(WatcherEvent.read(body), header.zxid());
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
        if (header.zxid() > 0) {
            lastZxidSeen = header.zxid();
        }
        if (header.err() != ErrorCode.OK) {
            request.onReply().accept(header.err());
            request.fail(new KeeperException(header.err(), request.path()));
            return;
        }
        Object value;
        try {
            value = request.body().apply(body);
        } catch (MalformedRecordException e) {
            request.fail(new KeeperException(ErrorCode.MARSHALLINGERROR, request.path(), e));
            throw e;
        }
        request.onReply().accept(ErrorCode.OK);
        complete(request, value);
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Outstanding<T> request, Object value) {
        request.result().complete((T) value);
    }

    private void onConnectionEnd(Throwable cause) {
        List<Outstanding<?>> failed = new ArrayList<>();
        synchronized (sendLock) {
            open = false;
            outstanding.drainTo(failed);
            outstandingAuth.drainTo(failed);
        }
        closeQuietly(socket);
        timer.shutdownNow();
        for (Outstanding<?> request : failed) {
            request.fail(new KeeperException(ErrorCode.CONNECTIONLOSS, request.path(), cause));
        }
        events.onEnd(this, cause, authFailed);
    }

    /**
     * Reads one length-prefixed frame, refusing the lengths ZooKeeper 3.9.5's client refuses
     * ({@code ClientCnxnSocket#readLength}: below 0 or above jute.maxbuffer; a frame of exactly
     * jute.maxbuffer bytes is read since ZOOKEEPER-4281, which ZooKeeper 3.7 and older refused) before
     * reading it, so that a length a server got wrong never sizes a buffer.
     */
    static byte[] readFrame(DataInputStream in, int frameBytesMax) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw new EOFException("connection closed by the server");
        }
        if (length < 0 || length > frameBytesMax) {
            throw new IOException("Packet len " + length + " is out of range!");
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that is left to do.
        }
    }
}
