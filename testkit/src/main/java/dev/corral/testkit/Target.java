package dev.corral.testkit;

import java.util.Locale;

/**
 * The server implementation a test or benchmark runs: Corral, or Apache ZooKeeper 3.9.5 as the reference.
 * The same tests run against both, so an expectation that holds on ZooKeeper is ZooKeeper's behaviour and
 * not a guess. The declaration order is the order in which the bench measures them (ZooKeeper first).
 */
public enum Target {
    ZOOKEEPER("zookeeper", "Apache ZooKeeper"),
    CORRAL("corral", "Corral");

    private final String id;
    private final String displayName;

    Target(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /** The lower-case name used in system properties, file names and reports. */
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * The target named by system property {@code property}, {@code corral} when it is unset or empty; an
     * unknown name is an error that names the property and the accepted values.
     */
    public static Target fromSystemProperty(String property) {
        String value = System.getProperty(property, "").trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            return CORRAL;
        }
        for (Target target : values()) {
            if (target.id.equals(value)) {
                return target;
            }
        }
        throw new IllegalStateException("system property " + property + "=" + value + " is not one of: corral, zookeeper");
    }
}
