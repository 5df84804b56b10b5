package dev.corral.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A standalone server's configuration: zoo.cfg keys read as ZooKeeper 3.9's {@code QuorumPeerConfig}
 * reads them, and the ZooKeeper system properties that tune the same things. As in ZooKeeper, a zoo.cfg
 * key it has no field for stands for the system property {@code zookeeper.<key>} (so
 * {@code extendedTypesEnabled=true} in zoo.cfg equals {@code -Dzookeeper.extendedTypesEnabled=true}).
 *
 * <p>A bad value stops the start with a message naming the file, line, key and what was expected; a
 * key Corral does not act on is listed in {@link #warnings()}.
 */
public record ServerConfig(
        int tickMs,
        Path dataDir,
        Path dataLogDir,
        String clientPortAddress,
        int clientPort,
        int maxClientCnxns,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        boolean extendedTypesEnabled,
        long containerCheckIntervalMs,
        int containerMaxPerMinute,
        int maxBufferBytes,
        String superDigest,
        Set<String> fourLetterWords,
        boolean reconfigEnabled,
        boolean forceSync,
        long preAllocBytes,
        int globalOutstandingLimit,
        int fsyncWarningThresholdMs,
        int snapCount,
        int snapRetainCount,
        int purgeIntervalHours,
        HttpEndpoint admin,
        HttpEndpoint metrics,
        boolean exportJvmInfo,
        ConnectionLimits connectionLimits,
        boolean adminStateChangingCommandsEnabled,
        Console console,
        Restore restore,
        int warmUpRequests,
        long serverId,
        EnsembleConfig ensemble,
        SecurityConfig security,
        List<String> warnings) {

    public static final int DEFAULT_MAX_BUFFER = 0xfffff;
    /** The system property that sets {@code warmup.requests} when zoo.cfg does not ({@link WarmUp}). */
    public static final String WARMUP_REQUESTS_PROPERTY = "corral.warmup.requests";
    /** Requests of the warm-up by default: enough for the JIT to compile the request path ({@link WarmUp}). */
    public static final int DEFAULT_WARMUP_REQUESTS = 10_000;
    /** The system property behind {@code corral server --rejoining} ({@link EnsembleConfig#rejoining}). */
    public static final String REJOINING_PROPERTY = "corral.rejoining";

    /** Where an HTTP server listens (port 0 picks a free one). */
    public record HttpEndpoint(String address, int port) {}

    /** {@link #clientPort()} of a server that takes TLS clients only: secureClientPort without clientPort. */
    public static final int NO_CLIENT_PORT = -1;

    /**
     * The web console on the admin port: served unless {@code admin.console.enabled=false}, and read-only
     * unless {@code admin.console.writable=true}, so that a server whose admin port is reachable is not one
     * browser away from a changed tree by default (ACLs still apply to every read and write it makes).
     */
    public record Console(boolean enabled, boolean writable) {}

    /**
     * ZooKeeper 3.9's admin restore command: on unless {@code admin.restore.enabled=false} (its system property
     * zookeeper.admin.restore.enabled), at most one per {@code admin.rateLimiterIntervalInMS} milliseconds
     * (zookeeper.admin.rateLimiterIntervalInMS, default 300000: five minutes; the snapshot command reads the
     * same value as microseconds, as ZooKeeper 3.9.5 does), and, Corral's own bound, an upload of at most
     * {@code admin.restore.bytesMax} bytes (ZooKeeper reads the stream without a bound).
     */
    public record Restore(boolean enabled, long intervalMs, int bytesMax) {
        /** ZooKeeper's default rate limit interval, and an upload bound for a tree of some hundred thousand znodes. */
        public static final Restore DEFAULT = new Restore(true, 300_000, 128 << 20);
    }

    /** This config with these console settings (tests that build a config in code). */
    public ServerConfig withConsole(Console newConsole) {
        return new ServerConfig(tickMs, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns, minSessionTimeoutMs,
                maxSessionTimeoutMs, extendedTypesEnabled, containerCheckIntervalMs, containerMaxPerMinute, maxBufferBytes,
                superDigest, fourLetterWords, reconfigEnabled, forceSync, preAllocBytes, globalOutstandingLimit,
                fsyncWarningThresholdMs, snapCount, snapRetainCount, purgeIntervalHours, admin, metrics, exportJvmInfo,
                connectionLimits, adminStateChangingCommandsEnabled, newConsole, restore, warmUpRequests, serverId, ensemble, security, warnings);
    }

    /**
     * What one client connection may hold of the server, so that no client can grow its memory or keep a
     * socket without limit.
     *
     * @param handshakeTimeoutMs a connection that has not sent its whole connect request (or a four-letter
     *     word) this long after it was accepted is closed; ZooKeeper 3.9's {@code zookeeper.nio.sessionlessCnxnTimeout}
     * @param outgoingBytesHigh above this many reply bytes queued for a connection it is not read from, until
     *     the queue is back under half of it
     * @param outgoingBytesMax a connection with more reply bytes queued than this is closed
     * @param requestsMax above this many requests of one connection received and not yet answered, it is
     *     not read from until they are back at or under it
     * @param watchesPerSessionMax a request that would set more watches on one session is refused; 0: no bound
     */
    public record ConnectionLimits(int handshakeTimeoutMs, int outgoingBytesHigh, long outgoingBytesMax, int requestsMax,
            int watchesPerSessionMax) {
        public ConnectionLimits {
            if (outgoingBytesMax < outgoingBytesHigh) {
                throw new IllegalArgumentException("outgoingBytesMax " + outgoingBytesMax + " is below outgoingBytesHigh "
                        + outgoingBytesHigh);
            }
        }
    }

    /** This config with the admin and metrics HTTP servers on the given endpoints (null: off). */
    public ServerConfig withHttp(HttpEndpoint newAdmin, HttpEndpoint newMetrics) {
        return new ServerConfig(tickMs, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns, minSessionTimeoutMs,
                maxSessionTimeoutMs, extendedTypesEnabled, containerCheckIntervalMs, containerMaxPerMinute, maxBufferBytes,
                superDigest, fourLetterWords, reconfigEnabled, forceSync, preAllocBytes, globalOutstandingLimit,
                fsyncWarningThresholdMs, snapCount, snapRetainCount, purgeIntervalHours, newAdmin, newMetrics, exportJvmInfo,
                connectionLimits, adminStateChangingCommandsEnabled, console, restore, warmUpRequests, serverId, ensemble, security, warnings);
    }

    /** This config with a warm-up of this many requests, 0 for none (tests that build a config in code). */
    public ServerConfig withWarmUpRequests(int requests) {
        return new ServerConfig(tickMs, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns, minSessionTimeoutMs,
                maxSessionTimeoutMs, extendedTypesEnabled, containerCheckIntervalMs, containerMaxPerMinute, maxBufferBytes,
                superDigest, fourLetterWords, reconfigEnabled, forceSync, preAllocBytes, globalOutstandingLimit,
                fsyncWarningThresholdMs, snapCount, snapRetainCount, purgeIntervalHours, admin, metrics, exportJvmInfo,
                connectionLimits, adminStateChangingCommandsEnabled, console, restore, requests, serverId, ensemble, security, warnings);
    }

    /** This config with these security settings (tests that build a config in code). */
    public ServerConfig withSecurity(SecurityConfig newSecurity) {
        return new ServerConfig(tickMs, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns, minSessionTimeoutMs,
                maxSessionTimeoutMs, extendedTypesEnabled, containerCheckIntervalMs, containerMaxPerMinute, maxBufferBytes,
                superDigest, fourLetterWords, reconfigEnabled, forceSync, preAllocBytes, globalOutstandingLimit,
                fsyncWarningThresholdMs, snapCount, snapRetainCount, purgeIntervalHours, admin, metrics, exportJvmInfo,
                connectionLimits, adminStateChangingCommandsEnabled, console, restore, warmUpRequests, serverId, ensemble, newSecurity, warnings);
    }

    /** Keys whose values Corral reads. */
    private static final Set<String> KNOWN = Set.of("tickTime", "dataDir", "dataLogDir", "clientPort", "clientPortAddress",
            "maxClientCnxns", "minSessionTimeout", "maxSessionTimeout", "4lw.commands.whitelist", "reconfigEnabled",
            "extendedTypesEnabled", "standaloneEnabled", "forceSync", "peerType", "snapCount", "autopurge.snapRetainCount",
            "autopurge.purgeInterval", "preAllocSize", "globalOutstandingLimit", "fsync.warningthresholdms", "admin.enableServer", "admin.serverAddress",
            "admin.serverPort", "metricsProvider.className", "metricsProvider.httpHost", "metricsProvider.httpPort",
            "metricsProvider.exportJvmInfo", "nio.sessionlessCnxnTimeout", "connection.outgoingBytesHigh",
            "connection.outgoingBytesMax", "connection.requestsMax", "session.watchesMax", "admin.enableStateChangingCommands",
            "admin.console.enabled", "admin.console.writable", "admin.restore.enabled", "admin.rateLimiterIntervalInMS", "admin.restore.bytesMax", "warmup.requests",
            "electionAlg", "multiAddress.enabled", "dynamicConfigFile");
    /** Keys that only an ensemble member acts on: a standalone server names them in a warning. */
    private static final Set<String> ENSEMBLE_ONLY = Set.of("initLimit", "syncLimit", "quorumListenOnAllIPs");

    /** The defaults a newcomer gets from {@code bin/corral server}: 127.0.0.1:2181, data under ./data. */
    public static ServerConfig defaults() {
        try {
            return parse(new Properties(), "(defaults)", Map.of(), System.getProperties());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * This config listening on {@code port} (0 picks a free one) with its data under {@code dir}, and no
     * admin or metrics HTTP server (tests turn those on with {@link #withHttp}).
     */
    public ServerConfig listeningOn(int port, Path dir) {
        return new ServerConfig(tickMs, dir, dir, clientPortAddress, port, maxClientCnxns, minSessionTimeoutMs,
                maxSessionTimeoutMs, extendedTypesEnabled, containerCheckIntervalMs, containerMaxPerMinute, maxBufferBytes,
                superDigest, fourLetterWords, reconfigEnabled, forceSync, preAllocBytes, globalOutstandingLimit,
                fsyncWarningThresholdMs, snapCount, snapRetainCount, purgeIntervalHours, null, null, exportJvmInfo,
                connectionLimits, adminStateChangingCommandsEnabled, console, restore, warmUpRequests, serverId, ensemble, security, warnings);
    }

    /** Reads the zoo.cfg a server starts with: a standalone server's or an ensemble member's ({@link #read}). */
    public static ServerConfig load(Path file) throws ConfigException {
        return read(file);
    }

    /**
     * Reads and validates a zoo.cfg, with the myid file of its dataDir, for a standalone server or an
     * ensemble member ({@link #ensemble()} says which, and holds the ensemble).
     */
    public static ServerConfig read(Path file) throws ConfigException {
        ZooCfgFile cfg = ZooCfgFile.read(file);
        // ZooKeeper 3.9 (QuorumPeerConfig#parseProperties) refuses a zoo.cfg without dataDir rather than pick a
        // directory the operator did not name; the ./data default is only for `corral server` without a file.
        if (cfg.properties.getProperty("dataDir") == null) {
            throw new ConfigException("Error processing " + file + ": dataDir is not set");
        }
        if (cfg.properties.getProperty("dynamicConfigFile") != null) {
            cfg.addDynamicFile(cfg.locations.get("dynamicConfigFile"));
        }
        return parse(cfg.properties, file.toString(), cfg.locations, System.getProperties());
    }

    /**
     * The configuration of these properties; {@code locations} says for each key which file and line set it
     * ("zoo.cfg line 7"), and {@code system} stands for the JVM's system properties.
     */
    static ServerConfig parse(Properties cfg, String source, Map<String, String> locations, Properties system)
            throws ConfigException {
        Reader r = new Reader(cfg, source, locations, system);
        List<String> warnings = new ArrayList<>();
        for (String key : new TreeSet<>(cfg.stringPropertyNames())) {
            if (key.startsWith("group.") || key.startsWith("weight.")) {
                warnings.add(r.where(key) + ": hierarchical quorums are not supported yet");
            } else if (!key.startsWith("server.") && !ENSEMBLE_ONLY.contains(key) && !KNOWN.contains(key)
                    && !key.startsWith("jute.") && !key.startsWith("znode.") && !SecurityConfig.reads(key)) {
                warnings.add(r.where(key) + ": unknown key, ignored");
            }
        }
        int tickMs = r.positiveInt("tickTime", null, 2000);
        Path dataDir = Path.of(r.string("dataDir", null, "data"));
        EnsembleConfig ensemble = readEnsemble(r, source, tickMs, dataDir, warnings);
        Path dataLogDir = Path.of(r.string("dataLogDir", null, dataDir.toString()));
        if (cfg.getProperty("clientPortAddress") != null && cfg.getProperty("clientPort") == null) {
            // QuorumPeerConfig#parseProperties refuses it rather than guess the port.
            throw new ConfigException(r.where("clientPortAddress") + ": clientPortAddress is set but clientPort is not");
        }
        EnsembleConfig.Member me = ensemble.members().get(ensemble.myId());
        // QuorumPeerConfig: without clientPort (in zoo.cfg or this server's server.N line) ZooKeeper opens no plain
        // client port at all, only the secure one; 2181 is Corral's default only when no secure port is set either,
        // so that a zoo.cfg meant to take TLS clients only never gets a plain listener it did not ask for.
        boolean securePortOnly = cfg.getProperty("clientPort") == null && (me == null || me.clientPort() < 0)
                && r.value("secureClientPort") != null;
        int clientPort = securePortOnly ? NO_CLIENT_PORT : r.intInRange("clientPort", null, 2181, 1, 65535);
        String address = r.string("clientPortAddress", null, "127.0.0.1");
        if (me != null && me.clientPort() >= 0) {
            // QuorumPeerConfig#setupClientPort: this server's line may give its client port; it must agree with
            // clientPort and a specific clientPortAddress, and then it is the one used.
            String lineHost = me.clientAddress() == null ? "0.0.0.0" : me.clientAddress();
            boolean portDiffers = cfg.getProperty("clientPort") != null && clientPort != me.clientPort();
            boolean hostDiffers = cfg.getProperty("clientPortAddress") != null && !isWildcard(address)
                    && !address.equalsIgnoreCase(lineHost);
            if (portDiffers || hostDiffers) {
                throw new ConfigException(r.where("server." + me.serverId()) + ": client address " + lineHost + ":" + me.clientPort()
                        + " of this server (id " + me.serverId() + ") differs from clientPortAddress:clientPort " + address + ":" + clientPort);
            }
            clientPort = me.clientPort();
            address = me.clientAddress() == null ? address : me.clientAddress();
        }
        int maxClientCnxns = r.intInRange("maxClientCnxns", null, 60, 0, Integer.MAX_VALUE);
        int minSession = r.intInRange("minSessionTimeout", null, 2 * tickMs, 1, Integer.MAX_VALUE);
        int maxSession = r.intInRange("maxSessionTimeout", null, 20 * tickMs, 1, Integer.MAX_VALUE);
        if (minSession > maxSession) {
            throw new ConfigException(r.where("minSessionTimeout") + ": minSessionTimeout " + minSession
                    + " must not be larger than maxSessionTimeout " + maxSession);
        }
        boolean extended = r.bool("extendedTypesEnabled", "zookeeper.extendedTypesEnabled", false);
        long checkInterval = r.intInRange("znode.container.checkIntervalMs", "znode.container.checkIntervalMs", 60_000, 1, Integer.MAX_VALUE);
        int maxPerMinute = r.intInRange("znode.container.maxPerMinute", "znode.container.maxPerMinute", 10_000, 1, Integer.MAX_VALUE);
        int maxBuffer = r.intInRange("jute.maxbuffer", "jute.maxbuffer", DEFAULT_MAX_BUFFER, 1, Integer.MAX_VALUE);
        String superDigest = r.string(null, "zookeeper.DigestAuthenticationProvider.superDigest", null);
        String whitelist = r.string("4lw.commands.whitelist", "zookeeper.4lw.commands.whitelist", "srvr");
        boolean reconfig = r.bool("reconfigEnabled", "zookeeper.reconfigEnabled", false);
        boolean forceSync = r.bool("forceSync", "zookeeper.forceSync", true);
        // ZooKeeper's units and defaults: the log grows by 64 MiB at a time; reads pause above 1000 requests in flight.
        int preAllocKb = r.intInRange("preAllocSize", "zookeeper.preAllocSize", 65_536, 1, Integer.MAX_VALUE / 1024);
        int outstandingLimit = r.intInRange("globalOutstandingLimit", "zookeeper.globalOutstandingLimit", 1000, 1, Integer.MAX_VALUE);
        int fsyncWarningMs = r.intInRange("fsync.warningthresholdms", "zookeeper.fsync.warningthresholdms", 1000, 0,
                Integer.MAX_VALUE);
        int snapCount = r.intInRange("snapCount", "zookeeper.snapCount", 100_000, 2, Integer.MAX_VALUE);
        int retain = r.intInRange("autopurge.snapRetainCount", null, 3, 1, Integer.MAX_VALUE);
        if (retain < 3) {
            warnings.add(r.where("autopurge.snapRetainCount") + ": " + retain + " is below ZooKeeper's minimum; using 3");
            retain = 3;
        }
        int purgeHours = r.intInRange("autopurge.purgeInterval", null, 0, 0, Integer.MAX_VALUE);
        HttpEndpoint admin = r.bool("admin.enableServer", "zookeeper.admin.enableServer", true)
                ? new HttpEndpoint(r.string("admin.serverAddress", "zookeeper.admin.serverAddress", address),
                        r.intInRange("admin.serverPort", "zookeeper.admin.serverPort", 8080, 0, 65535))
                : null;
        String provider = r.string("metricsProvider.className", null, null);
        HttpEndpoint metrics = provider != null && provider.contains("Prometheus")
                ? new HttpEndpoint(r.string("metricsProvider.httpHost", null, address),
                        r.intInRange("metricsProvider.httpPort", null, 7000, 0, 65535))
                : null;
        if (provider != null && metrics == null) {
            warnings.add(r.where("metricsProvider.className") + ": only the Prometheus provider is supported; metrics are off");
        }
        boolean exportJvmInfo = r.bool("metricsProvider.exportJvmInfo", null, true);
        // ZooKeeper 3.9's NIOServerCnxnFactory closes a connection without a session after
        // zookeeper.nio.sessionlessCnxnTimeout (10 s), not a multiple of tickTime; the other bounds are Corral's.
        int outgoingHigh = r.intInRange("connection.outgoingBytesHigh", null, 4 << 20, 1, Integer.MAX_VALUE);
        ConnectionLimits limits = new ConnectionLimits(
                r.intInRange("nio.sessionlessCnxnTimeout", "zookeeper.nio.sessionlessCnxnTimeout", 10_000, 1, Integer.MAX_VALUE),
                outgoingHigh,
                r.intInRange("connection.outgoingBytesMax", null, Math.max(64 << 20, outgoingHigh), outgoingHigh, Integer.MAX_VALUE),
                r.intInRange("connection.requestsMax", null, 1000, 1, Integer.MAX_VALUE),
                r.intInRange("session.watchesMax", null, 0, 0, Integer.MAX_VALUE));
        // Off unless asked for: a command that changes the server's state must not be one request of any web page away.
        boolean stateChanging = r.bool("admin.enableStateChangingCommands", null, false);
        Console console = new Console(r.bool("admin.console.enabled", null, true), r.bool("admin.console.writable", null, false));
        Restore restore = new Restore(r.bool("admin.restore.enabled", "zookeeper.admin.restore.enabled", Restore.DEFAULT.enabled()),
                r.intInRange("admin.rateLimiterIntervalInMS", "zookeeper.admin.rateLimiterIntervalInMS", (int) Restore.DEFAULT.intervalMs(), 0,
                        Integer.MAX_VALUE),
                r.intInRange("admin.restore.bytesMax", null, Restore.DEFAULT.bytesMax(), 1, Integer.MAX_VALUE - 8));
        // Corral's own: requests a started server sends to a scratch Node so its first clients meet compiled code.
        int warmUpRequests = r.intInRange("warmup.requests", WARMUP_REQUESTS_PROPERTY, DEFAULT_WARMUP_REQUESTS, 0, Integer.MAX_VALUE);
        SecurityConfig security = SecurityConfig.read(r, address);
        if (!forceSync) {
            warnings.add("forceSync=no: the log is not fsynced, so acknowledged writes can be lost in a power failure or kernel crash");
        }
        return new ServerConfig(tickMs, dataDir, dataLogDir, address, clientPort, maxClientCnxns, minSession, maxSession,
                extended, checkInterval, maxPerMinute, maxBuffer, superDigest, FourLetterWords.parseWhitelist(whitelist),
                reconfig, forceSync, preAllocKb * 1024L, outstandingLimit, fsyncWarningMs, snapCount, retain, purgeHours, admin, metrics,
                exportJvmInfo, limits, stateChanging, console, restore, warmUpRequests, ensemble.isDistributed() ? ensemble.myId() : 0, ensemble, security, List.copyOf(warnings));
    }

    /**
     * The server.N lines, the myid file of {@code dataDir} and the keys about the ensemble, checked by
     * {@link EnsembleRules}. electionAlg and peerType are refused when wrong even for a standalone server, as
     * ZooKeeper 3.9.5's QuorumPeerConfig#parseProperties refuses them.
     */
    private static EnsembleConfig readEnsemble(Reader r, String source, int tickMs, Path dataDir, List<String> warnings)
            throws ConfigException {
        Map<Long, EnsembleConfig.Member> members = new TreeMap<>();
        Map<Long, String> memberWhere = new TreeMap<>();
        for (String key : new TreeSet<>(r.cfg().stringPropertyNames())) {
            if (key.startsWith("server.")) {
                EnsembleConfig.Member member = EnsembleConfig.parseMember(key, r.cfg().getProperty(key), r.where(key));
                String earlier = memberWhere.put(member.serverId(), r.where(key));
                if (earlier != null) {
                    throw new ConfigException(r.where(key) + ": server " + member.serverId() + " is already defined at " + earlier);
                }
                members.put(member.serverId(), member);
            }
        }
        int electionAlg = r.intInRange("electionAlg", null, 3, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (electionAlg != 3) {
            throw new ConfigException(r.where("electionAlg") + ": only 3 (fast leader election) is supported, got " + electionAlg);
        }
        Boolean peerTypeObserver = null;
        String peerType = r.string("peerType", null, null);
        if (peerType != null) {
            switch (peerType.toLowerCase(Locale.ROOT)) {
                case "observer" -> peerTypeObserver = true;
                case "participant" -> peerTypeObserver = false;
                default -> throw new ConfigException(r.where("peerType") + ": expected observer or participant, got '" + peerType + "'");
            }
        }
        EnsembleConfig ensemble = EnsembleRules.validate(source, members, memberWhere, new EnsembleRules.Settings(
                r.bool("standaloneEnabled", null, true), peerTypeObserver, r.where("peerType"),
                r.intInRange("initLimit", null, 0, 0, Integer.MAX_VALUE), r.intInRange("syncLimit", null, 0, 0, Integer.MAX_VALUE),
                tickMs, r.bool("quorumListenOnAllIPs", null, false),
                r.bool("multiAddress.enabled", "zookeeper.multiAddress.enabled", false),
                EnsembleConfig.readMyId(dataDir), dataDir.resolve("myid").toString(),
                // ZooKeeper reads only the JVM system property (QuorumPeer); in zoo.cfg it would become
                // zookeeper.readonlymode.enabled, which nothing reads.
                r.bool(null, "readonlymode.enabled", false), r.bool(null, REJOINING_PROPERTY, false)), warnings);
        if (!ensemble.isDistributed()) {
            for (String key : ENSEMBLE_ONLY) {
                if (r.cfg().getProperty(key) != null) {
                    warnings.add(r.where(key) + ": used only by an ensemble member, not by a standalone server");
                }
            }
            if (ensemble.rejoining()) {
                warnings.add(REJOINING_PROPERTY + ": a standalone server has no quorum to rejoin; ignored");
            }
        }
        return ensemble;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** Reads a key from zoo.cfg, else its system property, else the default; errors name where it came from. */
    private record Reader(Properties cfg, String source, Map<String, String> locations, Properties system)
            implements dev.corral.server.tls.ConfigSource {
        @Override
        public String value(String key) {
            return raw(key, "zookeeper." + key);
        }

        @Override
        public Set<String> keysStartingWith(String prefix) {
            Set<String> keys = new TreeSet<>();
            cfg.stringPropertyNames().stream().filter(key -> key.startsWith(prefix)).forEach(keys::add);
            system.stringPropertyNames().stream().filter(name -> name.startsWith("zookeeper." + prefix))
                    .forEach(name -> keys.add(name.substring("zookeeper.".length())));
            return keys;
        }

        @Override
        public String describe(String key) {
            // A key set nowhere is named as the zoo.cfg key it would be.
            return raw(null, "zookeeper." + key) != null ? describe(key, "zookeeper." + key) : where(key);
        }

        String where(String key) {
            String location = locations.get(key);
            return (location == null ? source : location) + ": key " + key;
        }

        String raw(String key, String property) {
            if (key != null && cfg.getProperty(key) != null) {
                return cfg.getProperty(key);
            }
            if (property != null && system.getProperty(property) != null) {
                return system.getProperty(property).trim();
            }
            return null;
        }

        String describe(String key, String property) {
            return key != null && cfg.getProperty(key) != null ? where(key) : "system property " + property;
        }

        String string(String key, String property, String fallback) {
            String value = raw(key, property);
            return value == null ? fallback : value;
        }

        int positiveInt(String key, String property, int fallback) throws ConfigException {
            return intInRange(key, property, fallback, 1, Integer.MAX_VALUE);
        }

        int intInRange(String key, String property, int fallback, int min, int max) throws ConfigException {
            String value = raw(key, property);
            if (value == null) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw new ConfigException(describe(key, property) + ": expected an integer in [" + min + ", " + max
                            + "], got '" + value + "'");
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigException(describe(key, property) + ": expected an integer, got '" + value + "'");
            }
        }

        boolean bool(String key, String property, boolean fallback) throws ConfigException {
            String value = raw(key, property);
            if (value == null) {
                return fallback;
            }
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes")) {
                return true;
            }
            if (value.equalsIgnoreCase("false") || value.equalsIgnoreCase("no")) {
                return false;
            }
            throw new ConfigException(describe(key, property) + ": expected true or false, got '" + value + "'");
        }
    }
}
