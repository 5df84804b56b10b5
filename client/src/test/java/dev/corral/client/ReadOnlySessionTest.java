package dev.corral.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.ConnectRequest;
import dev.corral.wire.ConnectResponse;
import dev.corral.wire.Frames;
import dev.corral.wire.JuteInput;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A read-only session end to end, against two loopback servers that speak just enough of the protocol (the
 * handshake, and isro): one read-only, one read-write. A client with canBeReadOnly takes the read-only
 * session of the first server, finds the second read-write with isro, drops the first and asks the second
 * for a new session (id 0: it has seen no read-write server, ZooKeeper 3.9's
 * {@code ClientCnxn.SendThread#primeConnection}), which it gets. The compat module's EnsembleReadOnlyTest
 * runs the same client against real servers in read-only mode.
 */
class ReadOnlySessionTest {
    private static final long BOUND_S = 10;
    private static final int SESSION_TIMEOUT_MS = 30_000;

    /** A server that grants every ConnectRequest a session, read-only or not, and answers isro to match. */
    private static final class HandshakeOnlyServer implements AutoCloseable {
        final ServerSocket listener;
        final boolean readOnly;
        final long sessionId;
        final List<ConnectRequest> requests = new CopyOnWriteArrayList<>();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();

        HandshakeOnlyServer(boolean readOnly, long sessionId) throws IOException {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.readOnly = readOnly;
            this.sessionId = sessionId;
            Thread acceptor = new Thread(this::accept, "handshake-only-server-" + listener.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String address() {
            return "127.0.0.1:" + listener.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket socket = listener.accept();
                    sockets.add(socket);
                    serve(socket);
                }
            } catch (IOException e) {
                // Closed at the end of the test.
            }
        }

        /** One connection at a time: the test's client makes few, and never two at once to one server. */
        private void serve(Socket socket) throws IOException {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_S));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] head = in.readNBytes(4);
            if (new String(head, StandardCharsets.US_ASCII).equals("isro")) {
                socket.getOutputStream().write((readOnly ? "ro" : "rw").getBytes(StandardCharsets.US_ASCII));
                socket.close();
                return;
            }
            int length = new DataInputStream(new java.io.ByteArrayInputStream(head)).readInt();
            byte[] frame = in.readNBytes(length);
            ConnectRequest request = ConnectRequest.read(new JuteInput(frame));
            requests.add(request);
            ConnectResponse response = new ConnectResponse(0, SESSION_TIMEOUT_MS, sessionId, new byte[16], readOnly);
            socket.getOutputStream().write(Frames.frame(out -> response.write(out, request.readOnlyPresent())));
            // The connection stays open, unread, until the client drops it or the test ends.
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aReadOnlySessionMovesToAReadWriteServerOfTheConnectStringAsANewSession() throws Exception {
        try (HandshakeOnlyServer readOnly = new HandshakeOnlyServer(true, 0x111);
                HandshakeOnlyServer readWrite = new HandshakeOnlyServer(false, 0x222)) {
            BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
            Watcher watcher = event -> states.add(event.state());

            try (CorralClient client = CorralClient.connect(readOnly.address() + "," + readWrite.address(), SESSION_TIMEOUT_MS,
                    watcher, ClientOptions.defaults().withCanBeReadOnly(true))) {
                assertThat(states.poll(BOUND_S, TimeUnit.SECONDS)).isEqualTo(KeeperState.CONNECTED_READ_ONLY);
                assertThat(states.poll(BOUND_S, TimeUnit.SECONDS)).isEqualTo(KeeperState.DISCONNECTED);
                assertThat(states.poll(BOUND_S, TimeUnit.SECONDS)).isEqualTo(KeeperState.SYNC_CONNECTED);

                assertThat(client.isReadOnly()).isFalse();
                assertThat(client.server()).isEqualTo(readWrite.address());
                assertThat(client.sessionId()).isEqualTo(0x222);
                assertThat(readOnly.requests).singleElement().satisfies(request -> assertThat(request.readOnly()).isTrue());
                assertThat(readWrite.requests).singleElement().satisfies(request -> {
                    assertThat(request.readOnly()).isTrue();
                    assertThat(request.sessionId()).as("a new session, not the read-only server's").isZero();
                });
            }
        }
    }

    @Test
    void aClientThatIsNotReadOnlyAsksForAReadWriteSession() throws Exception {
        try (HandshakeOnlyServer readWrite = new HandshakeOnlyServer(false, 0x333)) {
            BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();

            try (CorralClient client = CorralClient.connect(readWrite.address(), SESSION_TIMEOUT_MS, event -> states.add(event.state()))) {
                assertThat(states.poll(BOUND_S, TimeUnit.SECONDS)).isEqualTo(KeeperState.SYNC_CONNECTED);
                assertThat(client.isReadOnly()).isFalse();
                assertThat(readWrite.requests).singleElement().satisfies(request -> {
                    assertThat(request.readOnly()).isFalse();
                    assertThat(request.readOnlyPresent()).isTrue();
                });
            }
        }
    }
}
