package dev.corral.compat;

import dev.corral.wire.fuzz.RequestGrammar;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One hostile client of the network fuzzer: over raw sockets it opens connection after connection, makes a
 * handshake (a new session, a session another hostile connection made, or a hostile ConnectRequest), then
 * sends {@link RequestGrammar} frames, a few with a lying length prefix, until the server closes the
 * connection or a per-connection count is reached. It reads and drops what comes back, so the server is
 * never held up by a full socket buffer. Bounded by a shared frame budget and a deadline; {@link #stop}
 * closes its socket so that no write blocks past the deadline.
 *
 * <p>Over TLS (a socket factory given): each connection makes a TLS handshake and then fuzzes inside it, and
 * now and then writes a corrupt TLS record onto the raw socket in the middle of the session; one connection
 * in {@value #MALFORMED_TLS_ONE_IN} sends malformed TLS records instead of a handshake ({@link #sendMalformedTls}).
 */
final class HostileClient implements Runnable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int HANDSHAKE_TIMEOUT_MS = 5_000;
    private static final int FRAMES_PER_CONNECTION_MAX = 400;
    static final int MALFORMED_TLS_ONE_IN = 8;
    private static final int CORRUPT_RECORD_ONE_IN = 300;
    private static final int MALFORMED_READ_MS = 200;
    private static final byte TLS_HANDSHAKE = 0x16;

    /** Sessions the hostile clients made, as {sessionId, password}, for others to resume or steal. */
    static final List<Object[]> SESSIONS = new CopyOnWriteArrayList<>();

    private final int port;
    private final Random random;
    private final RequestGrammar grammar;
    private final AtomicLong framesLeft;
    private final AtomicLong framesSent;
    private final AtomicLong connections;
    private final long stopAtNs;
    private final RecentFrames recent;
    // Null for plain TCP.
    private final SSLSocketFactory tls;
    private volatile Socket socket;
    private volatile boolean stopped;

    /** The last frames sent by all hostile clients, for the post-mortem of a server that died. */
    static final class RecentFrames {
        private static final int KEPT = 400;
        private final Deque<String> frames = new ArrayDeque<>();

        synchronized void add(String frame) {
            if (frames.size() == KEPT) {
                frames.removeFirst();
            }
            frames.addLast(frame);
        }

        synchronized List<String> last(int count) {
            List<String> all = List.copyOf(frames);
            return all.subList(Math.max(0, all.size() - count), all.size());
        }
    }

    HostileClient(int port, long seed, boolean zooKeeperKillers, AtomicLong framesLeft, AtomicLong framesSent,
            AtomicLong connections, long stopAtNs, RecentFrames recent, SSLSocketFactory tls) {
        this.tls = tls;
        this.port = port;
        this.random = new Random(seed);
        RequestGrammar grammar = new RequestGrammar(new Random(seed ^ 0x5DEECE66DL), "/", 8);
        this.grammar = zooKeeperKillers ? grammar : grammar.withoutZooKeeperKillers();
        this.framesLeft = framesLeft;
        this.framesSent = framesSent;
        this.connections = connections;
        this.stopAtNs = stopAtNs;
        this.recent = recent;
    }

    @Override
    public void run() {
        while (!stopped && System.nanoTime() < stopAtNs && framesLeft.get() > 0) {
            try (Socket s = new Socket()) {
                socket = s;
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
                connections.incrementAndGet();
                if (tls == null) {
                    fuzzOneConnection(s, s);
                } else if (random.nextInt(MALFORMED_TLS_ONE_IN) == 0) {
                    sendMalformedTls(s);
                } else {
                    SSLSocket secure = (SSLSocket) tls.createSocket(s, "127.0.0.1", port, true);
                    socket = secure;
                    secure.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
                    secure.startHandshake();
                    fuzzOneConnection(secure, s);
                }
            } catch (IOException closedByServer) {
                // The server closing a hostile connection is an expected outcome; open another.
            }
        }
    }

    void stop() throws IOException {
        stopped = true;
        Socket s = socket;
        if (s != null) {
            s.close();
        }
    }

    /**
     * Malformed TLS where a handshake should be: a record whose length lies (longer than what follows, or
     * past TLS's 2^14 + 2048 bound), a handshake record of random bytes, a ClientHello cut short, application
     * data before any handshake, or a long run of random bytes after the handshake record type. Then it reads
     * briefly (whatever the server answers, an alert or nothing) and closes.
     */
    private void sendMalformedTls(Socket raw) throws IOException {
        byte[] body = new byte[random.nextInt(2_000)];
        random.nextBytes(body);
        int kind = random.nextInt(5);
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        switch (kind) {
            case 0 -> record.writeBytes(header(TLS_HANDSHAKE, body.length + 1 + random.nextInt(60_000)));
            case 1 -> record.writeBytes(header(TLS_HANDSHAKE, body.length));
            case 2 -> {
                // A ClientHello's handshake header (type 1) claiming more than the record holds.
                record.writeBytes(header(TLS_HANDSHAKE, body.length + 4));
                record.writeBytes(new byte[] {1, 0, (byte) 0xff, (byte) 0xff});
            }
            case 3 -> record.writeBytes(header((byte) 0x17, body.length));
            default -> {
                record.write(TLS_HANDSHAKE);
                body = new byte[16_384 + random.nextInt(50_000)];
                random.nextBytes(body);
            }
        }
        record.writeBytes(body);
        byte[] bytes = record.toByteArray();
        recent.add(System.currentTimeMillis() + " malformed-tls " + kind + " " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 48)));
        framesSent.incrementAndGet();
        raw.getOutputStream().write(bytes);
        raw.getOutputStream().flush();
        raw.setSoTimeout(MALFORMED_READ_MS);
        try {
            raw.getInputStream().readNBytes(4_096);
        } catch (java.net.SocketTimeoutException quiet) {
            // The server waits for the rest of a record that will never come: closing ends it.
        }
    }

    /** A TLS record header: content type, version TLS 1.2, length (which may lie). */
    private static byte[] header(byte type, int length) {
        return new byte[] {type, 3, 3, (byte) (length >>> 8), (byte) length};
    }

    private void fuzzOneConnection(Socket s, Socket raw) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
        InputStream in = s.getInputStream();
        int roll = random.nextInt(10);
        boolean valid = roll < 8;
        if (roll < 7 || SESSIONS.isEmpty()) {
            send(out, grammar.connect(0, new byte[16], 0, 4_000 + random.nextInt(30_000)), "connect");
        } else if (roll < 8) {
            Object[] session = SESSIONS.get(random.nextInt(SESSIONS.size()));
            send(out, grammar.connect((Long) session[0], (byte[]) session[1], 0, 10_000), "resume");
        } else {
            send(out, grammar.hostileConnect(), "hostile-connect");
        }
        out.flush();
        if (valid) {
            readConnectResponse(s, in);
        }
        int frames = 1 + random.nextInt(FRAMES_PER_CONNECTION_MAX);
        for (int xid = 1; xid <= frames && !stopped && System.nanoTime() < stopAtNs && framesLeft.getAndDecrement() > 0; xid++) {
            if (random.nextInt(200) == 0) {
                int length = random.nextBoolean() ? -1 - random.nextInt(1000) : 0x7fffff00 + random.nextInt(200);
                out.writeInt(length);
                recent.add(System.currentTimeMillis() + " length-prefix " + length);
                framesSent.incrementAndGet();
            } else if (raw != s && random.nextInt(CORRUPT_RECORD_ONE_IN) == 0) {
                // An application data record the server's TLS cannot authenticate, in the middle of the session.
                out.flush();
                byte[] garbage = new byte[1 + random.nextInt(512)];
                random.nextBytes(garbage);
                raw.getOutputStream().write(header((byte) 0x17, garbage.length));
                raw.getOutputStream().write(garbage);
                raw.getOutputStream().flush();
                recent.add(System.currentTimeMillis() + " corrupt-tls-record " + garbage.length);
                framesSent.incrementAndGet();
            } else {
                byte[] frame = random.nextInt(50) == 0 ? grammar.garbage() : grammar.request(xid);
                send(out, frame, "op " + grammar.lastOpcode());
            }
            out.flush();
            drop(in);
        }
    }

    private void send(DataOutputStream out, byte[] frame, String what) throws IOException {
        out.writeInt(frame.length);
        out.write(frame);
        framesSent.incrementAndGet();
        recent.add(System.currentTimeMillis() + " " + what + " " + HexFormat.of().formatHex(frame, 0, Math.min(frame.length, 96)));
    }

    /** Reads the ConnectResponse of a valid handshake and keeps the session for others to resume. */
    private void readConnectResponse(Socket s, InputStream in) throws IOException {
        s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        if (length < 20 || length > 1024) {
            throw new IOException("implausible ConnectResponse length " + length);
        }
        byte[] response = data.readNBytes(length);
        DataInputStream fields = new DataInputStream(new java.io.ByteArrayInputStream(response));
        fields.readInt();
        int timeoutMs = fields.readInt();
        long sessionId = fields.readLong();
        byte[] password = new byte[Math.max(0, Math.min(fields.readInt(), 64))];
        fields.readFully(password);
        if (timeoutMs > 0 && SESSIONS.size() < 1_000) {
            SESSIONS.add(new Object[] {sessionId, password});
        }
    }

    private static void drop(InputStream in) throws IOException {
        int available = in.available();
        while (available > 0) {
            available -= (int) in.skip(available);
        }
    }
}
