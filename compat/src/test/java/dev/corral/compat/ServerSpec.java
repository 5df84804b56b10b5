package dev.corral.compat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to start one server process: tick length, extra zoo.cfg keys and extra JVM system
 * properties. Immutable; the {@code with*} methods return modified copies.
 *
 * @param tickMs             zoo.cfg tickTime; sessions negotiate into [2, 20] ticks
 * @param extendedTypes      whether {@code -Dzookeeper.extendedTypesEnabled=true} is passed (TTL nodes)
 * @param config             extra zoo.cfg entries, appended after (and overriding) the defaults
 * @param systemProperties   extra {@code -D} flags for the server JVM
 */
record ServerSpec(int tickMs, boolean extendedTypes, Map<String, String> config, Map<String, String> systemProperties) {

    ServerSpec {
        if (tickMs <= 0) {
            throw new IllegalArgumentException("tickMs must be positive, was " + tickMs);
        }
        config = Map.copyOf(config);
        systemProperties = Map.copyOf(systemProperties);
    }

    /** tickTime=200 so that expiry tests are fast, extended types (TTL) enabled. */
    static ServerSpec defaults() {
        return new ServerSpec(200, true, Map.of(), Map.of());
    }

    ServerSpec withConfig(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.put(key, value);
        return new ServerSpec(tickMs, extendedTypes, copy, systemProperties);
    }

    ServerSpec withSystemProperty(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(systemProperties);
        copy.put(key, value);
        return new ServerSpec(tickMs, extendedTypes, config, copy);
    }

    ServerSpec withoutExtendedTypes() {
        return new ServerSpec(tickMs, false, config, systemProperties);
    }

    int sessionTimeoutMsMax() {
        return 20 * tickMs;
    }
}
