package dev.corral.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder in front of a port (a server's client port, or a quorum or election port), which
 * a test disturbs as a network would:
 * <ul>
 *   <li>{@link #cut}: every connection closed, and each new one as soon as it is accepted, until
 *       {@link #restore} (a client loses its connection while its session lives on);</li>
 *   <li>{@link #silence}: the connections open now stay open but nothing more gets through, as when a
 *       network drops packets without a word; new connections work;</li>
 *   <li>{@link #delay}: every chunk waits before it is forwarded, in order, until the delay is set to zero;</li>
 *   <li>{@link #cutAtNextReply}: the next bytes a server sends are not forwarded, and their connection is
 *       closed instead, as when a server closes a connection after a request reached it and before its reply
 *       left (the request takes effect, the client never learns it).</li>
 * </ul>
 * It counts the connections it accepts, so that a test can see a client trying.
 *
 * <p>Each connection takes two daemon threads, one per direction; at most {@value #CONNECTIONS_MAX}
 * connections are accepted over the proxy's life.
 */
public final class TcpProxy implements AutoCloseable {
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int CONNECTIONS_MAX = 10_000;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    /** The two sockets of one forwarded connection; once silent, it never forwards again. */
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
    private volatile int targetPort;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean cut;
    private volatile long delayNanos;
    private final AtomicBoolean cutAtReply = new AtomicBoolean();

    private TcpProxy(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
    }

    /** A proxy on a free loopback port forwarding to 127.0.0.1:{@code targetPort}. */
    public static TcpProxy start(int targetPort) throws IOException {
        TcpProxy proxy = new TcpProxy(Ports.bindFresh(50), targetPort);
        Thread acceptor = new Thread(proxy::acceptLoop, "tcp-proxy-accept-" + proxy.port());
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String connectString() {
        return "127.0.0.1:" + port();
    }

    /** New connections go to 127.0.0.1:{@code port} from now on; those open now stay where they are. */
    public void retarget(int port) {
        targetPort = port;
    }

    /** Connections accepted so far, including those closed at once while cut. */
    public int accepted() {
        return accepted.get();
    }

    /** Closes every connection, and each new one as soon as it is accepted, until {@link #restore}. */
    public void cut() {
        cut = true;
        pairs.forEach(Pair::close);
    }

    /** Ends a {@link #cut}: new connections are forwarded again. */
    public void restore() {
        cut = false;
    }

    /** Lets nothing more through on the connections open now, and closes none of them. */
    public void silence() {
        pairs.forEach(pair -> pair.silent = true);
    }

    /** From now on every chunk read waits {@code delay} before it is written on (zero: no delay). */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay " + delay + " is negative");
        }
        delayNanos = delay.toNanos();
    }

    /**
     * Arms a one-time cut: the next chunk any server sends through this proxy is dropped and its connection
     * closed; later connections are forwarded as usual.
     */
    public void cutAtNextReply() {
        cutAtReply.set(true);
    }

    private void acceptLoop() {
        while (!listener.isClosed() && accepted.get() < CONNECTIONS_MAX) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // listener closed
            }
            accepted.incrementAndGet();
            if (cut) {
                closeQuietly(client);
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), CONNECT_TIMEOUT_MS);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
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
            pump(pair, client, server, "up", false);
            pump(pair, server, client, "down", true);
        }
    }

    private void pump(Pair pair, Socket from, Socket to, String direction, boolean fromServer) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    long delay = delayNanos;
                    if (delay > 0) {
                        Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000)); // the injected latency itself
                    }
                    if (fromServer && cutAtReply.compareAndSet(true, false)) {
                        break; // the reply is dropped; the pair closes below
                    }
                    if (!pair.silent) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            } catch (IOException | InterruptedException e) {
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
        cut();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing is best effort: nothing more to do with it.
        }
    }
}
