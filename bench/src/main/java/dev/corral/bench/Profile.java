package dev.corral.bench;

import java.util.List;

/**
 * Named defaults of the side-by-side runner. {@code quick} is what a person runs to get a report in about
 * a quarter of an hour; {@code full} is the shape (1,000,000 znodes, longer runs, more pairs);
 * {@code large} is issue 16's ten million znodes, three alternating footprint runs of each server with the
 * heap ZooKeeper needs for them and a snapCount of a million for both ({@link Footprint#zooCfgFor}; about an
 * hour and a half on a 2-core machine; a command, never part of the test suite); {@code smoke} checks in well under a minute that the runner still works, and measures
 * nothing worth reading.
 *
 * @param footprintZnodes znodes of the footprint and recovery measurement; 0 skips it
 * @param footprintPairs  footprint runs of each server, alternating ZooKeeper then Corral
 * @param reuseServers    keep one server of each kind for all runs instead of a fresh one per run
 * @param heapMax         -Xmx of both servers unless {@code --xmx} says otherwise
 */
record Profile(String name, List<String> specs, int pairs, long durationMs, long warmupMs, int footprintZnodes,
        int footprintPairs, boolean reuseServers, String heapMax) {

    /**
     * Every workload of the official client, the single-client latency runs, set and get over TLS (on servers
     * of their own with a TLS client port), and the raw generator.
     */
    static final List<String> DEFAULT_SPECS = List.of(
            "create", "set", "get", "mixed", "exists-watch", "sessions", "children", "multi",
            "get:clients=1,outstanding=1", "set:clients=1,outstanding=1",
            "tls-set", "tls-get",
            "raw-set", "raw-get");

    /**
     * The ensemble comparison of issue 11: create, set, get and mixed with many clients and many requests in
     * flight (the generator's defaults, 4 x 8) and with one client and one request in flight, and the issue's
     * reference shapes for ZooKeeper's ensemble, set of 1 KiB at 1 x 1 and 16 x 32.
     */
    static final List<String> ENSEMBLE_SPECS = List.of(
            "create", "set", "get", "mixed",
            "create:clients=1,outstanding=1", "set:clients=1,outstanding=1", "get:clients=1,outstanding=1",
            "mixed:clients=1,outstanding=1",
            "set:clients=1,outstanding=1,value=1024", "set:clients=16,outstanding=32,value=1024");

    /** The workloads of an ensemble comparison ({@code --ensemble}) under this profile. */
    List<String> ensembleSpecs() {
        return name.equals("smoke") ? List.of("create:clients=3,outstanding=4", "set:clients=1,outstanding=1",
                "get:clients=3,outstanding=4", "mixed:clients=3,outstanding=4") : ENSEMBLE_SPECS;
    }

    static Profile named(String name) {
        return switch (name) {
            case "quick" -> new Profile(name, DEFAULT_SPECS, 3, 8_000, 2_000, 100_000, 1, false, "1g");
            case "full" -> new Profile(name, DEFAULT_SPECS, 5, 30_000, 5_000, 1_000_000, 1, false, "1g");
            // ZooKeeper 3.9.5 holds about 450 bytes of heap per znode of 100 bytes: 4.5 GB for ten million,
            // and G1 needs room beside it to keep up with the populate's allocation.
            case "large" -> new Profile(name, List.of("get"), 1, 5_000, 2_000, 10_000_000, 3, false, "8g");
            case "smoke" -> new Profile(name, List.of("create", "set", "get", "mixed", "exists-watch", "sessions",
                    "children:children=50", "multi", "raw-set:clients=4,outstanding=8"), 1, 500, 200, 500, 1, true, "1g");
            default -> throw new IllegalArgumentException("unknown profile '" + name + "'; known: quick, full, large, smoke");
        };
    }
}
