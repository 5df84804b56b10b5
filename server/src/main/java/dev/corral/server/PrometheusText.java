package dev.corral.server;

import java.util.HashSet;
import java.util.Set;

/**
 * Prometheus' text exposition format, version 0.0.4: a HELP and TYPE line per metric family, then one
 * line per sample with its labels. Label values are escaped as the format asks.
 */
final class PrometheusText {
    private final StringBuilder out = new StringBuilder();
    private final Set<String> families = new HashSet<>();

    void header(String family, String type, String help) {
        if (families.add(family)) {
            out.append("# HELP ").append(family).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(family).append(' ').append(type).append('\n');
        }
    }

    void gauge(String name, String help, double value, String... labels) {
        header(name, "gauge", help);
        sample(name, value, labels);
    }

    void counter(String name, String help, double value) {
        header(name, "counter", help);
        sample(name, value);
    }

    void sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"")
                        .append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            }
            out.append('}');
        }
        out.append(' ');
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
