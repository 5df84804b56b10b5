package dev.corral.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tree.CreateMode;
import dev.corral.wire.Acl;
import dev.corral.wire.AuthPacket;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateTTLRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.GetACLRequest;
import dev.corral.wire.GetChildrenRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.JuteInput;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReplyHeader;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.WatcherEvent;
import dev.corral.wire.Xid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One client connection to a {@link Node} hosted by a {@link SimShell}, speaking the real wire format:
 * it encodes ConnectRequests and requests with the {@code dev.corral.wire} records, and keeps and decodes
 * the frames the Node sends it. Every frame it receives is checked for a correct length prefix.
 */
final class FrameClient {
    private final SimShell shell;
    final long connectionId;
    private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
    /** Notifications {@link #call} skipped over while waiting for its reply, in arrival order. */
    final List<Reply> notifications = new ArrayList<>();
    private boolean closed;
    private int nextXid = 1;
    long sessionId;
    byte[] password;

    FrameClient(SimShell shell, long connectionId) {
        this.shell = shell;
        this.connectionId = connectionId;
    }

    /** A decoded frame after the handshake: its header and the bytes of its body. */
    record Reply(ReplyHeader header, byte[] body) {
        int xid() {
            return header.xid();
        }

        long zxid() {
            return header.zxid();
        }

        int err() {
            return header.err();
        }

        boolean isNotification() {
            return header.xid() == Xid.NOTIFICATION;
        }

        <T> T read(Function<JuteInput, T> reader) {
            JuteInput in = new JuteInput(body);
            T value = reader.apply(in);
            assertThat(in.remaining()).as("bytes left after the body").isZero();
            return value;
        }

        WatcherEvent event() {
            return read(WatcherEvent::read);
        }
    }

    void received(byte[] frame) {
        assertThat(closed).as("frame sent after Close").isFalse();
        inbox.addLast(frame);
    }

    void closedByNode() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    boolean hasPending() {
        return !inbox.isEmpty();
    }

    // The handshake.

    ConnectResponse connect(int timeoutMs) {
        ConnectResponse response = handshake(new ConnectRequest(0, 0, timeoutMs, 0, new byte[16], false, true));
        sessionId = response.sessionId();
        password = response.passwd();
        return response;
    }

    ConnectResponse handshake(ConnectRequest request) {
        JuteOutput out = new JuteOutput();
        request.write(out);
        sendRaw(out.toByteArray());
        return nextConnectResponse();
    }

    ConnectResponse nextConnectResponse() {
        return ConnectResponse.read(new JuteInput(nextPayload()));
    }

    /** The payload of the next frame, after checking its length prefix. */
    byte[] nextPayload() {
        assertThat(inbox).as("frames for connection " + connectionId).isNotEmpty();
        byte[] frame = inbox.removeFirst();
        JuteInput in = new JuteInput(frame);
        int length = in.readInt();
        assertThat(length).as("length prefix").isEqualTo(frame.length - Integer.BYTES);
        byte[] payload = new byte[length];
        System.arraycopy(frame, Integer.BYTES, payload, 0, length);
        return payload;
    }

    // Requests.

    void sendRaw(byte[] frameWithoutLength) {
        shell.frame(connectionId, frameWithoutLength);
    }

    int send(int type, Consumer<JuteOutput> body) {
        int xid = nextXid++;
        sendWithXid(xid, type, body);
        return xid;
    }

    void sendWithXid(int xid, int type, Consumer<JuteOutput> body) {
        JuteOutput out = new JuteOutput();
        new RequestHeader(xid, type).write(out);
        if (body != null) {
            body.accept(out);
        }
        sendRaw(out.toByteArray());
    }

    Reply next() {
        byte[] payload = nextPayload();
        JuteInput in = new JuteInput(payload);
        ReplyHeader header = ReplyHeader.read(in);
        byte[] body = new byte[in.remaining()];
        System.arraycopy(payload, payload.length - body.length, body, 0, body.length);
        return new Reply(header, body);
    }

    /** Every frame received so far, decoded, in order. */
    List<Reply> drain() {
        List<Reply> replies = new ArrayList<>();
        while (!inbox.isEmpty()) {
            replies.add(next());
        }
        return replies;
    }

    /** Sends a request and returns its reply; notifications received meanwhile go to {@link #notifications}. */
    Reply call(int type, Consumer<JuteOutput> body) {
        return callWithXid(nextXid++, type, body);
    }

    Reply callWithXid(int xid, int type, Consumer<JuteOutput> body) {
        sendWithXid(xid, type, body);
        Reply reply = null;
        for (Reply frame : drain()) {
            if (frame.isNotification()) {
                notifications.add(frame);
            } else {
                assertThat(reply).as("a second reply to xid " + xid).isNull();
                assertThat(frame.xid()).as("reply xid").isEqualTo(xid);
                reply = frame;
            }
        }
        assertThat(reply).as("reply to xid " + xid).isNotNull();
        return reply;
    }

    /** The notifications received so far (those {@link #call} set aside first); fails on any other frame. */
    List<Reply> takeNotificationFrames() {
        for (Reply frame : drain()) {
            assertThat(frame.isNotification()).as("only notifications expected, got xid " + frame.xid()).isTrue();
            notifications.add(frame);
        }
        List<Reply> taken = new ArrayList<>(notifications);
        notifications.clear();
        return taken;
    }

    List<WatcherEvent> takeNotifications() {
        List<WatcherEvent> events = new ArrayList<>();
        for (Reply frame : takeNotificationFrames()) {
            events.add(frame.event());
        }
        return events;
    }

    // Shorthands for the requests the tests use.

    Reply create(String path, CreateMode mode) {
        return create(path, Acl.OPEN_ACL_UNSAFE, mode);
    }

    Reply create(String path, List<Acl> acl, CreateMode mode) {
        return call(OpCode.CREATE2, new CreateRequest(path, new byte[0], acl, mode.flag())::write);
    }

    Reply createContainer(String path) {
        return call(OpCode.CREATE_CONTAINER,
                new CreateRequest(path, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.CONTAINER.flag())::write);
    }

    Reply createTtl(String path, long ttlMs) {
        return call(OpCode.CREATE_TTL, new CreateTTLRequest(path, new byte[0], Acl.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_WITH_TTL.flag(), ttlMs)::write);
    }

    Reply setData(String path, String data, int version) {
        return call(OpCode.SET_DATA, new SetDataRequest(path, data.getBytes(StandardCharsets.UTF_8), version)::write);
    }

    Reply delete(String path) {
        return call(OpCode.DELETE, new DeleteRequest(path, -1)::write);
    }

    Reply getData(String path, boolean watch) {
        return call(OpCode.GET_DATA, new GetDataRequest(path, watch)::write);
    }

    Reply exists(String path, boolean watch) {
        return call(OpCode.EXISTS, new ExistsRequest(path, watch)::write);
    }

    Reply getChildren(String path, boolean watch) {
        return call(OpCode.GET_CHILDREN, new GetChildrenRequest(path, watch)::write);
    }

    Reply getAcl(String path) {
        return call(OpCode.GET_ACL, new GetACLRequest(path)::write);
    }

    Reply addAuth(String scheme, String auth) {
        return callWithXid(Xid.AUTH_PACKET, OpCode.AUTH, new AuthPacket(0, scheme, auth.getBytes(StandardCharsets.UTF_8))::write);
    }

    Reply sasl(byte[] token) {
        return call(dev.corral.wire.OpCode.SASL, new dev.corral.wire.GetSASLRequest(token)::write);
    }

    /** whoAmI's identities as "scheme:user". */
    List<String> whoAmI() {
        Reply reply = call(dev.corral.wire.OpCode.WHO_AM_I, null);
        assertThat(reply.err()).as("whoAmI").isZero();
        return reply.read(dev.corral.wire.WhoAmIResponse::read).clientInfo().stream()
                .map(info -> info.authScheme() + ":" + info.user()).toList();
    }

    Reply ping() {
        return callWithXid(Xid.PING, OpCode.PING, null);
    }

    Reply closeSession() {
        return call(OpCode.CLOSE_SESSION, null);
    }

    void closeConnection() {
        shell.closeByClient(this);
    }
}
