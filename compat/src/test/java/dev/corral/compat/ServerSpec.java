package dev.corral.compat;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.EnsembleSpec;
import dev.corral.testkit.Launch;
import dev.corral.testkit.Ports;
import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.ZooCfg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to start one server process: tick length, extra zoo.cfg keys and extra JVM system
 * properties. Immutable; the {@code with*} methods return modified copies. {@link #start} runs it as the
 * run's target ({@link CompatRun}) in a temporary home of its own (zoo.cfg, {@code data}, the log), deleted
 * when the server is closed after its log is copied to {@code compat.log.dir}.
 *
 * @param tickMs             zoo.cfg tickTime; sessions negotiate into [2, 20] ticks unless the config says otherwise
 * @param extendedTypes      whether {@code -Dzookeeper.extendedTypesEnabled=true} is passed (TTL nodes)
 * @param config             extra zoo.cfg entries, appended after (and overriding) the defaults
 * @param systemProperties   extra {@code -D} flags for the server JVM
 */
record ServerSpec(int tickMs, boolean extendedTypes, Map<String, String> config, Map<String, String> systemProperties) {

    /** The super user: {@code addAuthInfo("digest", "super:test")} may do anything. */
    static final String SUPER_CREDENTIALS = "super:test";
    /** The data directory named in zoo.cfg, inside the server's home. */
    static final String DATA_DIRECTORY = "data";

    private static final Duration STARTUP_BOUND = Duration.ofSeconds(30);
    /**
     * An ensemble's initLimit and syncLimit in ticks: 5 s and 2.4 s at the default tick, as long as the
     * ensemble tests' own (three servers and the test share two cores), while sessions keep the short tick.
     */
    private static final int ENSEMBLE_INIT_TICKS = 25;
    private static final int ENSEMBLE_SYNC_TICKS = 12;

    ServerSpec {
        if (tickMs <= 0) {
            throw new IllegalArgumentException("tickMs must be positive, was " + tickMs);
        }
        config = Map.copyOf(config);
        systemProperties = Map.copyOf(systemProperties);
    }

    /** tickTime=200 so that expiry tests are fast, extended types (TTL) enabled. */
    static ServerSpec defaults() {
        return new ServerSpec(200, true, Map.of(), Map.of());
    }

    ServerSpec withConfig(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.put(key, value);
        return new ServerSpec(tickMs, extendedTypes, copy, systemProperties);
    }

    ServerSpec withSystemProperty(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(systemProperties);
        copy.put(key, value);
        return new ServerSpec(tickMs, extendedTypes, config, copy);
    }

    ServerSpec withoutExtendedTypes() {
        return new ServerSpec(tickMs, false, config, systemProperties);
    }

    /** The longest session a server of this spec grants: its maxSessionTimeout if set, else 20 ticks, as both servers read it. */
    int sessionTimeoutMsMax() {
        String configured = config.get("maxSessionTimeout");
        return configured != null ? Integer.parseInt(configured) : 20 * tickMs;
    }

    /** Starts a server of the run's target and waits until it answers a handshake (retried on a taken port). */
    ServerProcess start(String name) throws IOException, InterruptedException {
        return ServerProcess.startOnFreePort(port -> launch(name, port, null));
    }

    /**
     * Starts a three-participant ensemble of the run's target whose members all have this spec's tick, zoo.cfg
     * entries and JVM flags, and waits until every member serves.
     */
    Ensemble startEnsemble(String name) throws IOException, InterruptedException {
        return CompatEnsemble.start(name, ensemble -> {
            EnsembleSpec spec = ensemble.withTicks(tickMs, ENSEMBLE_INIT_TICKS, ENSEMBLE_SYNC_TICKS)
                    .withConfig("maxClientCnxns", "60");
            for (Map.Entry<String, String> entry : config.entrySet()) {
                spec = spec.withConfig(entry.getKey(), entry.getValue());
            }
            List<String> options = new ArrayList<>(ensemble.jvmOptions());
            options.addAll(systemFlags());
            return spec.withJvmOptions(options);
        });
    }

    /**
     * Launches a server whose zoo.cfg lacks {@code omittedKey} (one of the keys every test's zoo.cfg has,
     * such as dataDir), without waiting for it to answer: for a configuration the server must refuse
     * ({@link ServerProcess#awaitExit}). The caller closes it.
     */
    ServerProcess startWithout(String name, String omittedKey) throws IOException {
        return ServerProcess.launch(launch(name, Ports.freeLoopbackPort(), omittedKey));
    }

    private Launch launch(String name, int port, String omittedKey) {
        try {
            Path home = Files.createTempDirectory("corral-compat-");
            Path dataDirectory = Files.createDirectories(home.resolve(DATA_DIRECTORY));
            return new Launch(CompatRun.target(), CompatRun.runtime(), jvmOptions(), home,
                    zooCfg(dataDirectory, port, omittedKey), CompatRun.target().id() + "-" + name + "-" + port,
                    CompatRun.logsDirectory(), STARTUP_BOUND, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-Xmx256m"));
        options.addAll(systemFlags());
        return options;
    }

    /** The -D flags every server of this spec gets: extended types, container checks, the super user, extras. */
    private List<String> systemFlags() {
        List<String> options = new ArrayList<>();
        if (extendedTypes) {
            options.add("-Dzookeeper.extendedTypesEnabled=true");
        }
        options.add("-Dznode.container.checkIntervalMs=100");
        options.add("-Dzookeeper.DigestAuthenticationProvider.superDigest=" + digest(SUPER_CREDENTIALS));
        new TreeMap<>(systemProperties).forEach((key, value) -> options.add("-D" + key + "=" + value));
        return options;
    }

    private ZooCfg zooCfg(Path dataDirectory, int port, String omittedKey) {
        ZooCfg zooCfg = ZooCfg.standalone(tickMs, dataDirectory, port)
                .put("maxClientCnxns", "60")
                .putAll(config);
        return omittedKey == null ? zooCfg : zooCfg.remove(omittedKey);
    }

    /** user:base64(sha1(user:password)), DigestAuthenticationProvider#generateDigest in ZooKeeper 3.9. */
    static String digest(String credentials) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA1").digest(credentials.getBytes(StandardCharsets.UTF_8));
            String user = credentials.substring(0, credentials.indexOf(':'));
            return user + ":" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1 is required of every JVM", e);
        }
    }
}
