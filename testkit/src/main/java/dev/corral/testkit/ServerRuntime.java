package dev.corral.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The JDK and the classpath of each target that server processes are started with. Corral's classpath is
 * the runtime classpath of corral-cli and must not hold ZooKeeper (DESIGN.md: ZooKeeper's jars are test and
 * benchmark dependencies only); ZooKeeper's holds zookeeper 3.9.5 and what its server needs at run time.
 *
 * @param java               the java launcher both targets run on
 * @param corralClasspath    classpath of {@code dev.corral.cli.Corral}
 * @param zookeeperClasspath classpath of ZooKeeper's {@code ZooKeeperServerMain} and {@code QuorumPeerMain}
 */
public record ServerRuntime(Path java, String corralClasspath, String zookeeperClasspath) {

    public ServerRuntime {
        if (Arrays.stream(corralClasspath.split(File.pathSeparator)).anyMatch(ServerRuntime::isZooKeeperJar)) {
            throw new IllegalArgumentException("Corral's classpath holds a ZooKeeper jar; it must not: " + corralClasspath);
        }
    }

    /** The JDK running this JVM. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public String classpath(Target target) {
        return target == Target.CORRAL ? corralClasspath : zookeeperClasspath;
    }

    public static boolean isZooKeeperJar(String classpathEntry) {
        return Path.of(classpathEntry).getFileName().toString().startsWith("zookeeper-");
    }

    /**
     * The classpath in the file named by system property {@code property} (written by Maven's
     * {@code dependency:build-classpath}); an unset property or an empty file is an error naming both.
     */
    public static String classpathFromFile(String property) throws IOException {
        String file = System.getProperty(property);
        if (file == null) {
            throw new IOException("system property " + property + " is not set: run through Maven (or the module's run script)");
        }
        String classpath = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        if (classpath.isEmpty()) {
            throw new IOException("classpath file " + file + " (" + property + ") is empty");
        }
        return classpath;
    }
}
