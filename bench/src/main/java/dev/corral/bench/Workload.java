package dev.corral.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What one operation of a load run does. The tree each workload needs (keys, a parent with many children,
 * one node per watch slot) is made by {@link Setup} before the warm-up, under the run's own root znode.
 */
enum Workload {
    /** create of a new persistent znode holding a value. */
    CREATE("create", true),
    /** setData of a random existing key, any version. */
    SET("set", true),
    /** getData of a random existing key, no watch. */
    GET("get", true),
    /** getData or setData of a random key; the read ratio is a knob. */
    MIXED("mixed", true),
    /**
     * One cycle of watch churn: exists with a watch on the slot's own znode, setData of that znode, and the
     * NodeDataChanged notification; the next cycle re-arms the watch.
     */
    EXISTS_WATCH("exists-watch", false),
    /**
     * Session churn: connect a new session, create an ephemeral, close the session. The official client's
     * close() also waits for its own send thread to end, about 100 ms against either server (ZooKeeper 3.9.5
     * {@code ClientCnxn#disconnect} joins it), so latency here is mostly the client's and throughput is
     * the window divided by that; server CPU per operation is the figure that compares the servers.
     */
    SESSIONS("sessions", false),
    /** getChildren of a parent with many children. */
    CHILDREN("children", false),
    /** multi of several setData ops on random keys. */
    MULTI("multi", false);

    private final String label;
    private final boolean raw;

    Workload(String label, boolean raw) {
        this.label = label;
        this.raw = raw;
    }

    String label() {
        return label;
    }

    /** Whether the raw-frame generator implements it (the official client implements all). */
    boolean raw() {
        return raw;
    }

    static Workload of(String label) {
        for (Workload workload : values()) {
            if (workload.label.equals(label)) {
                return workload;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + label + "'; known: "
                + Arrays.stream(values()).map(Workload::label).collect(Collectors.joining(", ")));
    }
}
