package dev.corral.bench;

import dev.corral.testkit.Ensemble;
import dev.corral.testkit.EnsembleSpec;
import dev.corral.testkit.Launch;
import dev.corral.testkit.Ports;
import dev.corral.testkit.ServerProcess;
import dev.corral.testkit.ServerRuntime;
import dev.corral.testkit.Target;
import dev.corral.testkit.ZooCfg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * How the bench starts servers: the same JDK and the same {@code -Xmx} for both, and each server's own
 * classpath. The classpaths come from files that Maven writes (see bench/pom.xml): Corral's is the runtime
 * classpath of corral-cli and must not hold ZooKeeper; ZooKeeper's is ZooKeeper 3.9.5 with its dependencies.
 *
 * @param javaHome           JDK of both servers (by default the bench's own)
 * @param heapMax            the -Xmx value of both servers, e.g. "1g"
 * @param corralClasspath    classpath of dev.corral.cli.Corral
 * @param zookeeperClasspath classpath of org.apache.zookeeper.server.ZooKeeperServerMain
 * @param logsDirectory      where each server's log is kept after it stops; null keeps none
 * @param flightRecordings   record each server with JFR (settings "profile") into the logs directory
 * @param corralClassArchive Corral's class-data-sharing archive for its classpath, as bin/corral starts servers
 *                           with the one its build makes ({@link #withCorralCopiedTo}); null for none
 */
record ServerOptions(Path javaHome, String heapMax, String corralClasspath, String zookeeperClasspath, Path logsDirectory,
        boolean flightRecordings, Path corralClassArchive) {

    static final String CORRAL_CLASSPATH_PROPERTY = "bench.corral.classpath.file";
    static final String ZOOKEEPER_CLASSPATH_PROPERTY = "bench.zookeeper.classpath.file";
    static final Duration STARTUP_BOUND = Duration.ofMinutes(2);
    private static final Duration TRAINING_BOUND = Duration.ofMinutes(2);
    /** Ticks for a follower to connect and sync, and to lag: the test kit's defaults (EnsembleSpec.of). */
    private static final int ENSEMBLE_INIT_LIMIT = 10;
    private static final int ENSEMBLE_SYNC_LIMIT = 5;

    ServerOptions {
        new ServerRuntime(javaHome, corralClasspath, zookeeperClasspath); // refuses a Corral classpath holding ZooKeeper
        if (flightRecordings && logsDirectory == null) {
            throw new IllegalArgumentException("flight recordings need a logs directory to go to");
        }
        if (!heapMax.matches("[0-9]+[kmgKMG]?")) {
            throw new IllegalArgumentException("heap size '" + heapMax + "' is not an -Xmx value such as 1g or 512m");
        }
        if (Arrays.stream(zookeeperClasspath.split(java.io.File.pathSeparator)).noneMatch(ServerRuntime::isZooKeeperJar)) {
            throw new IllegalArgumentException("ZooKeeper's classpath holds no zookeeper jar: " + zookeeperClasspath);
        }
    }

    /** Options with the classpaths named by the system properties {@value #CORRAL_CLASSPATH_PROPERTY} and
     * {@value #ZOOKEEPER_CLASSPATH_PROPERTY}, which bench/run.sh and the Maven test configuration set. */
    static ServerOptions fromSystemProperties(String heapMax, Path logsDirectory, boolean flightRecordings)
            throws IOException {
        return new ServerOptions(Path.of(System.getProperty("java.home")), heapMax,
                ServerRuntime.classpathFromFile(CORRAL_CLASSPATH_PROPERTY), ServerRuntime.classpathFromFile(ZOOKEEPER_CLASSPATH_PROPERTY), logsDirectory,
                flightRecordings, null);
    }

    /**
     * These options with Corral's classpath copied into {@code directory}, so that every run of a comparison
     * starts the same Corral even if someone installs a new build into the local Maven repository meanwhile
     * (a JVM that reads a jar while it is rewritten fails in odd ways). Each copy is checked to be a
     * readable jar. Then Corral's class-data-sharing archive is made for the copies by the same training run
     * as the cli build's ({@code corral cds-training}), so that Corral starts as {@code bin/corral server}
     * starts it; an archive only fits the class path it was made on, and the build's fits bin/corral's.
     */
    ServerOptions withCorralCopiedTo(Path directory) throws IOException {
        List<String> copies = new ArrayList<>();
        for (String entry : corralClasspath.split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (Files.isDirectory(source)) {
                copies.add(entry); // a reactor build's target/classes: nobody installs over it mid-run
                continue;
            }
            if (!Files.isRegularFile(source)) {
                throw new IOException("Corral classpath entry " + source + " is neither a jar nor a directory");
            }
            Path copy = directory.resolve(source.getFileName());
            Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            try (JarFile jar = new JarFile(copy.toFile())) {
                jar.stream().forEach(JarEntry::getName);
            } catch (IOException e) {
                throw new IOException("the copy of " + source + " is not a readable jar (is it being rewritten?)", e);
            }
            copies.add(copy.toString());
        }
        String copiedClasspath = String.join(java.io.File.pathSeparator, copies);
        return new ServerOptions(javaHome, heapMax, copiedClasspath, zookeeperClasspath, logsDirectory, flightRecordings,
                trainClassArchive(copiedClasspath, directory));
    }

    /**
     * Runs Corral's training run on {@code classpath} and returns the archive it made in {@code directory};
     * null for a classpath with class directories (a build that compiled without packaging), which the JDK
     * refuses to archive.
     */
    private Path trainClassArchive(String classpath, Path directory) throws IOException {
        if (Arrays.stream(classpath.split(java.io.File.pathSeparator)).anyMatch(entry -> Files.isDirectory(Path.of(entry)))) {
            System.err.println("bench: Corral's classpath holds class directories; Corral starts without a class archive");
            return null;
        }
        Path archive = directory.resolve("corral.jsa");
        Path log = directory.resolve("cds-training.log");
        Process training = new ProcessBuilder(javaHome.resolve("bin").resolve("java").toString(),
                "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-cp", classpath,
                "dev.corral.cli.Corral", "cds-training")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!training.waitFor(TRAINING_BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IOException("Corral's class archive training did not end within " + TRAINING_BOUND + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while training Corral's class archive", e);
        } finally {
            training.destroyForcibly();
        }
        if (training.exitValue() != 0 || !Files.isRegularFile(archive)) {
            throw new IOException("Corral's class archive training failed (exit " + training.exitValue() + "); see " + log);
        }
        return archive;
    }

    /** The first 12 hex digits of a SHA-256 over Corral's jars: two reports with the same one measured the same build. */
    String corralFingerprint() throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String entry : corralClasspath.split(java.io.File.pathSeparator)) {
                if (Files.isRegularFile(Path.of(entry))) {
                    digest.update(Files.readAllBytes(Path.of(entry)));
                }
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** The JDK and both classpaths, as the test kit starts servers with them; also checks Corral's holds no ZooKeeper. */
    ServerRuntime runtime() {
        return new ServerRuntime(javaHome.resolve("bin").resolve("java"), corralClasspath, zookeeperClasspath);
    }

    /**
     * Starts {@code kind} with its data in {@code home}/data and waits until it serves; {@code label} names the
     * log file, which is kept in the logs directory. A port taken meanwhile is retried with another.
     */
    ServerProcess start(Target kind, Path home, String label) throws IOException, InterruptedException {
        return start(kind, home, label, STARTUP_BOUND);
    }

    /** {@link #start(Target, Path, String)} with a bound of its own: a restart that recovers a large tree takes longer. */
    ServerProcess start(Target kind, Path home, String label, Duration startupBound) throws IOException, InterruptedException {
        return start(kind, home, label, startupBound, Map.of());
    }

    /** {@link #start(Target, Path, String, Duration)} with more zoo.cfg settings, the same for either server. */
    ServerProcess start(Target kind, Path home, String label, Duration startupBound, Map<String, String> moreCfg)
            throws IOException, InterruptedException {
        return start(kind, home, label, startupBound, () -> moreCfg);
    }

    /**
     * {@link #start(Target, Path, String)} with a TLS client port beside the plain one ({@code tls}'s zoo.cfg keys on
     * a loopback port free when asked, chosen again with the plain port if one was taken); returns once the server
     * answers over TLS there ({@link BenchTls#securePort} tells which port it is).
     */
    ServerProcess startWithTls(Target kind, Path home, String label, BenchTls tls) throws IOException, InterruptedException {
        ServerProcess server = start(kind, home, label, STARTUP_BOUND, () -> {
            try {
                return tls.serverSettings(Ports.freeLoopbackPort());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            tls.awaitServing(server, BenchTls.securePort(server));
            return server;
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    /** Starts {@code kind} with the settings {@code moreCfg} gives for each attempt (a port taken is retried with others). */
    private ServerProcess start(Target kind, Path home, String label, Duration startupBound, Supplier<Map<String, String>> moreCfg)
            throws IOException, InterruptedException {
        ServerRuntime runtime = runtime();
        return ServerProcess.startOnFreePort(port -> Launch.of(kind, runtime, home, withSettings(zooCfg(home.resolve("data"), port), moreCfg.get()), label)
                .withJvmOptions(jvmOptions(kind, label))
                .withLogsDirectory(logsDirectory)
                .withStartupBound(startupBound));
    }

    /**
     * Starts a {@code size}-server ensemble of {@code kind} on loopback (the test kit's {@link Ensemble}: one
     * zoo.cfg and myid per member) with the same settings as a standalone server: {@code tickTime}, forceSync=yes,
     * no per-address connection limit, this heap for every member (no flight recording: the members would share
     * one file name). It returns once every member serves.
     * {@code label} prefixes the members' log files ({@code label-serverN.log}).
     */
    Ensemble startEnsemble(Target kind, int size, int tickMs, String label) throws IOException, InterruptedException {
        EnsembleSpec spec = new EnsembleSpec(kind, runtime(), size, 0, tickMs, ENSEMBLE_INIT_LIMIT, ENSEMBLE_SYNC_LIMIT,
                Map.of("forceSync", "yes", "maxClientCnxns", "0"), heapAndArchive(kind), label, logsDirectory, STARTUP_BOUND, false);
        return Ensemble.start(spec);
    }

    /**
     * The same zoo.cfg for both servers: tickTime=2000, forceSync=yes, no admin server, all four-letter words,
     * no per-address connection limit.
     */
    private static ZooCfg withSettings(ZooCfg cfg, Map<String, String> settings) {
        ZooCfg result = cfg;
        for (Map.Entry<String, String> setting : new java.util.TreeMap<>(settings).entrySet()) {
            result = result.put(setting.getKey(), setting.getValue());
        }
        return result;
    }

    private static ZooCfg zooCfg(Path dataDirectory, int port) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ZooCfg.standalone(2000, dataDirectory, port)
                .put("maxClientCnxns", "0")
                .put("forceSync", "yes");
    }

    /** The heap of every server, and Corral's class archive with the flags bin/corral gives it. */
    private List<String> heapAndArchive(Target kind) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heapMax));
        if (kind == Target.CORRAL && corralClassArchive != null) {
            options.addAll(List.of("-XX:SharedArchiveFile=" + corralClassArchive, "-Xshare:auto", "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off"));
        }
        return options;
    }

    private List<String> jvmOptions(Target kind, String label) {
        List<String> options = heapAndArchive(kind);
        if (flightRecordings) {
            options.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + logsDirectory.resolve(label + ".jfr"));
        }
        return options;
    }

    /** A fresh home directory for one server (its zoo.cfg, data and log). */
    static Path createHome(String prefix) throws IOException {
        return Files.createTempDirectory("corral-bench-" + prefix + "-");
    }
}
