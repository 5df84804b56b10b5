package dev.corral.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to start an ensemble: the target, its runtime, how many voting participants and observers, the
 * tick settings every member's zoo.cfg gets, extra zoo.cfg entries and JVM options for every member.
 * Immutable; the {@code with*} methods return modified copies.
 *
 * @param participants   voting servers, ids 1..participants (at least 1)
 * @param observers      non-voting servers, the ids after the participants
 * @param tickMs         zoo.cfg tickTime
 * @param initLimit      ticks a follower has to connect to and sync with the leader
 * @param syncLimit      ticks a follower may lag behind the leader before it is dropped
 * @param config         extra zoo.cfg entries for every member, after the standard ones
 * @param jvmOptions     options for every member's JVM, e.g. -Xmx256m
 * @param label          prefix of the members' log files ({@code label-serverN.log})
 * @param logsDirectory  where members' logs are copied when they stop; null keeps none
 * @param startupBound   how long starting or restarting waits for members to serve
 * @param quorumProxied  whether every member reaches every other member's quorum and election ports through
 *                       a TCP proxy of its own, so that a test can cut one member off ({@link Ensemble#cutOff})
 */
public record EnsembleSpec(Target target, ServerRuntime runtime, int participants, int observers, int tickMs,
        int initLimit, int syncLimit, Map<String, String> config, List<String> jvmOptions, String label,
        Path logsDirectory, Duration startupBound, boolean quorumProxied) {

    public EnsembleSpec {
        if (participants < 1 || observers < 0 || participants + observers > 9) {
            throw new IllegalArgumentException("an ensemble of " + participants + " participants and " + observers
                    + " observers: at least 1 participant, at most 9 servers on one machine");
        }
        if (tickMs <= 0 || initLimit <= 0 || syncLimit <= 0) {
            throw new IllegalArgumentException("tickTime, initLimit and syncLimit must be positive: "
                    + tickMs + ", " + initLimit + ", " + syncLimit);
        }
        config = Map.copyOf(config);
        jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Three participants, no observer, tickTime=500 with initLimit=10 and syncLimit=5 (5 s and 2.5 s: short
     * enough for tests, long enough for a loaded two-core machine), -Xmx256m, a 60 s startup bound.
     */
    public static EnsembleSpec of(Target target, ServerRuntime runtime) {
        return new EnsembleSpec(target, runtime, 3, 0, 500, 10, 5, Map.of(), List.of("-Xmx256m"), "ensemble", null,
                Duration.ofSeconds(60), false);
    }

    public EnsembleSpec withParticipants(int count) {
        return new EnsembleSpec(target, runtime, count, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, logsDirectory, startupBound, quorumProxied);
    }

    public EnsembleSpec withObservers(int count) {
        return new EnsembleSpec(target, runtime, participants, count, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, logsDirectory, startupBound, quorumProxied);
    }

    /** tickTime in ms, and initLimit and syncLimit in ticks, as zoo.cfg gives them. */
    public EnsembleSpec withTicks(int tick, int init, int sync) {
        return new EnsembleSpec(target, runtime, participants, observers, tick, init, sync, config, jvmOptions,
                label, logsDirectory, startupBound, quorumProxied);
    }

    public EnsembleSpec withConfig(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.put(key, value);
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, copy, jvmOptions,
                label, logsDirectory, startupBound, quorumProxied);
    }

    public EnsembleSpec withJvmOptions(List<String> options) {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, options,
                label, logsDirectory, startupBound, quorumProxied);
    }

    public EnsembleSpec withLabel(String name) {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                name, logsDirectory, startupBound, quorumProxied);
    }

    /** How long starting waits for members to serve: short for a test that expects an ensemble not to form. */
    public EnsembleSpec withStartupBound(Duration bound) {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, logsDirectory, bound, quorumProxied);
    }

    public EnsembleSpec withLogsDirectory(Path directory) {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, directory, startupBound, quorumProxied);
    }

    /**
     * Puts every member's quorum and election links behind TCP proxies: each member's zoo.cfg names every other
     * member's quorum and election ports through a proxy of its own (one per direction of each pair), so that
     * cutting the proxies of one member's links leaves it alone while the others still reach each other. Client
     * ports stay direct. (ZooKeeper's election acceptor connects back to the election address an initiator with
     * a lower id announces, the initiator's own server line; such an election connection bypasses the proxy,
     * but a learner's connection to its leader never does.)
     */
    public EnsembleSpec withQuorumProxies() {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, logsDirectory, startupBound, true);
    }

    public int size() {
        return participants + observers;
    }
}
