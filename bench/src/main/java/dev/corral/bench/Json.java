package dev.corral.bench;

import java.util.Locale;

/**
 * Writes one JSON object on one line, fields in the order they are added. The bench writes its results as
 * JSON lines (one object per run) for other tools to read; it never parses JSON, so a writer is enough and
 * saves a dependency.
 */
final class Json {
    private final StringBuilder text = new StringBuilder("{");

    Json field(String name, String value) {
        key(name);
        if (value == null) {
            text.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    Json field(String name, long value) {
        key(name);
        text.append(value);
        return this;
    }

    /** A finite double with at most 3 decimals; NaN and infinities become null, which JSON can carry. */
    Json field(String name, double value) {
        key(name);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            text.append("null");
        } else {
            text.append(String.format(Locale.ROOT, "%.3f", value));
        }
        return this;
    }

    Json field(String name, boolean value) {
        key(name);
        text.append(value);
        return this;
    }

    @Override
    public String toString() {
        return text + "}";
    }

    private void key(String name) {
        if (text.length() > 1) {
            text.append(',');
        }
        quote(name);
        text.append(':');
    }

    private void quote(String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
