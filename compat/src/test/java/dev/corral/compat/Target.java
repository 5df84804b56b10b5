package dev.corral.compat;

import java.util.Locale;

/**
 * The server implementation a compatibility run starts: Corral, or Apache ZooKeeper 3.9.5 as the
 * reference. Chosen with the system property {@code compat.target} (default {@code corral}); the
 * tests are identical for both, so a test that passes on ZooKeeper pins ZooKeeper's behaviour.
 */
enum Target {
    CORRAL,
    ZOOKEEPER;

    static final String PROPERTY = "compat.target";

    static Target current() {
        String value = System.getProperty(PROPERTY, "corral").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "corral", "" -> CORRAL;
            case "zookeeper" -> ZOOKEEPER;
            default -> throw new IllegalStateException(
                    "system property " + PROPERTY + "=" + value + " is not one of: corral, zookeeper");
        };
    }
}
