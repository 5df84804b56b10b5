package dev.corral.client;

import dev.corral.client.CorralClient.State;
import dev.corral.wire.AuthPacket;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.WatcherEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * One ZooKeeper session across the connections that carry it, as ZooKeeper 3.9's {@code ClientCnxn}
 * keeps one: its state, the current {@link Connection}, and what a new connection needs to resume the
 * session where the last one left it (the session id and password, the last zxid seen, the auth packets
 * sent, the watches held).
 *
 * <p>When a connection is lost its outstanding requests fail with ConnectionLoss, the listener gets
 * Disconnected, and a thread tries the servers in turn ({@link ServerRotation}) with the session's id,
 * password and last zxid seen. On success it sends the auth packets again and SetWatches for every watch
 * held ({@link WatchRegistry}), so that one-time watches set before the loss still fire, then the listener
 * gets SyncConnected. A request made meanwhile waits for the next attempt: it is sent if that attempt
 * connects, and fails with ConnectionLoss if it does not.
 *
 * <p>With {@code canBeReadOnly} ({@link ClientOptions}), a server cut off from its quorum may grant a
 * read-only session: the listener gets ConnectedReadOnly instead of SyncConnected. Until a read-write server
 * has been seen, a reconnect asks for a new session (session id 0), as ZooKeeper 3.9's
 * {@code ClientCnxn.SendThread#primeConnection} does: a read-only server's session is local to it, and a
 * read-write server would answer its id as expired. While read-only, a {@link ReadWriteSeeker} looks for a
 * server of the connect string that serves read-write, as ZooKeeper's {@code pingRwServer} does; once one is
 * found, the read-only connection is dropped (its requests fail with ConnectionLoss) and the next attempt
 * goes to that server.
 *
 * <p>The session ends as Expired when a server answers the reconnect with a zero timeout, or when nothing
 * was heard from any server for four thirds of the session timeout (ZooKeeper 3.9.3's client-side bound,
 * ZOOKEEPER-4508; here "heard" means a frame read, where ZooKeeper also counts a TCP connect). Requests then
 * fail with SessionExpired, as after {@link #close}; after a refused auth they fail with AuthFailed.
 *
 * <p>The listener gets each event once, in order, on the thread that caused it, under {@code lock}: it
 * must not block, nor call back into the client's requests.
 *
 * <p>Invariants, under {@code lock}: {@code connection} is not null when {@code state} is CONNECTED, and is
 * the only started connection; {@code reconnector} runs only while {@code state} is CONNECTING;
 * {@code seeker} runs only while {@code state} is CONNECTED on a read-only connection; once
 * {@code state} is CLOSED or AUTH_FAILED it never changes again.
 */
final class Session implements Connection.Events {
    /** Distinct auth packets a session keeps to send again on a new connection. */
    static final int AUTH_INFO_MAX = 64;

    private final ServerRotation rotation;
    private final int requestedTimeoutMs;
    private final ClientOptions options;
    private final Consumer<WatchedEvent> listener;
    private final WatchRegistry watches = new WatchRegistry();
    private final Object lock = new Object();
    // Guarded by lock.
    private State state = State.CONNECTING;
    private Connection connection;
    private String server;
    private long sessionId;
    private byte[] password = new byte[Connection.PASSWORD_BYTES];
    private int sessionTimeoutMs;
    private long lastZxidSeen;
    private long lastHeardNanos;
    private boolean readOnly;
    // Some server granted this client a read-write session; until then, reconnects ask for a new session.
    private boolean seenReadWriteServer;
    private final List<AuthPacket> authInfo = new ArrayList<>();
    private boolean closing;
    private boolean expired;
    private Thread reconnector;
    // Runs only while the current connection is read-only.
    private ReadWriteSeeker seeker;
    // Attempts that failed since the session began; a waiting request fails when it moves.
    private long failedAttempts;

    private Session(List<InetSocketAddress> servers, int requestedTimeoutMs, ClientOptions options,
            Consumer<WatchedEvent> listener) {
        this.rotation = new ServerRotation(servers);
        this.requestedTimeoutMs = requestedTimeoutMs;
        this.options = options;
        this.listener = listener;
    }

    /**
     * Opens a new session on the first of {@code servers} that grants one, trying each once in order and
     * waiting for each at most {@code requestedTimeoutMs} divided among the servers (ZooKeeper's connect
     * timeout). {@code listener} gets SyncConnected (or ConnectedReadOnly) before this returns.
     */
    static Session open(List<InetSocketAddress> servers, int requestedTimeoutMs, ClientOptions options,
            Consumer<WatchedEvent> listener) throws IOException {
        Session session = new Session(servers, requestedTimeoutMs, options, listener);
        int connectTimeoutMs = Math.max(1, requestedTimeoutMs / servers.size());
        IOException failure = null;
        for (int i = 0; i < servers.size(); i++) {
            try {
                Connection first = Connection.open(servers.get(i), session.connectRequest(), connectTimeoutMs,
                        options.juteMaxBuffer(), session);
                synchronized (session.lock) {
                    session.rotation.onConnected(i);
                    session.becomeConnected(first);
                }
                return session;
            } catch (IOException e) {
                failure = e;
            }
        }
        throw failure;
    }

    WatchRegistry watches() {
        return watches;
    }

    State state() {
        synchronized (lock) {
            return state;
        }
    }

    boolean expired() {
        synchronized (lock) {
            return expired;
        }
    }

    /** "host:port" of the server of the current connection, or of the last one. */
    String server() {
        synchronized (lock) {
            return server;
        }
    }

    /** This side's address of the current connection's socket, or null while there is none. */
    java.net.InetSocketAddress localAddress() {
        synchronized (lock) {
            return state == State.CONNECTED ? connection.localAddress() : null;
        }
    }

    long sessionId() {
        synchronized (lock) {
            return sessionId;
        }
    }

    byte[] password() {
        synchronized (lock) {
            return password.clone();
        }
    }

    int sessionTimeoutMs() {
        synchronized (lock) {
            return sessionTimeoutMs;
        }
    }

    /** The current connection, or the last one, is to a server that granted a read-only session. */
    boolean readOnly() {
        synchronized (lock) {
            return readOnly;
        }
    }

    // ---- requests

    /** Sends a request on the current connection, waiting for the next reconnect attempt if there is none. */
    <T> T call(int type, String path, Consumer<JuteOutput> body, Function<JuteInput, T> reply, IntConsumer onReply)
            throws KeeperException, InterruptedException {
        return connectionFor(path).call(type, path, body, reply, onReply);
    }

    /**
     * Sends an AuthPacket and waits for the server's answer; kept, as ZooKeeper's {@code addAuthInfo} keeps
     * it, to be sent again on every new connection. A refused one fails with AuthFailed, and the server then
     * drops the connection, which ends the session as AUTH_FAILED, as ZooKeeper's does.
     */
    void addAuth(String scheme, byte[] auth) throws KeeperException, InterruptedException {
        AuthPacket packet = new AuthPacket(0, scheme, auth);
        Connection current = connectionFor(null);
        synchronized (lock) {
            if (authInfo.stream().noneMatch(known -> known.scheme().equals(scheme) && Arrays.equals(known.auth(), auth))) {
                if (authInfo.size() >= AUTH_INFO_MAX) {
                    throw new IllegalStateException("this client already keeps " + AUTH_INFO_MAX + " identities to send again "
                            + "after a reconnect; refusing another for scheme " + scheme);
                }
                authInfo.add(packet);
            }
        }
        current.addAuth(packet);
    }

    /**
     * The connection to send on. While reconnecting, waits until the next attempt ends (at most the session
     * timeout): the new connection if it succeeded, ConnectionLoss if it failed. SessionExpired once the
     * session ended by expiry or {@link #close}, AuthFailed after a refused auth, as ZooKeeper's
     * {@code ClientCnxn#conLossPacket} answers.
     */
    private Connection connectionFor(String path) throws KeeperException, InterruptedException {
        synchronized (lock) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(sessionTimeoutMs, requestedTimeoutMs));
            long failuresBefore = failedAttempts;
            while (true) {
                switch (state) {
                    case CONNECTED -> {
                        return connection;
                    }
                    case CLOSED -> throw new KeeperException(ErrorCode.SESSIONEXPIRED, path);
                    case AUTH_FAILED -> throw new KeeperException(ErrorCode.AUTHFAILED, path);
                    case CONNECTING -> {
                        long leftNanos = deadline - System.nanoTime();
                        if (failedAttempts != failuresBefore || leftNanos <= 0) {
                            throw new KeeperException(ErrorCode.CONNECTIONLOSS, path);
                        }
                        TimeUnit.NANOSECONDS.timedWait(lock, leftNanos);
                    }
                }
            }
        }
    }

    /**
     * Ends the session. Connected: sends closeSession and waits briefly for its reply; the listener gets
     * Closed. Reconnecting: stops trying, and the listener gets Closed; the server ends the session at its
     * timeout. Does nothing once the session has ended.
     */
    void close() {
        Connection current;
        Thread stopping;
        synchronized (lock) {
            if (closing || state == State.CLOSED || state == State.AUTH_FAILED) {
                return;
            }
            closing = true;
            stopSeeking();
            current = state == State.CONNECTED ? connection : null;
            stopping = reconnector;
            if (current == null) {
                end(State.CLOSED, KeeperState.CLOSED);
            }
        }
        if (current != null) {
            // Its reader thread reports the end, which, since closing is set, ends the session as Closed.
            current.close();
        }
        if (stopping != null) {
            stopping.interrupt();
            try {
                stopping.join(ServerRotation.JITTER_MS_MAX + ServerRotation.ROUND_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- connection events

    @Override
    public void onNotification(WatcherEvent event, long zxid) {
        WatchedEvent watched = new WatchedEvent(EventType.of(event.type()), KeeperState.of(event.state()), event.path(), zxid);
        watches.onNotification(watched.type(), event.path());
        synchronized (lock) {
            deliver(watched);
        }
    }

    @Override
    public void onEnd(Connection ended, Throwable cause, boolean authFailed) {
        synchronized (lock) {
            if (ended != connection || state != State.CONNECTED) {
                return;
            }
            lastZxidSeen = Math.max(lastZxidSeen, ended.lastZxidSeen());
            lastHeardNanos = ended.lastHeardNanos();
            stopSeeking();
            if (closing) {
                end(State.CLOSED, KeeperState.CLOSED);
            } else if (authFailed) {
                end(State.AUTH_FAILED, KeeperState.AUTH_FAILED);
            } else {
                state = State.CONNECTING;
                lock.notifyAll();
                deliver(WatchedEvent.ofState(KeeperState.DISCONNECTED));
                reconnector = new Thread(this::reconnect, "corral-client-reconnect-0x" + Long.toHexString(sessionId));
                reconnector.setDaemon(true);
                reconnector.start();
            }
        }
    }

    /** The seeker found a read-write server while {@code from} was read-only: drop it, and try that server next. */
    private void onReadWriteServer(Connection from, int index) {
        synchronized (lock) {
            if (from != connection || state != State.CONNECTED || closing) {
                return;
            }
            rotation.tryNext(index);
        }
        from.drop();
    }

    // ---- reconnecting (reconnector thread)

    private void reconnect() {
        while (true) {
            ServerRotation.Attempt attempt;
            int index;
            long expiresAtNanos;
            ConnectRequest request;
            int connectTimeoutMs;
            synchronized (lock) {
                if (state != State.CONNECTING || closing) {
                    return;
                }
                expiresAtNanos = lastHeardNanos + TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs * 4L / 3);
                long leftMs = TimeUnit.NANOSECONDS.toMillis(expiresAtNanos - System.nanoTime());
                if (leftMs <= 0) {
                    expire();
                    return;
                }
                attempt = rotation.next();
                index = rotation.lastTriedIndex();
                request = connectRequest();
                connectTimeoutMs = (int) Math.max(1, Math.min(sessionTimeoutMs / rotation.size(), leftMs));
            }
            try {
                // Never past half the time left, so that a session shorter than the pauses still gets attempts.
                long leftMs = TimeUnit.NANOSECONDS.toMillis(expiresAtNanos - System.nanoTime());
                Thread.sleep(Math.max(0, Math.min(attempt.delayMs(), leftMs / 2)));
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - expiresAtNanos >= 0) {
                continue;
            }
            if (tryConnect(attempt.server(), index, request, connectTimeoutMs)) {
                return;
            }
        }
    }

    /** One attempt; true once the session is resumed or has ended, false to try again. */
    private boolean tryConnect(InetSocketAddress address, int index, ConnectRequest request, int connectTimeoutMs) {
        Connection next = null;
        try {
            next = Connection.open(address, request, connectTimeoutMs, options.juteMaxBuffer(), this);
            List<AuthPacket> auths;
            synchronized (lock) {
                auths = List.copyOf(authInfo);
            }
            next.prime(auths, watches.setWatches(request.lastZxidSeen()), connectTimeoutMs);
            synchronized (lock) {
                if (state != State.CONNECTING || closing) {
                    next.close();
                    return true;
                }
                rotation.onConnected(index);
                becomeConnected(next);
            }
            return true;
        } catch (Connection.SessionExpiredException e) {
            synchronized (lock) {
                if (state == State.CONNECTING && !closing) {
                    expire();
                }
            }
            return true;
        } catch (IOException e) {
            if (next != null) {
                next.close();
            }
            synchronized (lock) {
                failedAttempts++;
                lock.notifyAll();
            }
            return false;
        }
    }

    // ---- transitions (under lock)

    private ConnectRequest connectRequest() {
        long resumed = seenReadWriteServer ? sessionId : 0;
        return new ConnectRequest(0, lastZxidSeen, requestedTimeoutMs, resumed, password.clone(), options.canBeReadOnly(), true);
    }

    private void becomeConnected(Connection next) {
        connection = next;
        server = next.server();
        sessionId = next.sessionId();
        password = next.password();
        sessionTimeoutMs = next.sessionTimeoutMs();
        readOnly = next.readOnly();
        seenReadWriteServer |= !readOnly;
        state = State.CONNECTED;
        reconnector = null;
        lock.notifyAll();
        deliver(WatchedEvent.ofState(readOnly ? KeeperState.CONNECTED_READ_ONLY : KeeperState.SYNC_CONNECTED));
        // Started last, so that SyncConnected comes before any notification it reads.
        next.start();
        if (readOnly) {
            seeker = new ReadWriteSeeker(rotation.servers(), rotation.lastConnectedIndex(),
                    index -> onReadWriteServer(next, index), "corral-client-rw-seeker-0x" + Long.toHexString(sessionId));
            seeker.start();
        }
    }

    private void stopSeeking() {
        if (seeker != null) {
            seeker.stop();
            seeker = null;
        }
    }

    /** Hands an event to the listener; its failure must not stop the thread that every request depends on. */
    private void deliver(WatchedEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            // Nothing to tell: the listener is the client's only way to report.
        }
    }

    private void expire() {
        expired = true;
        end(State.CLOSED, KeeperState.EXPIRED);
    }

    private void end(State terminal, KeeperState eventState) {
        state = terminal;
        reconnector = null;
        lock.notifyAll();
        deliver(WatchedEvent.ofState(eventState));
    }
}
