package dev.corral.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on 127.0.0.1, chosen by the kernel. A port is only free when asked: another process may
 * bind it before the server does, so starters retry with new ports when a server reports
 * "Address already in use" ({@link ServerProcess#startOnFreePort}, {@link Ensemble#start}).
 */
public final class Ports {
    private static final int PORTS_MAX = 64;

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
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return List.copyOf(ports);
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
