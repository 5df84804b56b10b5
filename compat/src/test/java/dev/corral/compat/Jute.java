package dev.corral.compat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A hand-written subset of ZooKeeper's jute binary encoding, so that raw-socket tests stay black-box
 * (no dependency on Corral's wire module, nor on ZooKeeper's generated records).
 *
 * <pre>
 * int     = 4 bytes big-endian          long = 8 bytes big-endian     boolean = 1 byte (0 or 1)
 * buffer  = int length, bytes           (length -1 = null)
 * ustring = int length, UTF-8 bytes     (length -1 = null)
 * vector  = int count, elements         (count -1 = null)
 * ACL     = int perms, ustring scheme, ustring id
 * Stat    = long czxid, long mzxid, long ctime, long mtime, int version, int cversion,
 *           int aversion, long ephemeralOwner, int dataLength, int numChildren, long pzxid
 * </pre>
 *
 * Source: zookeeper-jute/src/main/resources/zookeeper.jute and BinaryOutputArchive (ZooKeeper 3.9).
 */
final class Jute {

    private Jute() {
    }

    /** Builds a record body. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer writeInt(int value) {
            run(() -> out.writeInt(value));
            return this;
        }

        Writer writeLong(long value) {
            run(() -> out.writeLong(value));
            return this;
        }

        Writer writeBoolean(boolean value) {
            run(() -> out.writeBoolean(value));
            return this;
        }

        Writer writeBuffer(byte[] value) {
            run(() -> {
                if (value == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(value.length);
                    out.write(value);
                }
            });
            return this;
        }

        Writer writeString(String value) {
            return writeBuffer(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        Writer writeStrings(List<String> values) {
            writeInt(values.size());
            values.forEach(this::writeString);
            return this;
        }

        /** A one-entry ACL vector: world:anyone with every permission. */
        Writer writeOpenAcl() {
            return writeInt(1).writeInt(31).writeString("world").writeString("anyone");
        }

        Writer writeBytes(byte[] raw) {
            run(() -> out.write(raw));
            return this;
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        private static void run(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory cannot fail", e);
            }
        }

        private interface IoAction {
            void run() throws IOException;
        }
    }

    /** Reads a record body received from the server. */
    static final class Reader {
        private final DataInputStream in;

        Reader(byte[] body) {
            this.in = new DataInputStream(new ByteArrayInputStream(body));
        }

        int readInt() throws IOException {
            return in.readInt();
        }

        long readLong() throws IOException {
            return in.readLong();
        }

        boolean readBoolean() throws IOException {
            return in.readBoolean();
        }

        byte[] readBuffer() throws IOException {
            int length = in.readInt();
            if (length < 0) {
                return null;
            }
            byte[] value = new byte[length];
            in.readFully(value);
            return value;
        }

        String readString() throws IOException {
            byte[] value = readBuffer();
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }

        RawStat readStat() throws IOException {
            return new RawStat(readLong(), readLong(), readLong(), readLong(), readInt(), readInt(), readInt(),
                    readLong(), readInt(), readInt(), readLong());
        }

        int remaining() throws IOException {
            return in.available();
        }
    }

    /** The Stat record as it appears on the wire. */
    record RawStat(long czxid, long mzxid, long ctime, long mtime, int version, int cversion, int aversion,
                   long ephemeralOwner, int dataLength, int numChildren, long pzxid) {
    }
}
