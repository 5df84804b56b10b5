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
 * @param proxiedServerId the server whose quorum and election traffic with every other member goes through
 *                       TCP proxies that a test can cut ({@link Ensemble#cutProxiedServer}); 0 for none
 */
public record EnsembleSpec(Target target, ServerRuntime runtime, int participants, int observers, int tickMs,
        int initLimit, int syncLimit, Map<String, String> config, List<String> jvmOptions, String label,
        Path logsDirectory, Duration startupBound, int proxiedServerId) {

    public EnsembleSpec {
        if (participants < 1 || observers < 0 || participants + observers > 9) {
            throw new IllegalArgumentException("an ensemble of " + participants + " participants and " + observers
                    + " observers: at least 1 participant, at most 9 servers on one machine");
        }
        if (tickMs <= 0 || initLimit <= 0 || syncLimit <= 0) {
            throw new IllegalArgumentException("tickTime, initLimit and syncLimit must be positive: "
                    + tickMs + ", " + initLimit + ", " + syncLimit);
        }
        if (proxiedServerId < 0 || proxiedServerId > participants + observers) {
            throw new IllegalArgumentException("proxied server " + proxiedServerId + " is not one of the "
                    + (participants + observers) + " servers (0 for none)");
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
                Duration.ofSeconds(60), 0);
    }

    public EnsembleSpec withParticipants(int count) {
        return new EnsembleSpec(target, runtime, count, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, logsDirectory, startupBound, proxiedServerId);
    }

    public EnsembleSpec withObservers(int count) {
        return new EnsembleSpec(target, runtime, participants, count, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, logsDirectory, startupBound, proxiedServerId);
    }

    public EnsembleSpec withConfig(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.put(key, value);
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, copy, jvmOptions,
                label, logsDirectory, startupBound, proxiedServerId);
    }

    public EnsembleSpec withJvmOptions(List<String> options) {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, options,
                label, logsDirectory, startupBound, proxiedServerId);
    }

    public EnsembleSpec withLabel(String name) {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                name, logsDirectory, startupBound, proxiedServerId);
    }

    public EnsembleSpec withLogsDirectory(Path directory) {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, directory, startupBound, proxiedServerId);
    }

    /**
     * Puts {@code serverId}'s quorum and election traffic with every other member behind TCP proxies: its own
     * zoo.cfg names the others' quorum and election ports through proxies, and theirs name its ports through
     * proxies, so that cutting the proxies leaves it alone while the others still reach each other directly.
     * Its client port stays direct. (ZooKeeper's election acceptor connects back to the election address an
     * initiator with a lower id announces, the initiator's own server line; such an election connection
     * bypasses the proxy, but the learner connection to a leader never does.)
     */
    public EnsembleSpec withQuorumProxied(int serverId) {
        return new EnsembleSpec(target, runtime, participants, observers, tickMs, initLimit, syncLimit, config, jvmOptions,
                label, logsDirectory, startupBound, serverId);
    }

    public int size() {
        return participants + observers;
    }
}
