package dev.corral.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * While a session is read-only, looks for a server of the connect string that serves read-write, as
 * ZooKeeper 3.9's {@code ClientCnxn.SendThread#pingRwServer} does: it asks the servers in turn, starting
 * with the one after the current server (the current one too, if it is the only one), the four-letter word
 * {@code isro}, first after {@link #INTERVAL_MS_MIN} and then at intervals doubling up to
 * {@link #INTERVAL_MS_MAX} (ZooKeeper's minPingRwTimeout and maxPingRwTimeout). The first server to answer
 * "rw" is handed to {@code found}, and the search ends: the session then drops its read-only connection and
 * connects there. A server that does not answer "rw" (down, read-only, or with isro off its four-letter-word
 * whitelist) is passed over.
 *
 * <p>One daemon thread per read-only connection, ended by {@link #stop} when that connection ends; each
 * probe is bounded by {@link #PROBE_TIMEOUT_MS} to connect and as long to answer.
 */
final class ReadWriteSeeker {
    static final long INTERVAL_MS_MIN = 100;
    static final long INTERVAL_MS_MAX = 60_000;
    static final int PROBE_TIMEOUT_MS = 1_000;
    /** More than any answer to isro ("rw", "ro", or the whitelist's refusal) needs. */
    private static final int ANSWER_BYTES_MAX = 256;

    private final List<InetSocketAddress> servers;
    private final int currentIndex;
    private final IntConsumer found;
    private final Thread thread;

    /** {@code found} gets the index in {@code servers} of a read-write server, on the seeker's thread, at most once. */
    ReadWriteSeeker(List<InetSocketAddress> servers, int currentIndex, IntConsumer found, String name) {
        if (currentIndex < 0 || currentIndex >= servers.size()) {
            throw new IllegalArgumentException("server index " + currentIndex + " of " + servers.size());
        }
        this.servers = List.copyOf(servers);
        this.currentIndex = currentIndex;
        this.found = found;
        this.thread = new Thread(this::seek, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        thread.interrupt();
    }

    private void seek() {
        long intervalMs = INTERVAL_MS_MIN;
        int index = currentIndex;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(intervalMs);
                intervalMs = Math.min(2 * intervalMs, INTERVAL_MS_MAX);
                index = (index + 1) % servers.size();
                if (servesReadWrite(servers.get(index)) && !Thread.currentThread().isInterrupted()) {
                    found.accept(index);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // Stopped: the read-only connection ended.
        }
    }

    /** Whether {@code server} answers isro with "rw"; no answer, or any other, is a no. */
    static boolean servesReadWrite(InetSocketAddress server) {
        InetSocketAddress resolved = new InetSocketAddress(server.getHostString(), server.getPort());
        if (resolved.isUnresolved()) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(resolved, PROBE_TIMEOUT_MS);
            socket.setSoTimeout(PROBE_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write("isro".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // The server answers and closes the connection.
            String answer = new String(in.readNBytes(ANSWER_BYTES_MAX), StandardCharsets.US_ASCII);
            return answer.strip().equals("rw");
        } catch (IOException e) {
            return false;
        }
    }
}
