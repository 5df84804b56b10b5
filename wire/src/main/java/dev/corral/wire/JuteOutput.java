package dev.corral.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Writes values in jute's binary encoding into a growable array.
 *
 * <p>Grammar (ZooKeeper 3.9: {@code org.apache.jute.BinaryOutputArchive}), all integers big-endian:
 * <pre>
 *   int     = 4 bytes
 *   long    = 8 bytes
 *   boolean = 1 byte (0 or 1)
 *   buffer  = int length, length bytes      ; length -1 means null
 *   ustring = int length, length UTF-8 bytes ; length -1 means null
 *   vector  = int count, count elements      ; count -1 means null
 *   record  = its fields in schema order, no tags
 * </pre>
 *
 * <p>Invariant: {@code 0 <= size <= bytes.length}. Not thread-safe; one owner writes a frame.
 */
public final class JuteOutput {
    private byte[] bytes;
    private int size;

    public JuteOutput() {
        this(64);
    }

    public JuteOutput(int initialCapacity) {
        this.bytes = new byte[Math.max(16, initialCapacity)];
    }

    public int size() {
        return size;
    }

    public void writeInt(int value) {
        ensure(4);
        bytes[size++] = (byte) (value >>> 24);
        bytes[size++] = (byte) (value >>> 16);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
    }

    public void writeLong(long value) {
        writeInt((int) (value >>> 32));
        writeInt((int) value);
    }

    public void writeBool(boolean value) {
        ensure(1);
        bytes[size++] = (byte) (value ? 1 : 0);
    }

    public void writeBuffer(byte[] value) {
        if (value == null) {
            writeInt(-1);
            return;
        }
        writeInt(value.length);
        writeRaw(value, 0, value.length);
    }

    public void writeString(String value) {
        writeBuffer(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public void writeRaw(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    /** Writes a jute vector; a null list is written as count -1, as jute writes a null vector. */
    public <T> void writeVector(List<T> values, BiConsumer<JuteOutput, T> element) {
        if (values == null) {
            writeInt(-1);
            return;
        }
        writeInt(values.size());
        for (T value : values) {
            element.accept(this, value);
        }
    }

    public void writeStrings(List<String> values) {
        writeVector(values, JuteOutput::writeString);
    }

    /** Overwrites the int at {@code position}, used to fill a length prefix written as a placeholder. */
    public void patchInt(int position, int value) {
        if (position < 0 || position + 4 > size) {
            throw new IndexOutOfBoundsException("patch at " + position + " outside written size " + size);
        }
        bytes[position] = (byte) (value >>> 24);
        bytes[position + 1] = (byte) (value >>> 16);
        bytes[position + 2] = (byte) (value >>> 8);
        bytes[position + 3] = (byte) value;
    }

    /** A copy of the written bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** The backing array; only the first {@link #size()} bytes are meaningful. */
    public byte[] array() {
        return bytes;
    }

    private void ensure(int more) {
        int needed = size + more;
        if (needed < 0) {
            throw new IllegalStateException("jute output larger than 2 GiB");
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
    }
}
