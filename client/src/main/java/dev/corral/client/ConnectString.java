package dev.corral.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A connect string as ZooKeeper's client takes it ({@code ConnectStringParser}):
 * "host:port[,host:port...][/chroot]", the port 2181 when left out, IPv6 hosts in brackets
 * ("[::1]:2181"). Everything from the first '/' is the chroot, checked as a znode path with ZooKeeper's
 * messages; a chroot of "/" is none.
 *
 * <p>Invariant: {@code servers} is not empty.
 */
public record ConnectString(List<InetSocketAddress> servers, Chroot chroot) {
    public static final int DEFAULT_PORT = 2181;

    public ConnectString {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a connect string needs a server");
        }
    }

    /** The servers in the order given, unresolved so that each is looked up only when tried, and the chroot. */
    public static ConnectString parse(String connectString) {
        if (connectString == null || connectString.isBlank()) {
            throw new IllegalArgumentException("empty connect string");
        }
        String serverPart = connectString;
        Chroot chroot = Chroot.NONE;
        int slash = connectString.indexOf('/');
        if (slash >= 0) {
            String path = connectString.substring(slash);
            if (!path.equals("/")) {
                ZnodePaths.validate(path);
                chroot = new Chroot(path);
            }
            serverPart = connectString.substring(0, slash);
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String entry : serverPart.split(",")) {
            String server = entry.trim();
            if (server.isEmpty()) {
                continue;
            }
            String host = server;
            int port = DEFAULT_PORT;
            int colon = server.lastIndexOf(':');
            int bracket = server.lastIndexOf(']');
            if (colon > bracket && (bracket >= 0 || server.indexOf(':') == colon)) {
                host = server.substring(0, colon);
                port = port(server.substring(colon + 1), connectString);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("no host in '" + server + "' of connect string " + connectString);
            }
            servers.add(InetSocketAddress.createUnresolved(host, port));
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server in connect string " + connectString);
        }
        return new ConnectString(servers, chroot);
    }

    private static int port(String text, String connectString) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the whole connect string.
        }
        throw new IllegalArgumentException("bad port '" + text + "' in connect string " + connectString);
    }
}
