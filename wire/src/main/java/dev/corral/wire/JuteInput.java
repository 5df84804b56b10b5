package dev.corral.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads jute's binary encoding (see {@link JuteOutput} for the grammar) from a byte array slice.
 *
 * <p>Every length read from the input is checked against the bytes that remain, so a malformed or
 * hostile frame fails with {@link MalformedRecordException} instead of a huge allocation. This is the
 * check ZooKeeper makes in {@code BinaryInputArchive.checkLength} ("Unreasonable length").
 *
 * <p>Invariant: {@code offset <= position <= limit <= bytes.length}.
 */
public final class JuteInput {
    private final byte[] bytes;
    private final int limit;
    private int position;

    public JuteInput(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    public JuteInput(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IndexOutOfBoundsException("slice " + offset + "+" + length + " of " + bytes.length);
        }
        this.bytes = bytes;
        this.position = offset;
        this.limit = offset + length;
    }

    public int remaining() {
        return limit - position;
    }

    public int position() {
        return position;
    }

    public int readInt() {
        need(4, "int");
        int value = ((bytes[position] & 0xff) << 24)
                | ((bytes[position + 1] & 0xff) << 16)
                | ((bytes[position + 2] & 0xff) << 8)
                | (bytes[position + 3] & 0xff);
        position += 4;
        return value;
    }

    public long readLong() {
        long high = readInt() & 0xffffffffL;
        long low = readInt() & 0xffffffffL;
        return (high << 32) | low;
    }

    public boolean readBool() {
        need(1, "boolean");
        return bytes[position++] != 0;
    }

    public byte[] readBuffer() {
        int length = readInt();
        if (length == -1) {
            return null;
        }
        if (length < -1) {
            throw new MalformedRecordException("negative buffer length " + length + " at offset " + (position - 4));
        }
        need(length, "buffer");
        byte[] value = new byte[length];
        System.arraycopy(bytes, position, value, 0, length);
        position += length;
        return value;
    }

    public String readString() {
        int length = readInt();
        if (length == -1) {
            return null;
        }
        if (length < -1) {
            throw new MalformedRecordException("negative string length " + length + " at offset " + (position - 4));
        }
        need(length, "string");
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /**
     * Reads a jute vector. Count -1 is a null vector. Every element takes at least one byte, so a count
     * above the remaining bytes is malformed and rejected before anything is allocated.
     */
    public <T> List<T> readVector(Function<JuteInput, T> element) {
        int count = readInt();
        if (count == -1) {
            return null;
        }
        if (count < -1 || count > remaining()) {
            throw new MalformedRecordException("vector count " + count + " with " + remaining() + " bytes left");
        }
        List<T> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(element.apply(this));
        }
        return values;
    }

    /** Reads past {@code expected} and returns true if the next bytes are exactly it; else reads nothing. */
    public boolean skipIf(byte[] expected) {
        if (expected.length > limit - position
                || !java.util.Arrays.equals(bytes, position, position + expected.length, expected, 0, expected.length)) {
            return false;
        }
        position += expected.length;
        return true;
    }

    public List<String> readStrings() {
        return readVector(JuteInput::readString);
    }

    private void need(int count, String what) {
        if (count > limit - position) {
            throw new MalformedRecordException(
                    what + " of " + count + " bytes at offset " + position + " but only " + (limit - position) + " left");
        }
    }
}
