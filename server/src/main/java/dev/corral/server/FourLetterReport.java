package dev.corral.server;

import dev.corral.node.ConnectionView;
import dev.corral.node.Node;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text of each four-letter word, in ZooKeeper 3.9's layout so that monitoring agents that parse it
 * (Datadog, Telegraf, Prometheus' zookeeper exporter) read Corral unchanged. Built on the node loop from
 * the Node's own counters; figures Corral does not have are left out rather than invented.
 */
final class FourLetterReport {
    private static final Logger LOG = LoggerFactory.getLogger(FourLetterReport.class);
    private final ServerConfig config;
    private final Node node;
    private final LongFunction<String> addressOf;
    private final long startedMs;
    private final QuorumMetrics quorum;

    /** {@code addressOf} gives a connection's "/ip:port" as the shell knows it. */
    FourLetterReport(ServerConfig config, Node node, LongFunction<String> addressOf, long startedMs) {
        this(config, node, addressOf, startedMs, new QuorumMetrics(System.nanoTime()));
    }

    /** {@code quorum} is the shell's wall-clock account of this server's role (zk_leader_uptime). */
    FourLetterReport(ServerConfig config, Node node, LongFunction<String> addressOf, long startedMs, QuorumMetrics quorum) {
        this.config = config;
        this.node = node;
        this.addressOf = addressOf;
        this.startedMs = startedMs;
        this.quorum = quorum;
    }

    /**
     * The answer to a whitelisted {@code word}. It runs on the node loop outside the guard that stops the
     * server on a state machine error, so it must not throw: a report that fails (a bug here, not in the
     * state) answers with the failure and is logged, and the loop goes on serving.
     */
    String answer(String word) {
        try {
            return answerOrThrow(word);
        } catch (RuntimeException e) {
            LOG.error("Four-letter word {} failed", word, e);
            return word + " failed: " + e + "\n";
        }
    }

    /** What ZooKeeper's commands that need a running server answer while it is not serving (FourLetterCommands). */
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n";

    private String answerOrThrow(String word) {
        if (config.ensemble().isDistributed() && !node.serving() && !node.readOnly() && (word.equals("srvr") || word.equals("stat") || word.equals("mntr")
                || word.equals("cons"))) {
            return NOT_SERVING;
        }
        boolean enforced = config.security().authentication().enforced();
        if (enforced && Disclosure.ADMIN_WORDS.contains(word)) {
            return Disclosure.refusal(word);
        }
        return switch (word) {
            case "ruok" -> "imok";
            // ZooKeeper's IsroCommand: "null" while no server runs (an ensemble member out of its quorum), "ro"
            // in read-only mode, else "rw".
            case "isro" -> node.readOnly() ? "ro" : config.ensemble().isDistributed() && !node.serving() ? "null" : "rw";
            case "srvr" -> version() + serverLines();
            case "stat" -> version() + "Clients:\n" + clients(false) + "\n" + serverLines();
            case "cons" -> clients(true) + "\n";
            case "conf" -> lines(enforced ? Disclosure.redacted(conf()) : conf());
            case "envi" -> "Environment:\n" + lines(enforced ? Disclosure.redacted(environment()) : environment());
            case "mntr" -> mntr();
            case "srst" -> {
                node.resetStats();
                yield "Server stats reset.\n";
            }
            case "crst" -> {
                node.resetConnectionStats();
                yield "Connection stats reset.\n";
            }
            case "dump" -> dump();
            case "wchs" -> watchSummary();
            case "wchc" -> watchesByConnection();
            case "wchp" -> watchesByPath();
            case "dirs" -> "datadir_size: " + size(config.dataDir()) + "\nlogdir_size: " + size(config.dataLogDir()) + "\n";
            case "hash" -> "Digests in the history:\n0x" + Long.toHexString(node.tree().lastProcessedZxid()) + ": "
                    + Long.toUnsignedString(node.tree().digest()) + "\n";
            case "gtmk" -> "0\n";
            default -> word + " is not supported by Corral.\n";
        };
    }

    private static String version() {
        return "Zookeeper version: " + CorralServer.VERSION + "\n";
    }

    private String serverLines() {
        var latency = node.latency();
        return "Latency min/avg/max: " + latency.min() + "/" + avg(latency.avg()) + "/" + latency.max() + "\n"
                + "Received: " + node.framesReceived() + "\n"
                + "Sent: " + node.framesSent() + "\n"
                + "Connections: " + node.connectionCount() + "\n"
                + "Outstanding: " + node.outstandingRequests() + "\n"
                + "Zxid: 0x" + Long.toHexString(node.tree().lastProcessedZxid()) + "\n"
                + "Mode: " + mode() + "\n"
                + "Node count: " + znodeCount() + "\n";
    }

    /**
     * The server's mode as ZooKeeper names it: standalone, or the role in its ensemble (leader, follower,
     * observer; "looking" while it elects, which srvr never shows since it answers only while serving;
     * "read-only" in read-only mode, as ZooKeeper's ReadOnlyZooKeeperServer#getState).
     */
    String mode() {
        if (!config.ensemble().isDistributed()) {
            return "standalone";
        }
        if (node.readOnly()) {
            return "read-only";
        }
        dev.corral.zab.ServerState state = node.serverState();
        if (state == dev.corral.zab.ServerState.LEADING) {
            return "leader";
        } else if (state == dev.corral.zab.ServerState.FOLLOWING) {
            return "follower";
        } else if (state == dev.corral.zab.ServerState.OBSERVING) {
            return "observer";
        }
        return "looking";
    }

    private static String avg(double value) {
        return String.format(java.util.Locale.ROOT, "%.4f", value).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }

    /**
     * The node count as ZooKeeper reports it: its DataTree holds the root under both "" and "/", so a
     * fresh server reports 5 for its 4 nodes. Monitoring compares against that, so Corral counts alike.
     */
    private int znodeCount() {
        return node.tree().nodeCount() + 1;
    }

    private String clients(boolean full) {
        StringBuilder out = new StringBuilder();
        for (ConnectionView c : node.connectionViews()) {
            out.append(' ').append(addressOf.apply(c.connectionId())).append('[').append(c.sessionId() == 0 ? 0 : 1).append("](")
                    .append("queued=").append(c.queued()).append(",recved=").append(c.received()).append(",sent=").append(c.sent());
            // As ZooKeeper's ServerCnxn#dumpConnectionInfo: session fields only for a connection that has
            // a session, and avglat a whole number (its totalLatency / count), which clients parse as one.
            if (full && c.sessionId() != 0) {
                out.append(",sid=0x").append(Long.toHexString(c.sessionId()))
                        .append(",lop=").append(OpNames.of(c.lastOpcode()))
                        .append(",est=").append(c.establishedMs())
                        .append(",to=").append(c.timeoutMs())
                        .append(",lcxid=0x").append(Integer.toHexString(c.lastCxid()))
                        .append(",lzxid=0x").append(Long.toHexString(c.lastZxid()))
                        .append(",lresp=").append(c.lastResponseMs())
                        .append(",llat=").append(c.lastLatencyMs())
                        .append(",minlat=").append(c.minLatencyMs())
                        .append(",avglat=").append((long) c.avgLatencyMs())
                        .append(",maxlat=").append(c.maxLatencyMs());
            }
            out.append(")\n");
        }
        return out.toString();
    }

    Map<String, Object> conf() {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("clientPort", config.clientPort());
        conf.put("clientPortAddress", config.clientPortAddress());
        conf.put("dataDir", config.dataDir().toAbsolutePath());
        conf.put("dataDirSize", size(config.dataDir()));
        conf.put("dataLogDir", config.dataLogDir().toAbsolutePath());
        conf.put("dataLogSize", size(config.dataLogDir()));
        conf.put("tickTime", config.tickMs());
        conf.put("maxClientCnxns", config.maxClientCnxns());
        conf.put("minSessionTimeout", config.minSessionTimeoutMs());
        conf.put("maxSessionTimeout", config.maxSessionTimeoutMs());
        conf.put("snapCount", config.snapCount());
        conf.put("autopurge.snapRetainCount", config.snapRetainCount());
        conf.put("autopurge.purgeInterval", config.purgeIntervalHours());
        conf.put("forceSync", config.forceSync() ? "yes" : "no");
        conf.put("serverId", config.serverId());
        return conf;
    }

    static Map<String, Object> environment() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("zookeeper.version", CorralServer.VERSION);
        try {
            env.put("host.name", InetAddress.getLocalHost().getCanonicalHostName());
        } catch (IOException e) {
            env.put("host.name", "<NA>");
        }
        for (String key : List.of("java.version", "java.vendor", "java.home", "java.class.path", "java.library.path",
                "java.io.tmpdir", "os.name", "os.arch", "os.version", "user.name", "user.home", "user.dir")) {
            env.put(key, System.getProperty(key, "<NA>"));
        }
        Runtime runtime = Runtime.getRuntime();
        env.put("os.memory.free", runtime.freeMemory() / (1024 * 1024) + "MB");
        env.put("os.memory.max", runtime.maxMemory() / (1024 * 1024) + "MB");
        env.put("os.memory.total", runtime.totalMemory() / (1024 * 1024) + "MB");
        return env;
    }

    /** mntr's metrics, in ZooKeeper's names; the same map feeds the monitor admin command. */
    Map<String, Object> monitor() {
        var latency = node.latency();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zk_version", CorralServer.VERSION);
        m.put("zk_server_state", mode());
        if (config.ensemble().isDistributed() && node.peer() != null) {
            quorumKeys(node.peer(), m);
        }
        m.put("zk_avg_latency", avg(latency.avg()));
        m.put("zk_max_latency", latency.max());
        m.put("zk_min_latency", latency.min());
        m.put("zk_packets_received", node.framesReceived());
        m.put("zk_packets_sent", node.framesSent());
        m.put("zk_num_alive_connections", node.connectionCount());
        m.put("zk_outstanding_requests", node.outstandingRequests());
        m.put("zk_znode_count", znodeCount());
        m.put("zk_watch_count", node.watches().dataWatchCount() + node.watches().childWatchCount());
        m.put("zk_ephemerals_count", node.tree().ephemeralsBySession().values().stream().mapToInt(Set::size).sum());
        m.put("zk_approximate_data_size", node.tree().approximateDataSize());
        m.put("zk_global_sessions", node.sessionTable().size());
        m.put("zk_last_proposal_zxid", node.tree().lastProcessedZxid());
        m.put("zk_uptime", System.currentTimeMillis() - startedMs);
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            m.put("zk_open_file_descriptor_count", unix.getOpenFileDescriptorCount());
            m.put("zk_max_file_descriptor_count", unix.getMaxFileDescriptorCount());
        }
        // ZooKeeper prints its per-stage summaries on every server, zeros where a stage never happens.
        node.replicationLatencies().monitor(m, FourLetterReport::avg);
        return m;
    }

    /**
     * An ensemble member's keys: ZooKeeper 3.9's peer state, quorum size (its voters, QuorumZooKeeperServer)
     * and election figures; the leader-only keys (LeaderZooKeeperServer#registerMetrics, whose gauges are
     * absent on a server that does not lead) with zk_followers, which ZooKeeper 3.4 printed and agents still
     * read; and the counts of learner synchronizations by kind, which every server prints.
     */
    private void quorumKeys(dev.corral.zab.Peer peer, Map<String, Object> m) {
        m.put("zk_peer_state", peerState(peer));
        m.put("zk_quorum_size", config.ensemble().voters().size());
        quorum.monitor(m, FourLetterReport::avg);
        if (peer.state() == dev.corral.zab.ServerState.LEADING) {
            dev.corral.zab.Peer.Learners learners = peer.learners();
            m.put("zk_learners", learners.learners());
            m.put("zk_followers", learners.followers());
            m.put("zk_synced_followers", learners.syncedFollowers());
            m.put("zk_synced_non_voting_followers", learners.syncedNonVotingFollowers());
            m.put("zk_synced_observers", learners.syncedObservers());
            m.put("zk_pending_syncs", learners.pendingSyncs());
            m.put("zk_leader_uptime", quorum.leaderUptimeMs(System.currentTimeMillis()));
            dev.corral.zab.Peer.ProposalSizes sizes = peer.proposalSizes();
            if (sizes != null) {
                m.put("zk_last_proposal_size", sizes.last());
                m.put("zk_max_proposal_size", sizes.max());
                m.put("zk_min_proposal_size", sizes.min());
            }
        }
        // ZooKeeper's LearnerHandler#syncFollower counts every synchronization without a snapshot as a
        // diff, a TRUNC included.
        m.put("zk_diff_count", peer.diffSyncs() + peer.truncSyncs());
        m.put("zk_snap_count", peer.snapSyncs());
    }

    /**
     * ZooKeeper's QuorumPeer#getDetailedPeerState: the state, then the Zab phase once past the election.
     * Corral's core does not expose discovery apart from synchronization, so a member that does not serve
     * yet says synchronization for both; one that serves is in broadcast.
     */
    private static String peerState(dev.corral.zab.Peer peer) {
        String state = peer.state().name().toLowerCase(java.util.Locale.ROOT);
        if (peer.state() == dev.corral.zab.ServerState.LOOKING) {
            return state;
        }
        return state + " - " + (peer.serving() ? "broadcast" : "synchronization");
    }

    private String mntr() {
        StringBuilder out = new StringBuilder();
        monitor().forEach((key, value) -> out.append(key).append('\t').append(value).append('\n'));
        return out.toString();
    }

    private String dump() {
        StringBuilder out = new StringBuilder("SessionTracker dump:\nGlobal Sessions(").append(node.sessionTable().size()).append("):\n");
        node.sessionTable().all().forEach((id, timeout) -> out.append("0x").append(Long.toHexString(id)).append('\t')
                .append(timeout).append("ms\n"));
        var ephemerals = new TreeMap<>(node.tree().ephemeralsBySession());
        out.append("ephemeral nodes dump:\nSessions with Ephemerals (").append(ephemerals.size()).append("):\n");
        ephemerals.forEach((session, paths) -> {
            out.append("0x").append(Long.toHexString(session)).append(":\n");
            paths.forEach(path -> out.append('\t').append(path).append('\n'));
        });
        return out.toString();
    }

    private String watchSummary() {
        var byPath = node.watches().watchersByPath();
        long watchers = byPath.values().stream().flatMap(Set::stream).distinct().count();
        int total = byPath.values().stream().mapToInt(Set::size).sum();
        return watchers + " connections watching " + byPath.size() + " paths\nTotal watches:" + total + "\n";
    }

    private String watchesByConnection() {
        StringBuilder out = new StringBuilder();
        for (ConnectionView c : node.connectionViews()) {
            var paths = node.watches().pathsOf(c.connectionId());
            if (!paths.isEmpty()) {
                out.append("0x").append(Long.toHexString(c.sessionId())).append('\n');
                paths.forEach(path -> out.append('\t').append(path).append('\n'));
            }
        }
        return out.toString();
    }

    private String watchesByPath() {
        Map<Long, Long> sessionOf = new TreeMap<>();
        node.connectionViews().forEach(c -> sessionOf.put(c.connectionId(), c.sessionId()));
        StringBuilder out = new StringBuilder();
        // Sorted with room for any key, so that no watched path can make the report throw.
        Map<String, Set<Long>> byPath = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        byPath.putAll(node.watches().watchersByPath());
        byPath.forEach((path, watchers) -> {
            out.append(path).append('\n');
            watchers.forEach(w -> out.append("\t0x").append(Long.toHexString(sessionOf.getOrDefault(w, 0L))).append('\n'));
        });
        return out.toString();
    }

    private static String lines(Map<String, Object> values) {
        StringBuilder out = new StringBuilder();
        values.forEach((key, value) -> out.append(key).append('=').append(value).append('\n'));
        return out.toString();
    }

    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
