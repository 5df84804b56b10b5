package dev.corral.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A loopback TCP forwarder between clients and a server, which a test can {@link #cut} to make a
 * client lose its connection while its session lives on, then {@link #restore}. Used for
 * reconnects (setWatches) and for session expiry with the official client.
 *
 * <p>While cut, every live connection is closed and new ones are accepted then closed at once.
 */
final class TcpProxy implements AutoCloseable {

    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int CONNECTIONS_MAX = 10_000;

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> live = new HashSet<>();
    private boolean refusing;

    private TcpProxy(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
    }

    static TcpProxy start(int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(listener, targetPort);
        Thread acceptor = new Thread(proxy::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Closes every forwarded connection and refuses new ones until {@link #restore}. */
    synchronized void cut() {
        refusing = true;
        closeAll(List.copyOf(live));
        live.clear();
    }

    synchronized void restore() {
        refusing = false;
    }

    private void acceptLoop() {
        for (int accepted = 0; accepted < CONNECTIONS_MAX && !listener.isClosed(); accepted++) {
            try {
                Socket client = listener.accept();
                if (!forward(client)) {
                    client.close();
                }
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    /** Connects upstream and starts both pumps; false if refusing. */
    private boolean forward(Socket client) throws IOException {
        synchronized (this) {
            if (refusing) {
                return false;
            }
        }
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        synchronized (this) {
            if (refusing) {
                server.close();
                return false;
            }
            live.add(client);
            live.add(server);
        }
        pump(client, server);
        pump(server, client);
        return true;
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side closed: tear down both below
            } finally {
                closeAll(List.of(from, to));
                forget(from, to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void forget(Socket from, Socket to) {
        live.remove(from);
        live.remove(to);
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
