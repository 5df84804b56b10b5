package dev.corral.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One load run's shape: which generator, which workload, and every knob. Written and read as text so that
 * a person names runs on the command line: {@code set}, {@code get:clients=1,outstanding=1},
 * {@code raw-set:clients=64,threads=2}, {@code tls-get}.
 *
 * <p>Grammar: {@code spec = ["raw-" | "tls-"] workload [":" knob "=" value {"," knob "=" value}]}; durations are in
 * milliseconds or carry a unit ({@code 10s}, {@code 500ms}). {@code tls-} runs the official client over TLS,
 * against servers that listen on a TLS client port ({@link BenchTls}).
 *
 * <p>Invariants: every count is at least 1 (warm-up may be 0); {@code 0 <= readRatio <= 1}; a raw spec names
 * a workload the raw generator implements; only the official generator runs over TLS.
 */
record LoadSpec(
        String label,
        Generator generator,
        boolean tls,
        Workload workload,
        int clients,
        int outstanding,
        int threads,
        int valueBytes,
        long durationMs,
        long warmupMs,
        double readRatio,
        int keys,
        int children,
        int multiOps,
        long opsMax) {

    /** The two load generators. */
    enum Generator {
        OFFICIAL("official Java client, async API"),
        RAW("raw frames on Netty");

        private final String description;

        Generator(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /** Bounds that keep a mistyped knob from exhausting the machine. */
    static final int CLIENTS_MAX = 4096;
    static final int OUTSTANDING_MAX = 4096;
    static final int THREADS_MAX = 64;
    static final int VALUE_BYTES_MAX = 1 << 20;
    static final int KEYS_MAX = 1_000_000;
    static final int MULTI_OPS_MAX = 1000;
    static final long DURATION_MS_MAX = 3_600_000;

    LoadSpec {
        check(clients, 1, CLIENTS_MAX, "clients");
        check(outstanding, 1, OUTSTANDING_MAX, "outstanding");
        check(threads, 1, THREADS_MAX, "threads");
        check(valueBytes, 0, VALUE_BYTES_MAX, "value");
        check(durationMs, 1, DURATION_MS_MAX, "duration");
        check(warmupMs, 0, DURATION_MS_MAX, "warmup");
        check(keys, 1, KEYS_MAX, "keys");
        check(children, 1, KEYS_MAX, "children");
        check(multiOps, 1, MULTI_OPS_MAX, "multiOps");
        check(opsMax, 1, Long.MAX_VALUE, "opsMax");
        if (!(readRatio >= 0 && readRatio <= 1)) {
            throw new IllegalArgumentException(label + ": readRatio " + readRatio + " is not between 0 and 1");
        }
        if (generator == Generator.RAW && !workload.raw()) {
            throw new IllegalArgumentException(label + ": the raw-frame generator does not implement " + workload.label());
        }
        if (tls && generator != Generator.OFFICIAL) {
            throw new IllegalArgumentException(label + ": only the official client runs over TLS");
        }
    }

    /** Parses a spec; knobs not named take the defaults of its generator and the run's duration and warm-up. */
    static LoadSpec parse(String text, long durationMs, long warmupMs) {
        String trimmed = text.trim();
        int colon = trimmed.indexOf(':');
        String name = colon < 0 ? trimmed : trimmed.substring(0, colon);
        Generator generator = name.startsWith("raw-") ? Generator.RAW : Generator.OFFICIAL;
        boolean tls = name.startsWith("tls-");
        Workload workload = Workload.of(generator == Generator.RAW || tls ? name.substring(4) : name);
        Map<String, String> knobs = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String pair : trimmed.substring(colon + 1).split(",")) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(text + ": knob '" + pair + "' is not key=value");
                }
                knobs.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
        }
        boolean raw = generator == Generator.RAW;
        LoadSpec spec = new LoadSpec(trimmed, generator, tls, workload,
                intKnob(knobs, "clients", raw ? 16 : 4, text),
                intKnob(knobs, "outstanding", raw ? 32 : 8, text),
                intKnob(knobs, "threads", 1, text),
                intKnob(knobs, "value", 100, text),
                durationKnob(knobs, "duration", durationMs, text),
                durationKnob(knobs, "warmup", warmupMs, text),
                doubleKnob(knobs, "readRatio", 0.9, text),
                intKnob(knobs, "keys", 1000, text),
                intKnob(knobs, "children", 1000, text),
                intKnob(knobs, "multiOps", 4, text),
                longKnob(knobs, "opsMax", 50_000_000L, text));
        if (!knobs.isEmpty()) {
            throw new IllegalArgumentException(text + ": unknown knob(s) " + knobs.keySet()
                    + "; known: clients, outstanding, threads, value, duration, warmup, readRatio, keys, children,"
                    + " multiOps, opsMax");
        }
        return spec;
    }

    /** The number of requests this run keeps in flight at most. */
    int windowTotal() {
        return clients * outstanding;
    }

    /** The knobs in one line, for reports. */
    String describe() {
        StringBuilder text = new StringBuilder()
                .append(generator == Generator.RAW ? "raw" : "official")
                .append(tls ? " over TLS" : "")
                .append(' ').append(workload.label())
                .append(", clients=").append(clients)
                .append(", outstanding=").append(outstanding);
        if (generator == Generator.RAW) {
            text.append(", threads=").append(threads);
        }
        text.append(", value=").append(valueBytes).append("B");
        switch (workload) {
            case SET, GET, MULTI -> text.append(", keys=").append(keys);
            case MIXED -> text.append(", keys=").append(keys).append(", readRatio=").append(readRatio);
            case CHILDREN -> text.append(", children=").append(children);
            default -> { }
        }
        if (workload == Workload.MULTI) {
            text.append(", multiOps=").append(multiOps);
        }
        return text.append(", duration=").append(durationMs).append("ms, warmup=").append(warmupMs).append("ms").toString();
    }

    private static void check(long value, long min, long max, String knob) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("knob " + knob + "=" + value + " is outside [" + min + ", " + max + "]");
        }
    }

    private static int intKnob(Map<String, String> knobs, String key, int fallback, String text) {
        return Math.toIntExact(longKnob(knobs, key, fallback, text));
    }

    private static long longKnob(Map<String, String> knobs, String key, long fallback, String text) {
        String value = knobs.remove(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + ": knob " + key + "=" + value + " is not a whole number", e);
        }
    }

    private static double doubleKnob(Map<String, String> knobs, String key, double fallback, String text) {
        String value = knobs.remove(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + ": knob " + key + "=" + value + " is not a number", e);
        }
    }

    private static long durationKnob(Map<String, String> knobs, String key, long fallback, String text) {
        String value = knobs.remove(key);
        return value == null ? fallback : parseDurationMs(value, text + ": knob " + key);
    }

    /** "250", "250ms", "10s" or "2m" to milliseconds. */
    static long parseDurationMs(String value, String where) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long multiplier = 1;
        if (v.endsWith("ms")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
            multiplier = 1000;
        } else if (v.endsWith("m")) {
            v = v.substring(0, v.length() - 1);
            multiplier = 60_000;
        }
        try {
            return Math.multiplyExact((long) (Double.parseDouble(v) * 1000), multiplier) / 1000;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(where + ": '" + value + "' is not a duration such as 500ms, 10s or 2m", e);
        }
    }
}
