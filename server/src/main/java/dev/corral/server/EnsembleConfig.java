package dev.corral.server;

import dev.corral.server.quorum.ElectionTransportConfig;
import dev.corral.server.quorum.LearnerTransportConfig;
import dev.corral.zab.PeerConfig;
import dev.corral.zab.codec.SnapshotImageCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ensemble a zoo.cfg describes, validated by {@link EnsembleRules}: its server.N lines, this server's
 * id (the myid file), the learner timers and how the quorum port listens. It is what the server needs to
 * build the consensus core's {@link PeerConfig} and the two peer transports.
 *
 * <p>server.N lines are read in every form ZooKeeper 3.9 accepts ({@code QuorumPeer.QuorumServer}):
 * {@code host:quorumPort:electionPort[:participant|:observer]}, IPv6 hosts in brackets, and an optional
 * {@code ;[clientAddress:]clientPort}. As in ZooKeeper ({@code QuorumPeerConfig#isDistributed}), the
 * configuration is distributed only when it has more than one voter or standaloneEnabled is false.
 *
 * <p>Invariants (checked by {@link EnsembleRules}, assumed here): when {@link #isDistributed()}, {@code myId}
 * is a member, there is at least one voter, {@code initLimitTicks} and {@code syncLimitTicks} are positive,
 * and no two quorum, election or client endpoints of the members are the same host and port.
 *
 * @param members every server.N line by id, voters and observers
 * @param standaloneEnabled ZooKeeper's standaloneEnabled: false makes even a single voter an ensemble
 * @param myId this server's id from the myid file, or {@link #NO_ID} when there is no myid file
 * @param initLimitTicks ZooKeeper's initLimit, in tickTime ticks (0 when not set; only a standalone server)
 * @param syncLimitTicks ZooKeeper's syncLimit, in tickTime ticks (0 when not set; only a standalone server)
 * @param tickMs the tickTime these limits count in
 * @param quorumListenOnAllIPs ZooKeeper's quorumListenOnAllIPs: listen on the quorum and election ports of
 *     every interface rather than only on the host of this server's line
 * @param readOnlyModeEnabled ZooKeeper's {@code readonlymode.enabled} (a JVM system property, as in ZooKeeper):
 *     a member that finds no quorum serves read-only clients
 * @param rejoining the operator's statement that this member's data directory was lost or replaced
 *     ({@code corral server --rejoining}, or {@code -Dcorral.rejoining=true}): it counts in no quorum until it
 *     has synchronized with a leader once ({@link PeerConfig#rejoining}); Corral's own, ZooKeeper has none
 */
public record EnsembleConfig(Map<Long, Member> members, boolean standaloneEnabled, long myId, int initLimitTicks,
        int syncLimitTicks, int tickMs, boolean quorumListenOnAllIPs, boolean readOnlyModeEnabled, boolean rejoining) {

    /** myId when the data directory has no myid file (ZooKeeper's UNSET_SERVERID). */
    public static final long NO_ID = -1;

    /**
     * One server.N line. With several '|'-joined addresses (which {@link EnsembleRules} refuses) the ports are
     * those of the last one, as ZooKeeper keeps its last hostname.
     *
     * @param clientAddress the host before the client port, or null when the line gives only a port
     * @param clientPort the client port after ';', or -1 when the line has none
     */
    public record Member(long serverId, List<String> addresses, int quorumPort, int electionPort, boolean observer,
            String clientAddress, int clientPort) {

        /** The host of its quorum and election ports. */
        public String host() {
            return addresses.get(addresses.size() - 1);
        }

        /** Where learners connect to it when it leads; unresolved, so that a connect resolves it afresh. */
        public InetSocketAddress quorumAddress() {
            return InetSocketAddress.createUnresolved(host(), quorumPort);
        }

        /** Where other servers open election connections to it; unresolved, as {@link #quorumAddress()}. */
        public InetSocketAddress electionAddress() {
            return InetSocketAddress.createUnresolved(host(), electionPort);
        }
    }

    /**
     * The configuration as ZooKeeper 3.9 shows it in /zookeeper/config (QuorumVerifier#toString of a static
     * configuration, version 0): {@code server.N=host:quorumPort:electionPort:participant|observer}, then
     * {@code ;clientHost:clientPort} where the line gives a client port (0.0.0.0 for a port alone), one line
     * per member in id order, and {@code version=0}.
     */
    public String dynamicConfigText() {
        StringBuilder text = new StringBuilder();
        for (Member member : members.values()) {
            text.append("server.").append(member.serverId()).append('=').append(bracketed(member.host())).append(':')
                    .append(member.quorumPort()).append(':').append(member.electionPort())
                    .append(member.observer() ? ":observer" : ":participant");
            if (member.clientPort() >= 0) {
                text.append(';').append(member.clientAddress() == null ? "0.0.0.0" : bracketed(member.clientAddress()))
                        .append(':').append(member.clientPort());
            }
            text.append('\n');
        }
        return text.append("version=0").toString();
    }

    /** A host as ZooKeeper's QuorumServer prints it: an IPv6 literal in full form and in brackets, any other as written. */
    static String bracketed(String host) {
        if (!host.contains(":")) {
            return host;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            return "[" + java.net.InetAddress.getByName(literal).getHostAddress() + "]"; // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return "[" + literal + "]";
        }
    }

    static final EnsembleConfig NONE = new EnsembleConfig(Map.of(), true, NO_ID, 0, 0, 2000, false, false, false);

    public EnsembleConfig {
        members = Collections.unmodifiableMap(new TreeMap<>(members));
    }

    /** True when this server must run as a member of an ensemble rather than standalone (ZooKeeper's rule). */
    public boolean isDistributed() {
        return !members.isEmpty() && (voters().size() > 1 || !standaloneEnabled);
    }

    /** The participants: their majorities are the quorums. */
    public Set<Long> voters() {
        Set<Long> voters = new TreeSet<>();
        members.values().stream().filter(member -> !member.observer()).forEach(member -> voters.add(member.serverId()));
        return Collections.unmodifiableSet(voters);
    }

    /** The observers: they learn committed txns and never vote. */
    public Set<Long> observers() {
        Set<Long> observers = new TreeSet<>();
        members.values().stream().filter(Member::observer).forEach(member -> observers.add(member.serverId()));
        return Collections.unmodifiableSet(observers);
    }

    /** This server's line. */
    public Member me() {
        Member me = members.get(myId);
        if (me == null) {
            throw new IllegalStateException("server " + myId + " is not a member of " + members.keySet());
        }
        return me;
    }

    /** Where this server accepts learners: its line's quorum port, on every interface with quorumListenOnAllIPs. */
    public InetSocketAddress quorumListenAddress() {
        return listenAddress(me().quorumPort());
    }

    /** Where this server accepts election connections, on every interface with quorumListenOnAllIPs. */
    public InetSocketAddress electionListenAddress() {
        return listenAddress(me().electionPort());
    }

    private InetSocketAddress listenAddress(int port) {
        return quorumListenOnAllIPs ? new InetSocketAddress(port) : new InetSocketAddress(me().host(), port);
    }

    /** Every other member's election address: the peers of an election transport. */
    public Map<Long, InetSocketAddress> electionPeers() {
        Map<Long, InetSocketAddress> peers = new TreeMap<>();
        members.values().stream().filter(member -> member.serverId() != myId)
                .forEach(member -> peers.put(member.serverId(), member.electionAddress()));
        return Collections.unmodifiableMap(peers);
    }

    /** Every other member's quorum address: where this server connects as a learner when that member leads. */
    public Map<Long, InetSocketAddress> quorumPeers() {
        Map<Long, InetSocketAddress> peers = new TreeMap<>();
        members.values().stream().filter(member -> member.serverId() != myId)
                .forEach(member -> peers.put(member.serverId(), member.quorumAddress()));
        return Collections.unmodifiableMap(peers);
    }

    /** The election transport of this member: its election port, every other member's, ZooKeeper's defaults. */
    public ElectionTransportConfig electionTransportConfig() {
        return ElectionTransportConfig.of(myId, electionListenAddress(), electionPeers());
    }

    /**
     * The learner transport of this member: its quorum port, every other member's, and ZooKeeper's bound on a
     * quorum packet's data for this {@code juteMaxBuffer} (ServerConfig#maxBufferBytes; the extra size
     * property zookeeper.jute.maxbuffer.extrasize is not read, so it takes ZooKeeper's default).
     */
    public LearnerTransportConfig learnerTransportConfig(SnapshotImageCodec images, int juteMaxBuffer) {
        return LearnerTransportConfig.of(myId, quorumListenAddress(), quorumPeers(), images)
                .withDataBytesMax(LearnerTransportConfig.zooKeeperDataBytesMax(juteMaxBuffer, null));
    }

    /** initLimit as a duration: how long discovery and synchronization with a leader may take. */
    public long initLimitMs() {
        return (long) initLimitTicks * tickMs;
    }

    /** syncLimit as a duration: how long a leader and a learner may go without hearing from each other. */
    public long syncLimitMs() {
        return (long) syncLimitTicks * tickMs;
    }

    /**
     * The consensus core's configuration for this member: its voters and observers, and initLimit and
     * syncLimit converted from tickTime ticks to peer ticks of {@code peerTickMs} (rounded up, so that a limit
     * is never shorter than the operator set); the election timers keep {@link PeerConfig#of}'s defaults.
     */
    public PeerConfig peerConfig(long incarnation, int peerTickMs) {
        if (!isDistributed()) {
            throw new IllegalStateException("a standalone configuration has no ensemble to build a PeerConfig for");
        }
        if (peerTickMs < 1) {
            throw new IllegalArgumentException("peerTickMs " + peerTickMs + " must be positive");
        }
        PeerConfig defaults = PeerConfig.of(myId, voters(), observers(), incarnation);
        return new PeerConfig(myId, voters(), observers(), incarnation, defaults.resendTicks(), defaults.finalizeTicks(),
                peerTicks(initLimitMs(), peerTickMs), peerTicks(syncLimitMs(), peerTickMs), COMMITTED_LOG_MAX,
                defaults.plantedBug(), rejoining);
    }

    /**
     * How many committed txns a leader keeps to bring a learner back by DIFF. ZooKeeper keeps 500 in memory
     * but also diffs from its txn log on disk (LearnerHandler#syncFollower, while the log is small beside the
     * snapshot), so a server that was down for a few seconds under load gets a DIFF, not a SNAP; Corral's
     * core reads no disk, so it keeps as many as ZooKeeper's snapCount lets its log hold between snapshots.
     * The cost is memory: up to this many txns' bytes on the leader.
     */
    static final int COMMITTED_LOG_MAX = 100_000;

    private static int peerTicks(long ms, int peerTickMs) {
        return (int) Math.min(Integer.MAX_VALUE, (ms + peerTickMs - 1) / peerTickMs);
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
        String[] serverAndClient = value.split(";");
        if (serverAndClient.length > 2) {
            throw new ConfigException(where + ": expected one ';' before the client address, got '" + value + "'");
        }
        String clientAddress = null;
        int clientPort = -1;
        if (serverAndClient.length == 2) {
            String[] client = hostAndPort(serverAndClient[1].trim(), where);
            if (client.length > 2) {
                throw new ConfigException(where + ": expected [clientAddress:]clientPort after ';', got '" + serverAndClient[1] + "'");
            }
            clientAddress = client.length == 2 ? client[0] : null;
            clientPort = port(client[client.length - 1], where, "client port");
        }
        List<String> hosts = new ArrayList<>();
        int quorumPort = -1;
        int electionPort = -1;
        Boolean observer = null;
        for (String address : serverAndClient[0].split("\\|")) {
            String[] parts = hostAndPort(address.trim(), where);
            if (parts.length < 3 || parts.length > 4) {
                throw new ConfigException(where + ": expected host:quorumPort:electionPort[:participant|observer]"
                        + "[;[clientAddress:]clientPort], got '" + value + "'");
            }
            hosts.add(parts[0]);
            quorumPort = port(parts[1], where, "quorum port");
            electionPort = port(parts[2], where, "election port");
            if (quorumPort == electionPort) {
                // ZooKeeper 3.9.5 QuorumServer refuses it too ("... election port must be different").
                throw new ConfigException(where + ": the quorum port and the election port must differ, both are " + quorumPort);
            }
            if (parts.length == 4) {
                boolean isObserver = switch (parts[3].trim().toLowerCase(Locale.ROOT)) {
                    case "observer" -> true;
                    case "participant" -> false;
                    default -> throw new ConfigException(where + ": expected participant or observer, got '" + parts[3] + "'");
                };
                if (observer != null && observer != isObserver) {
                    throw new ConfigException(where + ": its addresses must all be participant or all observer");
                }
                observer = isObserver;
            }
        }
        return new Member(serverId, List.copyOf(hosts), quorumPort, electionPort, observer != null && observer, clientAddress,
                clientPort);
    }

    /** Splits host:port:... with an IPv6 host in brackets, as ZooKeeper's ConfigUtils#getHostAndPort. */
    private static String[] hostAndPort(String text, String where) throws ConfigException {
        if (!text.startsWith("[")) {
            return text.split(":");
        }
        int close = text.indexOf(']');
        if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
            throw new ConfigException(where + ": '" + text + "' starts with '[' but has no matching ']:' and port");
        }
        String[] rest = text.substring(close + 2).split(":");
        String[] parts = new String[rest.length + 1];
        parts[0] = text.substring(1, close);
        System.arraycopy(rest, 0, parts, 1, rest.length);
        return parts;
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

    /**
     * The id in the myid file of a data directory, or {@link #NO_ID} if there is none. As ZooKeeper 3.9.5
     * (QuorumPeerConfig#setupMyId) it reads the first line only and requires a number; unlike ZooKeeper it
     * forgives spaces around it (ZooKeeper refuses " 1"), since they can never mean anything else.
     */
    static long readMyId(Path dataDir) throws ConfigException {
        Path file = dataDir.resolve("myid");
        if (!Files.isRegularFile(file)) {
            return NO_ID;
        }
        String line;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            line = reader.readLine();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file.toAbsolutePath() + " (the myid file an ensemble member needs): " + e);
        }
        String text = line == null ? "" : line.trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(file.toAbsolutePath() + ": expected a server id on its first line, got '" + text + "'");
        }
    }
}
