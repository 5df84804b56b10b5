package dev.corral.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Free TCP ports on 127.0.0.1, chosen by the kernel. A port is only free when asked: another process may
 * bind it before the server does, so starters retry with new ports when a server reports
 * "Address already in use" ({@link ServerProcess#startOnFreePort}, {@link Ensemble#start}).
 *
 * <p>No port is handed out twice in one JVM: a test that asks for one port at a time (one per server
 * line, say) would otherwise get a port back that it was given a moment before and has not bound yet,
 * since the kernel may offer a closed port again at once.
 */
public final class Ports {
    private static final int PORTS_MAX = 64;
    private static final int ATTEMPTS_MAX = 1000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {}

    public static int freeLoopbackPort() throws IOException {
        return freeLoopbackPorts(1).get(0);
    }

    /**
     * {@code count} distinct free ports: every socket is held open until all are chosen, so the kernel
     * cannot hand out one port twice (an ensemble needs three per server).
     */
    public static List<Integer> freeLoopbackPorts(int count) throws IOException {
        if (count < 1 || count > PORTS_MAX) {
            throw new IllegalArgumentException("asked for " + count + " ports; between 1 and " + PORTS_MAX);
        }
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int attempt = 0; ports.size() < count; attempt++) {
                if (attempt == ATTEMPTS_MAX) {
                    throw new IOException("no fresh loopback port in " + ATTEMPTS_MAX + " attempts");
                }
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                held.add(socket);
                if (handOut(socket.getLocalPort())) {
                    ports.add(socket.getLocalPort());
                }
            }
            return List.copyOf(ports);
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    /**
     * A socket listening on a loopback port the kernel chose that was never handed out here (a proxy's
     * own): the kernel may offer a port that {@link #freeLoopbackPorts} handed out and whose server has not
     * bound it yet, and the proxy would then take the server's port (an ensemble test's members were once
     * refused for two servers on one election port).
     */
    public static ServerSocket bindFresh(int backlog) throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            ServerSocket socket = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
            if (handOut(socket.getLocalPort())) {
                return socket;
            }
            socket.close();
        }
        throw new IOException("no fresh loopback port in " + ATTEMPTS_MAX + " attempts");
    }

    private static synchronized boolean handOut(int port) {
        return HANDED_OUT.add(port);
    }
}
