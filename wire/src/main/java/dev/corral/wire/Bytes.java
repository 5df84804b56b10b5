package dev.corral.wire;

/**
 * How records that carry {@code byte[]} fields print them. Records compare arrays by content (see each
 * record's {@code equals}); printing is split in two so that secrets never reach a log: znode data is
 * shown as a short hex preview, while passwords, credentials and SASL tokens show only their length.
 */
final class Bytes {
    /** Longest prefix of znode data shown in a preview; data can be up to 1 MiB. */
    private static final int PREVIEW_BYTES = 32;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Bytes() {}

    /** Length and a hex prefix, e.g. {@code [3 bytes: 616263]}. */
    static String preview(byte[] value) {
        if (value == null) {
            return "null";
        }
        int shown = Math.min(value.length, PREVIEW_BYTES);
        StringBuilder text = new StringBuilder(24 + 2 * shown).append('[').append(value.length).append(" bytes");
        if (shown > 0) {
            text.append(": ");
            for (int i = 0; i < shown; i++) {
                text.append(HEX[(value[i] >> 4) & 0xf]).append(HEX[value[i] & 0xf]);
            }
            if (shown < value.length) {
                text.append("...");
            }
        }
        return text.append(']').toString();
    }

    /** Length only, for session passwords, auth credentials and SASL tokens. */
    static String redacted(byte[] value) {
        return value == null ? "null" : "[" + value.length + " bytes, redacted]";
    }
}
