package dev.corral.cli.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a server's client port, which a test can cut ({@link #cut}: every connection
 * closed, new ones closed as soon as accepted, until {@link #restore}) or whose open connections it can
 * silence ({@link #silence}: they stay open but nothing gets through any more, as when a network drops a
 * connection without a word; new connections work). It counts the connections it accepts, so that a test
 * can see a client trying.
 *
 * <p>Each connection takes two threads, one per direction; a test opens a handful.
 */
final class TcpProxy implements AutoCloseable {
    /** The two sockets of one proxied connection; once silent, it never forwards again. */
    private static final class Pair {
        final Socket client;
        final Socket server;
        volatile boolean silent;

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean cut;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Connections accepted so far, including those closed at once while cut. */
    int accepted() {
        return accepted.get();
    }

    /** Closes every connection, and each new one as soon as it is accepted, until {@link #restore}. */
    void cut() {
        cut = true;
        pairs.forEach(Pair::close);
    }

    /** Lets nothing more through on the connections open now, and closes none of them. */
    void silence() {
        pairs.forEach(pair -> pair.silent = true);
    }

    void restore() {
        cut = false;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            if (cut) {
                closeQuietly(client);
                continue;
            }
            Socket server;
            try {
                server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            Pair pair = new Pair(client, server);
            pairs.add(pair);
            if (cut) {
                // cut() ran since the check above and did not see this pair.
                pair.close();
                pairs.remove(pair);
                continue;
            }
            pump(pair, client, server, "up");
            pump(pair, server, client, "down");
        }
    }

    private void pump(Pair pair, Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (!pair.silent) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // Either side went away: the pair ends below.
            } finally {
                pair.close();
                pairs.remove(pair);
            }
        }, "tcp-proxy-" + direction + "-" + from.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        pairs.forEach(Pair::close);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Nothing more to do with it.
        }
    }
}
