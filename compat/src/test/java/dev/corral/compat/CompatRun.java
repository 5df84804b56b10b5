package dev.corral.compat;

import dev.corral.testkit.ServerRuntime;
import dev.corral.testkit.Target;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What this compatibility run was asked to test, from the system properties compat/pom.xml passes:
 * the target ({@code compat.target}: corral, the default, or zookeeper), the classpaths servers start with,
 * where server logs are kept.
 * The tests are identical for both targets, so a test that passes on ZooKeeper pins ZooKeeper's behaviour.
 */
final class CompatRun {
    static final String TARGET_PROPERTY = "compat.target";
    /**
     * {@code standalone} (the default): each test class talks to one server process; {@code ensemble}: to a
     * three-server ensemble of the same target, its clients spread over the members ({@link CompatServer}).
     */
    static final String TOPOLOGY_PROPERTY = "compat.topology";
    private static final String CORRAL_CLASSPATH_PROPERTY = "compat.corral.classpath.file";

    private CompatRun() {}

    static Target target() {
        return Target.fromSystemProperty(TARGET_PROPERTY);
    }

    /** Whether {@link #TOPOLOGY_PROPERTY} asks for ensembles; anything but the two names is refused. */
    static boolean ensembles() {
        String topology = System.getProperty(TOPOLOGY_PROPERTY, "");
        return switch (topology) {
            case "", "standalone" -> false;
            case "ensemble" -> true;
            default -> throw new IllegalArgumentException(TOPOLOGY_PROPERTY + "=" + topology
                    + ": expected standalone or ensemble");
        };
    }

    /**
     * Corral runs on the runtime classpath of corral-cli (written by maven-dependency-plugin, without
     * ZooKeeper); ZooKeeper on this test JVM's own classpath, which holds zookeeper 3.9.5 as a test dependency.
     */
    static ServerRuntime runtime() throws IOException {
        return new ServerRuntime(ServerRuntime.currentJava(), ServerRuntime.classpathFromFile(CORRAL_CLASSPATH_PROPERTY),
                System.getProperty("java.class.path"));
    }

    /** Where server logs are copied for post-mortems when a server stops; null outside Maven. */
    static Path logsDirectory() {
        String directory = System.getProperty("compat.log.dir");
        return directory == null ? null : Path.of(directory);
    }
}
