package dev.corral.server;

import dev.corral.tree.CreateMode;
import dev.corral.wire.Acl;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.GetChildrenRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.Xid;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The client side of the warm-up: sessions of a script over a loopback socket to a {@link ScratchShell},
 * in the frames ZooKeeper's Java client sends, encoded with the wire records: a connect, creates of
 * 100-byte values with its open ACL, {@link #WINDOW} in flight as a populating client keeps them, getData,
 * exists with a watch, setData (which fires those watches), getChildren, delete, ping and closeSession.
 *
 * <p>Every reply is checked: one out of order, with an error, missing after {@link #READ_TIMEOUT_MS}, or
 * a connection that ends before its closeSession is answered ends the warm-up with an
 * {@link IllegalStateException} that names it, so that a frame encoded wrongly here cannot pass unseen (a
 * warm-up that met only errors would warm the wrong code). Bounded: a window is {@link #WINDOW} requests,
 * a reply at most {@link #REPLY_BYTES_MAX} bytes, and a session deletes the znodes it created before it
 * closes, so the scratch tree stays small. One warm-up thread uses it.
 */
final class ScratchClient {
    /** Requests in flight at once, as ZooKeeper's client keeps them when it populates asynchronously. */
    static final int WINDOW = 256;
    /** Windows of creates per session: creates are most of what a first client after a start sends. */
    private static final int CREATE_WINDOWS = 4;
    private static final int SESSION_TIMEOUT_MS = 30_000;
    private static final int READ_TIMEOUT_MS = 5_000;
    private static final int REPLY_BYTES_MAX = 1 << 20;
    private static final String PARENT = "/warmup";
    private static final byte[] VALUE = new byte[100];

    private final InetSocketAddress shell;
    private long requests;
    // The connection of the session in progress, closed by abort from another thread; null between sessions.
    private volatile Socket socket;
    // The session in progress: its socket, the xids whose replies are due in order, and the notifications seen.
    private DataInputStream in;
    private DataOutputStream out;
    private final ArrayDeque<Integer> awaited = new ArrayDeque<>();
    private int nextXid;
    private int notifications;

    ScratchClient(InetSocketAddress shell) {
        this.shell = shell;
    }

    /** Requests sent so far, connects included. */
    long requests() {
        return requests;
    }

    /**
     * One session of the script on a new connection; {@code keepGoing} is asked between windows, and a
     * false ends the session where it is (what it left behind goes with the scratch Node).
     */
    void session(int number, BooleanSupplier keepGoing) {
        try (Socket socket = new Socket()) {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.connect(shell, READ_TIMEOUT_MS);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            awaited.clear();
            nextXid = 1;
            script(number, keepGoing);
        } catch (IOException e) {
            throw new IllegalStateException("the warm-up's scratch connection failed: " + e, e);
        } finally {
            socket = null;
            in = null;
            out = null;
        }
    }

    /** Closes the connection of the session in progress, if one is, so that a read waiting on it ends at once. */
    void abort() {
        Socket current = socket;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // Closing is all that was asked; a socket that fails to close is closed as far as it goes.
            }
        }
    }

    private void script(int number, BooleanSupplier keepGoing) throws IOException {
        connect();
        if (number == 0) {
            send(OpCode.CREATE, new CreateRequest(PARENT, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT.flag())::write);
            awaitReplies();
        }
        List<String> paths = new ArrayList<>();
        for (int w = 0; w < CREATE_WINDOWS && keepGoing.getAsBoolean(); w++) {
            for (int i = 0; i < WINDOW; i++) {
                String path = PARENT + "/z-" + (w * WINDOW + i);
                paths.add(path);
                send(OpCode.CREATE, new CreateRequest(path, VALUE, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT.flag())::write);
            }
            awaitReplies();
        }
        List<String> read = paths.subList(0, Math.min(WINDOW, paths.size()));
        if (keepGoing.getAsBoolean()) {
            read.forEach(path -> send(OpCode.GET_DATA, new GetDataRequest(path, false)::write));
            read.forEach(path -> send(OpCode.EXISTS, new ExistsRequest(path, true)::write));
            send(OpCode.GET_CHILDREN, new GetChildrenRequest(PARENT, false)::write);
            send(OpCode.PING, null);
            awaitReplies();
        }
        if (keepGoing.getAsBoolean()) {
            int before = notifications;
            read.forEach(path -> send(OpCode.SET_DATA, new SetDataRequest(path, VALUE, -1)::write));
            awaitReplies();
            if (notifications - before != read.size()) {
                throw new IllegalStateException("setData of " + read.size() + " watched znodes fired " + (notifications - before)
                        + " notifications on the scratch node");
            }
        }
        for (int from = 0; from < paths.size() && keepGoing.getAsBoolean(); from += WINDOW) {
            paths.subList(from, Math.min(paths.size(), from + WINDOW))
                    .forEach(path -> send(OpCode.DELETE, new DeleteRequest(path, -1)::write));
            awaitReplies();
        }
        if (keepGoing.getAsBoolean()) {
            send(OpCode.CLOSE_SESSION, null);
            awaitReplies();
            if (in.read() != -1) {
                throw new IllegalStateException("the scratch node sent more after the reply to closeSession");
            }
        }
    }

    /** The handshake of ZooKeeper's client: a ConnectRequest for a new session, with the readOnly byte. */
    private void connect() throws IOException {
        JuteOutput request = new JuteOutput();
        new ConnectRequest(0, 0, SESSION_TIMEOUT_MS, 0, new byte[16], false, true).write(request);
        write(request);
        out.flush();
        ConnectResponse response = ConnectResponse.read(new JuteInput(nextFrame()));
        if (response.sessionId() == 0 || response.timeOut() <= 0) {
            throw new IllegalStateException("the scratch node refused a session: " + response);
        }
    }

    private void send(int type, Consumer<JuteOutput> body) {
        int xid = type == OpCode.PING ? Xid.PING : nextXid++;
        JuteOutput request = new JuteOutput(128);
        new RequestHeader(xid, type).write(request);
        if (body != null) {
            body.accept(request);
        }
        awaited.addLast(xid);
        try {
            write(request);
        } catch (IOException e) {
            throw new IllegalStateException("the warm-up could not send to its scratch port: " + e, e);
        }
    }

    private void write(JuteOutput frame) throws IOException {
        out.writeInt(frame.size());
        out.write(frame.array(), 0, frame.size());
        requests++;
    }

    /** Sends what is buffered and reads until every request sent has its reply, checking each. */
    private void awaitReplies() throws IOException {
        out.flush();
        while (!awaited.isEmpty()) {
            JuteInput reply = new JuteInput(nextFrame());
            ReplyHeader header = ReplyHeader.read(reply);
            if (header.xid() == Xid.NOTIFICATION) {
                notifications++;
                continue;
            }
            int expected = awaited.removeFirst();
            if (header.xid() != expected) {
                throw new IllegalStateException("the scratch node answered xid " + header.xid() + " where xid " + expected + " was due");
            }
            if (header.err() != ErrorCode.OK) {
                throw new IllegalStateException("the scratch node answered xid " + header.xid() + " with error " + header.err());
            }
        }
    }

    private byte[] nextFrame() throws IOException {
        try {
            int length = in.readInt();
            if (length < 0 || length > REPLY_BYTES_MAX) {
                throw new IllegalStateException("the scratch node sent a frame of " + length + " bytes");
            }
            byte[] frame = new byte[length];
            in.readFully(frame);
            return frame;
        } catch (EOFException e) {
            throw new IllegalStateException("the scratch node closed the connection with " + awaited.size() + " replies due");
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no reply from the scratch node within " + READ_TIMEOUT_MS + " ms, " + awaited.size()
                    + " due");
        }
    }
}
