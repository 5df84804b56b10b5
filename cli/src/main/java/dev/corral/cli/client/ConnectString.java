package dev.corral.cli.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a connect string as ZooKeeper's client takes it ({@code ConnectStringParser}):
 * "host:port[,host:port...]", the port 2181 when left out, IPv6 hosts in brackets ("[::1]:2181").
 * A chroot suffix ("host:2181/app") is refused with a message saying so, since this client does not
 * rewrite paths.
 */
public final class ConnectString {
    public static final int DEFAULT_PORT = 2181;

    private ConnectString() {}

    /** The servers in the order given, unresolved, so that each is looked up only when tried. */
    public static List<InetSocketAddress> parse(String connectString) {
        if (connectString == null || connectString.isBlank()) {
            throw new IllegalArgumentException("empty connect string");
        }
        int slash = connectString.indexOf('/');
        if (slash >= 0) {
            throw new IllegalArgumentException("a chroot (" + connectString.substring(slash) + " in " + connectString
                    + ") is not supported by this client");
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String entry : connectString.split(",")) {
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
        return servers;
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
