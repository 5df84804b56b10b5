package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
 */
record ServerOptions(Path javaHome, String heapMax, String corralClasspath, String zookeeperClasspath, Path logsDirectory,
        boolean flightRecordings) {

    static final String CORRAL_CLASSPATH_PROPERTY = "bench.corral.classpath.file";
    static final String ZOOKEEPER_CLASSPATH_PROPERTY = "bench.zookeeper.classpath.file";

    ServerOptions {
        if (flightRecordings && logsDirectory == null) {
            throw new IllegalArgumentException("flight recordings need a logs directory to go to");
        }
        if (!heapMax.matches("[0-9]+[kmgKMG]?")) {
            throw new IllegalArgumentException("heap size '" + heapMax + "' is not an -Xmx value such as 1g or 512m");
        }
        if (Arrays.stream(corralClasspath.split(java.io.File.pathSeparator)).anyMatch(ServerOptions::isZooKeeperJar)) {
            throw new IllegalArgumentException("Corral's classpath holds a ZooKeeper jar; it must not: " + corralClasspath);
        }
        if (Arrays.stream(zookeeperClasspath.split(java.io.File.pathSeparator)).noneMatch(ServerOptions::isZooKeeperJar)) {
            throw new IllegalArgumentException("ZooKeeper's classpath holds no zookeeper jar: " + zookeeperClasspath);
        }
    }

    /** Options with the classpaths named by the system properties {@value #CORRAL_CLASSPATH_PROPERTY} and
     * {@value #ZOOKEEPER_CLASSPATH_PROPERTY}, which bench/run.sh and the Maven test configuration set. */
    static ServerOptions fromSystemProperties(String heapMax, Path logsDirectory, boolean flightRecordings)
            throws IOException {
        return new ServerOptions(Path.of(System.getProperty("java.home")), heapMax,
                readClasspath(CORRAL_CLASSPATH_PROPERTY), readClasspath(ZOOKEEPER_CLASSPATH_PROPERTY), logsDirectory,
                flightRecordings);
    }

    /**
     * These options with Corral's classpath copied into {@code directory}, so that every run of a comparison
     * starts the same Corral even if someone installs a new build into the local Maven repository meanwhile
     * (a JVM that reads a jar while it is rewritten fails in odd ways). Each copy is checked to be a
     * readable jar.
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
        return new ServerOptions(javaHome, heapMax, String.join(java.io.File.pathSeparator, copies), zookeeperClasspath,
                logsDirectory, flightRecordings);
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

    String classpath(ServerKind kind) {
        return kind == ServerKind.CORRAL ? corralClasspath : zookeeperClasspath;
    }

    Path java() {
        return javaHome.resolve("bin").resolve("java");
    }

    private static boolean isZooKeeperJar(String entry) {
        return Path.of(entry).getFileName().toString().startsWith("zookeeper-");
    }

    private static String readClasspath(String property) throws IOException {
        String file = System.getProperty(property);
        if (file == null) {
            throw new IOException("system property " + property + " is not set: run through bench/run.sh or Maven");
        }
        String classpath = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        if (classpath.isEmpty()) {
            throw new IOException("classpath file " + file + " (" + property + ") is empty");
        }
        return classpath;
    }
}
