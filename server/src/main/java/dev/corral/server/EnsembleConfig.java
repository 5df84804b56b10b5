package dev.corral.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ensemble a zoo.cfg describes: its server.N lines, in every form ZooKeeper 3.9 accepts
 * ({@code QuorumPeer.QuorumServer}): {@code host:quorumPort:electionPort[:participant|:observer]}, several
 * such addresses joined by '|', and an optional {@code ;[clientAddress:]clientPort}. As in ZooKeeper, the
 * configuration is distributed only when it has more than one voter or standaloneEnabled is false.
 */
record EnsembleConfig(Map<Long, Member> members, boolean standaloneEnabled) {

    /** One server.N line. */
    record Member(long serverId, List<String> addresses, int quorumPort, int electionPort, boolean observer,
            String clientAddress, int clientPort) {}

    static final EnsembleConfig NONE = new EnsembleConfig(Map.of(), true);

    EnsembleConfig {
        members = Collections.unmodifiableMap(new TreeMap<>(members));
    }

    boolean isDistributed() {
        long voters = members.values().stream().filter(member -> !member.observer()).count();
        return !members.isEmpty() && (voters > 1 || !standaloneEnabled);
    }

    /**
     * Parses one server.N line. {@code where} names the file, line and key for errors, as in
     * "zoo.cfg line 7: key server.3".
     */
    static Member parseMember(String key, String value, String where) throws ConfigException {
        long serverId;
        try {
            serverId = Long.parseLong(key.substring("server.".length()));
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": expected server.<id> with a numeric id");
        }
        if (serverId < 0 || serverId > 255) {
            throw new ConfigException(where + ": server id " + serverId + " is outside [0, 255] (session ids carry it in one byte)");
        }
        String serverPart = value;
        String clientAddress = null;
        int clientPort = -1;
        int semicolon = value.indexOf(';');
        if (semicolon >= 0) {
            serverPart = value.substring(0, semicolon);
            String client = value.substring(semicolon + 1).trim();
            int colon = client.lastIndexOf(':');
            clientAddress = colon < 0 ? null : client.substring(0, colon);
            clientPort = port(colon < 0 ? client : client.substring(colon + 1), where, "client port");
        }
        List<String> hosts = new ArrayList<>();
        int quorumPort = -1;
        int electionPort = -1;
        boolean observer = false;
        for (String address : serverPart.split("\\|")) {
            String[] parts = address.trim().split(":");
            if (parts.length < 3 || parts.length > 4) {
                throw new ConfigException(where + ": expected host:quorumPort:electionPort[:participant|observer]"
                        + "[;[clientAddress:]clientPort], got '" + value + "'");
            }
            hosts.add(parts[0]);
            quorumPort = port(parts[1], where, "quorum port");
            electionPort = port(parts[2], where, "election port");
            if (parts.length == 4) {
                switch (parts[3].toLowerCase(java.util.Locale.ROOT)) {
                    case "observer" -> observer = true;
                    case "participant" -> observer = false;
                    default -> throw new ConfigException(where + ": expected participant or observer, got '" + parts[3] + "'");
                }
            }
        }
        return new Member(serverId, List.copyOf(hosts), quorumPort, electionPort, observer, clientAddress, clientPort);
    }

    private static int port(String text, String where, String what) throws ConfigException {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": " + what + " must be an integer in [0, 65535], got '" + text + "'");
        }
    }

    /** The myid file of a data directory, as ZooKeeper reads it: one integer, whitespace ignored. */
    static long readMyId(Path dataDir) throws ConfigException {
        Path file = dataDir.resolve("myid");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file.toAbsolutePath() + " (the myid file an ensemble member needs): " + e);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(file.toAbsolutePath() + ": expected a server id, got '" + text + "'");
        }
    }
}
