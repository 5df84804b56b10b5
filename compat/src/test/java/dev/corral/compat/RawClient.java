package dev.corral.compat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal ZooKeeper client speaking the wire protocol directly over a {@link Socket}, for what the
 * official client hides or validates away: malformed requests, exact reply headers, frame limits,
 * sessions that stop pinging.
 *
 * <pre>
 * frame           = int length (excluding itself), payload
 * ConnectRequest  = int protocolVersion, long lastZxidSeen, int timeOut, long sessionId, buffer passwd, boolean readOnly
 * ConnectResponse = int protocolVersion, int timeOut, long sessionId, buffer passwd, boolean readOnly
 * request         = int xid, int type, body
 * reply           = int xid, long zxid, int err, body      (xid -1: notification, body = WatcherEvent)
 * WatcherEvent    = int type, int state, ustring path
 * </pre>
 *
 * Source: ZooKeeper 3.9 ClientCnxn, ProtocolManager, zookeeper.jute. Not thread-safe: one test
 * thread drives one instance. Every read is bounded by the socket timeout.
 */
final class RawClient implements AutoCloseable {

    static final int NOTIFICATION_XID = -1;
    static final int PING_XID = -2;
    static final int AUTH_XID = -4;
    static final int SET_WATCHES_XID = -8;

    /** Opcodes, ZooDefs.OpCode in ZooKeeper 3.9. */
    static final int CREATE = 1;
    static final int DELETE = 2;
    static final int EXISTS = 3;
    static final int GET_DATA = 4;
    static final int SET_DATA = 5;
    static final int GET_CHILDREN = 8;
    static final int SYNC = 9;
    static final int PING = 11;
    static final int MULTI = 14;
    static final int CREATE2 = 15;
    static final int CHECK_WATCHES = 17;
    static final int REMOVE_WATCHES = 18;
    static final int CREATE_TTL = 21;
    static final int AUTH = 100;
    static final int SET_WATCHES = 101;
    static final int SASL = 102;
    static final int CLOSE_SESSION = -11;

    static final int READ_TIMEOUT_MS = 10_000;
    private static final int NOTIFICATIONS_MAX = 10_000;
    private static final int REPLY_HEADER_BYTES = 16;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final List<Notification> notifications = new ArrayList<>();
    private int nextXid = 1;
    private ConnectResponse session;

    record ConnectResponse(int protocolVersion, int timeoutMs, long sessionId, byte[] password) {
        boolean valid() {
            return timeoutMs > 0;
        }
    }

    record Reply(int xid, long zxid, int err, byte[] body) {
        Jute.Reader reader() {
            return new Jute.Reader(body);
        }
    }

    record Notification(long zxid, int type, int state, String path) {
    }

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    /** Opens a TCP connection to 127.0.0.1:port without any handshake. */
    static RawClient open(int port) throws IOException {
        return open(port, READ_TIMEOUT_MS);
    }

    /** Like {@link #open(int)}, with every read and the connect bounded by {@code readTimeoutMs}. */
    static RawClient open(int port, int readTimeoutMs) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(readTimeoutMs);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), readTimeoutMs);
            return new RawClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Opens a connection and creates a new session; fails if the server refuses it. */
    static RawClient connect(int port, int sessionTimeoutMs) throws IOException {
        return connect(port, sessionTimeoutMs, READ_TIMEOUT_MS);
    }

    static RawClient connect(int port, int sessionTimeoutMs, int readTimeoutMs) throws IOException {
        RawClient client = open(port, readTimeoutMs);
        try {
            ConnectResponse response = client.handshake(0L, 0L, new byte[16], sessionTimeoutMs);
            if (!response.valid()) {
                throw new IOException("server refused a new session: " + response);
            }
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Sends a ConnectRequest (with the trailing readOnly byte, as 3.9 clients do) and reads the response. */
    ConnectResponse handshake(long lastZxidSeen, long sessionId, byte[] password, int sessionTimeoutMs)
            throws IOException {
        sendConnectRequest(lastZxidSeen, sessionId, password, sessionTimeoutMs);
        return readConnectResponse();
    }

    /** Sends a ConnectRequest without waiting for its response, as the official client does. */
    void sendConnectRequest(long lastZxidSeen, long sessionId, byte[] password, int sessionTimeoutMs) throws IOException {
        writeFrame(new Jute.Writer()
                .writeInt(0)
                .writeLong(lastZxidSeen)
                .writeInt(sessionTimeoutMs)
                .writeLong(sessionId)
                .writeBuffer(password)
                .writeBoolean(false)
                .toByteArray());
    }

    /** Reads the next frame as a ConnectResponse. */
    ConnectResponse readConnectResponse() throws IOException {
        Jute.Reader reader = new Jute.Reader(readFrame());
        session = new ConnectResponse(reader.readInt(), reader.readInt(), reader.readLong(), reader.readBuffer());
        return session;
    }

    /** The response to this connection's handshake: session id, password and negotiated timeout. */
    ConnectResponse session() {
        if (session == null) {
            throw new IllegalStateException("no handshake on this connection yet");
        }
        return session;
    }

    /** Sends a request with the next ordinary xid and returns its reply; notifications are kept aside. */
    Reply call(int opcode, byte[] body) throws IOException {
        int xid = nextXid++;
        return call(xid, opcode, body);
    }

    Reply call(int xid, int opcode, byte[] body) throws IOException {
        send(xid, opcode, body);
        Reply reply = readReply();
        if (reply.xid() != xid) {
            throw new IOException("expected the reply to xid " + xid + " but got " + reply);
        }
        return reply;
    }

    void send(int xid, int opcode, byte[] body) throws IOException {
        writeFrame(new Jute.Writer().writeInt(xid).writeInt(opcode).writeBytes(body).toByteArray());
    }

    /** Reads the next reply that is not a notification, collecting notifications on the way. */
    Reply readReply() throws IOException {
        for (int i = 0; i <= NOTIFICATIONS_MAX; i++) {
            byte[] frame = readFrame();
            ByteBuffer header = ByteBuffer.wrap(frame, 0, REPLY_HEADER_BYTES);
            int xid = header.getInt();
            long zxid = header.getLong();
            int err = header.getInt();
            byte[] body = Arrays.copyOfRange(frame, REPLY_HEADER_BYTES, frame.length);
            if (xid != NOTIFICATION_XID) {
                return new Reply(xid, zxid, err, body);
            }
            Jute.Reader event = new Jute.Reader(body);
            notifications.add(new Notification(zxid, event.readInt(), event.readInt(), event.readString()));
        }
        throw new IOException("more than " + NOTIFICATIONS_MAX + " notifications without a reply");
    }

    /** Sends a ping and returns once its reply arrived: every notification sent before it is then collected. */
    Reply ping() throws IOException {
        return call(PING_XID, PING, new byte[0]);
    }

    /**
     * Sends {@code sync} and returns once its reply arrived: the server this client is on has then
     * applied every write committed before the sync, and sent the notifications those writes fired.
     * A test whose writes go through another client (on another member of an ensemble) needs this
     * where a standalone server would need only {@link #ping()}.
     */
    Reply sync(String path) throws IOException {
        Reply reply = call(SYNC, new Jute.Writer().writeString(path).toByteArray());
        if (reply.err() != 0) {
            throw new IOException("sync " + path + " failed: " + reply);
        }
        return reply;
    }

    void setReadTimeout(int readTimeoutMs) throws IOException {
        socket.setSoTimeout(readTimeoutMs);
    }

    /** Notifications received so far, in arrival order. */
    List<Notification> notifications() {
        return List.copyOf(notifications);
    }

    /** Closes the session with closeSession (opcode -11), then the socket. */
    void closeSession() throws IOException {
        try {
            call(CLOSE_SESSION, new byte[0]);
        } finally {
            close();
        }
    }

    void writeFrame(byte[] payload) throws IOException {
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    /** Writes bytes as they are, without a length prefix. */
    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Whether the server closes this connection within {@code bound}: reads (and discards) until
     * end of stream or a reset, giving up at the deadline.
     */
    boolean closedByServerWithin(Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        byte[] sink = new byte[4096];
        while (System.nanoTime() < deadline) {
            int remainingMs = (int) Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
            socket.setSoTimeout(remainingMs);
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // connection reset by the server
            }
        }
        return false;
    }

    private byte[] readFrame() throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 64 * 1024 * 1024) {
            throw new IOException("implausible frame length from server: " + length);
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return payload;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

}
